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
 *
 * BPF_MAP_TYPE_PERCPU_HASH keeps a per-CPU value behind each element: a
 * program reads and writes its CPU's copy in place, userspace sees all of
 * them.
 *
 * BPF_MAP_TYPE_LRU_HASH and LRU_PERCPU_HASH are always preallocated with
 * exactly max_entries elements; an insert into a full map evicts the least
 * recently used element (a second-chance clock: lookups only set a
 * reference bit, so they stay lock-free). The LRU list and the free list
 * are protected by one map-wide raw spinlock, always taken before a bucket
 * lock, so an eviction can take the victim's bucket lock without lock
 * order inversion; the per-CPU busy flag keeps a nested program on the
 * same CPU from deadlocking on it. With BPF_F_NO_COMMON_LRU every CPU
 * evicts from its own list and its own share of the elements, as Linux's
 * per-CPU LRU does.
 */
#include <linux/err.h>
#include <linux/jhash.h>
#include <linux/list.h>
#include <linux/list_nulls.h>
#include <linux/log2.h>
#include <linux/percpu.h>
#include <linux/random.h>
#include <linux/rculist_nulls.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/vmalloc.h>
#include <asm/unaligned.h>

#include "maps/map.h"
#include "object.h"

#define HASH_CREATE_FLAG_MASK						\
	(BPF_F_NO_PREALLOC | BPF_F_NO_COMMON_LRU | BPF_F_NUMA_NODE |	\
	 XBPF_F_ACCESS_MASK | BPF_F_ZERO_SEED)

struct hash_elem {
	struct hlist_nulls_node node;
	union {
		struct rcu_head rcu;		/* BPF_F_NO_PREALLOC */
		struct hash_elem *free_next;	/* preallocated, in the pool */
	};
	union {
		/* LRU maps: position in the owner's list while in the table */
		struct list_head lru_node;
		/* per-CPU BPF_F_NO_PREALLOC: the value, freed with the element */
		void __percpu *rcu_pptr;
	};
	u32 hash;
	/* LRU maps: looked up since the last eviction scan passed it */
	u8 ref;
	/* LRU maps: the list (CPU with BPF_F_NO_COMMON_LRU) it belongs to */
	u16 lru_owner;
	/* key, padded to 8 bytes, then the value (per-CPU: its pointer) */
	char key[] __aligned(8);
};

/* An LRU list and the free elements that belong to it. */
struct hash_lru {
	struct list_head lru;		/* most recent first */
	struct hash_elem *free;
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
	bool percpu;
	bool lru;
	bool percpu_lru;
	/* HASH_OF_MAPS: values are inner map pointers, one reference each */
	bool fd_maps;
	/* elements linked in the table */
	atomic_t count;
	int __percpu *busy;

	/* preallocated element pool */
	void *pool;
	struct hash_elem *free_list;
	raw_spinlock_t free_lock;

	/* LRU maps: one list, or one per CPU; guarded by lru_lock */
	struct hash_lru *lru_lists;
	raw_spinlock_t lru_lock;
};

static struct xbpf_hash *to_hash(struct xbpf_map *map)
{
	return container_of(map, struct xbpf_hash, map);
}

static void *elem_value(const struct xbpf_hash *htab, struct hash_elem *l)
{
	return l->key + round_up(htab->map.key_size, 8);
}

static void __percpu **elem_pptr(const struct xbpf_hash *htab,
				 struct hash_elem *l)
{
	return elem_value(htab, l);
}

/* What a program sees of an element: the value, or its CPU's copy. */
static void *elem_prog_value(const struct xbpf_hash *htab, struct hash_elem *l)
{
	if (htab->percpu)
		return this_cpu_ptr(*elem_pptr(htab, l));
	return elem_value(htab, l);
}

static struct hash_bucket *select_bucket(struct xbpf_hash *htab, u32 hash)
{
	return &htab->buckets[hash & (htab->n_buckets - 1)];
}

