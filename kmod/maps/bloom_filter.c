// SPDX-License-Identifier: GPL-2.0
/*
 * BPF_MAP_TYPE_BLOOM_FILTER: a bit array that answers "maybe present" or
 * "certainly absent" for values pushed into it. map_extra's low 4 bits
 * give the number of hash functions (0: 5); the array is sized as Linux
 * sizes it, max_entries * hashes * 7 / 5 bits rounded up to a power of
 * two. Bits are only ever set, atomically, so no lock is needed.
 */
#include <linux/bitops.h>
#include <linux/err.h>
#include <linux/jhash.h>
#include <linux/log2.h>
#include <linux/overflow.h>
#include <linux/random.h>
#include <linux/slab.h>

#include "maps/map.h"

#define BLOOM_CREATE_FLAG_MASK						\
	(BPF_F_NUMA_NODE | BPF_F_ZERO_SEED | XBPF_F_ACCESS_MASK)

struct xbpf_bloom {
	struct xbpf_map map;
	u32 bitset_mask;
	u32 hash_seed;
	u32 nr_hash_funcs;
	u64 bitset_bytes;
	unsigned long *bitset;
};

static struct xbpf_bloom *to_bloom(struct xbpf_map *map)
{
	return container_of(map, struct xbpf_bloom, map);
}

static int bloom_alloc_check(union bpf_attr *attr)
{
	if (attr->value_size > KMALLOC_MAX_SIZE)
		return -E2BIG;
	return 0;
}

static struct xbpf_map *bloom_alloc(union bpf_attr *attr)
{
	u32 nr_hash_funcs, nr_bits, bitset_mask;
	struct xbpf_bloom *bloom;
	u64 bitset_bytes;

	if (attr->key_size != 0 || attr->value_size == 0 ||
	    attr->max_entries == 0 ||
	    attr->map_flags & ~BLOOM_CREATE_FLAG_MASK ||
	    !xbpf_map_flags_access_ok(attr->map_flags) ||
	    (attr->map_extra & ~0xFULL))
		return ERR_PTR(-EINVAL);

	nr_hash_funcs = attr->map_extra & 0xF ?: 5;
	/* about n * k / ln(2) bits minimise false positives: 7/5 ~ 1/ln(2) */
	if (check_mul_overflow(attr->max_entries, nr_hash_funcs, &nr_bits) ||
	    check_mul_overflow(nr_bits / 5, (u32)7, &nr_bits) ||
	    nr_bits > (1UL << 31)) {
		bitset_bytes = BITS_TO_BYTES((u64)U32_MAX);
		bitset_mask = U32_MAX;
	} else {
		nr_bits = nr_bits <= BITS_PER_LONG ? BITS_PER_LONG :
						     roundup_pow_of_two(nr_bits);
		bitset_bytes = BITS_TO_BYTES(nr_bits);
		bitset_mask = nr_bits - 1;
	}
	bitset_bytes = roundup(bitset_bytes, sizeof(unsigned long));

	bloom = kzalloc(sizeof(*bloom), GFP_KERNEL_ACCOUNT);
	if (!bloom)
		return ERR_PTR(-ENOMEM);
	bloom->bitset = xbpf_map_area_alloc(bitset_bytes);
	if (!bloom->bitset) {
		kfree(bloom);
		return ERR_PTR(-ENOMEM);
	}
	xbpf_map_init(&bloom->map, attr);
	bloom->nr_hash_funcs = nr_hash_funcs;
	bloom->bitset_mask = bitset_mask;
	bloom->bitset_bytes = bitset_bytes;
	if (!(attr->map_flags & BPF_F_ZERO_SEED))
		bloom->hash_seed = get_random_u32();
	return &bloom->map;
}

static void bloom_free(struct xbpf_map *map)
{
	struct xbpf_bloom *bloom = to_bloom(map);

	xbpf_map_area_free(bloom->bitset);
	kfree(bloom);
}

static u32 bloom_hash(const struct xbpf_bloom *bloom, const void *value,
		      u32 index)
{
	u32 size = bloom->map.value_size;

	if (size % 4 == 0)
		return jhash2(value, size / 4, bloom->hash_seed + index) &
		       bloom->bitset_mask;
	return jhash(value, size, bloom->hash_seed + index) &
	       bloom->bitset_mask;
}

static int bloom_peek(struct xbpf_map *map, void *value)
{
	struct xbpf_bloom *bloom = to_bloom(map);
	u32 i;

	for (i = 0; i < bloom->nr_hash_funcs; i++)
		if (!test_bit(bloom_hash(bloom, value, i), bloom->bitset))
			return -ENOENT;
	return 0;
}

static int bloom_push(struct xbpf_map *map, void *value, u64 flags)
{
	struct xbpf_bloom *bloom = to_bloom(map);
	u32 i;

	if (flags != BPF_ANY)
		return -EINVAL;
	for (i = 0; i < bloom->nr_hash_funcs; i++)
		set_bit(bloom_hash(bloom, value, i), bloom->bitset);
	return 0;
}

static int bloom_pop(struct xbpf_map *map, void *value)
{
	return -EOPNOTSUPP;
}

static void *bloom_lookup(struct xbpf_map *map, void *key)
{
	return NULL;
}

static int bloom_update(struct xbpf_map *map, void *key, void *value,
			u64 flags)
{
	return -EINVAL;
}

static int bloom_delete(struct xbpf_map *map, void *key)
{
	return -EOPNOTSUPP;
}

static int bloom_get_next_key(struct xbpf_map *map, void *key, void *next)
{
	return -EOPNOTSUPP;
}

/* Userspace: lookup asks about the value it passes, update pushes it. */
static int bloom_sys_lookup(struct xbpf_map *map, void *key, void *value,
			    u64 flags)
{
	return bloom_peek(map, value);
}

static int bloom_sys_update(struct xbpf_map *map, void *key, void *value,
			    u64 flags)
{
	return bloom_push(map, value, flags);
}

static u64 bloom_mem_usage(const struct xbpf_map *map)
{
	const struct xbpf_bloom *bloom = container_of(map, struct xbpf_bloom,
						      map);

	return sizeof(*bloom) + bloom->bitset_bytes;
}

const struct xbpf_map_ops xbpf_bloom_filter_map_ops = {
	.alloc_check	= bloom_alloc_check,
	.alloc		= bloom_alloc,
	.free		= bloom_free,
	.lookup		= bloom_lookup,
	.update		= bloom_update,
	.delete		= bloom_delete,
	.get_next_key	= bloom_get_next_key,
	.sys_lookup	= bloom_sys_lookup,
	.sys_update	= bloom_sys_update,
	.push		= bloom_push,
	.pop		= bloom_pop,
	.peek		= bloom_peek,
	.mem_usage	= bloom_mem_usage,
};
