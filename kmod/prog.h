/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Programs: the loaded object, the program types, and running one.
 */
#ifndef XBPF_PROG_H
#define XBPF_PROG_H

#include <uapi/linux/bpf.h>
#include <linux/cred.h>
#include <linux/percpu.h>
#include <linux/preempt.h>
#include <linux/rcupdate.h>
#include <linux/sched/clock.h>
#include <linux/types.h>
#include <linux/u64_stats_sync.h>
#include <linux/workqueue.h>

#include "core/interp.h"
#include "core/jit.h"
#include "core/verifier/verifier.h"

struct xbpf_map;
struct xbpf_prog;

/*
 * A program type: what the verifier needs (its context, its helpers) and
 * what the module needs (the helper functions, test runs). One file in
 * kmod/progs/ per type, one line in progs/prog_types.h.
 */
struct xbpf_prog_type {
	struct xbpf_prog_type_ops vops;
	/* BPF_PROG_TEST_RUN; NULL: the type has none (-ENOTSUPP) */
	int (*test_run)(struct xbpf_prog *prog, const union bpf_attr *attr,
			union bpf_attr __user *uattr);
	/* interpreter hooks (LD_ABS, tail calls) */
	const struct xbpf_interp_ops *interp_ops;
	/* filled at init from vops.get_func_proto: the call table by id */
	xbpf_helper_fn helpers[XBPF_HELPER_SLOTS];
};

/* The program type for prog_type, or NULL if xbpf has none. */
const struct xbpf_prog_type *xbpf_prog_type_get(u32 prog_type);
int xbpf_progs_init(void);
/* Seed the helpers' per-CPU state (helpers/base.c). */
void xbpf_helpers_init(void);

/* Helpers of no particular family (helpers/base.c), or NULL. */
const struct xbpf_func_proto *xbpf_base_func_proto(u32 func_id);
/*
 * The probe_read family (helpers/probe.c); compat adds the old
 * bpf_probe_read[_str], which only tracing programs have.
 */
const struct xbpf_func_proto *xbpf_probe_func_proto(u32 func_id, bool compat);
/*
 * A NUL-terminated string from user or kernel memory, never faulting:
 * the length copied with its NUL, size if truncated, or -EFAULT.
 */
long xbpf_probe_read_str(bool user, void *dst, u32 size, const void *src);

/* Task helpers (helpers/task.c); init/uninit with the module. */
const struct xbpf_func_proto *xbpf_task_func_proto(u32 func_id);
int xbpf_task_helpers_init(void);
void xbpf_task_helpers_uninit(void);
/* The per-CPU buffers of printk and stack helpers. */
int xbpf_printk_init(void);
void xbpf_printk_uninit(void);
int xbpf_stackmap_init(void);
void xbpf_stackmap_uninit(void);
/*
 * bpf_trace_printk(), bpf_trace_vprintk() and bpf_snprintf()
 * (helpers/printk.c); bpf_snprintf()'s load-time format check.
 */
const struct xbpf_func_proto *xbpf_printk_func_proto(u32 func_id);
int xbpf_bprintf_check(const char *fmt, u32 num_args);
/* bpf_get_stackid() and bpf_get_stack() (maps/stackmap.c). */
const struct xbpf_func_proto *xbpf_stack_func_proto(u32 func_id);
/* bpf_loop() and bpf_for_each_map_elem() (helpers/callback.c). */
const struct xbpf_func_proto *xbpf_callback_func_proto(u32 func_id);
/* The ring buffer helpers (maps/ringbuf.c). */
const struct xbpf_func_proto *xbpf_ringbuf_func_proto(u32 func_id);
/*
 * Kernel perf counters (helpers/perf_read.c): perf_event_read_local() as
 * Linux has it, a counter's file by fd, bpf_perf_prog_read_value().
 */
struct file;
struct perf_event;
int xbpf_perf_event_read_local(struct perf_event *event, u64 *value,
			       u64 *enabled, u64 *running);
struct file *xbpf_perf_event_file_get(int fd, struct perf_event **event);
/* The counter of an xbpf sampling event's file (attach/perf_event.c). */
struct perf_event *xbpf_perf_sample_counter(struct file *file);
const struct xbpf_func_proto *xbpf_perf_read_func_proto(u32 prog_type,
							u32 func_id);
/* bpf_perf_event_output() (maps/perf_event_array.c). */
const struct xbpf_func_proto *xbpf_perf_output_func_proto(u32 prog_type,
							  u32 func_id);

/*
 * Linux 6.1's helper sets by program type (helpers/offered.c): the
 * get_func_proto and helper_offered of xbpf's program types, and the
 * implementation behind an id (NULL: xbpf has none).
 */
const struct xbpf_func_proto *xbpf_func_proto(u32 func_id,
					const struct xbpf_verifier_env *env);
