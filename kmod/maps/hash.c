// SPDX-License-Identifier: GPL-2.0
/*
 * BPF_MAP_TYPE_HASH.
 *
 * Buckets are hlist_nulls lists: readers walk them under RCU without
 * locks, writers take the bucket's raw spinlock with interrupts off, since
 * programs update maps from any context. An update never modifies a
 * visible element: it links a new element and unlinks the old one, so a
 * reader sees either value whole.
 *
 * Preallocated maps (the default) take elements from a pool sized at
 * creation and return them to it at once, as Linux does, so a full map can
 * immediately accept a key after a delete. A recycled element may thus move
 * to another bucket under a reader's feet: every list ends in a "nulls"
 * marker naming its bucket, and a reader that ends on a foreign marker
 * starts over. BPF_F_NO_PREALLOC maps allocate per element and free after
 * an RCU grace period.
 *
 * A per-CPU busy flag makes a nested update on the same CPU (a tracing
 * program firing inside this code) fail with -EBUSY instead of deadlocking
 * on the bucket lock, which is what Linux does too.
 */
#include <linux/err.h>
#include <linux/jhash.h>
#include <linux/list_nulls.h>
#include <linux/log2.h>
#include <linux/percpu.h>
#include <linux/random.h>
#include <linux/rculist_nulls.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/vmalloc.h>

#include "maps/map.h"

#define HASH_CREATE_FLAG_MASK						\
	(BPF_F_NO_PREALLOC | BPF_F_NO_COMMON_LRU | BPF_F_NUMA_NODE |	\
	 XBPF_F_ACCESS_MASK | BPF_F_ZERO_SEED)

struct hash_elem {
	struct hlist_nulls_node node;
	union {
		struct rcu_head rcu;		/* BPF_F_NO_PREALLOC */
		struct hash_elem *free_next;	/* preallocated, in the pool */
	};
	u32 hash;
	/* key, padded to 8 bytes, then the value */
	char key[] __aligned(8);
};

struct hash_bucket {
	struct hlist_nulls_head head;
	raw_spinlock_t lock;
};

struct xbpf_hash {
	struct xbpf_map map;
	struct hash_bucket *buckets;
	u32 n_buckets;
	u32 elem_size;
	u32 hashrnd;
	bool prealloc;
	/* elements linked in the table */
	atomic_t count;
	int __percpu *busy;

	/* preallocated element pool */
	void *pool;
	struct hash_elem *free_list;
	raw_spinlock_t free_lock;
};

static struct xbpf_hash *to_hash(struct xbpf_map *map)
{
	return container_of(map, struct xbpf_hash, map);
}

static void *elem_value(const struct xbpf_hash *htab, struct hash_elem *l)
{
	return l->key + round_up(htab->map.key_size, 8);
}

static struct hash_bucket *select_bucket(struct xbpf_hash *htab, u32 hash)
{
	return &htab->buckets[hash & (htab->n_buckets - 1)];
}

static int hash_alloc_check(union bpf_attr *attr)
{
	if ((attr->map_flags & BPF_F_ZERO_SEED) && !capable(CAP_SYS_ADMIN))
		return -EPERM;
	if (attr->map_flags & ~HASH_CREATE_FLAG_MASK ||
	    !xbpf_map_flags_access_ok(attr->map_flags))
		return -EINVAL;
	/* per-CPU LRU lists only mean something for LRU maps */
	if (attr->map_flags & BPF_F_NO_COMMON_LRU)
		return -EINVAL;
	if (attr->max_entries == 0 || attr->key_size == 0 ||
	    attr->value_size == 0)
		return -EINVAL;
	/* userspace must be able to copy an element whole */
	if ((u64)attr->key_size + attr->value_size >=
	    KMALLOC_MAX_SIZE - sizeof(struct hash_elem))
		return -E2BIG;
	return 0;
}

static void pool_push(struct xbpf_hash *htab, struct hash_elem *l)
{
	unsigned long flags;

	raw_spin_lock_irqsave(&htab->free_lock, flags);
	l->free_next = htab->free_list;
	htab->free_list = l;
	raw_spin_unlock_irqrestore(&htab->free_lock, flags);
}

