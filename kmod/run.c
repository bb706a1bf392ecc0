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
#include <linux/ktime.h>
#include <linux/module.h>
#include <linux/percpu.h>
#include <linux/preempt.h>
#include <linux/rcupdate.h>
#include <linux/sched/clock.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/u64_stats_sync.h>

#include "prog.h"

DEFINE_PER_CPU(struct xbpf_run_cpu, xbpf_run_cpu) = {
	.stats_rnd = 0x9e3779b9,
};

/* See xbpf_stats_weight() in prog.h. */
int xbpf_run_stats = 1;
module_param_named(stats, xbpf_run_stats, int, 0644);
MODULE_PARM_DESC(stats, "run_time_ns: 0 off, 1 sampled after 256 runs per CPU (default), 2 every run");

__xbpf_hot u32 xbpf_stats_span_end(struct xbpf_prog_stats *st)
{
	int mode = READ_ONCE(xbpf_run_stats);
	u32 ran = st->span ? st->span : 1, x;

	u64_stats_update_begin(&st->syncp);
	st->cnt += ran;
	u64_stats_update_end(&st->syncp);

	if (mode >= 2 || (mode == 1 && st->cnt < XBPF_STATS_EXACT)) {
		st->span = 1;
	} else if (mode == 1) {
		/* xorshift32: cheap, and not in step with the program */
		x = __this_cpu_read(xbpf_run_cpu.stats_rnd);
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		__this_cpu_write(xbpf_run_cpu.stats_rnd, x);
		st->span = 1 + x % (2 * XBPF_STATS_SAMPLE - 1);
	} else {
		st->span = 2 * XBPF_STATS_SAMPLE - 1;
	}
	st->left = st->span - 1;
	return mode ? ran : 0;
}

__xbpf_hot u32 xbpf_prog_run(struct xbpf_prog *prog, const void *ctx)
{
	u32 ret;

	xbpf_run_enter();
	ret = __xbpf_prog_run(prog, ctx);
	xbpf_run_exit();
	return ret;
}

/*
 * Run the program repeat times (at least once); duration is the mean in
 * ns. Between runs the task may be rescheduled, which is not timed, or
 * interrupted by a signal, which ends the test.
 */
__xbpf_hot int xbpf_test_repeat(struct xbpf_prog *prog, const void *ctx,
				u32 repeat, u32 *retval, u32 *duration)
{
	u64 start, spent = 0;
	u32 runs = 0;

	if (!repeat)
		repeat = 1;

	start = ktime_get_ns();
	xbpf_run_enter();
	for (;;) {
		*retval = __xbpf_prog_run(prog, ctx);
		if (++runs >= repeat)
			break;
		if (signal_pending(current)) {
			xbpf_run_exit();
			return -EINTR;
		}
		if (need_resched()) {
			xbpf_run_exit();
			spent += ktime_get_ns() - start;
			cond_resched();
			start = ktime_get_ns();
			xbpf_run_enter();
		}
	}
	xbpf_run_exit();
	spent += ktime_get_ns() - start;

	do_div(spent, runs);
	*duration = spent > U32_MAX ? U32_MAX : (u32)spent;
	return 0;
}

void xbpf_prog_inc_misses(struct xbpf_prog *prog)
{
	struct xbpf_prog_stats *stats = get_cpu_ptr(prog->stats);
	unsigned long flags;

	flags = u64_stats_update_begin_irqsave(&stats->syncp);
	stats->misses++;
	u64_stats_update_end_irqrestore(&stats->syncp, flags);
	put_cpu_ptr(prog->stats);
}

void xbpf_prog_get_stats(const struct xbpf_prog *prog, u64 *cnt, u64 *nsecs,
			 u64 *misses)
{
	int cpu;

	*cnt = *nsecs = *misses = 0;
	for_each_possible_cpu(cpu) {
		const struct xbpf_prog_stats *st = per_cpu_ptr(prog->stats, cpu);
		unsigned int start;
		u32 span, left;
		u64 c, n, x;

		do {
			start = u64_stats_fetch_begin(&st->syncp);
			c = st->cnt;
			n = st->nsecs;
			x = st->misses;
			/* and the runs of the span under way */
			span = READ_ONCE(st->span);
			left = READ_ONCE(st->left);
			if (span && left < span)
				c += span - 1 - left;
		} while (u64_stats_fetch_retry(&st->syncp, start));
		*cnt += c;
		*nsecs += n;
		*misses += x;
	}
}

int xbpf_run_init(void)
{
	int cpu, i;

	for_each_possible_cpu(cpu) {
		struct xbpf_run_cpu *rc = per_cpu_ptr(&xbpf_run_cpu, cpu);

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

	for_each_possible_cpu(cpu) {
		struct xbpf_run_cpu *rc = per_cpu_ptr(&xbpf_run_cpu, cpu);

		for (i = 0; i < XBPF_RUN_NEST; i++) {
			kfree(rc->scratch[i]);
			rc->scratch[i] = NULL;
		}
	}
}