static int hash_alloc_check(union bpf_attr *attr)
{
	bool percpu = attr->map_type == BPF_MAP_TYPE_PERCPU_HASH ||
		      attr->map_type == BPF_MAP_TYPE_LRU_PERCPU_HASH;
	bool lru = attr->map_type == BPF_MAP_TYPE_LRU_HASH ||
		   attr->map_type == BPF_MAP_TYPE_LRU_PERCPU_HASH;
	bool percpu_lru = attr->map_flags & BPF_F_NO_COMMON_LRU;
	bool prealloc = !(attr->map_flags & BPF_F_NO_PREALLOC);
	int numa_node = xbpf_map_attr_numa_node(attr);

	if (lru && !bpf_capable())
		return -EPERM;
	if ((attr->map_flags & BPF_F_ZERO_SEED) && !capable(CAP_SYS_ADMIN))
		return -EPERM;
	if (attr->map_flags & ~HASH_CREATE_FLAG_MASK ||
	    !xbpf_map_flags_access_ok(attr->map_flags))
		return -EINVAL;
	/* per-CPU LRU lists only mean something for LRU maps */
	if (!lru && percpu_lru)
		return -EINVAL;
	if (lru && !prealloc)
		return -ENOTSUPP;
	if (numa_node != NUMA_NO_NODE && (percpu || percpu_lru))
		return -EINVAL;
	if (attr->max_entries == 0 || attr->key_size == 0 ||
	    attr->value_size == 0)
		return -EINVAL;
	/* userspace must be able to copy an element whole */
	if ((u64)attr->key_size + attr->value_size >=
	    KMALLOC_MAX_SIZE - sizeof(struct hash_elem))
		return -E2BIG;
	/* the per-CPU allocator's bound */
	if (percpu && round_up(attr->value_size, 8) > PCPU_MIN_UNIT_SIZE)
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
 * one update runs per CPU (the busy flag). LRU maps have exactly
 * max_entries, dealt out to the CPUs' lists with BPF_F_NO_COMMON_LRU.
 */
static int hash_prealloc(struct xbpf_hash *htab)
{
	u64 n = htab->map.max_entries;
	u32 per_cpu = 0, given = 0;
	int cpu = 0;
	u64 i;

	if (!htab->lru)
		n += num_possible_cpus();
	else if (htab->percpu_lru)
		per_cpu = htab->map.max_entries / num_possible_cpus();
	htab->pool = xbpf_map_area_alloc(n * htab->elem_size);
	if (!htab->pool)
		return -ENOMEM;
	if (htab->percpu_lru)
		cpu = cpumask_first(cpu_possible_mask);
	for (i = 0; i < n; i++) {
		struct hash_elem *l = htab->pool + i * htab->elem_size;

		if (htab->percpu) {
			void __percpu *pptr;

			pptr = __alloc_percpu_gfp(round_up(htab->map.value_size,
							   8), 8,
						  GFP_KERNEL_ACCOUNT |
						  __GFP_NOWARN);
			if (!pptr)
				return -ENOMEM;
			*elem_pptr(htab, l) = pptr;
			cond_resched();
		}
		if (!htab->lru) {
			pool_push(htab, l);
			continue;
		}
		if (htab->percpu_lru && given == per_cpu) {
			cpu = cpumask_next(cpu, cpu_possible_mask);
			given = 0;
		}
		l->lru_owner = htab->percpu_lru ? cpu : 0;
		l->free_next = htab->lru_lists[l->lru_owner].free;
		htab->lru_lists[l->lru_owner].free = l;
		given++;
	}
	return 0;
}

static void hash_free_pool(struct xbpf_hash *htab)
{
	u64 n = htab->map.max_entries, i;

	if (!htab->pool)
		return;
	if (!htab->lru)
		n += num_possible_cpus();
	if (htab->percpu) {
		for (i = 0; i < n; i++) {
			struct hash_elem *l = htab->pool + i * htab->elem_size;

			free_percpu(*elem_pptr(htab, l));
		}
	}
	xbpf_map_area_free(htab->pool);
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
	htab->percpu = xbpf_map_is_percpu(attr->map_type);
	htab->lru = attr->map_type == BPF_MAP_TYPE_LRU_HASH ||
		    attr->map_type == BPF_MAP_TYPE_LRU_PERCPU_HASH;
	htab->percpu_lru = attr->map_flags & BPF_F_NO_COMMON_LRU;
	htab->fd_maps = attr->map_type == BPF_MAP_TYPE_HASH_OF_MAPS;
	raw_spin_lock_init(&htab->free_lock);
	raw_spin_lock_init(&htab->lru_lock);

	if (htab->percpu_lru) {
		/* every CPU's list gets the same share, at least one */
		htab->map.max_entries = roundup(attr->max_entries,
						num_possible_cpus());
		if (htab->map.max_entries < attr->max_entries)
			htab->map.max_entries = rounddown(attr->max_entries,
							  num_possible_cpus());
	}

	err = -E2BIG;
	if (htab->map.max_entries > 1UL << 31)
		goto err_free;
	htab->n_buckets = roundup_pow_of_two(htab->map.max_entries);
	if (htab->n_buckets > U32_MAX / sizeof(struct hash_bucket))
		goto err_free;
	htab->elem_size = sizeof(struct hash_elem) +
			  round_up(htab->map.key_size, 8);
	if (htab->percpu)
		htab->elem_size += sizeof(void *);
	else
		htab->elem_size += round_up(htab->map.value_size, 8);

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
	if (htab->lru) {
		u32 nr = htab->percpu_lru ? nr_cpu_ids : 1;

		htab->lru_lists = kcalloc(nr, sizeof(*htab->lru_lists),
					  GFP_KERNEL_ACCOUNT | __GFP_NOWARN);
		if (!htab->lru_lists)
			goto err_busy;
		for (i = 0; i < nr; i++)
			INIT_LIST_HEAD(&htab->lru_lists[i].lru);
	}
	if (htab->prealloc) {
		err = hash_prealloc(htab);
		if (err)
			goto err_pool;
	}
	htab->hashrnd = (attr->map_flags & BPF_F_ZERO_SEED) ?
			0 : get_random_u32();
	return &htab->map;

err_pool:
	hash_free_pool(htab);
	kfree(htab->lru_lists);
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

	if (htab->fd_maps) {
		/* no readers or writers are left */
		for (i = 0; i < htab->n_buckets; i++)
			hlist_nulls_for_each_entry(l, n,
						   &htab->buckets[i].head,
						   node)
				xbpf_map_put(*(struct xbpf_map **)
					     elem_value(htab, l));
		kfree(map->inner_meta);
	}

	if (!htab->prealloc) {
		for (i = 0; i < htab->n_buckets; i++) {
			n = htab->buckets[i].head.first;
			while (!is_a_nulls(n)) {
				l = hlist_nulls_entry(n, struct hash_elem, node);
				n = n->next;
				if (htab->percpu)
					free_percpu(*elem_pptr(htab, l));
				kfree(l);
			}
			cond_resched();
		}
		/* elements deleted earlier: their callbacks are ours */
		if (htab->percpu)
			rcu_barrier();
	}
	hash_free_pool(htab);
	kfree(htab->lru_lists);
	free_percpu(htab->busy);
	xbpf_map_area_free(htab->buckets);
	kfree(htab);
}

/*
 * Keys of 4 and 8 bytes, the common ones, hash and compare as one or two
 * words; other sizes that are multiples of 4 word by word, as Linux does.
 */
static __always_inline u32 hash_key(const struct xbpf_hash *htab,
				    const void *key)
{
	u32 size = htab->map.key_size;

	if (size == 4)
		return jhash_1word(get_unaligned((const u32 *)key),
				   htab->hashrnd);
	if (size == 8)
		return jhash_2words(get_unaligned((const u32 *)key),
				    get_unaligned((const u32 *)key + 1),
				    htab->hashrnd);
	if (!(size & 3))
		return jhash2(key, size / 4, htab->hashrnd);
	return jhash(key, size, htab->hashrnd);
}

static __always_inline bool key_equal(const struct xbpf_hash *htab,
				      const void *a, const void *b)
{
	u32 size = htab->map.key_size;

	if (size == 4)
		return get_unaligned((const u32 *)a) ==
		       get_unaligned((const u32 *)b);
	if (size == 8)
		return get_unaligned((const u64 *)a) ==
		       get_unaligned((const u64 *)b);
	return !memcmp(a, b, size);
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
		    key_equal(htab, l->key, key))
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
		    key_equal(htab, l->key, key))
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

