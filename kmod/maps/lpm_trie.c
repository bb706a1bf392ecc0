// SPDX-License-Identifier: GPL-2.0
/*
 * BPF_MAP_TYPE_LPM_TRIE: longest prefix match on keys of a u32 prefix
 * length followed by up to 256 bytes of data (struct bpf_lpm_trie_key).
 *
 * A binary trie in which every node holds a prefix; nodes created only to
 * join two others are "intermediate" and hold no value. Readers walk it
 * under RCU without locks; writers take the trie's raw spinlock (only a
 * trylock in NMI context) and allocate without sleeping. Removed nodes
 * are freed after a grace period. Semantics as the target Linux 6.1's
 * (with its stable fixes): creation requires BPF_F_NO_PREALLOC, updates
 * honour BPF_NOEXIST/BPF_EXIST, a full trie still takes replacements, and
 * get_next_key walks in postorder.
 */
#include <linux/err.h>
#include <linux/hardirq.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/string.h>

#include "maps/map.h"

#define LPM_TREE_NODE_FLAG_IM	BIT(0)
#define LPM_DATA_SIZE_MAX	256
#define LPM_DATA_SIZE_MIN	1

struct lpm_node {
	struct rcu_head rcu;
	struct lpm_node __rcu *child[2];
	u32 prefixlen;
	u32 flags;
	/* data_size bytes of prefix, then the value */
	u8 data[];
};

struct xbpf_lpm_trie {
	struct xbpf_map map;
	struct lpm_node __rcu *root;
	size_t n_entries;
	size_t max_prefixlen;
	size_t data_size;
	raw_spinlock_t lock;
};

#define LPM_VAL_SIZE_MAX	(KMALLOC_MAX_SIZE - LPM_DATA_SIZE_MAX -	\
				 sizeof(struct lpm_node))
#define LPM_KEY_SIZE(x)		(sizeof(struct bpf_lpm_trie_key) + (x))
#define LPM_CREATE_FLAG_MASK						\
	(BPF_F_NO_PREALLOC | BPF_F_NUMA_NODE | XBPF_F_ACCESS_MASK)

static struct xbpf_lpm_trie *to_trie(struct xbpf_map *map)
{
	return container_of(map, struct xbpf_lpm_trie, map);
}

static inline int extract_bit(const u8 *data, size_t index)
{
	return !!(data[index / 8] & (1 << (7 - (index % 8))));
}

/* Bits node and key share, up to the shorter of their prefixes. */
static size_t longest_prefix_match(const struct xbpf_lpm_trie *trie,
				   const struct lpm_node *node,
				   const struct bpf_lpm_trie_key *key)
{
	u32 limit = min(node->prefixlen, key->prefixlen);
	u32 prefixlen = 0, i;

	for (i = 0; i < trie->data_size; i++) {
		u32 b;

		b = 8 - fls(node->data[i] ^ key->data[i]);
		prefixlen += b;
		if (prefixlen >= limit)
			return limit;
		if (b < 8)
			break;
	}
	return prefixlen;
}

static int lpm_alloc_check(union bpf_attr *attr)
{
	return 0;
}

static struct xbpf_map *lpm_alloc(union bpf_attr *attr)
{
	struct xbpf_lpm_trie *trie;

	if (!bpf_capable())
		return ERR_PTR(-EPERM);
	if (attr->max_entries == 0 ||
	    !(attr->map_flags & BPF_F_NO_PREALLOC) ||
	    attr->map_flags & ~LPM_CREATE_FLAG_MASK ||
	    !xbpf_map_flags_access_ok(attr->map_flags) ||
	    attr->key_size < LPM_KEY_SIZE(LPM_DATA_SIZE_MIN) ||
	    attr->key_size > LPM_KEY_SIZE(LPM_DATA_SIZE_MAX) ||
	    attr->value_size < 1 || attr->value_size > LPM_VAL_SIZE_MAX)
		return ERR_PTR(-EINVAL);

	trie = kzalloc(sizeof(*trie), GFP_USER | __GFP_NOWARN |
				      __GFP_ACCOUNT);
	if (!trie)
		return ERR_PTR(-ENOMEM);
	xbpf_map_init(&trie->map, attr);
	trie->data_size = attr->key_size - sizeof(struct bpf_lpm_trie_key);
	trie->max_prefixlen = trie->data_size * 8;
	raw_spin_lock_init(&trie->lock);
	return &trie->map;
}

