/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The map object and the per-type operations behind it.
 *
 * A map type is one file in kmod/maps/ that defines a struct xbpf_map_ops
 * and one line in map_types.h. Generic code (syscall.c, object.c, later the
 * verifier and helpers) reaches a map's contents only through its ops.
 */
#ifndef XBPF_MAPS_MAP_H
#define XBPF_MAPS_MAP_H

#include <linux/atomic.h>
#include <linux/cpumask.h>
#include <linux/math.h>
#include <linux/spinlock.h>
#include <uapi/linux/bpf.h>
#include <linux/mutex.h>
#include <linux/poll.h>
#include <linux/types.h>
#include <linux/workqueue.h>

#include "core/interp.h"

struct file;
struct poll_table_struct;
struct vm_area_struct;
struct xbpf_map;

/*
 * Contexts: "syscall" is process context from /dev/xbpf and may sleep.
 * "any" also includes programs running in tracing context (hard IRQ, NMI),
 * under rcu_read_lock() with preemption disabled: no sleeping, no
 * blocking locks.
 */
struct xbpf_map_ops {
	/* syscall: validate attr before allocation, kernel errnos */
	int (*alloc_check)(union bpf_attr *attr);
	/* syscall: allocate; fill the embedded xbpf_map via xbpf_map_init() */
	struct xbpf_map *(*alloc)(union bpf_attr *attr);
	/* workqueue, after the last reference is gone: no readers remain */
	void (*free)(struct xbpf_map *map);
	/* any, under RCU: pointer to the value or NULL */
	void *(*lookup)(struct xbpf_map *map, void *key);
	/* any, under RCU */
	int (*update)(struct xbpf_map *map, void *key, void *value, u64 flags);
	/* any, under RCU */
	int (*delete)(struct xbpf_map *map, void *key);
	/* syscall, under RCU; key NULL asks for the first key */
	int (*get_next_key)(struct xbpf_map *map, void *key, void *next_key);
	/* syscall, under RCU; NULL means the type has no such command */
	int (*lookup_and_delete)(struct xbpf_map *map, void *key, void *value,
				 u64 flags);
	/* syscall; NULL means the type cannot be mapped */
	int (*mmap)(struct xbpf_map *map, struct vm_area_struct *vma);
	/*
	 * program load: kernel address of byte off of the map's value, for
	 * programs that address it directly (global data); NULL: no such
	 * access
	 */
	int (*direct_value_addr)(struct xbpf_map *map, u32 off, u64 *addr);
	/*
	 * Programs may look up by indexing values directly: element i at
	 * *values + i * *elem_size, for i < max_entries, fixed for the map's
	 * life. NULL: lookups call the helper.
	 */
	void (*inline_lookup)(struct xbpf_map *map, u64 *values, u32 *elem_size);
	/* syscall: poll() on the map fd; NULL: EPOLLERR (nothing to wait for) */
	__poll_t (*poll)(struct xbpf_map *map, struct file *file,
			 struct poll_table_struct *pts);
	/*
	 * syscall, may sleep: the value as userspace reads it (every CPU's
	 * copy for per-CPU maps, an ID for maps of fds). NULL: a copy of
	 * what lookup() points to.
	 */
	int (*sys_lookup)(struct xbpf_map *map, void *key, void *value,
			  u64 flags);
	/*
	 * syscall, may sleep: store the value as userspace writes it (fds
	 * for maps of programs or maps). NULL: update() under RCU.
	 */
	int (*sys_update)(struct xbpf_map *map, void *key, void *value,
			  u64 flags);
	/* any, under RCU: queue, stack and bloom filter helpers */
	int (*push)(struct xbpf_map *map, void *value, u64 flags);
	int (*pop)(struct xbpf_map *map, void *value);
	int (*peek)(struct xbpf_map *map, void *value);
	/* syscall: the last fd is gone (prog arrays drop their programs) */
	void (*release_uref)(struct xbpf_map *map);
	/* syscall: bytes the map really holds, for xbpf status */
	u64 (*mem_usage)(const struct xbpf_map *map);
	/* syscall: the batch commands (maps/batch.c); NULL: -ENOTSUPP */
	int (*lookup_batch)(struct xbpf_map *map, const union bpf_attr *attr,
			    union bpf_attr __user *uattr);
	int (*lookup_and_delete_batch)(struct xbpf_map *map,
				       const union bpf_attr *attr,
				       union bpf_attr __user *uattr);
	int (*update_batch)(struct xbpf_map *map, const union bpf_attr *attr,
			    union bpf_attr __user *uattr);
	int (*delete_batch)(struct xbpf_map *map, const union bpf_attr *attr,
			    union bpf_attr __user *uattr);
	/*
	 * any, under RCU: bpf_for_each_map_elem(). Call callback_fn(map, key,
	 * value, callback_ctx, 0) through xbpf_callback_call() for each
	 * element (a per-CPU map: this CPU's value) until it returns nonzero;
	 * return how many calls were made. NULL: the verifier refuses the
	 * helper for the type ("callback function not allowed for map").
	 */
	long (*for_each)(struct xbpf_map *map, u64 callback_fn,
			 void *callback_ctx);
};

/*
 * Call a program's callback (what its ld_imm64 of a BPF_PSEUDO_FUNC
 * loaded) from a helper that program called (helpers/callback.c).
 */
u64 xbpf_callback_call(u64 fn, u64 r1, u64 r2, u64 r3, u64 r4, u64 r5);

