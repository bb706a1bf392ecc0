// SPDX-License-Identifier: GPL-2.0
/*
 * BPF_MAP_TYPE_ARRAY: max_entries values indexed by a u32 key, all
 * preallocated and zeroed. Values are updated in place, so readers need no
 * RCU protection beyond the map's own lifetime. With BPF_F_MMAPABLE the
 * values live in whole pages that userspace can mmap; the kernel and user
 * mappings are then the same memory.
 *
 * BPF_MAP_TYPE_PERCPU_ARRAY: the same, but each element is a per-CPU
 * allocation; a program sees its CPU's copy, userspace all of them.
 */
#include <linux/capability.h>
#include <linux/err.h>
#include <linux/log2.h>
#include <linux/mm.h>
#include <linux/nospec.h>
#include <linux/percpu.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/vmalloc.h>

#include "maps/map.h"

#define ARRAY_CREATE_FLAG_MASK						\
	(BPF_F_NUMA_NODE | BPF_F_MMAPABLE | XBPF_F_ACCESS_MASK |	\
	 BPF_F_PRESERVE_ELEMS | BPF_F_INNER_MAP)

struct xbpf_array {
	struct xbpf_map map;
	u32 elem_size;
	/* values: elem_size * max_entries bytes */
	char *values;
	/* PERCPU_ARRAY: one per-CPU value per element instead */
	void __percpu **pptrs;
	/* BPF_F_MMAPABLE: the pages behind values, mapped with vmap() */
	struct page **pages;
	unsigned long nr_pages;
};

static struct xbpf_array *to_array(struct xbpf_map *map)
{
	return container_of(map, struct xbpf_array, map);
}

int xbpf_array_alloc_check(union bpf_attr *attr)
{
	bool percpu = attr->map_type == BPF_MAP_TYPE_PERCPU_ARRAY;

	if (attr->max_entries == 0 || attr->key_size != 4 ||
	    attr->value_size == 0 ||
	    attr->map_flags & ~ARRAY_CREATE_FLAG_MASK ||
	    !xbpf_map_flags_access_ok(attr->map_flags) ||
	    (percpu && xbpf_map_attr_numa_node(attr) != NUMA_NO_NODE))
		return -EINVAL;
	if (attr->map_type != BPF_MAP_TYPE_ARRAY &&
	    attr->map_flags & (BPF_F_MMAPABLE | BPF_F_INNER_MAP))
		return -EINVAL;
	if (attr->map_flags & BPF_F_PRESERVE_ELEMS)
		return -EINVAL;
	/* round_up(value_size, 8) must not overflow */
	if (attr->value_size > INT_MAX)
		return -E2BIG;
	/* the per-CPU allocator's bound */
	if (percpu && round_up(attr->value_size, 8) > PCPU_MIN_UNIT_SIZE)
		return -E2BIG;
	return 0;
}

static void array_free_percpu(struct xbpf_array *array)
{
	u32 i;

	for (i = 0; i < array->map.max_entries; i++) {
		free_percpu(array->pptrs[i]);
		cond_resched();
	}
	kvfree(array->pptrs);
}

static int array_alloc_percpu(struct xbpf_array *array)
{
	u32 i;

	array->pptrs = kvcalloc(array->map.max_entries, sizeof(*array->pptrs),
				GFP_KERNEL_ACCOUNT | __GFP_NOWARN);
	if (!array->pptrs)
		return -ENOMEM;
	for (i = 0; i < array->map.max_entries; i++) {
		array->pptrs[i] = __alloc_percpu_gfp(array->elem_size, 8,
						     GFP_KERNEL_ACCOUNT |
						     __GFP_NOWARN);
		if (!array->pptrs[i]) {
			array_free_percpu(array);
			array->pptrs = NULL;
			return -ENOMEM;
		}
		cond_resched();
	}
	return 0;
}

static void array_free_pages(struct xbpf_array *array)
{
	unsigned long i;

	if (array->values)
		vunmap(array->values);
	for (i = 0; i < array->nr_pages; i++)
		if (array->pages[i])
			__free_page(array->pages[i]);
	kvfree(array->pages);
}

/*
 * Mappable storage is built from individual pages so that a request the
 * machine cannot satisfy fails quietly; VM_USERMAP lets remap_vmalloc_range()
 * hand the same pages to userspace.
 */
