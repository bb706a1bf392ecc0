// SPDX-License-Identifier: GPL-2.0
/*
 * BPF_MAP_TYPE_PERF_EVENT_ARRAY: u32 index -> a perf event stored by fd:
 * a BPF output event (xbpf's own, maps/perf_buffer.c), which
 * bpf_perf_event_output() writes into, or a kernel perf counter (a
 * perf_event_open() fd of the kernel's), which bpf_perf_event_read() and
 * bpf_perf_event_read_value() read (helpers/perf_read.c).
 *
 * Slots are RCU pointers: programs read them under RCU, userspace
 * replaces or deletes them, and the old event is released after a grace
 * period.
 */
#include <linux/err.h>
#include <linux/file.h>
#include <linux/perf_event.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>

#include "maps/map.h"
#include "maps/perf_buffer.h"
#include "prog.h"

/* one of pb (output event) and counter (a kernel counter, by its file) */
struct perf_array_entry {
	struct xbpf_perf_buf *pb;
	struct file *file;
	struct perf_event *counter;
	struct rcu_head rcu;
};

struct perf_array {
	struct xbpf_map map;
	struct perf_array_entry __rcu *slots[];
};

static struct perf_array *to_perf_array(struct xbpf_map *map)
{
	return container_of(map, struct perf_array, map);
}

/* fd_array_map_alloc_check() and array_map_alloc_check() of Linux 6.1 */
static int perf_array_alloc_check(union bpf_attr *attr)
{
	if (attr->value_size != sizeof(u32))
		return -EINVAL;
	if (attr->map_flags & (BPF_F_RDONLY_PROG | BPF_F_WRONLY_PROG))
		return -EINVAL;
	if (!attr->max_entries || attr->key_size != sizeof(u32) ||
	    attr->map_flags & ~(BPF_F_NUMA_NODE | XBPF_F_ACCESS_MASK |
				BPF_F_PRESERVE_ELEMS) ||
	    !xbpf_map_flags_access_ok(attr->map_flags))
		return -EINVAL;
	return 0;
}

static struct xbpf_map *perf_array_alloc(union bpf_attr *attr)
{
	struct perf_array *array;

	array = xbpf_map_area_alloc(struct_size(array, slots,
						(u64)attr->max_entries));
	if (!array)
		return ERR_PTR(-ENOMEM);
	xbpf_map_init(&array->map, attr);
	return &array->map;
}

static void perf_array_entry_free(struct perf_array_entry *e)
{
	if (e->pb)
		xbpf_perf_buf_put(e->pb);
	else
		fput(e->file);
	kfree(e);
}

static void perf_array_entry_free_rcu(struct rcu_head *rcu)
{
	perf_array_entry_free(container_of(rcu, struct perf_array_entry, rcu));
}

static void perf_array_free(struct xbpf_map *map)
{
	struct perf_array *array = to_perf_array(map);
	struct perf_array_entry *e;
	u32 i;

	/* no program holds the map: no reader is left */
	for (i = 0; i < map->max_entries; i++) {
		e = rcu_dereference_protected(array->slots[i], true);
		if (e)
			perf_array_entry_free(e);
	}
	xbpf_map_area_free(array);
}

/* Userspace cannot read the events back, as in Linux. */
static void *perf_array_lookup(struct xbpf_map *map, void *key)
{
	return ERR_PTR(-ENOTSUPP);
}

/* syscall, under RCU: value is the caller's event fd */
static int perf_array_update(struct xbpf_map *map, void *key, void *value,
			     u64 flags)
{
	struct perf_array *array = to_perf_array(map);
	struct perf_array_entry *e, *old;
	u32 index = *(u32 *)key;
	struct xbpf_perf_buf *pb;
	struct perf_event *counter = NULL;
	struct file *file = NULL;

	if (flags != BPF_ANY)
		return -EINVAL;
	if (index >= map->max_entries)
		return -E2BIG;
	pb = xbpf_perf_buf_get(*(u32 *)value);
	if (IS_ERR(pb)) {
		file = xbpf_perf_event_file_get(*(u32 *)value, &counter);
		if (IS_ERR(file))
			return PTR_ERR(file);
		pb = NULL;
	}
	e = kzalloc(sizeof(*e), GFP_ATOMIC | __GFP_NOWARN);
	if (!e) {
		if (pb)
			xbpf_perf_buf_put(pb);
		else
			fput(file);
		return -ENOMEM;
	}
	e->pb = pb;
	e->file = file;
	e->counter = counter;
	old = unrcu_pointer(xchg(&array->slots[index], RCU_INITIALIZER(e)));
	if (old)
		call_rcu(&old->rcu, perf_array_entry_free_rcu);
	return 0;
}

static int perf_array_delete(struct xbpf_map *map, void *key)
{
	struct perf_array *array = to_perf_array(map);
	struct perf_array_entry *old;
	u32 index = *(u32 *)key;

	if (index >= map->max_entries)
		return -E2BIG;
	old = unrcu_pointer(xchg(&array->slots[index], NULL));
	if (!old)
		return -ENOENT;
	call_rcu(&old->rcu, perf_array_entry_free_rcu);
	return 0;
}