static void lpm_free(struct xbpf_map *map)
{
	struct xbpf_lpm_trie *trie = to_trie(map);
	struct lpm_node __rcu **slot;
	struct lpm_node *node;

	/* no readers left: take leaves off until the trie is empty */
	for (;;) {
		slot = &trie->root;
		for (;;) {
			node = rcu_dereference_protected(*slot, 1);
			if (!node)
				goto out;
			if (rcu_access_pointer(node->child[0])) {
				slot = &node->child[0];
				continue;
			}
			if (rcu_access_pointer(node->child[1])) {
				slot = &node->child[1];
				continue;
			}
			kfree(node);
			RCU_INIT_POINTER(*slot, NULL);
			break;
		}
		cond_resched();
	}
out:
	kfree(trie);
}

static void *lpm_lookup(struct xbpf_map *map, void *_key)
{
	struct xbpf_lpm_trie *trie = to_trie(map);
	struct bpf_lpm_trie_key *key = _key;
	struct lpm_node *node, *found = NULL;

	for (node = rcu_dereference_check(trie->root, 1); node;) {
		unsigned int next_bit;
		size_t matchlen;

		matchlen = longest_prefix_match(trie, node, key);
		if (matchlen == trie->max_prefixlen) {
			found = node;
			break;
		}
		/* the key diverges from this node: no longer match below */
		if (matchlen < node->prefixlen)
			break;
		if (!(node->flags & LPM_TREE_NODE_FLAG_IM))
			found = node;
		next_bit = extract_bit(key->data, node->prefixlen);
		node = rcu_dereference_check(node->child[next_bit], 1);
	}
	return found ? found->data + trie->data_size : NULL;
}

static struct lpm_node *lpm_node_alloc(const struct xbpf_lpm_trie *trie,
				       const void *value)
{
	size_t size = sizeof(struct lpm_node) + trie->data_size;
	struct lpm_node *node;

	if (value)
		size += trie->map.value_size;
	node = kmalloc(size, GFP_NOWAIT | __GFP_NOWARN | __GFP_ACCOUNT);
	if (!node)
		return NULL;
	node->flags = 0;
	RCU_INIT_POINTER(node->child[0], NULL);
	RCU_INIT_POINTER(node->child[1], NULL);
	if (value)
		memcpy(node->data + trie->data_size, value,
		       trie->map.value_size);
	return node;
}

static int lpm_lock(struct xbpf_lpm_trie *trie, unsigned long *flags)
{
	if (in_nmi()) {
		if (!raw_spin_trylock_irqsave(&trie->lock, *flags))
			return -EBUSY;
		return 0;
	}
	raw_spin_lock_irqsave(&trie->lock, *flags);
	return 0;
}

/* A prefix joins the trie: BPF_EXIST cannot add, a full trie refuses. */
static int lpm_check_add(struct xbpf_lpm_trie *trie, u64 flags)
{
	if (flags == BPF_EXIST)
		return -ENOENT;
	if (trie->n_entries == trie->map.max_entries)
		return -ENOSPC;
	trie->n_entries++;
	return 0;
}

