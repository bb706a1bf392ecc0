// SPDX-License-Identifier: GPL-2.0
/*
 * BPF_MAP_TYPE_STACK_TRACE, bpf_get_stackid() and bpf_get_stack().
 *
 * Kernel stacks come from stack_trace_save(), taken inside the helper:
 * the frames of xbpf itself (helper, interpreter, run loop) are dropped,
 * so a stack starts at the code that ran the program, where Linux's
 * starts at the probed registers. User stacks cannot be walked from a
 * module (stack_trace_save_user() and get_perf_callchain() are not
 * exported): BPF_F_USER_STACK answers -EFAULT, which Linux answers when
 * it finds no user stack. The depth limit is perf's default, 127
 * (sysctl_perf_event_max_stack is not exported either).
 *
 * The map is Linux's: 2^n buckets by stack hash, each holding one stack;
 * max_entries preallocated stacks on a free list. Programs take stacks
 * from it under a raw spinlock, only tried in NMI.
 */
#include <linux/err.h>
#include <linux/jhash.h>
#include <linux/log2.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/stacktrace.h>

#include "maps/map.h"
#include "prog.h"

#define STACK_MAX_DEPTH		127
#define STACK_CREATE_FLAG_MASK						\
	(BPF_F_NUMA_NODE | BPF_F_RDONLY | BPF_F_WRONLY | BPF_F_STACK_BUILD_ID)
/* what stack_trace_save() may have to step over before the caller's frames */
#define STACK_OWN_FRAMES	16

struct stack_bucket {
	struct stack_bucket *next_free;
	u32 hash;
	u32 nr;
	u64 ips[];		/* value_size bytes, zero past nr */
};

struct stack_map {
	struct xbpf_map map;
	void *elems;
	struct stack_bucket *free;
	raw_spinlock_t free_lock;
	u32 n_buckets;
	struct stack_bucket *buckets[];
};

static struct stack_map *to_stack_map(struct xbpf_map *map)
{
	return container_of(map, struct stack_map, map);
}

static int stack_map_alloc_check(union bpf_attr *attr)
{
	if (attr->map_flags & ~STACK_CREATE_FLAG_MASK)
		return -EINVAL;
	if (!attr->max_entries || attr->key_size != 4 ||
	    attr->value_size < 8 || attr->value_size % 8)
		return -EINVAL;
	if (attr->map_flags & BPF_F_STACK_BUILD_ID) {
		if (attr->value_size % sizeof(struct bpf_stack_build_id) ||
		    attr->value_size / sizeof(struct bpf_stack_build_id) >
		    STACK_MAX_DEPTH)
			return -EINVAL;
	} else if (attr->value_size / 8 > STACK_MAX_DEPTH) {
		return -EINVAL;
	}
	if (attr->max_entries > 1UL << 31)
		return -E2BIG;
	return 0;
}

static struct xbpf_map *stack_map_alloc(union bpf_attr *attr)
{
	u64 n_buckets = roundup_pow_of_two(attr->max_entries);
	u64 elem_size = sizeof(struct stack_bucket) + attr->value_size;
	struct stack_map *smap;
	u32 i;

	/* build ids need the tasks' file mappings: not from a module */
	if (attr->map_flags & BPF_F_STACK_BUILD_ID)
		return ERR_PTR(-EOPNOTSUPP);
	smap = xbpf_map_area_alloc(sizeof(*smap) +
				   n_buckets * sizeof(smap->buckets[0]));
	if (!smap)
		return ERR_PTR(-ENOMEM);
	smap->elems = xbpf_map_area_alloc(elem_size * attr->max_entries);
	if (!smap->elems) {
		xbpf_map_area_free(smap);
		return ERR_PTR(-ENOMEM);
	}
	xbpf_map_init(&smap->map, attr);
	smap->n_buckets = n_buckets;
	raw_spin_lock_init(&smap->free_lock);
	for (i = 0; i < attr->max_entries; i++) {
		struct stack_bucket *b = smap->elems + i * elem_size;

		b->next_free = smap->free;
		smap->free = b;
	}
	return &smap->map;
}

static void stack_map_free(struct xbpf_map *map)
{
	struct stack_map *smap = to_stack_map(map);

	xbpf_map_area_free(smap->elems);
	xbpf_map_area_free(smap);
}

static struct stack_bucket *stack_bucket_get(struct stack_map *smap)
{
	struct stack_bucket *b;
	unsigned long flags;

	if (in_nmi()) {
		if (!raw_spin_trylock_irqsave(&smap->free_lock, flags))
			return NULL;
	} else {
		raw_spin_lock_irqsave(&smap->free_lock, flags);
	}
	b = smap->free;
	if (b)
		smap->free = b->next_free;
	raw_spin_unlock_irqrestore(&smap->free_lock, flags);
	return b;
}

