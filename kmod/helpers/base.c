// SPDX-License-Identifier: GPL-2.0
/*
 * The helpers every program type offers: map access, time, randomness,
 * where the program runs. Called by programs under rcu_read_lock() with
 * preemption disabled, in any context up to NMI: nothing here sleeps or
 * takes a lock a tracing program could already hold.
 */
#include <linux/jiffies.h>
#include <linux/percpu.h>
#include <linux/prandom.h>
#include <linux/smp.h>
#include <linux/string.h>
#include <linux/timekeeping.h>
#include <linux/topology.h>

#include "maps/map.h"
#include "prog.h"

static u64 helper_map_lookup_elem(u64 map, u64 key, u64 r3, u64 r4, u64 r5)
{
	struct xbpf_map *m = (struct xbpf_map *)(unsigned long)map;

	return (unsigned long)m->ops->lookup(m, (void *)(unsigned long)key);
}

static u64 helper_map_update_elem(u64 map, u64 key, u64 value, u64 flags,
				  u64 r5)
{
	struct xbpf_map *m = (struct xbpf_map *)(unsigned long)map;

	return m->ops->update(m, (void *)(unsigned long)key,
			      (void *)(unsigned long)value, flags);
}

static u64 helper_map_delete_elem(u64 map, u64 key, u64 r3, u64 r4, u64 r5)
{
	struct xbpf_map *m = (struct xbpf_map *)(unsigned long)map;

	return m->ops->delete(m, (void *)(unsigned long)key);
}

/* Queues, stacks and bloom filters; verified to have these ops. */
static u64 helper_map_push_elem(u64 map, u64 value, u64 flags, u64 r4, u64 r5)
{
	struct xbpf_map *m = (struct xbpf_map *)(unsigned long)map;

	return m->ops->push(m, (void *)(unsigned long)value, flags);
}

static u64 helper_map_pop_elem(u64 map, u64 value, u64 r3, u64 r4, u64 r5)
{
	struct xbpf_map *m = (struct xbpf_map *)(unsigned long)map;

	return m->ops->pop(m, (void *)(unsigned long)value);
}

static u64 helper_map_peek_elem(u64 map, u64 value, u64 r3, u64 r4, u64 r5)
{
	struct xbpf_map *m = (struct xbpf_map *)(unsigned long)map;

	return m->ops->peek(m, (void *)(unsigned long)value);
}

static u64 helper_ktime_get_ns(u64 r1, u64 r2, u64 r3, u64 r4, u64 r5)
{
	/* NMI-safe, as tracing programs need */
	return ktime_get_mono_fast_ns();
}

static u64 helper_ktime_get_boot_ns(u64 r1, u64 r2, u64 r3, u64 r4, u64 r5)
{
	return ktime_get_boot_fast_ns();
}

static u64 helper_ktime_get_coarse_ns(u64 r1, u64 r2, u64 r3, u64 r4, u64 r5)
{
	return ktime_get_coarse_ns();
}

static u64 helper_jiffies64(u64 r1, u64 r2, u64 r3, u64 r4, u64 r5)
{
	return get_jiffies_64();
}

/* Per-CPU state: a program may run on every CPU at once. */
static DEFINE_PER_CPU(struct rnd_state, helper_rnd_state);

static u64 helper_get_prandom_u32(u64 r1, u64 r2, u64 r3, u64 r4, u64 r5)
{
	return prandom_u32_state(this_cpu_ptr(&helper_rnd_state));
}

static u64 helper_get_smp_processor_id(u64 r1, u64 r2, u64 r3, u64 r4,
				       u64 r5)
{
	return smp_processor_id();
}

static u64 helper_get_numa_node_id(u64 r1, u64 r2, u64 r3, u64 r4, u64 r5)
{
	return numa_node_id();
}

static u64 helper_strncmp(u64 s1, u64 s1_sz, u64 s2, u64 r4, u64 r5)
{
	return strncmp((const char *)(unsigned long)s1,
		       (const char *)(unsigned long)s2, s1_sz);
}