static int lpm_update(struct xbpf_map *map, void *_key, void *value,
		      u64 flags)
{
	struct xbpf_lpm_trie *trie = to_trie(map);
	struct lpm_node *node, *im_node, *new_node = NULL;
	struct lpm_node *free_node = NULL;
	struct bpf_lpm_trie_key *key = _key;
	struct lpm_node __rcu **slot;
	unsigned long irq_flags;
	unsigned int next_bit;
	size_t matchlen = 0;
	int ret;

	if (unlikely(flags > BPF_EXIST))
		return -EINVAL;
	if (key->prefixlen > trie->max_prefixlen)
		return -EINVAL;
	ret = lpm_lock(trie, &irq_flags);
	if (ret)
		return ret;

	new_node = lpm_node_alloc(trie, value);
	if (!new_node) {
		ret = -ENOMEM;
		goto out;
	}
	new_node->prefixlen = key->prefixlen;
	memcpy(new_node->data, key->data, trie->data_size);

	/* the slot where the new node belongs: stop at the first mismatch */
	slot = &trie->root;
	while ((node = rcu_dereference_protected(*slot, 1))) {
		matchlen = longest_prefix_match(trie, node, key);
		if (node->prefixlen != matchlen ||
		    node->prefixlen == key->prefixlen ||
		    node->prefixlen == trie->max_prefixlen)
			break;
		next_bit = extract_bit(key->data, node->prefixlen);
		slot = &node->child[next_bit];
	}

	if (!node) {
		ret = lpm_check_add(trie, flags);
		if (!ret)
			rcu_assign_pointer(*slot, new_node);
		goto out;
	}
	/* the same prefix: the new node replaces it */
	if (node->prefixlen == matchlen) {
		if (!(node->flags & LPM_TREE_NODE_FLAG_IM)) {
			if (flags == BPF_NOEXIST) {
				ret = -EEXIST;
				goto out;
			}
		} else {
			ret = lpm_check_add(trie, flags);
			if (ret)
				goto out;
		}
		new_node->child[0] = node->child[0];
		new_node->child[1] = node->child[1];
		rcu_assign_pointer(*slot, new_node);
		free_node = node;
		goto out;
	}
	ret = lpm_check_add(trie, flags);
	if (ret)
		goto out;
	/* the new prefix covers the node's: it becomes its parent */
	if (matchlen == key->prefixlen) {
		next_bit = extract_bit(node->data, matchlen);
		rcu_assign_pointer(new_node->child[next_bit], node);
		rcu_assign_pointer(*slot, new_node);
		goto out;
	}
	/* they diverge: join them under an intermediate node */
	im_node = lpm_node_alloc(trie, NULL);
	if (!im_node) {
		trie->n_entries--;
		ret = -ENOMEM;
		goto out;
	}
	im_node->prefixlen = matchlen;
	im_node->flags |= LPM_TREE_NODE_FLAG_IM;
	memcpy(im_node->data, node->data, trie->data_size);
	if (extract_bit(key->data, matchlen)) {
		rcu_assign_pointer(im_node->child[0], node);
		rcu_assign_pointer(im_node->child[1], new_node);
	} else {
		rcu_assign_pointer(im_node->child[0], new_node);
		rcu_assign_pointer(im_node->child[1], node);
	}
	rcu_assign_pointer(*slot, im_node);
out:
	if (ret)
		kfree(new_node);
	raw_spin_unlock_irqrestore(&trie->lock, irq_flags);
	if (free_node)
		kfree_rcu(free_node, rcu);
	return ret;
}

static int lpm_delete(struct xbpf_map *map, void *_key)
{
	struct xbpf_lpm_trie *trie = to_trie(map);
	struct lpm_node *node, *parent = NULL;
	struct lpm_node *free_node = NULL, *free_parent = NULL;
	struct bpf_lpm_trie_key *key = _key;
	struct lpm_node __rcu **trim, **trim2;
	unsigned long irq_flags;
	unsigned int next_bit;
	size_t matchlen = 0;
	int ret;

	if (key->prefixlen > trie->max_prefixlen)
		return -EINVAL;
	ret = lpm_lock(trie, &irq_flags);
	if (ret)
		return ret;

	/* find the exact prefix, its slot, its parent and the parent's slot */
	trim = &trie->root;
	trim2 = trim;
	while ((node = rcu_dereference_protected(*trim, 1))) {
		matchlen = longest_prefix_match(trie, node, key);
		if (node->prefixlen != matchlen ||
		    node->prefixlen == key->prefixlen)
			break;
		parent = node;
		trim2 = trim;
		next_bit = extract_bit(key->data, node->prefixlen);
		trim = &node->child[next_bit];
	}
	if (!node || node->prefixlen != key->prefixlen ||
	    node->prefixlen != matchlen ||
	    (node->flags & LPM_TREE_NODE_FLAG_IM)) {
		ret = -ENOENT;
		goto out;
	}
	trie->n_entries--;

	/* two children: the node stays, as an intermediate one */
	if (rcu_access_pointer(node->child[0]) &&
	    rcu_access_pointer(node->child[1])) {
		node->flags |= LPM_TREE_NODE_FLAG_IM;
		goto out;
	}
	/*
	 * A leaf under an intermediate parent: the parent goes too and its
	 * other child moves up, so intermediate nodes keep two children.
	 */
	if (parent && (parent->flags & LPM_TREE_NODE_FLAG_IM) &&
	    !node->child[0] && !node->child[1]) {
		struct lpm_node *other;

		other = rcu_access_pointer(parent->child[0]) == node ?
			rcu_access_pointer(parent->child[1]) :
			rcu_access_pointer(parent->child[0]);
		rcu_assign_pointer(*trim2, other);
		free_parent = parent;
		free_node = node;
		goto out;
	}
	/* at most one child: it takes the node's place */
	if (node->child[0])
		rcu_assign_pointer(*trim, rcu_access_pointer(node->child[0]));
	else if (node->child[1])
		rcu_assign_pointer(*trim, rcu_access_pointer(node->child[1]));
	else
		RCU_INIT_POINTER(*trim, NULL);
	free_node = node;
out:
	raw_spin_unlock_irqrestore(&trie->lock, irq_flags);
	if (free_parent)
		kfree_rcu(free_parent, rcu);
	if (free_node)
		kfree_rcu(free_node, rcu);
	return ret;
}

