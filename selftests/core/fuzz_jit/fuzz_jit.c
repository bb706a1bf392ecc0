// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: the x86-64 JIT against the interpreter, on programs
 * the verifier accepts.
 *
 * An input becomes a program exactly as for fuzz_verifier (the same
 * header, shaping, prologue, maps and helpers: ../fuzz_host/host_env.c),
 * verified with CAP_BPF but without CAP_PERFMON, so that no pointer can
 * reach the return value, the context or a map, and no uninitialised
 * stack can be read: everything a run leaves behind is then defined and
 * must not depend on where its stack is. (F_UNPRIV in the header drops
 * CAP_BPF too.) The rewritten program runs in the interpreter, then as
 * a JIT image in every flavour (plain, retpoline, blinded, both), on two
 * contexts, given the program's functions as the module gives them; each
 * run starts from the same context bytes, map contents and helper
 * randomness. Findings:
 *
 *  - a JIT run that returns another R0, leaves other context bytes or map
 *    contents, or makes another sequence of helper calls (helper, what it
 *    read, what it returned);
 *  - the JIT refusing a verified program, or its image size changing
 *    between sizing and emission;
 *  - a crash or hang of the image (libFuzzer's deadly signal, -timeout),
 *    and any sanitizer report in the verifier, interpreter or helpers;
 *  - xbpf_host_bug(), and an accepted program the interpreter cannot
 *    finish within STEP_BUDGET insns.
 *
 * FUZZ_JIT_VERBOSE=1 prints each program, its rewritten form and what the
 * runs returned.
 */
#include "host_env.h"
#include "image.h"

#define STEP_BUDGET	1000000UL
#define RUNS		2

static u64 steps;

bool xbpf_host_step(const struct bpf_insn *insn)
{
	return ++steps <= STEP_BUDGET;
}

void xbpf_host_bug(const char *what, const struct bpf_insn *insn)
{
	if (insn)
		finding("xbpf_host_bug: %s (code %02x imm %d)", what,
			insn->code, insn->imm);
	finding("xbpf_host_bug: %s", what);
}

static struct {
	const struct bpf_insn *prog;
	u32 prog_len;
	const struct bpf_insn *rewritten;
	u32 rewritten_len;
	u8 flags;
} cur;

static u64 stat_execs, stat_accepted, stat_compared, stat_jit_runs;

void finding(const char *fmt, ...)
{
	va_list args;

	fprintf(stderr, "\n==FINDING== ");
	va_start(args, fmt);
	vfprintf(stderr, fmt, args);
	va_end(args);
	fprintf(stderr, "\nflags 0x%02x\n", cur.flags);
	dump_prog("program", cur.prog, cur.prog_len);
	dump_prog("rewritten", cur.rewritten, cur.rewritten_len);
	abort();
}

static void print_stats(void)
{
	fprintf(stderr, "xbpf-fuzz-jit: execs %llu accepted %llu compared %llu jit_runs %llu\n",
		(unsigned long long)stat_execs,
		(unsigned long long)stat_accepted,
		(unsigned long long)stat_compared,
		(unsigned long long)stat_jit_runs);
}

/* What one run left behind. */
struct outcome {
	u64 ret;
	u8 ctx[CTX_SIZE];
	u8 maps[MAPS_IMAGE_SIZE];
	struct helper_trace trace;
};

/* The state every run starts from. */
static struct {
	u8 maps[MAPS_IMAGE_SIZE];
	u64 rnd_state;
	u64 ktime;
} start;

static void run_begin(u8 *ctx, const u8 *ctx_pattern)
{
	maps_load(start.maps);
	rnd_state = start.rnd_state;
	ktime = start.ktime;
	memcpy(ctx, ctx_pattern, CTX_SIZE);
	memset(&helper_trace, 0, sizeof(helper_trace));
	helper_trace.on = true;
}

static void run_end(struct outcome *o, u64 ret, const u8 *ctx)
{
	helper_trace.on = false;
	o->ret = ret;
	memcpy(o->ctx, ctx, CTX_SIZE);
	maps_save(o->maps);
	o->trace = helper_trace;
	maps_check();
}

static void compare(const struct outcome *want, const struct outcome *got,
		    const char *flavour, int r)
{
	u32 i, n;

	if (got->ret != want->ret)
		finding("%s, run %d: returned %#llx, interpreter %#llx",
			flavour, r, (unsigned long long)got->ret,
			(unsigned long long)want->ret);
	for (i = 0; i < CTX_SIZE; i++)
		if (got->ctx[i] != want->ctx[i])
			finding("%s, run %d: context byte %u is %#x, interpreter %#x",
				flavour, r, i, got->ctx[i], want->ctx[i]);
	for (i = 0; i < MAPS_IMAGE_SIZE; i++)
		if (got->maps[i] != want->maps[i])
			finding("%s, run %d: map image byte %u is %#x, interpreter %#x",
				flavour, r, i, got->maps[i], want->maps[i]);
	if (got->trace.len != want->trace.len)
		finding("%s, run %d: %u helper calls, interpreter %u", flavour,
			r, got->trace.len, want->trace.len);
	n = want->trace.len < MAX_TRACE ? want->trace.len : MAX_TRACE;
	for (i = 0; i < n; i++) {
		const struct helper_call *g = &got->trace.calls[i];
		const struct helper_call *w = &want->trace.calls[i];

		if (g->func_id != w->func_id || g->args != w->args ||
		    g->ret != w->ret)
			finding("%s, run %d: helper call %u is #%u (args %#llx) returning %#llx, interpreter #%u (args %#llx) returning %#llx",
				flavour, r, i, g->func_id,
				(unsigned long long)g->args,
				(unsigned long long)g->ret, w->func_id,
				(unsigned long long)w->args,
				(unsigned long long)w->ret);
	}
}

static void differential(const struct xbpf_verify_result *res,
			 const u8 *ctx_init)
{
	static struct xbpf_interp_scratch scratch;
	static struct outcome want[RUNS], got;
	const struct xbpf_interp_prog prog = {
		.insns = res->insns,
		.helpers = helpers,
		.ops = &interp_ops,
	};
	u8 patterns[RUNS][CTX_SIZE];
	u8 *ctx = xmalloc(CTX_SIZE);
	struct image im;
	unsigned int f;
	int r, err;
	u64 ret;

	memcpy(patterns[0], ctx_init, CTX_SIZE);
	memset(patterns[1], 0xff, CTX_SIZE);
	maps_save(start.maps);
	start.rnd_state = rnd_state;
	start.ktime = ktime;

	for (r = 0; r < RUNS; r++) {
		run_begin(ctx, patterns[r]);
		steps = 0;
		ret = xbpf_interp_run(&prog, ctx, &scratch);
		if (steps > STEP_BUDGET)
			finding("accepted program ran past %lu insns",
				STEP_BUDGET);
		run_end(&want[r], ret, ctx);
		if (verbose_mode)
			fprintf(stderr, "interpreter, run %d: r0 = %#llx, %u helper calls\n",
				r, (unsigned long long)ret, want[r].trace.len);
	}

	for (f = 0; f < NR_FLAVOURS; f++) {
		const char *name = flavour_name(&flavours[f]);
		/* the functions, as the module gives them */
		struct xbpf_jit_opts opts = flavours[f];

		opts.func_insn = res->func_start;
		opts.func_depth = res->func_stack_depth;
		opts.nr_funcs = res->func_cnt;
		err = image_jit(&im, &prog, res->insn_cnt, XBPF_STACK_SIZE,
				&opts);
		if (err < 0)
			finding("%s: the JIT refused the program: %d", name,
				err);
		for (r = 0; r < RUNS; r++) {
			run_begin(ctx, patterns[r]);
			ret = image_run(&im, ctx);
			run_end(&got, ret, ctx);
			stat_jit_runs++;
			if (verbose_mode)
				fprintf(stderr, "%s, run %d: r0 = %#llx\n", name,
					r, (unsigned long long)ret);
			compare(&want[r], &got, name, r);
		}
		image_free(&im);
	}
	stat_compared++;
	free(ctx);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	host_env_init();
	verbose_mode = getenv("FUZZ_JIT_VERBOSE") != NULL;
	atexit(print_stats);
	return 0;
}

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	struct xbpf_verify_result res;
	struct bpf_insn *insns;
	u8 hdr[HDR_SIZE], ctx_init[CTX_SIZE];
	u32 n;
	int err;

	n = build_prog(data, size, hdr, &insns, ctx_init);
	if (!n)
		return -1;

	memset(&cur, 0, sizeof(cur));
	cur.prog = insns;
	cur.prog_len = n;
	cur.flags = hdr[0];
	if (verbose_mode)
		dump_prog("program", insns, n);

	maps_init();
	/* fuzz_verifier checks the log; here it would only cost time */
	err = verify(insns, n, hdr[0] & ~(F_LOG2 | F_LOG_SMALL | F_LOG_FAULT),
		     hdr, true, false, &res);
	stat_execs++;
	if (verbose_mode)
		fprintf(stderr, "verdict %d\n", err);
	if (!err) {
		stat_accepted++;
		cur.rewritten = res.insns;
		cur.rewritten_len = res.insn_cnt;
		if (verbose_mode)
			dump_prog("rewritten", res.insns, res.insn_cnt);
		differential(&res, ctx_init);
		xbpf_core_free(res.insns);
	}
	maps_free();
	free(insns);
	memset(&cur, 0, sizeof(cur));
	if (!(stat_execs & (stat_execs - 1)) && stat_execs >= 1024)
		print_stats();
	return 0;
}

const char *__asan_default_options(void)
{
	return "redzone=256:detect_leaks=1";
}
