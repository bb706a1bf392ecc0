// SPDX-License-Identifier: GPL-2.0
/*
 * BPF_MAP_TYPE_QUEUE and BPF_MAP_TYPE_STACK: values without keys, pushed
 * and popped (or peeked) by programs through helpers and by userspace
 * through update, lookup_and_delete and lookup. A ring of max_entries + 1
 * slots under a raw spinlock; in NMI context only a trylock is attempted,
 * so a program interrupting a holder on the same CPU gets -EBUSY instead
 * of a deadlock.
 */
#include <linux/err.h>
#include <linux/hardirq.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/string.h>

#include "maps/map.h"

#define QUEUE_STACK_CREATE_FLAG_MASK (BPF_F_NUMA_NODE | XBPF_F_ACCESS_MASK)

struct xbpf_queue_stack {
	struct xbpf_map map;
	raw_spinlock_t lock;
	u32 head, tail;
	u32 size;		/* max_entries + 1: one slot tells full from empty */
	char *elements;
};

static struct xbpf_queue_stack *to_qs(struct xbpf_map *map)
{
	return container_of(map, struct xbpf_queue_stack, map);
}

static bool qs_is_empty(const struct xbpf_queue_stack *qs)
{
	return qs->head == qs->tail;
}

static bool qs_is_full(const struct xbpf_queue_stack *qs)
{
	u32 head = qs->head + 1;

	if (unlikely(head >= qs->size))
		head = 0;
	return head == qs->tail;
}

static int qs_alloc_check(union bpf_attr *attr)
{
	if (attr->max_entries == 0 || attr->key_size != 0 ||
	    attr->value_size == 0 ||
	    attr->map_flags & ~QUEUE_STACK_CREATE_FLAG_MASK ||
	    !xbpf_map_flags_access_ok(attr->map_flags))
		return -EINVAL;
	if (attr->value_size > KMALLOC_MAX_SIZE)
		return -E2BIG;
	return 0;
}

static struct xbpf_map *qs_alloc(union bpf_attr *attr)
{
	struct xbpf_queue_stack *qs;
	u64 size = (u64)attr->max_entries + 1;

	qs = kzalloc(sizeof(*qs), GFP_KERNEL_ACCOUNT);
	if (!qs)
		return ERR_PTR(-ENOMEM);
	qs->elements = xbpf_map_area_alloc(size * attr->value_size);
	if (!qs->elements) {
		kfree(qs);
		return ERR_PTR(-ENOMEM);
	}
	xbpf_map_init(&qs->map, attr);
	qs->size = size;
	raw_spin_lock_init(&qs->lock);
	return &qs->map;
}

static void qs_free(struct xbpf_map *map)
{
	struct xbpf_queue_stack *qs = to_qs(map);

	xbpf_map_area_free(qs->elements);
	kfree(qs);
}

static int qs_lock(struct xbpf_queue_stack *qs, unsigned long *flags)
{
	if (in_nmi()) {
		if (!raw_spin_trylock_irqsave(&qs->lock, *flags))
			return -EBUSY;
		return 0;
	}
	raw_spin_lock_irqsave(&qs->lock, *flags);
	return 0;
}

/* Queue: the oldest value; delete takes it out. */
static int queue_get(struct xbpf_map *map, void *value, bool delete)
{
	struct xbpf_queue_stack *qs = to_qs(map);
	unsigned long flags;
	int err;

	err = qs_lock(qs, &flags);
	if (err) {
		/* the program's buffer counts as written either way */
		memset(value, 0, map->value_size);
		return err;
	}
	if (qs_is_empty(qs)) {
		memset(value, 0, map->value_size);
		err = -ENOENT;
		goto out;
	}
	memcpy(value, qs->elements + (u64)qs->tail * map->value_size,
	       map->value_size);
	if (delete && unlikely(++qs->tail >= qs->size))
		qs->tail = 0;
out:
	raw_spin_unlock_irqrestore(&qs->lock, flags);
	return err;
}