static void free_percpu_elem_rcu(struct rcu_head *head)
{
	struct hash_elem *l = container_of(head, struct hash_elem, rcu);

	free_percpu(l->rcu_pptr);
	kfree(l);
}

/*
 * Called with the bucket lock held; @l is already unlinked. The caller
 * accounts for the key leaving the map (delete) or not (replace).
 */
static void free_elem(struct xbpf_hash *htab, struct hash_elem *l)
{
	if (htab->fd_maps)
		xbpf_map_put(*(struct xbpf_map **)elem_value(htab, l));
	if (htab->prealloc) {
		pool_push(htab, l);
	} else if (htab->percpu) {
		/* readers may still hold the value: free both after them */
		l->rcu_pptr = *elem_pptr(htab, l);
		call_rcu(&l->rcu, free_percpu_elem_rcu);
	} else {
		kfree_rcu(l, rcu);
	}
}

/*
 * A per-CPU value from a program (its CPU's copy; the others start at
 * zero) or from userspace (every CPU's copy, 8-byte strided).
 */
static void pcpu_copy_value(struct xbpf_hash *htab, void __percpu *pptr,
			    void *value, bool onallcpus, bool fresh)
{
	u32 size = round_up(htab->map.value_size, 8), off = 0;
	int cpu;

	if (!onallcpus) {
		if (fresh)
			for_each_possible_cpu(cpu)
				memset(per_cpu_ptr(pptr, cpu), 0, size);
		memcpy(this_cpu_ptr(pptr), value, htab->map.value_size);
		return;
	}
	/* the whole 8-byte slot, padding included, as Linux */
	for_each_possible_cpu(cpu) {
		memcpy(per_cpu_ptr(pptr, cpu), value + off, size);
		off += size;
	}
}