struct xbpf_map {
	const struct xbpf_map_ops *ops;
	u32 map_type;
	u32 key_size;
	u32 value_size;
	u32 max_entries;
	u32 map_flags;
	u64 map_extra;
	char name[BPF_OBJ_NAME_LEN];
	u32 id;

	atomic64_t refcnt;
	/* fds open on the map; the last one calls ops->release_uref */
	atomic64_t usercnt;
	/* bytes charged against the max_map_memory module parameter */
	u64 charged;
	/* maps of maps: the template every inner map must match */
	struct xbpf_map *inner_meta;
	/* prog arrays: the program type all members share (0: none yet) */
	spinlock_t owner_lock;
	u32 owner_type;
	bool owner_jited;
	/* writable mmaps alive; FREEZE must fail while there are any */
	atomic64_t writecnt;
	/* serialises FREEZE against mmap */
	struct mutex freeze_mutex;
	bool frozen;

	struct work_struct free_work;
};

/* Copy the attributes every map type keeps. */
void xbpf_map_init(struct xbpf_map *map, const union bpf_attr *attr);

/* The ops of a map type, or NULL if xbpf does not implement it. */
const struct xbpf_map_ops *xbpf_map_type_ops(u32 map_type);
/*
 * The direct calls for map lookups (see map.c): fill n helper slots, and
 * the slot index (from XBPF_FUNC_DIRECT) of map's lookup, or 0.
 */
void xbpf_map_direct_calls(xbpf_helper_fn *slots, u32 n);
u32 xbpf_map_lookup_call(const struct xbpf_map *map);

static inline bool xbpf_map_is_percpu(u32 map_type)
{
	return map_type == BPF_MAP_TYPE_PERCPU_ARRAY ||
	       map_type == BPF_MAP_TYPE_PERCPU_HASH ||
	       map_type == BPF_MAP_TYPE_LRU_PERCPU_HASH;
}

/*
 * Size of one value as userspace reads and writes it: per-CPU maps show
 * every possible CPU's copy, each rounded up to 8 bytes.
 */
static inline u32 xbpf_map_value_size(const struct xbpf_map *map)
{
	if (xbpf_map_is_percpu(map->map_type))
		return round_up(map->value_size, 8) * num_possible_cpus();
	return map->value_size;
}

/* "memlock" as reported in fdinfo: the same estimate as Linux 6.1. */
unsigned long xbpf_map_memory_footprint(const struct xbpf_map *map);

/* Bytes the map holds: ops->mem_usage, else the estimate above. */
u64 xbpf_map_mem_usage(const struct xbpf_map *map);
/*
 * Count the map against the max_map_memory module parameter: -ENOMEM if
 * it would go past it. Uncharging a map never charged does nothing.
 */
int xbpf_map_charge(struct xbpf_map *map);
void xbpf_map_uncharge(struct xbpf_map *map);

/*
 * Zeroed memory for map storage. Huge requests fail cleanly (NULL, never
 * an allocation-failure splat), as userspace controls the size.
 */
void *xbpf_map_area_alloc(u64 size);
void xbpf_map_area_free(void *area);

/* Flags every map type accepts for access control. */
#define XBPF_F_ACCESS_MASK						\
	(BPF_F_RDONLY | BPF_F_RDONLY_PROG | BPF_F_WRONLY | BPF_F_WRONLY_PROG)

/* A map cannot be both read-only and write-only for programs. */
static inline bool xbpf_map_flags_access_ok(u32 flags)
{
	return (flags & (BPF_F_RDONLY_PROG | BPF_F_WRONLY_PROG)) !=
	       (BPF_F_RDONLY_PROG | BPF_F_WRONLY_PROG);
}

/* numa_node counts only with BPF_F_NUMA_NODE, as in Linux. */
static inline int xbpf_map_attr_numa_node(const union bpf_attr *attr)
{
	return (attr->map_flags & BPF_F_NUMA_NODE) ?
		(int)attr->numa_node : NUMA_NO_NODE;
}

/* Shared by the array-based types (maps/array.c). */
int xbpf_array_alloc_check(union bpf_attr *attr);
int xbpf_array_get_next_key(struct xbpf_map *map, void *key, void *next_key);
/* Maps of fds (prog arrays, arrays of maps): value_size 4, no prog flags. */
int xbpf_fd_array_alloc_check(union bpf_attr *attr);
/*
 * Maps of maps (maps/map_in_map.c): the template copied from the map
 * behind inner_map_fd (free with kfree()), and a new reference to the map
 * behind ufd if it matches outer's template (-EINVAL if not).
 */
struct xbpf_map *xbpf_map_meta_alloc(u32 inner_map_fd);
struct xbpf_map *xbpf_map_fd_get_inner(struct xbpf_map *outer, u32 ufd);

/* Batch commands (maps/batch.c): the entry, and the key-by-key forms. */
int xbpf_map_batch(int cmd, const union bpf_attr *attr,
		   union bpf_attr __user *uattr);
int xbpf_generic_lookup_batch(struct xbpf_map *map, const union bpf_attr *attr,
			      union bpf_attr __user *uattr);
int xbpf_generic_update_batch(struct xbpf_map *map, const union bpf_attr *attr,
			      union bpf_attr __user *uattr);
int xbpf_generic_delete_batch(struct xbpf_map *map, const union bpf_attr *attr,
			      union bpf_attr __user *uattr);

#define XBPF_MAP_TYPE(type, ops) extern const struct xbpf_map_ops ops;
#include "map_types.h"
#undef XBPF_MAP_TYPE

#endif /* XBPF_MAPS_MAP_H */
