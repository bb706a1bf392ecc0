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

u32 xbpf_prog_run(struct xbpf_prog *prog, const void *ctx)
{
	struct xbpf_prog_stats *stats;
	struct run_cpu *rc;
	u64 start, ret = 0;
	int depth;

	preempt_disable();
	rcu_read_lock();
	rc = this_cpu_ptr(run_cpus);
	depth = this_cpu_inc_return(run_cpus->depth) - 1;
	stats = this_cpu_ptr(prog->stats);
	if (unlikely(depth >= XBPF_RUN_NEST)) {
		u64_stats_update_begin(&stats->syncp);
		stats->misses++;
		u64_stats_update_end(&stats->syncp);
		goto out;
	}
	start = sched_clock();
	ret = xbpf_interp_run(&prog->run, ctx, rc->scratch[depth]);
	u64_stats_update_begin(&stats->syncp);
	stats->cnt++;
	stats->nsecs += sched_clock() - start;
	u64_stats_update_end(&stats->syncp);
out:
	this_cpu_dec(run_cpus->depth);
	rcu_read_unlock();
	preempt_enable();
	return ret;
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