static struct hash_elem *pool_pop(struct xbpf_hash *htab)
{
	struct hash_elem *l;
	unsigned long flags;

	raw_spin_lock_irqsave(&htab->free_lock, flags);
	l = htab->free_list;
	if (l)
		htab->free_list = l->free_next;
	raw_spin_unlock_irqrestore(&htab->free_lock, flags);
	return l;
}

/*
 * One spare element per CPU beyond max_entries: an update that replaces a
 * key needs a new element before it can release the old one, and at most
 * one update runs per CPU (the busy flag).
 */
static int hash_prealloc(struct xbpf_hash *htab)
{
	u64 n = (u64)htab->map.max_entries + num_possible_cpus();
	u64 i;

	htab->pool = xbpf_map_area_alloc(n * htab->elem_size);
	if (!htab->pool)
		return -ENOMEM;
	for (i = 0; i < n; i++)
		pool_push(htab, htab->pool + i * htab->elem_size);
	return 0;
}

static struct xbpf_map *hash_alloc(union bpf_attr *attr)
{
	struct xbpf_hash *htab;
	u32 i;
	int err;

	htab = kzalloc(sizeof(*htab), GFP_KERNEL_ACCOUNT);
	if (!htab)
		return ERR_PTR(-ENOMEM);
	xbpf_map_init(&htab->map, attr);
	htab->prealloc = !(attr->map_flags & BPF_F_NO_PREALLOC);
	raw_spin_lock_init(&htab->free_lock);

	err = -E2BIG;
	if (htab->map.max_entries > 1UL << 31)
		goto err_free;
	htab->n_buckets = roundup_pow_of_two(htab->map.max_entries);
	if (htab->n_buckets > U32_MAX / sizeof(struct hash_bucket))
		goto err_free;
	htab->elem_size = sizeof(struct hash_elem) +
			  round_up(htab->map.key_size, 8) +
			  round_up(htab->map.value_size, 8);

	err = -ENOMEM;
	htab->buckets = xbpf_map_area_alloc((u64)htab->n_buckets *
					    sizeof(struct hash_bucket));
	if (!htab->buckets)
		goto err_free;
	for (i = 0; i < htab->n_buckets; i++) {
		INIT_HLIST_NULLS_HEAD(&htab->buckets[i].head, i);
		raw_spin_lock_init(&htab->buckets[i].lock);
	}
	htab->busy = alloc_percpu_gfp(int, GFP_KERNEL_ACCOUNT | __GFP_NOWARN);
	if (!htab->busy)
		goto err_buckets;
	if (htab->prealloc) {
		err = hash_prealloc(htab);
		if (err)
			goto err_busy;
	}
	htab->hashrnd = (attr->map_flags & BPF_F_ZERO_SEED) ?
			0 : get_random_u32();
	return &htab->map;

err_busy:
	free_percpu(htab->busy);
err_buckets:
	xbpf_map_area_free(htab->buckets);
err_free:
	kfree(htab);
	return ERR_PTR(err);
}

static void hash_free(struct xbpf_map *map)
{
	struct xbpf_hash *htab = to_hash(map);
	struct hlist_nulls_node *n;
	struct hash_elem *l;
	u32 i;

	if (!htab->prealloc) {
		for (i = 0; i < htab->n_buckets; i++) {
			n = htab->buckets[i].head.first;
			while (!is_a_nulls(n)) {
				l = hlist_nulls_entry(n, struct hash_elem, node);
				n = n->next;
				kfree(l);
			}
			cond_resched();
		}
	}
	xbpf_map_area_free(htab->pool);
	free_percpu(htab->busy);
	xbpf_map_area_free(htab->buckets);
	kfree(htab);
}

static inline u32 hash_key(const struct xbpf_hash *htab, const void *key)
{
	return jhash(key, htab->map.key_size, htab->hashrnd);
}

