// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: the soundness of xbpf's verifier.
 *
 *	What xbpf_verify() accepts, xbpf_interp_run() runs safely.
 *
 * Every input becomes a program, which is verified under a host program
 * type whose memory is real: the context is a 64-byte heap buffer, map
 * values are heap blocks of exactly value_size bytes, each frame's stack
 * is a 512-byte region of the interpreter's scratch that is poisoned for
 * AddressSanitizer while the frame is not live. If the verifier accepts,
 * the rewritten program runs four times (different context bytes, helper
 * results and map contents). Findings:
 *
 *  - any sanitizer report (ASan, UBSan, LeakSanitizer), in the verifier on
 *    any input or in the interpreter or helpers on an accepted program;
 *  - an accepted program that does not stop within STEP_BUDGET insns
 *    (Linux's verifier only accepts programs that terminate);
 *  - xbpf_host_bug(): the verifier's WARN_ONs, or the interpreter meeting a
 *    state a verified program cannot reach (call depth, bad opcode);
 *  - a helper called with something that is not one of the maps, an
 *    interpreter hook (tail call, LD_ABS, probe read) the program type
 *    never offers, a write to the BPF_F_RDONLY_PROG map;
 *  - the log: text copied outside the buffer or leaving a gap, a log not
 *    NUL-terminated, success with a full log; and a verdict that changes
 *    when the same program is loaded without a log.
 *
 * Input layout (see README.md for the rationale):
 *
 *	bytes 0-7	header: flags, small log size, seed, log fault count,
 *			raw-mode confirmation, flags2, 2 bytes unused
 *	bytes 8-	struct bpf_insn[], 8 bytes each (trailing bytes ignored)
 *
 * Unless the RAW flag is set the instructions are lightly shaped so that a
 * useful fraction verifies (shape_prog() below), and follow a fixed
 * prologue that sets up pointers of each kind (unless F2_NO_PROLOGUE);
 * everything the shaping leaves alone comes from the input as is.
 *
 * Set FUZZ_VERIFIER_VERBOSE=1 to print, for each input, the shaped
 * program, the verdict, the rewritten program and a trace of each run:
 * the way to read a crash reproducer.
 */
#include <sanitizer/asan_interface.h>

#include "host_env.h"

#define STEP_BUDGET	10000000UL
#define RUNS		4

/* ---------------------------------------------------------------------- */
/* Running: the step budget and the frames' poisoning.                    */

struct guarded_scratch {
	u8 pad_lo[1024];
	struct xbpf_interp_scratch s;
	u8 pad_hi[1024];
};

static struct guarded_scratch *gs;
static u64 steps;
static u32 depth;
static int pending_exit = -1;	/* frame left by the exit just executed */
static bool tracing;

#define POISON(p, n)	ASAN_POISON_MEMORY_REGION(p, n)
#define UNPOISON(p, n)	ASAN_UNPOISON_MEMORY_REGION(p, n)

/*
 * Only the frames live at this point are addressable: stack[0..depth] and
 * the return records caller[0..depth-1]. The pads stay poisoned.
 */
static void frames_reset(void)
{
	struct xbpf_interp_scratch *s = &gs->s;

	POISON(gs->pad_lo, sizeof(gs->pad_lo));
	POISON(gs->pad_hi, sizeof(gs->pad_hi));
	UNPOISON(s->stack[0], sizeof(s->stack[0]));
	POISON(s->stack[1], sizeof(s->stack) - sizeof(s->stack[0]));
	POISON(s->caller, sizeof(s->caller));
	depth = 0;
	pending_exit = -1;
}

bool xbpf_host_step(const struct bpf_insn *insn)
{
	struct xbpf_interp_scratch *s = &gs->s;

	if (++steps > STEP_BUDGET)
		return false;
	if (pending_exit >= 0) {
		POISON(s->stack[pending_exit], sizeof(s->stack[0]));
		POISON(&s->caller[pending_exit - 1], sizeof(s->caller[0]));
		pending_exit = -1;
	}
	if (tracing) {
		char buf[256];

		xbpf_disasm_insn(insn, NULL, true, buf, sizeof(buf));
		fprintf(stderr, "  [%u] %s", depth, buf);
	}
	if (insn->code == (BPF_JMP | BPF_CALL) &&
	    insn->src_reg == BPF_PSEUDO_CALL &&
	    depth + 1 < XBPF_MAX_CALL_FRAMES) {
		UNPOISON(&s->caller[depth], sizeof(s->caller[0]));
		UNPOISON(s->stack[depth + 1], sizeof(s->stack[0]));
		depth++;
	} else if (insn->code == (BPF_JMP | BPF_EXIT) && depth) {
		/* the exit still reads caller[depth - 1]: poison after it */
		pending_exit = depth--;
	}
	return true;
}

void xbpf_host_bug(const char *what, const struct bpf_insn *insn)
{
	if (insn)
		finding("xbpf_host_bug: %s (code %02x imm %d)", what,
			insn->code, insn->imm);
	finding("xbpf_host_bug: %s", what);
}

/* ---------------------------------------------------------------------- */
/* One input.                                                             */

static struct {
	const struct bpf_insn *prog;
	u32 prog_len;
	const struct bpf_insn *rewritten;
	u32 rewritten_len;
	u8 flags;
} cur;

static u64 stat_execs, stat_accepted, stat_runs, stat_max_steps;
static u64 stat_err[8];		/* 0, EINVAL, EACCES, E2BIG, ENOSPC, EFAULT, EPERM, other */

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

static void stat_err_count(int err)
{
	switch (err) {
	case 0: stat_err[0]++; break;
	case -EINVAL: stat_err[1]++; break;
	case -EACCES: stat_err[2]++; break;
	case -E2BIG: stat_err[3]++; break;
	case -ENOSPC: stat_err[4]++; break;
	case -EFAULT: stat_err[5]++; break;
	case -EPERM: stat_err[6]++; break;
	default: stat_err[7]++; break;
	}
}

static void print_stats(void)
{
	fprintf(stderr, "xbpf-fuzz: execs %llu accepted %llu (%.1f%%) runs %llu max_steps %llu | ok %llu EINVAL %llu EACCES %llu E2BIG %llu ENOSPC %llu EFAULT %llu EPERM %llu other %llu\n",
		(unsigned long long)stat_execs,
		(unsigned long long)stat_accepted,
		stat_execs ? 100.0 * stat_accepted / stat_execs : 0.0,
		(unsigned long long)stat_runs,
		(unsigned long long)stat_max_steps,
		(unsigned long long)stat_err[0], (unsigned long long)stat_err[1],
		(unsigned long long)stat_err[2], (unsigned long long)stat_err[3],
		(unsigned long long)stat_err[4], (unsigned long long)stat_err[5],
		(unsigned long long)stat_err[6], (unsigned long long)stat_err[7]);
}
static void run(const struct xbpf_verify_result *res, const u8 *ctx_init)
{
	const struct xbpf_interp_prog prog = {
		.insns = res->insns,
		.helpers = helpers,
		.ops = &interp_ops,
	};
	u8 *ctx = xmalloc(CTX_SIZE);
	int r;

	for (r = 0; r < RUNS; r++) {
		u64 ret;

		switch (r) {
		case 0:
			memset(ctx, 0, CTX_SIZE);
			break;
		case 1:
			memset(ctx, 0xff, CTX_SIZE);
			break;
		case 2:
			memcpy(ctx, ctx_init, CTX_SIZE);
			break;
		default:
			fill(ctx, CTX_SIZE);
			break;
		}
		steps = 0;
		frames_reset();
		tracing = verbose_mode;
		if (tracing)
			fprintf(stderr, "run %d:\n", r);
		ret = xbpf_interp_run(&prog, ctx, &gs->s);
		UNPOISON(&gs->s, sizeof(gs->s));
		stat_runs++;
		if (steps > stat_max_steps)
			stat_max_steps = steps;
		if (steps > STEP_BUDGET)
			finding("accepted program ran past %lu insns", STEP_BUDGET);
		if (verbose_mode)
			fprintf(stderr, "run %d: r0 = 0x%llx after %llu insns\n",
				r, (unsigned long long)ret,
				(unsigned long long)steps);
		maps_check();
	}
	free(ctx);
}


static void init_once(void)
{
	host_env_init();
	gs = xmalloc(sizeof(*gs));
	verbose_mode = getenv("FUZZ_VERIFIER_VERBOSE") != NULL;
	atexit(print_stats);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	init_once();
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

	/* from the verifier (direct value addresses) to the last run */
	maps_init();
	err = verify(insns, n, hdr[0], hdr, true, true, &res);
	stat_execs++;
	stat_err_count(err);

	/*
	 * The log must not change the verdict. Checked where the verifier
	 * was quick: a walk up to the 1M-insn limit takes seconds.
	 */
	if ((hdr[0] & (F_LOG2 | F_LOG_SMALL)) && err != -ENOSPC &&
	    err != -EFAULT && res.verified_insns < 100000) {
		struct xbpf_verify_result res2;
		int err2 = verify(insns, n, hdr[0] & ~(F_LOG2 | F_LOG_SMALL),
				  hdr, true, true, &res2);

		if (err2 != err)
			finding("verdict %d with a log, %d without", err, err2);
		if (!err2)
			xbpf_core_free(res2.insns);
	}
	if (verbose_mode)
		fprintf(stderr, "verdict %d\n", err);

	if (!err) {
		stat_accepted++;
		cur.rewritten = res.insns;
		cur.rewritten_len = res.insn_cnt;
		if (verbose_mode)
			dump_prog("rewritten", res.insns, res.insn_cnt);
		if (res.stack_depth > XBPF_STACK_SIZE)
			finding("stack depth %u", res.stack_depth);
		if (res.max_ctx_offset > CTX_SIZE)
			finding("max_ctx_offset %u", res.max_ctx_offset);
		run(&res, ctx_init);
		xbpf_core_free(res.insns);
	}
	maps_free();
	free(insns);
	memset(&cur, 0, sizeof(cur));
	if (!(stat_execs & (stat_execs - 1)) && stat_execs >= 1024)
		print_stats();
	return 0;
}

/* Larger redzones: an access far past a buffer still lands in one. */
const char *__asan_default_options(void)
{
	return "redzone=256:detect_leaks=1";
}