static int array_alloc_pages(struct xbpf_array *array, u64 size)
{
	const gfp_t gfp = GFP_KERNEL_ACCOUNT | __GFP_ZERO | __GFP_NOWARN |
			  __GFP_RETRY_MAYFAIL;
	unsigned long i, nr = PAGE_ALIGN(size) >> PAGE_SHIFT;

	if (nr > totalram_pages() || nr > UINT_MAX)
		return -ENOMEM;
	array->pages = kvcalloc(nr, sizeof(*array->pages),
				GFP_KERNEL_ACCOUNT | __GFP_NOWARN);
	if (!array->pages)
		return -ENOMEM;
	array->nr_pages = nr;
	for (i = 0; i < nr; i++) {
		array->pages[i] = alloc_page(gfp);
		if (!array->pages[i])
			return -ENOMEM;
		cond_resched();
	}
	array->values = vmap(array->pages, nr, VM_MAP | VM_USERMAP,
			     PAGE_KERNEL);
	if (!array->values)
		return -ENOMEM;
	return 0;
}

static struct xbpf_map *array_alloc(union bpf_attr *attr)
{
	u32 elem_size = round_up(attr->value_size, 8);
	u64 size, max_entries = attr->max_entries;
	struct xbpf_array *array;
	int err;

	/*
	 * Without CAP_PERFMON (Spectre v1 not bypassed) Linux sizes arrays
	 * to a power of two so a masked index stays inside; the same
	 * sizing gives the same E2BIG for the same request.
	 */
	if (!perfmon_capable()) {
		max_entries = roundup_pow_of_two(max_entries);
		if (max_entries > U32_MAX)
			return ERR_PTR(-E2BIG);
	}
	size = max_entries * elem_size;

	array = kzalloc(sizeof(*array), GFP_KERNEL_ACCOUNT);
	if (!array)
		return ERR_PTR(-ENOMEM);
	xbpf_map_init(&array->map, attr);
	array->elem_size = elem_size;

	if (attr->map_type == BPF_MAP_TYPE_PERCPU_ARRAY) {
		err = array_alloc_percpu(array);
		if (err) {
			kfree(array);
			return ERR_PTR(err);
		}
	} else if (attr->map_flags & BPF_F_MMAPABLE) {
		err = array_alloc_pages(array, size);
		if (err) {
			array_free_pages(array);
			kfree(array);
			return ERR_PTR(err);
		}
	} else {
		array->values = xbpf_map_area_alloc(size);
		if (!array->values) {
			kfree(array);
			return ERR_PTR(-ENOMEM);
		}
	}
	return &array->map;
}

static void array_free(struct xbpf_map *map)
{
	struct xbpf_array *array = to_array(map);

	if (array->pptrs)
		array_free_percpu(array);
	else if (array->pages)
		array_free_pages(array);
	else
		xbpf_map_area_free(array->values);
	kfree(array);
}

static void *array_lookup(struct xbpf_map *map, void *key)
{
	struct xbpf_array *array = to_array(map);
	u32 index = *(u32 *)key;

	if (unlikely(index >= map->max_entries))
		return NULL;
	index = array_index_nospec(index, map->max_entries);
	return array->values + (u64)array->elem_size * index;
}

static int array_update(struct xbpf_map *map, void *key, void *value,
			u64 flags)
{
	void *slot;

	if (unlikely((flags & ~BPF_F_LOCK) > BPF_EXIST))
		return -EINVAL;
	slot = array_lookup(map, key);
	if (unlikely(!slot))
		return -E2BIG;
	/* every element always exists */
	if (unlikely(flags & BPF_NOEXIST))
		return -EEXIST;
	memcpy(slot, value, map->value_size);
	return 0;
}

static int array_delete(struct xbpf_map *map, void *key)
{
	return -EINVAL;
}

int xbpf_array_get_next_key(struct xbpf_map *map, void *key, void *next_key)
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

static int array_mmap(struct xbpf_map *map, struct vm_area_struct *vma)
{
	struct xbpf_array *array = to_array(map);
	u64 limit = PAGE_ALIGN((u64)map->max_entries * array->elem_size);

	if (!(map->map_flags & BPF_F_MMAPABLE))
		return -EINVAL;
	if ((u64)vma->vm_pgoff * PAGE_SIZE + (vma->vm_end - vma->vm_start) >
	    limit)
		return -EINVAL;
	return remap_vmalloc_range(vma, array->values, vma->vm_pgoff);
}

/* Only a one-element array has a single value to address (global data). */
static int array_direct_value_addr(struct xbpf_map *map, u32 off, u64 *addr)
{
	struct xbpf_array *array = to_array(map);

	if (map->max_entries != 1)
		return -ENOTSUPP;
	if (off >= map->value_size)
		return -EINVAL;
	*addr = (unsigned long)array->values + off;
	return 0;
}

static void array_inline_lookup(struct xbpf_map *map, u64 *values,
				u32 *elem_size)
{
	struct xbpf_array *array = to_array(map);

	*values = (unsigned long)array->values;
	*elem_size = array->elem_size;
}