static void elem_set_value(struct xbpf_hash *htab, struct hash_elem *l,
			   void *value, bool onallcpus, bool fresh)
{
	if (htab->percpu)
		pcpu_copy_value(htab, *elem_pptr(htab, l), value, onallcpus,
				fresh);
	else if (htab->fd_maps)
		memcpy(elem_value(htab, l), value, sizeof(void *));
	else
		memcpy(elem_value(htab, l), value, htab->map.value_size);
}

/* The value as userspace reads it. */
static void elem_copy_out(struct xbpf_hash *htab, struct hash_elem *l,
			  void *value)
{
	u32 size = round_up(htab->map.value_size, 8), off = 0;
	void __percpu *pptr;
	int cpu;

	if (!htab->percpu) {
		memcpy(value, elem_value(htab, l), htab->map.value_size);
		return;
	}
	pptr = *elem_pptr(htab, l);
	for_each_possible_cpu(cpu) {
		memcpy(value + off, per_cpu_ptr(pptr, cpu), size);
		off += size;
	}
}

static struct hash_elem *alloc_elem(struct xbpf_hash *htab, void *key,
				    void *value, u32 hash, bool replacing,
				    bool onallcpus)
{
	struct hash_elem *l;

	if (!replacing &&
	    atomic_inc_return(&htab->count) > htab->map.max_entries) {
		atomic_dec(&htab->count);
		return ERR_PTR(-E2BIG);
	}
	if (htab->prealloc) {
		l = pool_pop(htab);
	} else {
		l = kmalloc(htab->elem_size,
			    GFP_NOWAIT | __GFP_ACCOUNT | __GFP_NOWARN);
		if (l && htab->percpu) {
			void __percpu *pptr;

			pptr = __alloc_percpu_gfp(round_up(htab->map.value_size,
							   8), 8,
						  GFP_NOWAIT | __GFP_ACCOUNT |
						  __GFP_NOWARN);
			if (!pptr) {
				kfree(l);
				l = NULL;
			} else {
				*elem_pptr(htab, l) = pptr;
			}
		}
	}
	if (unlikely(!l)) {
		if (!replacing)
			atomic_dec(&htab->count);
		/* an empty pool means the spare-per-CPU budget was broken */
		return ERR_PTR(htab->prealloc ? -E2BIG : -ENOMEM);
	}
	l->hash = hash;
	memcpy(l->key, key, htab->map.key_size);
	elem_set_value(htab, l, value, onallcpus, true);
	return l;
}

static void *hash_lookup(struct xbpf_map *map, void *key)
{
	struct xbpf_hash *htab = to_hash(map);
	struct hash_elem *l;

	l = lookup_elem_rcu(htab, hash_key(htab, key), key);
	if (!l)
		return NULL;
	if (htab->lru && !READ_ONCE(l->ref))
		WRITE_ONCE(l->ref, 1);
	return elem_prog_value(htab, l);
}

static int check_update_flags(u64 op, struct hash_elem *l_old)
{
	if (l_old && op == BPF_NOEXIST)
		return -EEXIST;
	if (!l_old && op == BPF_EXIST)
		return -ENOENT;
	return 0;
}