bool xbpf_helper_offered(u32 func_id, const struct xbpf_verifier_env *env);
const struct xbpf_func_proto *xbpf_helper_impl(u32 prog_type, u32 func_id);

/*
 * The run context an attachment sets around a program run
 * (helpers/run_ctx.c has the contract): set returns the previous one.
 */
struct xbpf_run_ctx {
	u64 cookie;
	u64 func_ip;
};

struct xbpf_run_ctx *xbpf_run_ctx_set(struct xbpf_run_ctx *ctx);
u64 xbpf_run_cookie(void);
u64 xbpf_run_func_ip(void);

struct xbpf_prog_stats {
	u64 cnt;		/* runs of the spans ended */
	u64 nsecs;
	u64 misses;
	/* sampling (xbpf_stats_weight()): runs left in this span */
	u32 left;
	/* and how many runs the span has (0: none begun) */
	u32 span;
	struct u64_stats_sync syncp;
};

struct xbpf_prog {
	const struct xbpf_prog_type *ptype;
	u32 type;
	u32 expected_attach_type;
	u32 id;
	char name[BPF_OBJ_NAME_LEN];
	u8 tag[BPF_TAG_SIZE];
	bool gpl_compatible;
	u64 load_time;		/* boot time, ns */
	kuid_t uid;
	u32 verified_insns;
	u32 max_ctx_offset;	/* test runs need this much ctx */
	/* while loading: where the verifier's log text ends, if it's open */
	u32 log_end;
	bool log_open;

	/* the program as verified and rewritten (xlated) */
	struct bpf_insn *insns;
	u32 len;
	u32 stack_depth;
	/* the functions, for the JIT: first insns and stack depths */
	u32 func_cnt;
	u32 *func_start;
	u32 *func_stack_depth;
	struct xbpf_map **used_maps;
	u32 used_map_cnt;

	/* what the interpreter runs; as JITed, with the tail call entry */
	union {
		struct xbpf_interp_prog run;
		struct xbpf_jit_prog run_jit;
	};
	/* the JIT's image (kmod/jit.c), or NULL: interpreted */
	struct xbpf_jit_image *jit;
	xbpf_jit_func jit_func;
	/* the type's interpreter hooks, plus tail calls (maps/prog_array.c) */
	struct xbpf_interp_ops interp_ops;
	struct xbpf_prog_stats __percpu *stats;

	atomic64_t refcnt;
	struct rcu_work free_work;
};

/* Verify attr's program into prog (fills insns, used_maps, ...). */
int xbpf_prog_verify(struct xbpf_prog *prog, const union bpf_attr *attr);

/*
 * The context of BPF_PROG_TYPE_PERF_EVENT programs as xbpf builds it; the
 * verifier rewrites struct bpf_perf_event_data accesses into this.
 */
struct xbpf_perf_event_ctx {
	struct pt_regs *regs;
	u64 sample_period;
	u64 addr;
	/* the counter that overflowed; NULL in a test run */
	struct perf_event *event;
};

/*
 * JIT prog (kmod/jit.c) as the module parameters say. 0 with prog->jit
 * set, or 0 and a reason in why if the JIT was off or failed and the
 * interpreter runs the program; an errno if the JIT failed and jit=2.
 */
int xbpf_jit_prog(struct xbpf_prog *prog, char *why, size_t why_len);
/* Free the image; the program must be unreachable (after RCU). */
void xbpf_jit_free(struct xbpf_prog *prog);
u32 xbpf_jit_len(const struct xbpf_prog *prog);
void xbpf_jit_arena_usage(size_t *used, size_t *total);
int xbpf_jit_init(void);
void xbpf_jit_uninit(void);
const void *xbpf_jit_image(const struct xbpf_prog *prog);
u32 xbpf_jit_nr_funcs(const struct xbpf_prog *prog);
/* Is addr inside the JIT's arena (JITed code, never anything else)? */
bool xbpf_jit_text(u64 addr);
void xbpf_jit_func_range(const struct xbpf_prog *prog, u32 i, u64 *addr,
			 u32 *len);

/*
 * Code that every run passes through (run loops, hook handlers): kept
 * together in one page of text, .text.xbpf_hot (see kmod/hot.S).
 */
#define __xbpf_hot	noinline __section(".text.xbpf_hot")

/*
 * Loops that run programs many times (test runs) bracket a batch of
 * __xbpf_prog_run() calls with these, as xbpf_prog_run() does each run,
 * and leave the bracket to reschedule.
 */
static inline void xbpf_run_enter(void)
{
	preempt_disable();
	rcu_read_lock();
}

static inline void xbpf_run_exit(void)
{
	rcu_read_unlock();
	preempt_enable();
}

/*
 * Per CPU: the nesting level of runs (process, softirq, hardirq, NMI) and
 * the interpreter's memory for each, and the statistics' randomness.
 */