/* Lockless walk; may be misled by a recycled element, see the top. */
static struct hash_elem *lookup_elem_rcu(struct xbpf_hash *htab, u32 hash,
					 const void *key)
{
	struct hash_bucket *b = select_bucket(htab, hash);
	struct hlist_nulls_node *n;
	struct hash_elem *l;

again:
	hlist_nulls_for_each_entry_rcu(l, n, &b->head, node)
		if (l->hash == hash &&
		    !memcmp(l->key, key, htab->map.key_size))
			return l;
	if (unlikely(get_nulls_value(n) != (hash & (htab->n_buckets - 1))))
		goto again;
	return NULL;
}

/* Walk with the bucket lock held: the list cannot change. */
static struct hash_elem *lookup_elem_locked(struct xbpf_hash *htab,
					    struct hash_bucket *b, u32 hash,
					    const void *key)
{
	struct hlist_nulls_node *n;
	struct hash_elem *l;

	hlist_nulls_for_each_entry(l, n, &b->head, node)
		if (l->hash == hash &&
		    !memcmp(l->key, key, htab->map.key_size))
			return l;
	return NULL;
}

static int bucket_lock(struct xbpf_hash *htab, struct hash_bucket *b,
		       unsigned long *flags)
{
	preempt_disable();
	if (unlikely(__this_cpu_inc_return(*htab->busy) != 1)) {
		__this_cpu_dec(*htab->busy);
		preempt_enable();
		return -EBUSY;
	}
	raw_spin_lock_irqsave(&b->lock, *flags);
	return 0;
}

static void bucket_unlock(struct xbpf_hash *htab, struct hash_bucket *b,
			  unsigned long flags)
{
	raw_spin_unlock_irqrestore(&b->lock, flags);
	__this_cpu_dec(*htab->busy);
	preempt_enable();
}

/*
 * Called with the bucket lock held; @l is already unlinked. The caller
 * accounts for the key leaving the map (delete) or not (replace).
 */
static void free_elem(struct xbpf_hash *htab, struct hash_elem *l)
{
	if (htab->prealloc)
		pool_push(htab, l);
	else
		kfree_rcu(l, rcu);
}

static struct hash_elem *alloc_elem(struct xbpf_hash *htab, void *key,
				    void *value, u32 hash, bool replacing)
{
	struct hash_elem *l;

	if (!replacing &&
	    atomic_inc_return(&htab->count) > htab->map.max_entries) {
		atomic_dec(&htab->count);
		return ERR_PTR(-E2BIG);
	}
	if (htab->prealloc)
		l = pool_pop(htab);
	else
		l = kmalloc(htab->elem_size,
			    GFP_NOWAIT | __GFP_ACCOUNT | __GFP_NOWARN);
	if (unlikely(!l)) {
		if (!replacing)
			atomic_dec(&htab->count);
		/* an empty pool means the spare-per-CPU budget was broken */
		return ERR_PTR(htab->prealloc ? -E2BIG : -ENOMEM);
	}
	l->hash = hash;
	memcpy(l->key, key, htab->map.key_size);
	memcpy(elem_value(htab, l), value, htab->map.value_size);
	return l;
}

static void *hash_lookup(struct xbpf_map *map, void *key)
{
	struct xbpf_hash *htab = to_hash(map);
	struct hash_elem *l;

	l = lookup_elem_rcu(htab, hash_key(htab, key), key);
	return l ? elem_value(htab, l) : NULL;
}

