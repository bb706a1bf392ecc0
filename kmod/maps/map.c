// SPDX-License-Identifier: GPL-2.0
/*
 * What all map types share: the type table, attribute copying, storage
 * allocation and the memory estimate.
 */
#include <linux/atomic.h>
#include <linux/mm.h>
#include <linux/moduleparam.h>
#include <linux/nospec.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/vmalloc.h>

#include "maps/map.h"

static const struct xbpf_map_ops *const xbpf_map_types[] = {
#define XBPF_MAP_TYPE(type, ops) [type] = &ops,
#include "maps/map_types.h"
#undef XBPF_MAP_TYPE
};

const struct xbpf_map_ops *xbpf_map_type_ops(u32 map_type)
{
	if (map_type >= ARRAY_SIZE(xbpf_map_types))
		return NULL;
	return xbpf_map_types[array_index_nospec(map_type,
						 ARRAY_SIZE(xbpf_map_types))];
}

/*
 * Direct calls: a program's map_lookup_elem of a map it names calls the
 * map type's lookup itself, with the helper's arguments (map, key), in
 * place of the helper that would call it through ops. Each distinct
 * lookup function gets a slot, in the order of the type table.
 */
static xbpf_helper_fn as_call(void *(*lookup)(struct xbpf_map *, void *))
{
	/* the helpers' ABI: (map, key) in the first two, a pointer back */
	return (xbpf_helper_fn)(void (*)(void))lookup;
}

void xbpf_map_direct_calls(xbpf_helper_fn *slots, u32 n)
{
	u32 t, k, used = 0;

	memset(slots, 0, sizeof(*slots) * n);
	for (t = 0; t < ARRAY_SIZE(xbpf_map_types); t++) {
		const struct xbpf_map_ops *ops = xbpf_map_types[t];

		if (!ops || !ops->lookup)
			continue;
		for (k = 0; k < used; k++)
			if (slots[k] == as_call(ops->lookup))
				break;
		if (k == used && used < n)
			slots[used++] = as_call(ops->lookup);
	}
}

u32 xbpf_map_lookup_call(const struct xbpf_map *map)
{
	xbpf_helper_fn slots[XBPF_NR_DIRECT];
	u32 k;

	if (!map->ops->lookup)
		return 0;
	xbpf_map_direct_calls(slots, XBPF_NR_DIRECT);
	for (k = 0; k < XBPF_NR_DIRECT; k++)
		if (slots[k] == as_call(map->ops->lookup))
			return XBPF_FUNC_DIRECT + k;
	return 0;
}

void xbpf_map_init(struct xbpf_map *map, const union bpf_attr *attr)
{
	map->map_type = attr->map_type;
	map->key_size = attr->key_size;
	map->value_size = attr->value_size;
	map->max_entries = attr->max_entries;
	/* RDONLY/WRONLY describe the creating fd, not the map. */
	map->map_flags = attr->map_flags & ~(BPF_F_RDONLY | BPF_F_WRONLY);
	map->map_extra = attr->map_extra;
}

unsigned long xbpf_map_memory_footprint(const struct xbpf_map *map)
{
	unsigned long size;

	size = round_up(map->key_size + xbpf_map_value_size(map), 8);
	return round_up(map->max_entries * size, PAGE_SIZE);
}

void *xbpf_map_area_alloc(u64 size)
{
	/* The same ceiling as Linux: beyond it, page rounding overflows. */
	if (size >= SIZE_MAX - PAGE_SIZE)
		return NULL;
	if (size <= (PAGE_SIZE << PAGE_ALLOC_COSTLY_ORDER)) {
		void *area = kzalloc(size, GFP_KERNEL_ACCOUNT | __GFP_NOWARN |
					   __GFP_NORETRY);

		if (area)
			return area;
	}
	return __vmalloc(size, GFP_KERNEL_ACCOUNT | __GFP_NOWARN |
			       __GFP_RETRY_MAYFAIL | __GFP_ZERO);
}

void xbpf_map_area_free(void *area)
{
	kvfree(area);
}

/*
 * The memory all maps may hold together, in bytes; 0 is no limit. A map
 * that would go past it is refused at creation with ENOMEM.
 */
static unsigned long max_map_memory;
module_param(max_map_memory, ulong, 0644);
MODULE_PARM_DESC(max_map_memory,
		 "bytes all xbpf maps may use together (0: no limit)");

static atomic64_t map_memory_used = ATOMIC64_INIT(0);

u64 xbpf_map_mem_usage(const struct xbpf_map *map)
{
	if (map->ops->mem_usage)
		return map->ops->mem_usage(map);
	return xbpf_map_memory_footprint(map);
}

int xbpf_map_charge(struct xbpf_map *map)
{
	unsigned long limit = READ_ONCE(max_map_memory);
	u64 size = xbpf_map_mem_usage(map);

	if (limit && atomic64_add_return(size, &map_memory_used) > limit) {
		atomic64_sub(size, &map_memory_used);
		return -ENOMEM;
	}
	if (!limit)
		atomic64_add(size, &map_memory_used);
	map->charged = size;
	return 0;
}

void xbpf_map_uncharge(struct xbpf_map *map)
{
	atomic64_sub(map->charged, &map_memory_used);
	map->charged = 0;
}