static u64 array_mem_usage(const struct xbpf_map *map)
{
	const struct xbpf_array *array = container_of(map, struct xbpf_array,
						      map);
	u64 size = (u64)array->elem_size * map->max_entries;

	if (array->pptrs)
		return size * num_possible_cpus() +
		       map->max_entries * sizeof(void *);
	if (array->pages)
		return array->nr_pages << PAGE_SHIFT;
	return size;
}

static void *percpu_array_lookup(struct xbpf_map *map, void *key)
{
	struct xbpf_array *array = to_array(map);
	u32 index = *(u32 *)key;

	if (unlikely(index >= map->max_entries))
		return NULL;
	index = array_index_nospec(index, map->max_entries);
	return this_cpu_ptr(array->pptrs[index]);
}

static int percpu_array_update(struct xbpf_map *map, void *key, void *value,
			       u64 flags)
{
	void *slot;

	if (unlikely(flags > BPF_EXIST))
		return -EINVAL;
	slot = percpu_array_lookup(map, key);
	if (unlikely(!slot))
		return -E2BIG;
	if (unlikely(flags & BPF_NOEXIST))
		return -EEXIST;
	memcpy(slot, value, map->value_size);
	return 0;
}

/* Userspace sees the CPUs' copies one after another, 8-byte aligned. */
static int percpu_array_sys_lookup(struct xbpf_map *map, void *key,
				   void *value, u64 flags)
{
	struct xbpf_array *array = to_array(map);
	u32 index = *(u32 *)key, off = 0;
	int cpu;

	if (unlikely(index >= map->max_entries))
		return -ENOENT;
	index = array_index_nospec(index, map->max_entries);
	rcu_read_lock();
	for_each_possible_cpu(cpu) {
		memcpy(value + off, per_cpu_ptr(array->pptrs[index], cpu),
		       array->elem_size);
		off += array->elem_size;
	}
	rcu_read_unlock();
	return 0;
}

static int percpu_array_sys_update(struct xbpf_map *map, void *key,
				   void *value, u64 flags)
{
	struct xbpf_array *array = to_array(map);
	u32 index = *(u32 *)key, off = 0;
	int cpu;

	if (unlikely(flags > BPF_EXIST))
		return -EINVAL;
	if (unlikely(index >= map->max_entries))
		return -E2BIG;
	if (unlikely(flags == BPF_NOEXIST))
		return -EEXIST;
	index = array_index_nospec(index, map->max_entries);
	rcu_read_lock();
	for_each_possible_cpu(cpu) {
		/* the whole 8-byte slot, padding included, as Linux */
		memcpy(per_cpu_ptr(array->pptrs[index], cpu), value + off,
		       array->elem_size);
		off += array->elem_size;
	}
	rcu_read_unlock();
	return 0;
}

/* Every index in order, as Linux's arrays do: they have no holes. */
static long array_for_each(struct xbpf_map *map, u64 callback_fn,
			   void *callback_ctx)
{
	long num_elems = 0;
	u32 key;

	for (key = 0; key < map->max_entries; key++) {
		void *val = map->ops->lookup(map, &key);

		num_elems++;
		if (xbpf_callback_call(callback_fn, (unsigned long)map,
				       (unsigned long)&key, (unsigned long)val,
				       (unsigned long)callback_ctx, 0))
			break;
	}
	return num_elems;
}

const struct xbpf_map_ops xbpf_percpu_array_map_ops = {
	.alloc_check	= xbpf_array_alloc_check,
	.alloc		= array_alloc,
	.free		= array_free,
	.lookup		= percpu_array_lookup,
	.update		= percpu_array_update,
	.delete		= array_delete,
	.get_next_key	= xbpf_array_get_next_key,
	.sys_lookup	= percpu_array_sys_lookup,
	.sys_update	= percpu_array_sys_update,
	.mem_usage	= array_mem_usage,
	.lookup_batch	= xbpf_generic_lookup_batch,
	.update_batch	= xbpf_generic_update_batch,
	.for_each	= array_for_each,
};

const struct xbpf_map_ops xbpf_array_map_ops = {
	.mem_usage	= array_mem_usage,
	.lookup_batch	= xbpf_generic_lookup_batch,
	.update_batch	= xbpf_generic_update_batch,
	.alloc_check	= xbpf_array_alloc_check,
	.alloc		= array_alloc,
	.free		= array_free,
	.lookup		= array_lookup,
	.update		= array_update,
	.delete		= array_delete,
	.get_next_key	= xbpf_array_get_next_key,
	.mmap		= array_mmap,
	.direct_value_addr = array_direct_value_addr,
	.inline_lookup	= array_inline_lookup,
	.for_each	= array_for_each,
};
