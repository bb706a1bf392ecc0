// SPDX-License-Identifier: GPL-2.0
/*
 * BPF_MAP_TYPE_PROG_ARRAY: max_entries program slots for bpf_tail_call().
 *
 * Userspace stores programs by fd and reads back their IDs; programs only
 * jump through the array. A slot is one RCU-protected pointer: a tail call
 * reads it once, and a replaced program is freed only after an RCU grace
 * period (object.c), so a program that a CPU has just jumped into keeps
 * running to its end while userspace swaps the slot. Beside each slot the
 * array keeps its program's tail call entry (0 if none), which JITed code
 * reads instead of the program (ops->tail_inline); a lock keeps each pair
 * in step when slots change.
 *
 * All programs in one array, and all programs that tail-call through it,
 * share a program type: the first to meet the array owns it, as in Linux.
 * The programs in an array hold references to it through their used maps
 * and it holds them, so the cycle is broken as Linux breaks it: when the
 * last fd of the array is closed, its slots are emptied.
 */
#include <linux/err.h>
#include <linux/file.h>
#include <linux/nospec.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>

#include "maps/map.h"
#include "object.h"
#include "prog.h"

struct xbpf_prog_array {
	struct xbpf_map map;
	spinlock_t lock;		/* changes of slots and entries */
	struct xbpf_prog __rcu **slots;
	unsigned long *entries;		/* run_jit.tail_entry of each slot's */
};

static struct xbpf_prog_array *to_parray(struct xbpf_map *map)
{
	return container_of(map, struct xbpf_prog_array, map);
}

/* Maps of fds: the value is a u32 fd, and programs may not write them. */
int xbpf_fd_array_alloc_check(union bpf_attr *attr)
{
	if (attr->value_size != sizeof(u32))
		return -EINVAL;
	if (attr->map_flags & (BPF_F_RDONLY_PROG | BPF_F_WRONLY_PROG))
		return -EINVAL;
	return xbpf_array_alloc_check(attr);
}

static struct xbpf_map *prog_array_alloc(union bpf_attr *attr)
{
	struct xbpf_prog_array *pa;

	pa = kzalloc(sizeof(*pa), GFP_KERNEL_ACCOUNT);
	if (!pa)
		return ERR_PTR(-ENOMEM);
	xbpf_map_init(&pa->map, attr);
	spin_lock_init(&pa->lock);
	pa->slots = xbpf_map_area_alloc((u64)attr->max_entries *
					sizeof(*pa->slots));
	pa->entries = xbpf_map_area_alloc((u64)attr->max_entries *
					  sizeof(*pa->entries));
	if (!pa->slots || !pa->entries) {
		xbpf_map_area_free(pa->slots);
		xbpf_map_area_free(pa->entries);
		kfree(pa);
		return ERR_PTR(-ENOMEM);
	}
	return &pa->map;
}

/* Put prog (or NULL) in slot i, its entry beside it: the program that was. */
static struct xbpf_prog *prog_array_set(struct xbpf_prog_array *pa, u32 i,
					struct xbpf_prog *prog)
{
	struct xbpf_prog *old;

	spin_lock(&pa->lock);
	old = unrcu_pointer(xchg(&pa->slots[i], RCU_INITIALIZER(prog)));
	WRITE_ONCE(pa->entries[i], prog ? prog->run_jit.tail_entry : 0);
	spin_unlock(&pa->lock);
	return old;
}

static void prog_array_clear(struct xbpf_map *map)
{
	struct xbpf_prog_array *pa = to_parray(map);
	struct xbpf_prog *old;
	u32 i;

	for (i = 0; i < map->max_entries; i++) {
		old = prog_array_set(pa, i, NULL);
		if (old)
			xbpf_prog_put(old);
	}
}

static void prog_array_free(struct xbpf_map *map)
{
	struct xbpf_prog_array *pa = to_parray(map);

	prog_array_clear(map);
	xbpf_map_area_free(pa->slots);
	xbpf_map_area_free(pa->entries);
	kfree(pa);
}

/* Programs cannot look into a prog array (the verifier refuses it). */
static void *prog_array_lookup(struct xbpf_map *map, void *key)
{
	return NULL;
}

static int prog_array_update(struct xbpf_map *map, void *key, void *value,
			     u64 flags)
{
	return -EINVAL;
}

bool xbpf_prog_array_compatible(struct xbpf_map *map,
				const struct xbpf_prog *prog)
{
	bool jited = prog->jit_func, ok;

	spin_lock(&map->owner_lock);
	if (!map->owner_type) {
		map->owner_type = prog->type;
		map->owner_jited = jited;
		ok = true;
	} else {
		ok = map->owner_type == prog->type &&
		     map->owner_jited == jited;
	}
	spin_unlock(&map->owner_lock);
	return ok;
}

