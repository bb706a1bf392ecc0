// SPDX-License-Identifier: GPL-2.0
/*
 * Running a program: the interpreter's memory, the recursion guard, and
 * the statistics every program keeps.
 *
 * A program runs with preemption disabled (its CPU, and the interpreter's
 * per-CPU memory, stay its own) under rcu_read_lock() (maps and programs
 * it reaches are not freed under it). Each CPU has XBPF_RUN_NEST scratch
 * areas, one per nesting level — process, softirq, hardirq, NMI — so a
 * tracing program that fires inside another one gets its own; beyond that
 * the run is skipped and counted as a recursion miss.
 */
#include <linux/module.h>
#include <linux/percpu.h>
#include <linux/preempt.h>
#include <linux/rcupdate.h>
#include <linux/sched/clock.h>
#include <linux/slab.h>
#include <linux/u64_stats_sync.h>

#include "prog.h"

#define XBPF_RUN_NEST	4

struct run_cpu {
	int depth;
	struct xbpf_interp_scratch *scratch[XBPF_RUN_NEST];
};

static struct run_cpu __percpu *run_cpus;

/*
 * Statistics are always on: every run is counted. Timing a run costs two
 * clock reads, which can outweigh a small program, so by default each CPU
 * times every run of a program's first XBPF_STATS_EXACT there, then one
 * run in XBPF_STATS_SAMPLE at random, counted as that many: run_time_ns
 * stays exact for rarely run programs and an unbiased estimate for hot
 * ones. stats=2 times every run; stats=0 only counts.
 */
#define XBPF_STATS_EXACT	256
#define XBPF_STATS_SAMPLE	16

static int run_stats = 1;
module_param_named(stats, run_stats, int, 0644);
MODULE_PARM_DESC(stats, "run_time_ns: 0 off, 1 sampled after 256 runs per CPU (default), 2 every run");

static DEFINE_PER_CPU(u32, stats_rnd) = 0x9e3779b9;

/* How many runs this one's time stands for: 0 if it is not timed. */
static __always_inline u32 stats_weight(const struct xbpf_prog_stats *st)
{
	int mode = READ_ONCE(run_stats);
	u32 x;

	if (mode >= 2 || (mode == 1 && st->cnt < XBPF_STATS_EXACT))
		return 1;
	if (mode <= 0)
		return 0;
	/* xorshift32: cheap, and not in step with what the program does */
	x = __this_cpu_read(stats_rnd);
	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	__this_cpu_write(stats_rnd, x);
	return x % XBPF_STATS_SAMPLE ? 0 : XBPF_STATS_SAMPLE;
}

/*
 * Run prog inside xbpf_run_enter()/xbpf_run_exit() (preemption off, RCU
 * read side): the recursion guard, the statistics, the run itself.
 */
u32 __xbpf_prog_run(struct xbpf_prog *prog, const void *ctx)
{
	struct xbpf_prog_stats *stats;
	struct run_cpu *rc;
	u64 start = 0, ret = 0;
	u32 weight;
	int depth;

	rc = this_cpu_ptr(run_cpus);
	depth = this_cpu_inc_return(run_cpus->depth) - 1;
	stats = this_cpu_ptr(prog->stats);
	if (unlikely(depth >= XBPF_RUN_NEST)) {
		u64_stats_update_begin(&stats->syncp);
		stats->misses++;
		u64_stats_update_end(&stats->syncp);
		goto out;
	}
	weight = stats_weight(stats);
	if (weight)
		start = sched_clock();
	if (prog->jit_func)
		ret = prog->jit_func(ctx);
	else
		ret = xbpf_interp_run(&prog->run, ctx, rc->scratch[depth]);
	u64_stats_update_begin(&stats->syncp);
	stats->cnt++;
	if (weight)
		stats->nsecs += (sched_clock() - start) * weight;
	u64_stats_update_end(&stats->syncp);
out:
	this_cpu_dec(run_cpus->depth);
	return ret;
}

u32 xbpf_prog_run(struct xbpf_prog *prog, const void *ctx)
{
	u32 ret;

	xbpf_run_enter();
	ret = __xbpf_prog_run(prog, ctx);
	xbpf_run_exit();
	return ret;
}

void xbpf_prog_get_stats(const struct xbpf_prog *prog, u64 *cnt, u64 *nsecs,
			 u64 *misses)
{
	int cpu;

	*cnt = *nsecs = *misses = 0;
	for_each_possible_cpu(cpu) {
		const struct xbpf_prog_stats *st = per_cpu_ptr(prog->stats, cpu);
		unsigned int start;
		u64 c, n, x;

		do {
			start = u64_stats_fetch_begin(&st->syncp);
			c = st->cnt;
			n = st->nsecs;
			x = st->misses;
		} while (u64_stats_fetch_retry(&st->syncp, start));
		*cnt += c;
		*nsecs += n;
		*misses += x;
	}
}

int xbpf_run_init(void)
{
	int cpu, i;

	run_cpus = alloc_percpu(struct run_cpu);
	if (!run_cpus)
		return -ENOMEM;
	for_each_possible_cpu(cpu) {
		struct run_cpu *rc = per_cpu_ptr(run_cpus, cpu);

		for (i = 0; i < XBPF_RUN_NEST; i++) {
			rc->scratch[i] = kzalloc_node(sizeof(*rc->scratch[i]),
						      GFP_KERNEL,
						      cpu_to_node(cpu));
			if (!rc->scratch[i]) {
				xbpf_run_uninit();
				return -ENOMEM;
			}
		}
	}
	return 0;
}

void xbpf_run_uninit(void)
{
	int cpu, i;

	if (!run_cpus)
		return;
	for_each_possible_cpu(cpu) {
		struct run_cpu *rc = per_cpu_ptr(run_cpus, cpu);

		for (i = 0; i < XBPF_RUN_NEST; i++)
			kfree(rc->scratch[i]);
	}
	free_percpu(run_cpus);
	run_cpus = NULL;
}