/* Stack: the newest value. */
static int stack_get(struct xbpf_map *map, void *value, bool delete)
{
	struct xbpf_queue_stack *qs = to_qs(map);
	unsigned long flags;
	u32 index;
	int err;

	err = qs_lock(qs, &flags);
	if (err) {
		/* the program's buffer counts as written either way */
		memset(value, 0, map->value_size);
		return err;
	}
	if (qs_is_empty(qs)) {
		memset(value, 0, map->value_size);
		err = -ENOENT;
		goto out;
	}
	index = qs->head ? qs->head - 1 : qs->size - 1;
	memcpy(value, qs->elements + (u64)index * map->value_size,
	       map->value_size);
	if (delete)
		qs->head = index;
out:
	raw_spin_unlock_irqrestore(&qs->lock, flags);
	return err;
}

static int queue_peek(struct xbpf_map *map, void *value)
{
	return queue_get(map, value, false);
}

static int queue_pop(struct xbpf_map *map, void *value)
{
	return queue_get(map, value, true);
}

static int stack_peek(struct xbpf_map *map, void *value)
{
	return stack_get(map, value, false);
}

static int stack_pop(struct xbpf_map *map, void *value)
{
	return stack_get(map, value, true);
}

/* Both kinds push at head; BPF_EXIST on a full map drops the oldest. */
static int qs_push(struct xbpf_map *map, void *value, u64 flags)
{
	struct xbpf_queue_stack *qs = to_qs(map);
	unsigned long irqflags;
	int err;

	if (flags & BPF_NOEXIST || flags > BPF_EXIST)
		return -EINVAL;
	err = qs_lock(qs, &irqflags);
	if (err)
		return err;
	if (qs_is_full(qs)) {
		if (!(flags & BPF_EXIST)) {
			err = -E2BIG;
			goto out;
		}
		if (unlikely(++qs->tail >= qs->size))
			qs->tail = 0;
	}
	memcpy(qs->elements + (u64)qs->head * map->value_size, value,
	       map->value_size);
	if (unlikely(++qs->head >= qs->size))
		qs->head = 0;
out:
	raw_spin_unlock_irqrestore(&qs->lock, irqflags);
	return err;
}

static void *qs_lookup(struct xbpf_map *map, void *key)
{
	return NULL;
}

static int qs_update(struct xbpf_map *map, void *key, void *value, u64 flags)
{
	return -EINVAL;
}

static int qs_delete(struct xbpf_map *map, void *key)
{
	return -EINVAL;
}

static int qs_get_next_key(struct xbpf_map *map, void *key, void *next_key)
{
	return -EINVAL;
}

/* Userspace: lookup peeks, update pushes, lookup_and_delete pops. */
static int qs_sys_lookup(struct xbpf_map *map, void *key, void *value,
			 u64 flags)
{
	return map->ops->peek(map, value);
}

static int qs_sys_update(struct xbpf_map *map, void *key, void *value,
			 u64 flags)
{
	return qs_push(map, value, flags);
}

static int qs_lookup_and_delete(struct xbpf_map *map, void *key, void *value,
				u64 flags)
{
	if (flags)
		return -EINVAL;
	return map->ops->pop(map, value);
}

static u64 qs_mem_usage(const struct xbpf_map *map)
{
	return sizeof(struct xbpf_queue_stack) +
	       ((u64)map->max_entries + 1) * map->value_size;
}

#define QS_OPS(kind)							\
const struct xbpf_map_ops xbpf_##kind##_map_ops = {			\
	.alloc_check		= qs_alloc_check,			\
	.alloc			= qs_alloc,				\
	.free			= qs_free,				\
	.lookup			= qs_lookup,				\
	.update			= qs_update,				\
	.delete			= qs_delete,				\
	.get_next_key		= qs_get_next_key,			\
	.lookup_and_delete	= qs_lookup_and_delete,			\
	.sys_lookup		= qs_sys_lookup,			\
	.sys_update		= qs_sys_update,			\
	.push			= qs_push,				\
	.pop			= kind##_pop,				\
	.peek			= kind##_peek,				\
	.mem_usage		= qs_mem_usage,				\
}

QS_OPS(queue);
QS_OPS(stack);
