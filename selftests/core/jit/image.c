// SPDX-License-Identifier: GPL-2.0
/*
 * JIT images on the host, mapped the way the module maps them: written
 * through one mapping, run through another. Shared by the JIT's host tests
 * (test_jit) and the differential fuzzer (fuzz_jit).
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "image.h"

/* Plain and retpoline calls, each with and without blinding. */
const struct xbpf_jit_opts flavours[NR_FLAVOURS] = {
	{ 0 },
	{ XBPF_JIT_RETPOLINE },
	{ XBPF_JIT_BLIND, 0x12345678 },
	{ XBPF_JIT_RETPOLINE | XBPF_JIT_BLIND, 0xdeadbeef },
};

const char *flavour_name(const struct xbpf_jit_opts *opts)
{
	static const char *const names[] = {
		"plain", "retpoline", "blinded", "retpoline+blinded",
	};

	return names[opts->flags & 3];
}

/*
 * Images live in slots of one memfd mapped twice, writable and executable,
 * reused: mapping for every image would be most of the tests' time.
 * Bigger images get mappings of their own.
 */
#define SLOT_SIZE	(64 << 10)
#define NR_SLOTS	16

static u8 *pool_rw, *pool_rx;
static bool slot_used[NR_SLOTS];

static void map_twice(size_t size, u8 **rw, u8 **rx)
{
	int fd = memfd_create("xbpf-jit", MFD_CLOEXEC);

	if (fd < 0 || ftruncate(fd, size))
		abort();
	*rw = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	*rx = mmap(NULL, size, PROT_READ | PROT_EXEC, MAP_SHARED, fd, 0);
	close(fd);
	if (*rw == MAP_FAILED || *rx == MAP_FAILED)
		abort();
}

static void image_map(struct image *im, size_t size)
{
	unsigned int i;

	if (!pool_rw)
		map_twice((size_t)SLOT_SIZE * NR_SLOTS, &pool_rw, &pool_rx);
	for (i = 0; size <= SLOT_SIZE && i < NR_SLOTS; i++) {
		if (!slot_used[i]) {
			slot_used[i] = true;
			im->rw = pool_rw + (size_t)i * SLOT_SIZE;
			im->rx = pool_rx + (size_t)i * SLOT_SIZE;
			im->size = SLOT_SIZE;
			return;
		}
	}
	im->size = round_up(size, 4096);
	map_twice(im->size, &im->rw, &im->rx);
}

int image_jit(struct image *im, const struct xbpf_interp_prog *prog, u32 len,
	      u32 stack_depth, const struct xbpf_jit_opts *opts)
{
	struct xbpf_jit_layout again;
	int n, m;

	memset(im, 0, sizeof(*im));
	n = xbpf_jit_emit(prog, len, stack_depth, opts, NULL, 0, &im->layout);
	if (n < 0)
		return n;
	/* at least a byte of int3 after the code, to check it */
	image_map(im, (size_t)n + 1);
	m = xbpf_jit_emit(prog, len, stack_depth, opts, im->rw, im->size,
			  &again);
	if (m != n || memcmp(&again, &im->layout, sizeof(again)) ||
	    im->rw[n] != 0xcc || im->rw[im->size - 1] != 0xcc) {
		fprintf(stderr, "# sizing said %d bytes, emission %d\n", n, m);
		image_free(im);
		return m < 0 ? m : -EFAULT;
	}
	im->jp.interp = *prog;
	im->jp.tail_entry = (unsigned long)im->rx + im->layout.tail_entry;
	return n;
}

void image_free(struct image *im)
{
	uintptr_t off = (uintptr_t)im->rw - (uintptr_t)pool_rw;

	if (!im->rw)
		return;
	if (off < (uintptr_t)SLOT_SIZE * NR_SLOTS) {
		slot_used[off / SLOT_SIZE] = false;
	} else {
		munmap(im->rw, im->size);
		munmap(im->rx, im->size);
	}
	memset(im, 0, sizeof(*im));
}

u64 image_run(const struct image *im, const void *ctx)
{
	return ((xbpf_jit_func)(unsigned long)im->rx)(ctx);
}