static void stack_bucket_put(struct stack_map *smap, struct stack_bucket *b)
{
	unsigned long flags;

	/* a put never fails: in NMI it waits (the holder is never an NMI) */
	raw_spin_lock_irqsave(&smap->free_lock, flags);
	b->next_free = smap->free;
	smap->free = b;
	raw_spin_unlock_irqrestore(&smap->free_lock, flags);
}

/*
 * syscall, under RCU: the stack stored under *key, zero-padded. A
 * program replacing that very bucket at the same moment may be seen
 * half-written (Linux takes the bucket out while it copies).
 */
static void *stack_map_lookup(struct xbpf_map *map, void *key)
{
	struct stack_map *smap = to_stack_map(map);
	u32 id = *(u32 *)key;
	struct stack_bucket *b;

	if (id >= smap->n_buckets)
		return NULL;
	b = READ_ONCE(smap->buckets[id]);
	return b ? b->ips : NULL;
}

static int stack_map_update(struct xbpf_map *map, void *key, void *value,
			    u64 flags)
{
	return -EINVAL;
}

static int stack_map_delete(struct xbpf_map *map, void *key)
{
	struct stack_map *smap = to_stack_map(map);
	u32 id = *(u32 *)key;
	struct stack_bucket *old;

	if (id >= smap->n_buckets)
		return -E2BIG;
	old = xchg(&smap->buckets[id], NULL);
	if (!old)
		return -ENOENT;
	stack_bucket_put(smap, old);
	return 0;
}

static int stack_map_get_next_key(struct xbpf_map *map, void *key,
				  void *next_key)
{
	struct stack_map *smap = to_stack_map(map);
	u32 id = 0;

	if (key) {
		id = *(u32 *)key;
		if (id >= smap->n_buckets || !READ_ONCE(smap->buckets[id]))
			id = 0;
		else
			id++;
	}
	while (id < smap->n_buckets && !READ_ONCE(smap->buckets[id]))
		id++;
	if (id >= smap->n_buckets)
		return -ENOENT;
	*(u32 *)next_key = id;
	return 0;
}

const struct xbpf_map_ops xbpf_stack_trace_map_ops = {
	.alloc_check = stack_map_alloc_check,
	.alloc = stack_map_alloc,
	.free = stack_map_free,
	.lookup = stack_map_lookup,
	.update = stack_map_update,
	.delete = stack_map_delete,
	.get_next_key = stack_map_get_next_key,
};

/* Walk buffers: per CPU, as deep as programs may nest (-EBUSY beyond). */
#define STACK_NEST_LEVELS	3

struct stack_walk {
	unsigned long ips[STACK_MAX_DEPTH + STACK_OWN_FRAMES];
};

/* per CPU, allocated at init: too big for a module's static per-CPU area */
struct stack_walk_cpu {
	struct stack_walk lvl[STACK_NEST_LEVELS];
};

static struct stack_walk_cpu __percpu *stack_walks;

int xbpf_stackmap_init(void)
{
	stack_walks = alloc_percpu(struct stack_walk_cpu);
	return stack_walks ? 0 : -ENOMEM;
}

void xbpf_stackmap_uninit(void)
{
	free_percpu(stack_walks);
	stack_walks = NULL;
}
static DEFINE_PER_CPU(int, stack_walk_nest);

/*
 * The current kernel stack from the code that ran the program, skip
 * frames dropped, at most max entries: *ips points at them (valid until
 * stack_walk_done()), the count is returned; -EBUSY when nested too deep.
 */
static int kernel_stack(unsigned long **ips, u32 max, u32 skip)
{
	int level = this_cpu_inc_return(stack_walk_nest);
	struct stack_walk *walk;
	u32 nr, first = 0;

	if (level > STACK_NEST_LEVELS)
		return -EBUSY;
	walk = &this_cpu_ptr(stack_walks)->lvl[level - 1];
	nr = stack_trace_save(walk->ips, min_t(u32, ARRAY_SIZE(walk->ips),
					       max + skip + STACK_OWN_FRAMES),
			      0);
	while (first < nr && within_module(walk->ips[first], THIS_MODULE))
		first++;
	first += skip;
	*ips = walk->ips + first;
	return first >= nr ? 0 : min(nr - first, max);
}

static void stack_walk_done(void)
{
	this_cpu_dec(stack_walk_nest);
}