/* Prototypes as Linux 6.1 declares them. */
static const struct xbpf_func_proto base_protos[] = {
	{
		.func_id = BPF_FUNC_map_lookup_elem,
		.func = helper_map_lookup_elem,
		.pkt_access = true,
		.ret_type = RET_PTR_TO_MAP_VALUE_OR_NULL,
		.arg_type = { ARG_CONST_MAP_PTR, ARG_PTR_TO_MAP_KEY },
	}, {
		.func_id = BPF_FUNC_map_update_elem,
		.func = helper_map_update_elem,
		.pkt_access = true,
		.ret_type = RET_INTEGER,
		.arg_type = { ARG_CONST_MAP_PTR, ARG_PTR_TO_MAP_KEY,
			      ARG_PTR_TO_MAP_VALUE, ARG_ANYTHING },
	}, {
		.func_id = BPF_FUNC_map_delete_elem,
		.func = helper_map_delete_elem,
		.pkt_access = true,
		.ret_type = RET_INTEGER,
		.arg_type = { ARG_CONST_MAP_PTR, ARG_PTR_TO_MAP_KEY },
	}, {
		.func_id = BPF_FUNC_map_push_elem,
		.func = helper_map_push_elem,
		.ret_type = RET_INTEGER,
		.arg_type = { ARG_CONST_MAP_PTR, ARG_PTR_TO_MAP_VALUE,
			      ARG_ANYTHING },
	}, {
		.func_id = BPF_FUNC_map_pop_elem,
		.func = helper_map_pop_elem,
		.ret_type = RET_INTEGER,
		.arg_type = { ARG_CONST_MAP_PTR, ARG_PTR_TO_UNINIT_MAP_VALUE },
	}, {
		.func_id = BPF_FUNC_map_peek_elem,
		.func = helper_map_peek_elem,
		.ret_type = RET_INTEGER,
		.arg_type = { ARG_CONST_MAP_PTR, ARG_PTR_TO_UNINIT_MAP_VALUE },
	}, {
		/* the interpreter and the JIT carry tail calls out */
		.func_id = BPF_FUNC_tail_call,
		.ret_type = RET_VOID,
		.arg_type = { ARG_PTR_TO_CTX, ARG_CONST_MAP_PTR, ARG_ANYTHING },
	}, {
		.func_id = BPF_FUNC_ktime_get_ns,
		.func = helper_ktime_get_ns,
		.ret_type = RET_INTEGER,
	}, {
		.func_id = BPF_FUNC_ktime_get_boot_ns,
		.func = helper_ktime_get_boot_ns,
		.ret_type = RET_INTEGER,
	}, {
		.func_id = BPF_FUNC_ktime_get_coarse_ns,
		.func = helper_ktime_get_coarse_ns,
		.ret_type = RET_INTEGER,
	}, {
		.func_id = BPF_FUNC_jiffies64,
		.func = helper_jiffies64,
		.ret_type = RET_INTEGER,
	}, {
		.func_id = BPF_FUNC_get_prandom_u32,
		.func = helper_get_prandom_u32,
		.ret_type = RET_INTEGER,
	}, {
		.func_id = BPF_FUNC_get_smp_processor_id,
		.func = helper_get_smp_processor_id,
		.ret_type = RET_INTEGER,
	}, {
		.func_id = BPF_FUNC_get_numa_node_id,
		.func = helper_get_numa_node_id,
		.ret_type = RET_INTEGER,
	}, {
		/* s2 is a constant string the verifier has read */
		.func_id = BPF_FUNC_strncmp,
		.func = helper_strncmp,
		.ret_type = RET_INTEGER,
		.arg_type = { ARG_PTR_TO_MEM | MEM_RDONLY, ARG_CONST_SIZE,
			      ARG_PTR_TO_CONST_STR },
	},
};

const struct xbpf_func_proto *xbpf_base_func_proto(u32 func_id)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(base_protos); i++)
		if (base_protos[i].func_id == func_id)
			return &base_protos[i];
	return NULL;
}

void xbpf_helpers_init(void)
{
	prandom_seed_full_state(&helper_rnd_state);
}
