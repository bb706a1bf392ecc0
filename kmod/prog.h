/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Programs: the loaded object, the program types, and running one.
 */
#ifndef XBPF_PROG_H
#define XBPF_PROG_H

#include <uapi/linux/bpf.h>
#include <linux/cred.h>
#include <linux/percpu.h>
#include <linux/types.h>
#include <linux/u64_stats_sync.h>
#include <linux/workqueue.h>

#include "core/interp.h"
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
	xbpf_helper_fn helpers[__BPF_FUNC_MAX_ID];
};

/* The program type for prog_type, or NULL if xbpf has none. */
const struct xbpf_prog_type *xbpf_prog_type_get(u32 prog_type);
int xbpf_progs_init(void);
/* Seed the helpers' per-CPU state (helpers/base.c). */
void xbpf_helpers_init(void);

/* Helpers every program type offers (helpers/base.c), or NULL. */
const struct xbpf_func_proto *xbpf_base_func_proto(u32 func_id);
/*
 * The probe_read family (helpers/probe.c); compat adds the old
 * bpf_probe_read[_str], which only tracing programs have.
 */
const struct xbpf_func_proto *xbpf_probe_func_proto(u32 func_id, bool compat);

struct xbpf_prog_stats {
	u64 cnt;
	u64 nsecs;
	u64 misses;
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

	/* the program as verified and rewritten (xlated) */
	struct bpf_insn *insns;
	u32 len;
	u32 stack_depth;
	struct xbpf_map **used_maps;
	u32 used_map_cnt;

	struct xbpf_interp_prog run;
	/* the type's interpreter hooks, plus tail calls (maps/prog_array.c) */
	struct xbpf_interp_ops interp_ops;
	struct xbpf_prog_stats __percpu *stats;

	atomic64_t refcnt;
	struct work_struct free_work;
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
};

/*
 * Prog arrays (maps/prog_array.c): may prog join, or tail-call through,
 * map? The first program decides the array's type. And the interpreter's
 * tail call hook.
 */
bool xbpf_prog_array_compatible(struct xbpf_map *map,
				const struct xbpf_prog *prog);
int xbpf_prog_array_tail_call(void *cookie, u64 map, u32 index,
			      const struct xbpf_interp_prog **target);

/* Run prog on ctx: RCU, no migration, recursion-guarded, counted. */
u32 xbpf_prog_run(struct xbpf_prog *prog, const void *ctx);

/* Run count, time and recursion misses, summed over CPUs. */
void xbpf_prog_get_stats(const struct xbpf_prog *prog, u64 *cnt, u64 *nsecs,
			 u64 *misses);

/* The per-CPU interpreter memory (init/uninit with the module). */
int xbpf_run_init(void);
void xbpf_run_uninit(void);

#endif /* XBPF_PROG_H */
