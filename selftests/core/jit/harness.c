// SPDX-License-Identifier: GPL-2.0
/*
 * The driver of the JIT's host tests: results, the host half of env.h,
 * images mapped twice like the module maps them, and the differential
 * runner.
 */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "jit_test.h"

static unsigned int nr_tests, nr_passed, nr_failed, nr_skipped;

static void vresult(const char *status, const char *directive,
		    const char *fmt, va_list ap)
{
	printf("%s %u - ", status, ++nr_tests);
	vprintf(fmt, ap);
	printf("%s\n", directive);
	fflush(stdout);
}

void test_result(bool ok, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vresult(ok ? "ok" : "not ok", "", fmt, ap);
	va_end(ap);
	if (ok)
		nr_passed++;
	else
		nr_failed++;
}

void test_skip(const char *why, const char *fmt, ...)
{
	char directive[256];
	va_list ap;

	snprintf(directive, sizeof(directive), " # SKIP %s", why);
	va_start(ap, fmt);
	vresult("ok", directive, fmt, ap);
	va_end(ap);
	nr_skipped++;
}

void test_diag(const char *fmt, ...)
{
	va_list ap;

	printf("# ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
}

const char *opcode_label(u8 code)
{
	static const char *const labels[256] = {
#define XBPF_INSN(code, label, form, scope) [code] = #label,
#include "insn.def"
	};

	return labels[code];
}

/* The host half of env.h. */

#define STEP_BUDGET	1000000

const char *host_bug;
bool host_budget_hit;
bool jit_hit_code[256];
bool jit_hit_atomic[2][256];
static bool run_hit_code[256];
static bool run_hit_atomic[2][256];
static unsigned long steps;

bool xbpf_host_step(const struct bpf_insn *insn)
{
	run_hit_code[insn->code] = true;
	if (BPF_CLASS(insn->code) == BPF_STX &&
	    BPF_MODE(insn->code) == BPF_ATOMIC)
		run_hit_atomic[BPF_SIZE(insn->code) == BPF_DW][(u8)insn->imm] =
			true;
	if (++steps > STEP_BUDGET) {
		host_budget_hit = true;
		return false;
	}
	return true;
}

void xbpf_host_bug(const char *what, const struct bpf_insn *insn)
{
	host_bug = what;
}

#define MAX_EXTENT	8192

u32 prog_extent(const struct bpf_insn *insns)
{
	static bool seen[MAX_EXTENT];
	static u32 todo[MAX_EXTENT * 2];
	const struct bpf_insn *insn;
	u32 n = 0, end = 0, i;

	memset(seen, 0, sizeof(seen));
	todo[n++] = 0;
	while (n) {
		i = todo[--n];
		if (i >= MAX_EXTENT || seen[i])
			continue;
		seen[i] = true;
		insn = &insns[i];
		end = max(end, i + 1);
		if (insn->code == (BPF_LD | BPF_IMM | BPF_DW)) {
			end = max(end, i + 2);
			todo[n++] = i + 2;
			/* a callback's code */
			if (insn->src_reg == BPF_PSEUDO_FUNC)
				todo[n++] = i + 1 + insn->imm;
			continue;
		}
		if (BPF_CLASS(insn->code) != BPF_JMP &&
		    BPF_CLASS(insn->code) != BPF_JMP32) {
			todo[n++] = i + 1;
			continue;
		}
		switch (BPF_OP(insn->code)) {
		case BPF_EXIT:
			break;
		case BPF_CALL:
			if (insn->src_reg == BPF_PSEUDO_CALL)
				todo[n++] = i + 1 + insn->imm;
			todo[n++] = i + 1;
			break;
		case BPF_JA:
			todo[n++] = i + 1 + (BPF_CLASS(insn->code) == BPF_JMP32 ?
					     insn->imm : insn->off);
			break;
		default:
			todo[n++] = i + 1 + insn->off;
			todo[n++] = i + 1;
			break;
		}
	}
	return end;
}

/*
 * Tail call targets, JITed on first use in the flavour of the running
 * image. The wrapped hooks get the original program as cookie.
 */
#define MAX_TARGETS	8

static const struct xbpf_jit_opts *cur_opts;
static struct image targets[MAX_TARGETS];
static const struct xbpf_interp_prog *target_of[MAX_TARGETS];
static unsigned int nr_targets;
static bool target_failed;
static const struct xbpf_interp_ops wrap_ops;

static const struct xbpf_jit_prog *jit_target(const struct xbpf_interp_prog *t)
{
	static const struct xbpf_jit_prog no_image;
	struct xbpf_interp_prog wrapped = {
		.insns = t->insns,
		.helpers = t->helpers,
		.ops = &wrap_ops,
		.cookie = (void *)t,
	};
	unsigned int i;

	for (i = 0; i < nr_targets; i++)
		if (target_of[i] == t)
			return &targets[i].jp;
	if (nr_targets == MAX_TARGETS ||
	    image_jit(&targets[nr_targets], &wrapped, prog_extent(t->insns),
		      XBPF_STACK_SIZE, cur_opts) < 0) {
		target_failed = true;
		return &no_image;
	}
	target_of[nr_targets] = t;
	return &targets[nr_targets++].jp;
}

static void free_targets(void)
{
	while (nr_targets)
		image_free(&targets[--nr_targets]);
}

/*
 * Hooks may change any caller-saved register, and the code must cope: make
 * them change all of them.
 */
static void clobber_caller_saved(void)
{
	asm volatile("mov $0xbad0, %%eax\n\t"
		     "mov %%rax, %%rcx\n\t"
		     "mov %%rax, %%rdx\n\t"
		     "mov %%rax, %%rsi\n\t"
		     "mov %%rax, %%rdi\n\t"
		     "mov %%rax, %%r8\n\t"
		     "mov %%rax, %%r9\n\t"
		     "mov %%rax, %%r10\n\t"
		     "mov %%rax, %%r11"
		     ::: "rax", "rcx", "rdx", "rsi", "rdi", "r8", "r9", "r10",
		     "r11", "memory");
}

static int wrap_tail_call(void *cookie, u64 map, u32 index,
			  const struct xbpf_interp_prog **target)
{
	const struct xbpf_interp_prog *orig = cookie, *t;
	int err;

	clobber_caller_saved();
	err = orig->ops->tail_call(orig->cookie, map, index, &t);
	if (err)
		return err;
	*target = t ? &jit_target(t)->interp : NULL;
	return 0;
}

static int wrap_ld_abs(void *cookie, u64 ctx, s32 off, void *to, u32 size)
{
	const struct xbpf_interp_prog *orig = cookie;

	clobber_caller_saved();
	return orig->ops->ld_abs(orig->cookie, ctx, off, to, size);
}

static int wrap_probe_read(void *cookie, void *to, u64 from, u32 size)
{
	const struct xbpf_interp_prog *orig = cookie;

	clobber_caller_saved();
	return orig->ops->probe_read(orig->cookie, to, from, size);
}

static const struct xbpf_interp_ops wrap_ops = {
	.tail_call = wrap_tail_call,
	.ld_abs = wrap_ld_abs,
	.probe_read = wrap_probe_read,
};

struct xbpf_interp_scratch host_scratch;
bool host_interp_running;

u64 run_interp(const struct xbpf_interp_prog *prog, void *ctx)
{
	u64 ret;

	host_bug = NULL;
	host_budget_hit = false;
	steps = 0;
	memset(run_hit_code, 0, sizeof(run_hit_code));
	memset(run_hit_atomic, 0, sizeof(run_hit_atomic));
	host_interp_running = true;
	ret = xbpf_interp_run(prog, ctx, &host_scratch);
	host_interp_running = false;
	return ret;
}

static void diff_mem(const u8 *got, const u8 *want, size_t size,
		     const char *flavour)
{
	size_t i;

	for (i = 0; i < size; i++) {
		if (got[i] != want[i]) {
			test_diag("%s: memory byte %zu is %#x, interpreter %#x",
				  flavour, i, got[i], want[i]);
			return;
		}
	}
}

struct diff_result diff_run(const struct xbpf_interp_prog *prog, u32 len,
			    void *ctx, void *mem, size_t mem_size)
{
	struct xbpf_interp_prog wrapped = {
		.insns = prog->insns,
		.helpers = prog->helpers,
		.ops = prog->ops ? &wrap_ops : NULL,
		.cookie = (void *)prog,
	};
	struct diff_result res = { .ok = true };
	u8 *before = malloc(mem_size + 1), *want = malloc(mem_size + 1);
	struct image im;
	unsigned int f;
	u64 ret;
	int err;

	memcpy(before, mem, mem_size);
	res.ret = run_interp(prog, ctx);
	memcpy(want, mem, mem_size);
	if (host_bug || host_budget_hit)
		goto out;
	if (!len)
		len = prog_extent(prog->insns);

	res.jit_ran = true;
	for (f = 0; f < NR_FLAVOURS; f++) {
		const char *name = flavour_name(&flavours[f]);

		memcpy(mem, before, mem_size);
		cur_opts = &flavours[f];
		target_failed = false;
		err = image_jit(&im, &wrapped, len, XBPF_STACK_SIZE, cur_opts);
		if (err < 0) {
			test_diag("%s: the JIT refused the program: %d", name,
				  err);
			res.ok = false;
			continue;
		}
		ret = image_run(&im, ctx);
		if (ret != res.ret) {
			test_diag("%s: returned %#llx, interpreter %#llx", name,
				  (unsigned long long)ret,
				  (unsigned long long)res.ret);
			res.ok = false;
		}
		if (memcmp(mem, want, mem_size)) {
			diff_mem(mem, want, mem_size, name);
			res.ok = false;
		}
		if (target_failed || host_bug) {
			test_diag("%s: %s", name, host_bug ? host_bug :
				  "a tail call target failed to JIT");
			res.ok = false;
		}
		image_free(&im);
		free_targets();
	}
	if (res.ok) {
		for (f = 0; f < 256; f++) {
			jit_hit_code[f] |= run_hit_code[f];
			jit_hit_atomic[0][f] |= run_hit_atomic[0][f];
			jit_hit_atomic[1][f] |= run_hit_atomic[1][f];
		}
	}
out:
	free(before);
	free(want);
	return res;
}

int main(void)
{
	printf("KTAP version 1\n");
	test_interp_cases();
	test_jit();
	printf("1..%u\n", nr_tests);
	/* the last line as scripts/check expects it */
	if (nr_skipped)
		printf("# %u skipped\n", nr_skipped);
	printf("%u passed, %u failed\n", nr_passed, nr_failed);
	return nr_failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