/*
 * Postorder: after a key comes the leftmost prefix of its parent's right
 * subtree, else its parent. A missing or invalid key starts over at the
 * leftmost prefix.
 */
static int lpm_get_next_key(struct xbpf_map *map, void *_key, void *_next_key)
{
	struct xbpf_lpm_trie *trie = to_trie(map);
	struct bpf_lpm_trie_key *key = _key, *next_key = _next_key;
	struct lpm_node *node, *next_node = NULL, *parent, *search_root;
	struct lpm_node **node_stack = NULL;
	int err = 0, stack_ptr = -1;
	unsigned int next_bit;
	size_t matchlen;

	search_root = rcu_dereference(trie->root);
	if (!search_root)
		return -ENOENT;
	if (!key || key->prefixlen > trie->max_prefixlen)
		goto find_leftmost;

	node_stack = kmalloc_array(trie->max_prefixlen + 1,
				   sizeof(*node_stack),
				   GFP_ATOMIC | __GFP_NOWARN);
	if (!node_stack)
		return -ENOMEM;
	for (node = search_root; node;) {
		node_stack[++stack_ptr] = node;
		matchlen = longest_prefix_match(trie, node, key);
		if (node->prefixlen != matchlen ||
		    node->prefixlen == key->prefixlen)
			break;
		next_bit = extract_bit(key->data, node->prefixlen);
		node = rcu_dereference(node->child[next_bit]);
	}
	if (!node || node->prefixlen != key->prefixlen ||
	    (node->flags & LPM_TREE_NODE_FLAG_IM))
		goto find_leftmost;

	node = node_stack[stack_ptr];
	while (stack_ptr > 0) {
		parent = node_stack[stack_ptr - 1];
		if (rcu_dereference(parent->child[0]) == node) {
			search_root = rcu_dereference(parent->child[1]);
			if (search_root)
				goto find_leftmost;
		}
		if (!(parent->flags & LPM_TREE_NODE_FLAG_IM)) {
			next_node = parent;
			goto do_copy;
		}
		node = parent;
		stack_ptr--;
	}
	err = -ENOENT;
	goto free_stack;

find_leftmost:
	/* intermediate nodes have two children: this always finds one */
	for (node = search_root; node;) {
		if (node->flags & LPM_TREE_NODE_FLAG_IM) {
			node = rcu_dereference(node->child[0]);
		} else {
			next_node = node;
			node = rcu_dereference(node->child[0]);
			if (!node)
				node = rcu_dereference(next_node->child[1]);
		}
	}
do_copy:
	next_key->prefixlen = next_node->prefixlen;
	memcpy(next_key->data, next_node->data, trie->data_size);
free_stack:
	kfree(node_stack);
	return err;
}

static u64 lpm_mem_usage(const struct xbpf_map *map)
{
	const struct xbpf_lpm_trie *trie = container_of(map,
						struct xbpf_lpm_trie, map);
	u64 elem = sizeof(struct lpm_node) + trie->data_size +
		   map->value_size;

	/* at most one intermediate node per prefix */
	return sizeof(*trie) + READ_ONCE(trie->n_entries) *
	       (2 * elem);
}

const struct xbpf_map_ops xbpf_lpm_trie_map_ops = {
	.alloc_check	= lpm_alloc_check,
	.alloc		= lpm_alloc,
	.free		= lpm_free,
	.lookup		= lpm_lookup,
	.update		= lpm_update,
	.delete		= lpm_delete,
	.get_next_key	= lpm_get_next_key,
	.mem_usage	= lpm_mem_usage,
};