static int hash_update(struct xbpf_map *map, void *key, void *value,
		       u64 flags)
{
	struct xbpf_hash *htab = to_hash(map);
	struct hash_elem *l_old, *l_new;
	u64 op = flags & ~BPF_F_LOCK;
	struct hash_bucket *b;
	unsigned long irqflags;
	u32 hash;
	int err;

	if (unlikely(op > BPF_EXIST))
		return -EINVAL;
	hash = hash_key(htab, key);
	b = select_bucket(htab, hash);
	err = bucket_lock(htab, b, &irqflags);
	if (err)
		return err;

	l_old = lookup_elem_locked(htab, b, hash, key);
	if (l_old && op == BPF_NOEXIST) {
		err = -EEXIST;
		goto out;
	}
	if (!l_old && op == BPF_EXIST) {
		err = -ENOENT;
		goto out;
	}
	l_new = alloc_elem(htab, key, value, hash, l_old);
	if (IS_ERR(l_new)) {
		err = PTR_ERR(l_new);
		goto out;
	}
	/* new first, so a concurrent reader always finds the key */
	hlist_nulls_add_head_rcu(&l_new->node, &b->head);
	if (l_old) {
		hlist_nulls_del_rcu(&l_old->node);
		free_elem(htab, l_old);
	}
out:
	bucket_unlock(htab, b, irqflags);
	return err;
}

static int hash_delete(struct xbpf_map *map, void *key)
{
	struct xbpf_hash *htab = to_hash(map);
	struct hash_bucket *b;
	unsigned long irqflags;
	struct hash_elem *l;
	u32 hash;
	int err;

	hash = hash_key(htab, key);
	b = select_bucket(htab, hash);
	err = bucket_lock(htab, b, &irqflags);
	if (err)
		return err;
	l = lookup_elem_locked(htab, b, hash, key);
	if (l) {
		hlist_nulls_del_rcu(&l->node);
		atomic_dec(&htab->count);
		free_elem(htab, l);
	} else {
		err = -ENOENT;
	}
	bucket_unlock(htab, b, irqflags);
	return err;
}

static int hash_lookup_and_delete(struct xbpf_map *map, void *key,
				  void *value, u64 flags)
{
	struct xbpf_hash *htab = to_hash(map);
	struct hash_bucket *b;
	unsigned long irqflags;
	struct hash_elem *l;
	u32 hash;
	int err;

	hash = hash_key(htab, key);
	b = select_bucket(htab, hash);
	err = bucket_lock(htab, b, &irqflags);
	if (err)
		return err;
	l = lookup_elem_locked(htab, b, hash, key);
	if (l) {
		memcpy(value, elem_value(htab, l), map->value_size);
		hlist_nulls_del_rcu(&l->node);
		atomic_dec(&htab->count);
		free_elem(htab, l);
	} else {
		err = -ENOENT;
	}
	bucket_unlock(htab, b, irqflags);
	return err;
}

static struct hash_elem *first_elem_from(struct xbpf_hash *htab, u32 i)
{
	struct hlist_nulls_node *first;

	for (; i < htab->n_buckets; i++) {
		first = rcu_dereference_raw(
			hlist_nulls_first_rcu(&htab->buckets[i].head));
		if (!is_a_nulls(first))
			return hlist_nulls_entry(first, struct hash_elem, node);
	}
	return NULL;
}

static int hash_get_next_key(struct xbpf_map *map, void *key, void *next_key)
{
	struct xbpf_hash *htab = to_hash(map);
	struct hlist_nulls_node *next;
	struct hash_elem *l = NULL;
	u32 hash, i = 0;

	if (key) {
		hash = hash_key(htab, key);
		l = lookup_elem_rcu(htab, hash, key);
	}
	if (l) {
		next = rcu_dereference_raw(hlist_nulls_next_rcu(&l->node));
		if (!is_a_nulls(next)) {
			l = hlist_nulls_entry(next, struct hash_elem, node);
			goto found;
		}
		i = (hash & (htab->n_buckets - 1)) + 1;
	}
	/* no key, or the key is gone: restart from the first element */
	l = first_elem_from(htab, i);
	if (!l)
		return -ENOENT;
found:
	memcpy(next_key, l->key, map->key_size);
	return 0;
}

const struct xbpf_map_ops xbpf_hash_map_ops = {
	.alloc_check		= hash_alloc_check,
	.alloc			= hash_alloc,
	.free			= hash_free,
	.lookup			= hash_lookup,
	.update			= hash_update,
	.delete			= hash_delete,
	.get_next_key		= hash_get_next_key,
	.lookup_and_delete	= hash_lookup_and_delete,
};