static int hash_update_common(struct xbpf_map *map, void *key, void *value,
			      u64 flags, bool onallcpus)
{
	struct xbpf_hash *htab = to_hash(map);
	struct hash_elem *l_old, *l_new;
	u64 op = flags & ~BPF_F_LOCK;
	struct hash_bucket *b;
	unsigned long irqflags;
	u32 hash;
	int err;

	if (unlikely(op > BPF_EXIST || (htab->percpu && flags > BPF_EXIST)))
		return -EINVAL;
	hash = hash_key(htab, key);
	b = select_bucket(htab, hash);
	err = bucket_lock(htab, b, &irqflags);
	if (err)
		return err;

	l_old = lookup_elem_locked(htab, b, hash, key);
	err = check_update_flags(op, l_old);
	if (err)
		goto out;
	if (l_old && htab->percpu) {
		/* per-CPU values change in place, as in Linux */
		elem_set_value(htab, l_old, value, onallcpus, false);
		goto out;
	}
	l_new = alloc_elem(htab, key, value, hash, l_old, onallcpus);
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

static int hash_update(struct xbpf_map *map, void *key, void *value,
		       u64 flags)
{
	return hash_update_common(map, key, value, flags, false);
}

static int hash_sys_update(struct xbpf_map *map, void *key, void *value,
			   u64 flags)
{
	int err;

	rcu_read_lock();
	err = hash_update_common(map, key, value, flags, true);
	rcu_read_unlock();
	return err;
}

static int hash_sys_lookup(struct xbpf_map *map, void *key, void *value,
			   u64 flags)
{
	struct xbpf_hash *htab = to_hash(map);
	struct hash_elem *l;

	rcu_read_lock();
	l = lookup_elem_rcu(htab, hash_key(htab, key), key);
	/* userspace reads do not count as uses for the LRU */
	if (l)
		elem_copy_out(htab, l, value);
	rcu_read_unlock();
	return l ? 0 : -ENOENT;
}

/*
 * Take and release the map-wide LRU lock, with the busy flag that keeps a
 * program nested on this CPU from spinning on it.
 */
static int lru_lock(struct xbpf_hash *htab, unsigned long *flags)
{
	preempt_disable();
	if (unlikely(__this_cpu_inc_return(*htab->busy) != 1)) {
		__this_cpu_dec(*htab->busy);
		preempt_enable();
		return -EBUSY;
	}
	raw_spin_lock_irqsave(&htab->lru_lock, *flags);
	return 0;
}

static void lru_unlock(struct xbpf_hash *htab, unsigned long flags)
{
	raw_spin_unlock_irqrestore(&htab->lru_lock, flags);
	__this_cpu_dec(*htab->busy);
	preempt_enable();
}

/* lru_lock held: an element leaves the table and goes back to its list. */
static void lru_release(struct xbpf_hash *htab, struct hash_elem *l)
{
	struct hash_lru *ll = &htab->lru_lists[l->lru_owner];

	list_del(&l->lru_node);
	l->free_next = ll->free;
	ll->free = l;
}

/*
 * lru_lock held, no bucket lock: a free element of this CPU's list (or
 * the common one), evicting the least recently used if there is none.
 * The list always has one: its elements are either free or in it.
 */
static struct hash_elem *lru_get_elem(struct xbpf_hash *htab)
{
	struct hash_lru *ll;
	struct hash_elem *l;
	struct hash_bucket *b;
	u32 owner = htab->percpu_lru ? smp_processor_id() : 0;

	ll = &htab->lru_lists[owner];
	l = ll->free;
	if (l) {
		ll->free = l->free_next;
		l->lru_owner = owner;
		return l;
	}
	for (;;) {
		if (list_empty(&ll->lru))
			return NULL;
		l = list_last_entry(&ll->lru, struct hash_elem, lru_node);
		if (!READ_ONCE(l->ref))
			break;
		/* used since the last pass: a second chance */
		WRITE_ONCE(l->ref, 0);
		list_move(&l->lru_node, &ll->lru);
	}
	b = select_bucket(htab, l->hash);
	raw_spin_lock(&b->lock);
	hlist_nulls_del_rcu(&l->node);
	raw_spin_unlock(&b->lock);
	list_del(&l->lru_node);
	return l;
}

static int lru_update_common(struct xbpf_map *map, void *key, void *value,
			     u64 flags, bool onallcpus)
{
	struct xbpf_hash *htab = to_hash(map);
	struct hash_elem *l_old, *l_new;
	u64 op = flags & ~BPF_F_LOCK;
	unsigned long irqflags;
	struct hash_bucket *b;
	u32 hash;
	int err;

	if (unlikely(op > BPF_EXIST || (htab->percpu && flags > BPF_EXIST)))
		return -EINVAL;
	hash = hash_key(htab, key);
	b = select_bucket(htab, hash);
	err = lru_lock(htab, &irqflags);
	if (err)
		return err;

	if (htab->percpu) {
		/* an existing per-CPU value changes in place */
		raw_spin_lock(&b->lock);
		l_old = lookup_elem_locked(htab, b, hash, key);
		err = check_update_flags(op, l_old);
		if (!err && l_old) {
			elem_set_value(htab, l_old, value, onallcpus, false);
			WRITE_ONCE(l_old->ref, 1);
		}
		raw_spin_unlock(&b->lock);
		if (err || l_old)
			goto out;
	}

	l_new = lru_get_elem(htab);
	if (unlikely(!l_new)) {
		err = -ENOMEM;
		goto out;
	}
	l_new->hash = hash;
	l_new->ref = 0;
	memcpy(l_new->key, key, map->key_size);
	elem_set_value(htab, l_new, value, onallcpus, true);

	raw_spin_lock(&b->lock);
	l_old = lookup_elem_locked(htab, b, hash, key);
	err = check_update_flags(op, l_old);
	if (err) {
		raw_spin_unlock(&b->lock);
		list_add(&l_new->lru_node, &htab->lru_lists[l_new->lru_owner].lru);
		lru_release(htab, l_new);
		goto out;
	}
	hlist_nulls_add_head_rcu(&l_new->node, &b->head);
	if (l_old)
		hlist_nulls_del_rcu(&l_old->node);
	raw_spin_unlock(&b->lock);
	list_add(&l_new->lru_node, &htab->lru_lists[l_new->lru_owner].lru);
	if (l_old)
		lru_release(htab, l_old);
out:
	lru_unlock(htab, irqflags);
	return err;
}

static int lru_update(struct xbpf_map *map, void *key, void *value, u64 flags)
{
	return lru_update_common(map, key, value, flags, false);
}

static int lru_sys_update(struct xbpf_map *map, void *key, void *value,
			  u64 flags)
{
	int err;

	rcu_read_lock();
	err = lru_update_common(map, key, value, flags, true);
	rcu_read_unlock();
	return err;
}

/* Unlink key's element; value, if not NULL, gets a copy first. */
static int hash_remove(struct xbpf_map *map, void *key, void *value)
{
	struct xbpf_hash *htab = to_hash(map);
	unsigned long irqflags, lflags = 0;
	struct hash_bucket *b;
	struct hash_elem *l;
	u32 hash;
	int err;

	hash = hash_key(htab, key);
	b = select_bucket(htab, hash);
	if (htab->lru) {
		err = lru_lock(htab, &lflags);
		if (err)
			return err;
		raw_spin_lock(&b->lock);
	} else {
		err = bucket_lock(htab, b, &irqflags);
		if (err)
			return err;
	}
	l = lookup_elem_locked(htab, b, hash, key);
	if (l) {
		if (value)
			elem_copy_out(htab, l, value);
		hlist_nulls_del_rcu(&l->node);
	} else {
		err = -ENOENT;
	}
	if (htab->lru) {
		raw_spin_unlock(&b->lock);
		if (l)
			lru_release(htab, l);
		lru_unlock(htab, lflags);
		return err;
	}
	if (l) {
		atomic_dec(&htab->count);
		free_elem(htab, l);
	}
	bucket_unlock(htab, b, irqflags);
	return err;
}

static int hash_delete(struct xbpf_map *map, void *key)
{
	return hash_remove(map, key, NULL);
}

static int hash_lookup_and_delete(struct xbpf_map *map, void *key,
				  void *value, u64 flags)
{
	return hash_remove(map, key, value);
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

static u64 hash_mem_usage(const struct xbpf_map *map)
{
	const struct xbpf_hash *htab = container_of(map, struct xbpf_hash, map);
	u64 elems = htab->prealloc ? map->max_entries :
				     (u64)atomic_read(&htab->count);
	u64 size = (u64)htab->n_buckets * sizeof(struct hash_bucket);

	if (htab->prealloc && !htab->lru)
		elems += num_possible_cpus();
	size += elems * htab->elem_size;
	if (htab->percpu)
		size += elems * round_up(map->value_size, 8) *
			num_possible_cpus();
	return size;
}

/*
 * Batch lookup (and delete) bucket by bucket, as Linux 6.1: the batch
 * token is a u32 bucket index; a bucket is returned whole or not at all
 * (-ENOSPC if even the first does not fit); -ENOENT once past the last.
 */
static int hash_batch(struct xbpf_map *map, const union bpf_attr *attr,
		      union bpf_attr __user *uattr, bool do_delete)
{
	void __user *uvalues = u64_to_user_ptr(attr->batch.values);
	void __user *ukeys = u64_to_user_ptr(attr->batch.keys);
	void __user *ubatch = u64_to_user_ptr(attr->batch.in_batch);
	struct xbpf_hash *htab = to_hash(map);
	u32 batch = 0, max_count, total = 0, bucket_cnt, bucket_size = 5;
	u32 key_size = map->key_size, value_size = xbpf_map_value_size(map);
	unsigned long irqflags = 0, lflags = 0;
	struct hlist_nulls_node *n;
	void *keys = NULL, *values = NULL, *dst_key, *dst_val;
	struct hash_elem *l, *next;
	struct hash_bucket *b;
	int ret = 0;

	if (attr->batch.elem_flags & ~BPF_F_LOCK ||
	    attr->batch.elem_flags & BPF_F_LOCK)
		return -EINVAL;
	if (attr->batch.flags)
		return -EINVAL;
	max_count = attr->batch.count;
	if (!max_count)
		return 0;
	if (put_user(0, &uattr->batch.count))
		return -EFAULT;
	if (ubatch && copy_from_user(&batch, ubatch, sizeof(batch)))
		return -EFAULT;
	if (batch >= htab->n_buckets)
		return -ENOENT;

alloc:
	kvfree(keys);
	kvfree(values);
	keys = kvmalloc_array(key_size, bucket_size, GFP_USER | __GFP_NOWARN);
	values = kvmalloc_array(value_size, bucket_size,
				GFP_USER | __GFP_NOWARN);
	if (!keys || !values) {
		ret = -ENOMEM;
		goto out;
	}
	for (;;) {
		b = &htab->buckets[batch];
		rcu_read_lock();
		if (htab->lru) {
			ret = lru_lock(htab, &lflags);
			if (!ret)
				raw_spin_lock(&b->lock);
		} else {
			ret = bucket_lock(htab, b, &irqflags);
		}
		if (ret) {
			rcu_read_unlock();
			goto after_loop;
		}
		bucket_cnt = 0;
		hlist_nulls_for_each_entry(l, n, &b->head, node)
			bucket_cnt++;
		if (bucket_cnt > max_count - total || bucket_cnt > bucket_size) {
			if (htab->lru) {
				raw_spin_unlock(&b->lock);
				lru_unlock(htab, lflags);
			} else {
				bucket_unlock(htab, b, irqflags);
			}
			rcu_read_unlock();
			if (bucket_cnt > max_count - total) {
				if (!total)
					ret = -ENOSPC;
				goto after_loop;
			}
			bucket_size = bucket_cnt;
			goto alloc;
		}
		dst_key = keys;
		dst_val = values;
		l = hlist_nulls_entry_safe(b->head.first, struct hash_elem,
					   node);
		while (l) {
			next = hlist_nulls_entry_safe(l->node.next,
						      struct hash_elem, node);
			memcpy(dst_key, l->key, key_size);
			if (htab->fd_maps)
				*(u32 *)dst_val = (*(struct xbpf_map **)
						   elem_value(htab, l))->id;
			else
				elem_copy_out(htab, l, dst_val);
			if (do_delete) {
				hlist_nulls_del_rcu(&l->node);
				if (htab->lru) {
					lru_release(htab, l);
				} else {
					atomic_dec(&htab->count);
					free_elem(htab, l);
				}
			}
			dst_key += key_size;
			dst_val += value_size;
			l = next;
		}
		if (htab->lru) {
			raw_spin_unlock(&b->lock);
			lru_unlock(htab, lflags);
		} else {
			bucket_unlock(htab, b, irqflags);
		}
		rcu_read_unlock();
		if (bucket_cnt &&
		    (copy_to_user(ukeys + (u64)total * key_size, keys,
				  (u64)key_size * bucket_cnt) ||
		     copy_to_user(uvalues + (u64)total * value_size, values,
				  (u64)value_size * bucket_cnt))) {
			ret = -EFAULT;
			goto out;
		}
		total += bucket_cnt;
		batch++;
		if (batch >= htab->n_buckets) {
			ret = -ENOENT;
			goto after_loop;
		}
		cond_resched();
	}
after_loop:
	if (ret == -EFAULT)
		goto out;
	if (copy_to_user(u64_to_user_ptr(attr->batch.out_batch), &batch,
			 sizeof(batch)) ||
	    put_user(total, &uattr->batch.count))
		ret = -EFAULT;
out:
	kvfree(keys);
	kvfree(values);
	return ret;
}

static int hash_lookup_batch(struct xbpf_map *map, const union bpf_attr *attr,
			     union bpf_attr __user *uattr)
{
	return hash_batch(map, attr, uattr, false);
}

static int hash_lookup_and_delete_batch(struct xbpf_map *map,
					const union bpf_attr *attr,
					union bpf_attr __user *uattr)
{
	return hash_batch(map, attr, uattr, true);
}

#define HASH_BATCH_OPS							\
	.lookup_batch		= hash_lookup_batch,			\
	.lookup_and_delete_batch = hash_lookup_and_delete_batch,	\
	.update_batch		= xbpf_generic_update_batch,		\
	.delete_batch		= xbpf_generic_delete_batch

static int hom_alloc_check(union bpf_attr *attr)
{
	if (attr->value_size != sizeof(u32))
		return -EINVAL;
	return hash_alloc_check(attr);
}

static struct xbpf_map *hom_alloc(union bpf_attr *attr)
{
	struct xbpf_map *meta, *map;

	meta = xbpf_map_meta_alloc(attr->inner_map_fd);
	if (IS_ERR(meta))
		return meta;
	map = hash_alloc(attr);
	if (IS_ERR(map)) {
		kfree(meta);
		return map;
	}
	map->inner_meta = meta;
	return map;
}

/* Programs get the inner map itself. */
static void *hom_lookup(struct xbpf_map *map, void *key)
{
	struct xbpf_hash *htab = to_hash(map);
	struct hash_elem *l;

	l = lookup_elem_rcu(htab, hash_key(htab, key), key);
	return l ? READ_ONCE(*(void **)elem_value(htab, l)) : NULL;
}

static int hom_update(struct xbpf_map *map, void *key, void *value,
		      u64 flags)
{
	return -EINVAL;
}

static int hom_sys_update(struct xbpf_map *map, void *key, void *value,
			  u64 flags)
{
	struct xbpf_map *inner;
	int err;

	inner = xbpf_map_fd_get_inner(map, *(u32 *)value);
	if (IS_ERR(inner))
		return PTR_ERR(inner);
	rcu_read_lock();
	err = hash_update_common(map, key, &inner, flags, false);
	rcu_read_unlock();
	if (err)
		xbpf_map_put(inner);
	return err;
}

static int hom_sys_lookup(struct xbpf_map *map, void *key, void *value,
			  u64 flags)
{
	struct xbpf_map *inner;
	int err = 0;

	rcu_read_lock();
	inner = hom_lookup(map, key);
	if (inner)
		*(u32 *)value = inner->id;
	else
		err = -ENOENT;
	rcu_read_unlock();
	return err;
}

const struct xbpf_map_ops xbpf_hash_of_maps_map_ops = {
	.alloc_check		= hom_alloc_check,
	.alloc			= hom_alloc,
	.free			= hash_free,
	.lookup			= hom_lookup,
	.update			= hom_update,
	.delete			= hash_delete,
	.get_next_key		= hash_get_next_key,
	.sys_lookup		= hom_sys_lookup,
	.sys_update		= hom_sys_update,
	.mem_usage		= hash_mem_usage,
	HASH_BATCH_OPS,
};

/*
 * Bucket by bucket, as Linux walks its table. The callback may update or
 * delete: a walk that a recycled element leads into another bucket ends
 * at that bucket's end, as Linux's does.
 */
static long hash_for_each(struct xbpf_map *map, u64 callback_fn,
			  void *callback_ctx)
{
	struct xbpf_hash *htab = to_hash(map);
	struct hlist_nulls_node *n;
	struct hash_elem *l;
	long num_elems = 0;
	u32 i;

	for (i = 0; i < htab->n_buckets; i++) {
		hlist_nulls_for_each_entry_rcu(l, n, &htab->buckets[i].head,
					       node) {
			num_elems++;
			if (xbpf_callback_call(callback_fn, (unsigned long)map,
					       (unsigned long)l->key,
					       (unsigned long)elem_prog_value(htab, l),
					       (unsigned long)callback_ctx, 0))
				return num_elems;
		}
	}
	return num_elems;
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
	.mem_usage		= hash_mem_usage,
	HASH_BATCH_OPS,
	.for_each		= hash_for_each,
};

const struct xbpf_map_ops xbpf_percpu_hash_map_ops = {
	.alloc_check		= hash_alloc_check,
	.alloc			= hash_alloc,
	.free			= hash_free,
	.lookup			= hash_lookup,
	.update			= hash_update,
	.delete			= hash_delete,
	.get_next_key		= hash_get_next_key,
	.lookup_and_delete	= hash_lookup_and_delete,
	.sys_lookup		= hash_sys_lookup,
	.sys_update		= hash_sys_update,
	.mem_usage		= hash_mem_usage,
	HASH_BATCH_OPS,
	.for_each		= hash_for_each,
};

const struct xbpf_map_ops xbpf_lru_hash_map_ops = {
	.alloc_check		= hash_alloc_check,
	.alloc			= hash_alloc,
	.free			= hash_free,
	.lookup			= hash_lookup,
	.update			= lru_update,
	.delete			= hash_delete,
	.get_next_key		= hash_get_next_key,
	.lookup_and_delete	= hash_lookup_and_delete,
	.sys_lookup		= hash_sys_lookup,
	.sys_update		= lru_sys_update,
	.mem_usage		= hash_mem_usage,
	HASH_BATCH_OPS,
	.for_each		= hash_for_each,
};