static int perf_array_get_next_key(struct xbpf_map *map, void *key,
				   void *next_key)
{
	u32 index = key ? *(u32 *)key : U32_MAX;
	u32 *next = next_key;

	if (index >= map->max_entries) {
		*next = 0;
		return 0;
	}
	if (index == map->max_entries - 1)
		return -ENOENT;
	*next = index + 1;
	return 0;
}

const struct xbpf_map_ops xbpf_perf_event_array_map_ops = {
	.alloc_check = perf_array_alloc_check,
	.alloc = perf_array_alloc,
	.free = perf_array_free,
	.lookup = perf_array_lookup,
	.update = perf_array_update,
	.delete = perf_array_delete,
	.get_next_key = perf_array_get_next_key,
};

/* programs, any context, under RCU */
static u64 helper_perf_event_output(u64 ctx, u64 map, u64 flags, u64 data,
				    u64 size)
{
	struct perf_array *array = to_perf_array((void *)(unsigned long)map);
	u64 index = flags & BPF_F_INDEX_MASK;
	struct perf_array_entry *e;

	if (unlikely(flags & ~BPF_F_INDEX_MASK))
		return -EINVAL;
	if (index == BPF_F_CURRENT_CPU)
		index = smp_processor_id();
	if (unlikely(index >= array->map.max_entries))
		return -E2BIG;
	e = rcu_dereference(array->slots[index]);
	if (!e)
		return -ENOENT;
	/* a counter is not a BPF output event */
	if (unlikely(!e->pb))
		return -EINVAL;
	return xbpf_perf_buf_output(e->pb, (void *)(unsigned long)data, size);
}

/*
 * get_map_perf_counter(): the counter at the index flags give, read.
 * xbpf's output events count nothing: 0, with no time enabled or running.
 */
static int perf_array_read(u64 map, u64 flags, u64 *value, u64 *enabled,
			   u64 *running)
{
	struct perf_array *array = to_perf_array((void *)(unsigned long)map);
	u64 index = flags & BPF_F_INDEX_MASK;
	struct perf_array_entry *e;

	if (unlikely(flags & ~BPF_F_INDEX_MASK))
		return -EINVAL;
	if (index == BPF_F_CURRENT_CPU)
		index = smp_processor_id();
	if (unlikely(index >= array->map.max_entries))
		return -E2BIG;
	e = rcu_dereference(array->slots[index]);
	if (!e)
		return -ENOENT;
	if (e->pb) {
		*value = 0;
		if (enabled)
			*enabled = 0;
		if (running)
			*running = 0;
		return 0;
	}
	return xbpf_perf_event_read_local(e->counter, value, enabled, running);
}

/* The count, or an error in [-22, -2] (Linux's API cannot tell apart). */
static u64 helper_perf_event_read(u64 map, u64 flags, u64 r3, u64 r4, u64 r5)
{
	u64 value = 0;
	int err;

	err = perf_array_read(map, flags, &value, NULL, NULL);
	return err ? err : value;
}

static u64 helper_perf_event_read_value(u64 map, u64 flags, u64 buf, u64 size,
					u64 r5)
{
	struct bpf_perf_event_value *v = (void *)(unsigned long)buf;
	int err = -EINVAL;

	if (unlikely(size != sizeof(*v)))
		goto clear;
	err = perf_array_read(map, flags, &v->counter, &v->enabled,
			      &v->running);
	if (unlikely(err))
		goto clear;
	return 0;
clear:
	memset(v, 0, size);
	return err;
}

static const struct xbpf_func_proto perf_event_read_protos[] = {
	{
		.func_id = BPF_FUNC_perf_event_read,
		.func = helper_perf_event_read,
		.gpl_only = true,
		.ret_type = RET_INTEGER,
		.arg_type = { ARG_CONST_MAP_PTR, ARG_ANYTHING },
	}, {
		.func_id = BPF_FUNC_perf_event_read_value,
		.func = helper_perf_event_read_value,
		.gpl_only = true,
		.ret_type = RET_INTEGER,
		.arg_type = { ARG_CONST_MAP_PTR, ARG_ANYTHING,
			      ARG_PTR_TO_UNINIT_MEM, ARG_CONST_SIZE },
	},
};

/* bpf_perf_event_output() as the tracing program types have it */
static const struct xbpf_func_proto perf_event_output_proto = {
	.func_id = BPF_FUNC_perf_event_output,
	.func = helper_perf_event_output,
	.gpl_only = true,
	.ret_type = RET_INTEGER,
	.arg_type = { ARG_PTR_TO_CTX, ARG_CONST_MAP_PTR, ARG_ANYTHING,
		      ARG_PTR_TO_MEM | MEM_RDONLY, ARG_CONST_SIZE_OR_ZERO },
};

const struct xbpf_func_proto *xbpf_perf_output_func_proto(u32 prog_type,
							  u32 func_id)
{
	if (func_id == BPF_FUNC_perf_event_read)
		return &perf_event_read_protos[0];
	if (func_id == BPF_FUNC_perf_event_read_value)
		return &perf_event_read_protos[1];
	/* socket filters' version copies packet data: not here yet */
	if (func_id != BPF_FUNC_perf_event_output ||
	    prog_type == BPF_PROG_TYPE_SOCKET_FILTER)
		return NULL;
	return &perf_event_output_proto;
}
