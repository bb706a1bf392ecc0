/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The host environment the core's fuzzers verify and run programs in
 * (fuzz_verifier, fuzz_jit): the input format and its shaping into a
 * program, the prologue, a program type with a 64-byte context, four maps
 * backed by heap memory, five helpers with Linux 6.1's prototypes and real
 * effects, and the verifier's host callbacks with the log checks. See
 * selftests/core/fuzz_verifier/README.md for the input format.
 *
 * Each fuzzer defines finding(), which reports a finding and aborts, and
 * the interpreter's hooks xbpf_host_step() and xbpf_host_bug().
 */
#ifndef XBPF_FUZZ_HOST_ENV_H
#define XBPF_FUZZ_HOST_ENV_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "disasm.h"
#include "insn.h"
#include "interp.h"
#include "verifier.h"

#define HDR_SIZE	8
#define MAX_INSNS	4096
#define CTX_SIZE	64
#define BIG_LOG		(64 * 1024)

/* header byte 0 */
#define F_LOG2		0x01	/* log_level 2 into a 64 KiB buffer */
#define F_LOG_SMALL	0x02	/* log_level 1|2 into 128 + 64 * hdr[1] bytes */
#define F_UNPRIV	0x04	/* loader without CAP_BPF / CAP_PERFMON */
#define F_NARROW	0x08	/* ctx bytes 0-31 are 8-byte fields */
#define F_STRICT	0x10	/* BPF_F_STRICT_ALIGNMENT */
#define F_STATE_FREQ	0x20	/* BPF_F_TEST_STATE_FREQ */
#define F_LOG_FAULT	0x40	/* copying to the log fails after hdr[3] copies */
#define F_RAW		0x80	/* no shaping (if hdr[4] & 3 == 0 too) */
/* header byte 5 */
#define F2_NO_PROLOGUE	0x01	/* no prologue before the input's insns */

#define MAP_FD0		100
#define NR_MAPS		4
#define MAX_SLOTS	4

void finding(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));

extern bool verbose_mode;

void *xmalloc(size_t size);

/* The input's randomness: context patterns, map contents, helper results. */
extern u64 rnd_state;
extern u64 ktime;
void fill(void *p, size_t size);

/* The maps, fds MAP_FD0..MAP_FD0 + NR_MAPS - 1. */
struct host_map {
	struct xbpf_vmap v;		/* v.handle == this */
	void *values[MAX_SLOTS];	/* ARRAY: all; HASH: used slots */
	u8 keys[MAX_SLOTS][8];		/* HASH */
	bool used[MAX_SLOTS];		/* HASH */
	u8 snapshot[16];		/* RDONLY_PROG: its value at load */
};

extern struct host_map maps[NR_MAPS];

void maps_init(void);
/* A finding if the BPF_F_RDONLY_PROG map changed. */
void maps_check(void);
void maps_free(void);

/*
 * What the program can see of the maps, as bytes: per map and slot,
 * whether used, the key and the value. maps_load() puts the maps back in
 * a saved state; array values keep their addresses (programs hold them).
 */
#define MAPS_IMAGE_SIZE	(NR_MAPS * MAX_SLOTS * (1 + 8 + 16))
void maps_save(u8 *image);
void maps_load(const u8 *image);

/*
 * Helper calls, in order, while helper_trace.on: the helper, a digest of
 * what it read (map, key and value bytes, flags) and what it returned (a
 * lookup: the slot found, not its address).
 */
#define MAX_TRACE	256

struct helper_call {
	u32 func_id;
	u64 args;
	u64 ret;
};

struct helper_trace {
	bool on;
	u32 len;		/* calls made; only MAX_TRACE are kept */
	struct helper_call calls[MAX_TRACE];
};

extern struct helper_trace helper_trace;

/* What the interpreter (and the JIT) call, by helper id. */
extern xbpf_helper_fn helpers[XBPF_HELPER_SLOTS];
/* The program type offers no tail call, LD_ABS or probe read: findings. */
extern const struct xbpf_interp_ops interp_ops;

/* The fixed start of every shaped program (see the README). */
#define PROLOGUE_LEN	15

void host_env_init(void);

/*
 * An input as a program: *insns (free() it) gets the shaped instructions,
 * hdr the header; the randomness is seeded from the whole input and
 * ctx_init filled. Returns the insn count, 0 if the input is too short.
 */
u32 build_prog(const u8 *data, size_t size, u8 hdr[HDR_SIZE],
	       struct bpf_insn **insns, u8 ctx_init[CTX_SIZE]);

void dump_prog(const char *what, const struct bpf_insn *insns, u32 n);

/*
 * Verify insns under the header's flags, the loader having CAP_BPF and
 * CAP_PERFMON as given (F_UNPRIV clears both), checking the log on the
 * way. 0 or the negative errno of xbpf_verify().
 */
int verify(const struct bpf_insn *insns, u32 n, u8 flags, const u8 *hdr,
	   bool bpf_capable, bool perfmon_capable,
	   struct xbpf_verify_result *res);

#endif /* XBPF_FUZZ_HOST_ENV_H */