static int prog_array_sys_update(struct xbpf_map *map, void *key,
				 void *value, u64 flags)
{
	struct xbpf_prog_array *pa = to_parray(map);
	u32 index = *(u32 *)key;
	struct xbpf_prog *prog, *old;
	struct fd f;

	if (flags != BPF_ANY)
		return -EINVAL;
	if (index >= map->max_entries)
		return -E2BIG;
	index = array_index_nospec(index, map->max_entries);

	f = fdget(*(u32 *)value);
	prog = xbpf_prog_from_fd(f);
	if (IS_ERR(prog)) {
		fdput(f);
		return PTR_ERR(prog);
	}
	if (!xbpf_prog_array_compatible(map, prog)) {
		fdput(f);
		return -EINVAL;
	}
	atomic64_inc(&prog->refcnt);
	fdput(f);

	old = prog_array_set(pa, index, prog);
	if (old)
		xbpf_prog_put(old);
	return 0;
}

static int prog_array_sys_lookup(struct xbpf_map *map, void *key,
				 void *value, u64 flags)
{
	struct xbpf_prog_array *pa = to_parray(map);
	u32 index = *(u32 *)key;
	struct xbpf_prog *prog;
	int err = 0;

	if (index >= map->max_entries)
		return -ENOENT;
	index = array_index_nospec(index, map->max_entries);
	rcu_read_lock();
	prog = rcu_dereference(pa->slots[index]);
	if (prog)
		*(u32 *)value = prog->id;
	else
		err = -ENOENT;
	rcu_read_unlock();
	return err;
}

static int prog_array_delete(struct xbpf_map *map, void *key)
{
	struct xbpf_prog_array *pa = to_parray(map);
	u32 index = *(u32 *)key;
	struct xbpf_prog *old;

	if (index >= map->max_entries)
		return -E2BIG;
	index = array_index_nospec(index, map->max_entries);
	old = prog_array_set(pa, index, NULL);
	if (!old)
		return -ENOENT;
	xbpf_prog_put(old);
	return 0;
}

/* The interpreter's tail call hook: the program in the slot, or NULL. */
int xbpf_prog_array_tail_call(void *cookie, u64 map_ptr, u32 index,
			      const struct xbpf_interp_prog **target)
{
	struct xbpf_map *map = (struct xbpf_map *)(unsigned long)map_ptr;
	struct xbpf_prog_array *pa = to_parray(map);
	struct xbpf_prog *prog;

	if (index >= map->max_entries)
		return 1;
	index = array_index_nospec(index, map->max_entries);
	prog = rcu_dereference(pa->slots[index]);
	*target = prog ? &prog->run : NULL;
	return 0;
}

/* Is map one that the program names? (An ld_imm64 may hold anything.) */
static bool prog_uses_map(const struct xbpf_prog *owner,
			  const struct xbpf_map *map)
{
	u32 i;

	for (i = 0; i < owner->used_map_cnt; i++)
		if (owner->used_maps[i] == map)
			return true;
	return false;
}

/*
 * The JIT's slot for a tail call through slot key of map, on every path:
 * the program holds the map, so its entries stay where they are.
 */
static const void *prog_array_tail_slot(void *cookie, u64 map_ptr, u32 key,
					bool *past_end)
{
	struct xbpf_map *map = (struct xbpf_map *)(unsigned long)map_ptr;

	*past_end = false;
	if (!prog_uses_map(cookie, map) ||
	    map->map_type != BPF_MAP_TYPE_PROG_ARRAY)
		return NULL;
	if (key >= map->max_entries) {
		*past_end = true;
		return NULL;
	}
	return &to_parray(map)->entries[key];
}

/*
 * The JIT's guess for a tail call through slot key of map: the entry of
 * the program there now. The code compares before it jumps, so a slot
 * changed since is only a missed guess. map is what the program's
 * ld_imm64 loads, which the verifier made a map of this program's.
 */
static unsigned long prog_array_tail_guess(void *cookie, u64 map_ptr, u32 key)
{
	const struct xbpf_prog *owner = cookie;
	struct xbpf_map *map = (struct xbpf_map *)(unsigned long)map_ptr;

	if (!prog_uses_map(owner, map) ||
	    map->map_type != BPF_MAP_TYPE_PROG_ARRAY ||
	    key >= map->max_entries)
		return 0;
	return READ_ONCE(to_parray(map)->entries[key]);
}

/* The JIT's in-line tail call reads what the hook above reads. */
void xbpf_prog_array_jit_ops(struct xbpf_interp_ops *ops)
{
	ops->tail_guess = prog_array_tail_guess;
	ops->tail_slot = prog_array_tail_slot;
	ops->tail_inline = true;
	ops->pa_max_entries = offsetof(struct xbpf_prog_array, map.max_entries);
	ops->pa_entries = offsetof(struct xbpf_prog_array, entries);
}

static u64 prog_array_mem_usage(const struct xbpf_map *map)
{
	return sizeof(struct xbpf_prog_array) +
	       (u64)map->max_entries * (sizeof(void *) + sizeof(long));
}

const struct xbpf_map_ops xbpf_prog_array_map_ops = {
	.alloc_check	= xbpf_fd_array_alloc_check,
	.alloc		= prog_array_alloc,
	.free		= prog_array_free,
	.lookup		= prog_array_lookup,
	.update		= prog_array_update,
	.delete		= prog_array_delete,
	.get_next_key	= xbpf_array_get_next_key,
	.sys_lookup	= prog_array_sys_lookup,
	.sys_update	= prog_array_sys_update,
	.release_uref	= prog_array_clear,
	.mem_usage	= prog_array_mem_usage,
};
