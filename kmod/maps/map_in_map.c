// SPDX-License-Identifier: GPL-2.0
/*
 * Maps of maps: BPF_MAP_TYPE_ARRAY_OF_MAPS here, and the inner map
 * template both it and BPF_MAP_TYPE_HASH_OF_MAPS (maps/hash.c) keep.
 *
 * The map named by inner_map_fd at creation is a template: every map
 * stored later must have its type, key and value sizes and flags (and,
 * for arrays without BPF_F_INNER_MAP, its max_entries), since programs
 * were verified against the template. Userspace stores maps by fd and
 * reads back IDs; a program's lookup yields the inner map itself, used
 * under RCU: a replaced inner map is freed after a grace period.
 */
#include <linux/err.h>
#include <linux/file.h>
#include <linux/nospec.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>

#include "maps/map.h"
#include "object.h"

/* Types Linux cannot compare as inner maps (no map_meta_equal). */
static bool inner_type_supported(u32 type)
{
	return type != BPF_MAP_TYPE_PROG_ARRAY &&
	       type != BPF_MAP_TYPE_PERF_EVENT_ARRAY &&
	       type != BPF_MAP_TYPE_CGROUP_ARRAY;
}

struct xbpf_map *xbpf_map_meta_alloc(u32 inner_map_fd)
{
	struct xbpf_map *inner, *meta;
	struct fd f;

	f = fdget(inner_map_fd);
	inner = xbpf_map_from_fd(f);
	if (IS_ERR(inner))
		return inner;
	/* one level only */
	if (inner->inner_meta) {
		fdput(f);
		return ERR_PTR(-EINVAL);
	}
	if (!inner_type_supported(inner->map_type)) {
		fdput(f);
		return ERR_PTR(-ENOTSUPP);
	}
	meta = kzalloc(sizeof(*meta), GFP_USER | __GFP_NOWARN);
	if (!meta) {
		fdput(f);
		return ERR_PTR(-ENOMEM);
	}
	meta->ops = inner->ops;
	meta->map_type = inner->map_type;
	meta->key_size = inner->key_size;
	meta->value_size = inner->value_size;
	meta->max_entries = inner->max_entries;
	meta->map_flags = inner->map_flags;
	fdput(f);
	return meta;
}

static bool meta_equal(const struct xbpf_map *meta,
		       const struct xbpf_map *map)
{
	if (meta->map_type != map->map_type ||
	    meta->key_size != map->key_size ||
	    meta->value_size != map->value_size ||
	    meta->map_flags != map->map_flags)
		return false;
	if (meta->map_type == BPF_MAP_TYPE_ARRAY &&
	    !(meta->map_flags & BPF_F_INNER_MAP))
		return meta->max_entries == map->max_entries;
	return true;
}

struct xbpf_map *xbpf_map_fd_get_inner(struct xbpf_map *outer, u32 ufd)
{
	struct xbpf_map *inner;
	struct fd f;

	f = fdget(ufd);
	inner = xbpf_map_from_fd(f);
	if (IS_ERR(inner))
		return inner;
	if (meta_equal(outer->inner_meta, inner))
		atomic64_inc(&inner->refcnt);
	else
		inner = ERR_PTR(-EINVAL);
	fdput(f);
	return inner;
}

struct xbpf_array_of_maps {
	struct xbpf_map map;
	struct xbpf_map __rcu **slots;
};

static struct xbpf_array_of_maps *to_aom(struct xbpf_map *map)
{
	return container_of(map, struct xbpf_array_of_maps, map);
}

static struct xbpf_map *aom_alloc(union bpf_attr *attr)
{
	struct xbpf_array_of_maps *aom;
	struct xbpf_map *meta;

	meta = xbpf_map_meta_alloc(attr->inner_map_fd);
	if (IS_ERR(meta))
		return meta;
	aom = kzalloc(sizeof(*aom), GFP_KERNEL_ACCOUNT);
	if (!aom)
		goto err;
	aom->slots = xbpf_map_area_alloc((u64)attr->max_entries *
					 sizeof(*aom->slots));
	if (!aom->slots) {
		kfree(aom);
		goto err;
	}
	xbpf_map_init(&aom->map, attr);
	aom->map.inner_meta = meta;
	return &aom->map;
err:
	kfree(meta);
	return ERR_PTR(-ENOMEM);
}

static void aom_free(struct xbpf_map *map)
{
	struct xbpf_array_of_maps *aom = to_aom(map);
	struct xbpf_map *inner;
	u32 i;

	for (i = 0; i < map->max_entries; i++) {
		inner = rcu_dereference_raw(aom->slots[i]);
		if (inner)
			xbpf_map_put(inner);
	}
	xbpf_map_area_free(aom->slots);
	kfree(map->inner_meta);
	kfree(aom);
}

/* Programs get the inner map itself (the verifier knows its template). */
static void *aom_lookup(struct xbpf_map *map, void *key)
{
	struct xbpf_array_of_maps *aom = to_aom(map);
	u32 index = *(u32 *)key;

	if (unlikely(index >= map->max_entries))
		return NULL;
	index = array_index_nospec(index, map->max_entries);
	return rcu_dereference(aom->slots[index]);
}

static int aom_update(struct xbpf_map *map, void *key, void *value,
		      u64 flags)
{
	return -EINVAL;
}

static int aom_sys_update(struct xbpf_map *map, void *key, void *value,
			  u64 flags)
{
	struct xbpf_array_of_maps *aom = to_aom(map);
	u32 index = *(u32 *)key;
	struct xbpf_map *inner, *old;

	if (flags != BPF_ANY)
		return -EINVAL;
	if (index >= map->max_entries)
		return -E2BIG;
	index = array_index_nospec(index, map->max_entries);
	inner = xbpf_map_fd_get_inner(map, *(u32 *)value);
	if (IS_ERR(inner))
		return PTR_ERR(inner);
	old = unrcu_pointer(xchg(&aom->slots[index], RCU_INITIALIZER(inner)));
	if (old)
		xbpf_map_put(old);
	return 0;
}

static int aom_sys_lookup(struct xbpf_map *map, void *key, void *value,
			  u64 flags)
{
	struct xbpf_map *inner;
	int err = 0;

	rcu_read_lock();
	inner = aom_lookup(map, key);
	if (inner)
		*(u32 *)value = inner->id;
	else
		err = -ENOENT;
	rcu_read_unlock();
	return err;
}

static int aom_delete(struct xbpf_map *map, void *key)
{
	struct xbpf_array_of_maps *aom = to_aom(map);
	u32 index = *(u32 *)key;
	struct xbpf_map *old;

	if (index >= map->max_entries)
		return -E2BIG;
	index = array_index_nospec(index, map->max_entries);
	old = unrcu_pointer(xchg(&aom->slots[index], NULL));
	if (!old)
		return -ENOENT;
	xbpf_map_put(old);
	return 0;
}

static u64 aom_mem_usage(const struct xbpf_map *map)
{
	return sizeof(struct xbpf_array_of_maps) + sizeof(struct xbpf_map) +
	       (u64)map->max_entries * sizeof(void *);
}

const struct xbpf_map_ops xbpf_array_of_maps_map_ops = {
	.alloc_check	= xbpf_fd_array_alloc_check,
	.alloc		= aom_alloc,
	.free		= aom_free,
	.lookup		= aom_lookup,
	.update		= aom_update,
	.delete		= aom_delete,
	.get_next_key	= xbpf_array_get_next_key,
	.sys_lookup	= aom_sys_lookup,
	.sys_update	= aom_sys_update,
	.mem_usage	= aom_mem_usage,
};