#define XBPF_RUN_NEST	4

struct xbpf_run_cpu {
	int depth;
	u32 stats_rnd;
	struct xbpf_interp_scratch *scratch[XBPF_RUN_NEST];
};

DECLARE_PER_CPU(struct xbpf_run_cpu, xbpf_run_cpu);

/*
 * Statistics are always on: every run is counted. Timing a run costs two
 * clock reads, which can outweigh a small program, so by default
 * (xbpf_run_stats, module parameter stats=1) each CPU times every run of a
 * program's first XBPF_STATS_EXACT there, then one run in
 * XBPF_STATS_SAMPLE on average, counted as the runs it stands for:
 * run_time_ns stays exact for rarely run programs and an unbiased
 * estimate for hot ones. stats=2 times every run; stats=0 only counts.
 *
 * The runs of a program on a CPU fall into spans of random length (1 to
 * 2 * XBPF_STATS_SAMPLE - 1, not in step with what the program does); the
 * last run of each span is timed and weighted by its length, and counts
 * the span's runs, so a run that is not timed costs one decrement. A
 * change of the mode takes effect as each span ends.
 */
#define XBPF_STATS_EXACT	256
#define XBPF_STATS_SAMPLE	16

extern int xbpf_run_stats;

/* A span ends: the weight of this run, and the next span (run.c). */
u32 xbpf_stats_span_end(struct xbpf_prog_stats *st);

/* How many runs this one's time stands for: 0 if it is not timed. */
static __always_inline u32 xbpf_stats_weight(struct xbpf_prog_stats *st)
{
	if (likely(st->left)) {
		st->left--;
		return 0;
	}
	return xbpf_stats_span_end(st);
}

/* Count a run that was skipped because the CPU was already running one. */
void xbpf_prog_inc_misses(struct xbpf_prog *prog);

/*
 * Run prog inside xbpf_run_enter()/xbpf_run_exit() (preemption off, RCU
 * read side): the recursion guard, the statistics, the run itself.
 * Inline: it is the fixed cost of every run.
 */
static __always_inline u32 __xbpf_prog_run(struct xbpf_prog *prog,
					   const void *ctx)
{
	struct xbpf_prog_stats *stats = this_cpu_ptr(prog->stats);
	u64 start = 0, ret = 0;
	u32 weight;
	int depth;

	depth = this_cpu_inc_return(xbpf_run_cpu.depth) - 1;
	if (unlikely(depth >= XBPF_RUN_NEST)) {
		xbpf_prog_inc_misses(prog);
		goto out;
	}
	weight = xbpf_stats_weight(stats);
	if (weight)
		start = sched_clock();
	if (likely(prog->jit_func))
		ret = prog->jit_func(ctx);
	else
		ret = xbpf_interp_run(&prog->run, ctx,
				      __this_cpu_read(xbpf_run_cpu.scratch[depth]));
	if (weight) {
		u64_stats_update_begin(&stats->syncp);
		stats->nsecs += (sched_clock() - start) * weight;
		u64_stats_update_end(&stats->syncp);
	}
out:
	this_cpu_dec(xbpf_run_cpu.depth);
	return ret;
}

/*
 * Prog arrays (maps/prog_array.c): may prog join, or tail-call through,
 * map? The first program decides the array's type and whether it is
 * JITed. And the interpreter's tail call hook, and its layout for the JIT.
 */
bool xbpf_prog_array_compatible(struct xbpf_map *map,
				const struct xbpf_prog *prog);
int xbpf_prog_array_tail_call(void *cookie, u64 map, u32 index,
			      const struct xbpf_interp_prog **target);
/* Let the JIT read prog arrays in line (ops->tail_inline). */
void xbpf_prog_array_jit_ops(struct xbpf_interp_ops *ops);

/* Run prog on ctx: RCU, no migration, recursion-guarded, counted. */
u32 xbpf_prog_run(struct xbpf_prog *prog, const void *ctx);
/*
 * A test run's loop: run prog on ctx repeat times (at least once), the
 * mean time per run in *duration; -EINTR if a signal comes first.
 */
int xbpf_test_repeat(struct xbpf_prog *prog, const void *ctx, u32 repeat,
		     u32 *retval, u32 *duration);

/*
 * Tracepoint programs: as in Linux, the first 8 bytes of the record a
 * program gets hold the struct pt_regs * of the event while it runs
 * (helpers such as bpf_perf_event_output read it from there).
 */

/* Run count, time and recursion misses, summed over CPUs. */
void xbpf_prog_get_stats(const struct xbpf_prog *prog, u64 *cnt, u64 *nsecs,
			 u64 *misses);

/* The per-CPU interpreter memory (init/uninit with the module). */
int xbpf_run_init(void);
void xbpf_run_uninit(void);

#endif /* XBPF_PROG_H */