static u64 helper_get_stackid(u64 ctx, u64 map, u64 flags, u64 r4, u64 r5)
{
	struct stack_map *smap = to_stack_map((void *)(unsigned long)map);
	u32 skip = flags & BPF_F_SKIP_FIELD_MASK;
	u32 max = smap->map.value_size / 8, len, hash, id;
	struct stack_bucket *b, *nb, *old;
	unsigned long *ips;
	long ret;
	int nr;

	if (unlikely(flags & ~(BPF_F_SKIP_FIELD_MASK | BPF_F_USER_STACK |
			       BPF_F_FAST_STACK_CMP | BPF_F_REUSE_STACKID)))
		return -EINVAL;
	if (flags & BPF_F_USER_STACK)
		return -EFAULT;
	nr = kernel_stack(&ips, max, skip);
	if (nr <= 0) {
		ret = nr ? nr : -EFAULT;
		goto out;
	}
	len = nr * sizeof(u64);
	hash = jhash2((u32 *)ips, len / sizeof(u32), 0);
	id = hash & (smap->n_buckets - 1);
	b = READ_ONCE(smap->buckets[id]);

	ret = id;
	if (b && b->hash == hash) {
		if (flags & BPF_F_FAST_STACK_CMP)
			goto out;
		if (b->nr == nr && !memcmp(b->ips, ips, len))
			goto out;
	}
	ret = -EEXIST;
	if (b && !(flags & BPF_F_REUSE_STACKID))
		goto out;

	ret = -ENOMEM;
	nb = stack_bucket_get(smap);
	if (unlikely(!nb))
		goto out;
	memcpy(nb->ips, ips, len);
	memset((void *)nb->ips + len, 0, smap->map.value_size - len);
	nb->hash = hash;
	nb->nr = nr;
	old = xchg(&smap->buckets[id], nb);
	if (old)
		stack_bucket_put(smap, old);
	ret = id;
out:
	stack_walk_done();
	return ret;
}

static u64 helper_get_stack(u64 ctx, u64 buf, u64 size, u64 flags, u64 r5)
{
	u32 skip = flags & BPF_F_SKIP_FIELD_MASK;
	void *dst = (void *)(unsigned long)buf;
	unsigned long *ips;
	int err = -EINVAL, nr;

	if (unlikely(flags & ~(BPF_F_SKIP_FIELD_MASK | BPF_F_USER_STACK |
			       BPF_F_USER_BUILD_ID)))
		goto clear;
	if ((flags & BPF_F_USER_BUILD_ID) && !(flags & BPF_F_USER_STACK))
		goto clear;
	if (size % sizeof(u64))
		goto clear;
	err = -EFAULT;
	if (flags & BPF_F_USER_STACK)
		goto clear;
	nr = kernel_stack(&ips, min_t(u64, size / sizeof(u64), STACK_MAX_DEPTH),
			  skip);
	if (nr > 0)
		memcpy(dst, ips, nr * sizeof(u64));
	stack_walk_done();
	if (nr <= 0) {
		err = nr ? nr : -EFAULT;
		goto clear;
	}
	memset(dst + nr * sizeof(u64), 0, size - nr * sizeof(u64));
	return nr * sizeof(u64);
clear:
	memset(dst, 0, size);
	return err;
}

/*
 * Linux pins the task's stack (try_get_task_stack()) and walks it from
 * its saved registers; put_task_stack() is not exported, so a module
 * cannot pin another task's stack and let it go. The current task's
 * stack cannot go away under the program: it is walked as for
 * bpf_get_stack(). Any other task gets what Linux answers for a stack it
 * cannot pin: -EFAULT and a cleared buffer. Programs reach only the
 * current task (bpf_get_current_task_btf()), as xbpf has no other source
 * of task pointers.
 */
static u64 helper_get_task_stack(u64 task, u64 buf, u64 size, u64 flags,
				 u64 r5)
{
	if ((struct task_struct *)(unsigned long)task != current) {
		memset((void *)(unsigned long)buf, 0, size);
		return -EFAULT;
	}
	return helper_get_stack(0, buf, size, flags, 0);
}

static const struct xbpf_func_proto stack_protos[] = {
	{
		.func_id = BPF_FUNC_get_stackid,
		.func = helper_get_stackid,
		.gpl_only = true,
		.ret_type = RET_INTEGER,
		.arg_type = { ARG_PTR_TO_CTX, ARG_CONST_MAP_PTR, ARG_ANYTHING },
	}, {
		.func_id = BPF_FUNC_get_stack,
		.func = helper_get_stack,
		.gpl_only = true,
		.ret_type = RET_INTEGER,
		.arg_type = { ARG_PTR_TO_CTX, ARG_PTR_TO_UNINIT_MEM,
			      ARG_CONST_SIZE_OR_ZERO, ARG_ANYTHING },
	}, {
		.func_id = BPF_FUNC_get_task_stack,
		.func = helper_get_task_stack,
		.gpl_only = false,
		.ret_type = RET_INTEGER,
		.arg_type = { ARG_PTR_TO_BTF_ID, ARG_PTR_TO_UNINIT_MEM,
			      ARG_CONST_SIZE_OR_ZERO, ARG_ANYTHING },
		.arg_btf_id = { XBPF_BTF_TASK_STRUCT },
	},
};

const struct xbpf_func_proto *xbpf_stack_func_proto(u32 func_id)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(stack_protos); i++)
		if (stack_protos[i].func_id == func_id)
			return &stack_protos[i];
	return NULL;
}
