// SPDX-License-Identifier: GPL-2.0
/*
 * BPF_MAP_LOOKUP_BATCH, LOOKUP_AND_DELETE_BATCH, UPDATE_BATCH and
 * DELETE_BATCH: the command checks, and the key-by-key forms Linux 6.1
 * uses for arrays (lookup by get_next_key, with in_batch/out_batch holding
 * a key) and for updates and deletes of every type that has them. Hash
 * maps walk their buckets instead (maps/hash.c).
 */
#include <linux/file.h>
#include <linux/mm.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "maps/map.h"
#include "object.h"

/* How often a key that vanished under a lookup batch is retried. */
#define MAP_LOOKUP_RETRIES 3

static int batch_copy_value(struct xbpf_map *map, void *key, void *value)
{
	void *ptr;

	if (map->ops->sys_lookup)
		return map->ops->sys_lookup(map, key, value, 0);
	rcu_read_lock();
	ptr = map->ops->lookup(map, key);
	if (ptr)
		memcpy(value, ptr, map->value_size);
	rcu_read_unlock();
	return ptr ? 0 : -ENOENT;
}

static int batch_update_value(struct xbpf_map *map, void *key, void *value,
			      u64 flags)
{
	int err;

	if (map->ops->sys_update)
		return map->ops->sys_update(map, key, value, flags);
	rcu_read_lock();
	err = map->ops->update(map, key, value, flags);
	rcu_read_unlock();
	return err;
}

int xbpf_generic_lookup_batch(struct xbpf_map *map, const union bpf_attr *attr,
			      union bpf_attr __user *uattr)
{
	void __user *uobatch = u64_to_user_ptr(attr->batch.out_batch);
	void __user *ubatch = u64_to_user_ptr(attr->batch.in_batch);
	void __user *values = u64_to_user_ptr(attr->batch.values);
	void __user *keys = u64_to_user_ptr(attr->batch.keys);
	u32 value_size = xbpf_map_value_size(map), cp, max_count;
	void *buf, *buf_prevkey, *prev_key, *key, *value;
	int err, retry = MAP_LOOKUP_RETRIES;

	if (attr->batch.elem_flags)
		return -EINVAL;
	max_count = attr->batch.count;
	if (!max_count)
		return 0;
	if (put_user(0, &uattr->batch.count))
		return -EFAULT;

	buf_prevkey = kvmalloc(map->key_size, GFP_USER | __GFP_NOWARN);
	if (!buf_prevkey)
		return -ENOMEM;
	buf = kvmalloc(map->key_size + value_size, GFP_USER | __GFP_NOWARN);
	if (!buf) {
		kvfree(buf_prevkey);
		return -ENOMEM;
	}
	err = -EFAULT;
	prev_key = NULL;
	if (ubatch && copy_from_user(buf_prevkey, ubatch, map->key_size))
		goto free_buf;
	key = buf;
	value = key + map->key_size;
	if (ubatch)
		prev_key = buf_prevkey;

	for (cp = 0; cp < max_count;) {
		rcu_read_lock();
		err = map->ops->get_next_key(map, prev_key, key);
		rcu_read_unlock();
		if (err)
			break;
		err = batch_copy_value(map, key, value);
		if (err == -ENOENT) {
			if (retry) {
				retry--;
				continue;
			}
			err = -EINTR;
			break;
		}
		if (err)
			goto free_buf;
		if (copy_to_user(keys + cp * map->key_size, key,
				 map->key_size) ||
		    copy_to_user(values + cp * value_size, value, value_size)) {
			err = -EFAULT;
			goto free_buf;
		}
		if (!prev_key)
			prev_key = buf_prevkey;
		swap(prev_key, key);
		retry = MAP_LOOKUP_RETRIES;
		cp++;
		cond_resched();
	}
	if (err == -EFAULT)
		goto free_buf;
	if (copy_to_user(&uattr->batch.count, &cp, sizeof(cp)) ||
	    (cp && copy_to_user(uobatch, prev_key, map->key_size)))
		err = -EFAULT;
free_buf:
	kvfree(buf_prevkey);
	kvfree(buf);
	return err;
}

int xbpf_generic_update_batch(struct xbpf_map *map, const union bpf_attr *attr,
			      union bpf_attr __user *uattr)
{
	void __user *values = u64_to_user_ptr(attr->batch.values);
	void __user *keys = u64_to_user_ptr(attr->batch.keys);
	u32 value_size = xbpf_map_value_size(map), cp, count;
	void *key, *value;
	int err = 0;

	if (attr->batch.elem_flags & ~BPF_F_LOCK)
		return -EINVAL;
	/* no map value holds a spin lock yet */
	if (attr->batch.elem_flags & BPF_F_LOCK)
		return -EINVAL;
	count = attr->batch.count;
	if (!count)
		return 0;
	key = kvmalloc(map->key_size, GFP_USER | __GFP_NOWARN);
	if (!key)
		return -ENOMEM;
	value = kvmalloc(value_size, GFP_USER | __GFP_NOWARN);
	if (!value) {
		kvfree(key);
		return -ENOMEM;
	}
	for (cp = 0; cp < count; cp++) {
		err = -EFAULT;
		if (copy_from_user(key, keys + cp * map->key_size,
				   map->key_size) ||
		    copy_from_user(value, values + cp * value_size, value_size))
			break;
		err = batch_update_value(map, key, value,
					 attr->batch.elem_flags);
		if (err)
			break;
		cond_resched();
	}
	if (copy_to_user(&uattr->batch.count, &cp, sizeof(cp)))
		err = -EFAULT;
	kvfree(value);
	kvfree(key);
	return err;
}

int xbpf_generic_delete_batch(struct xbpf_map *map, const union bpf_attr *attr,
			      union bpf_attr __user *uattr)
{
	void __user *keys = u64_to_user_ptr(attr->batch.keys);
	u32 cp, count;
	void *key;
	int err = 0;

	if (attr->batch.elem_flags & ~BPF_F_LOCK)
		return -EINVAL;
	if (attr->batch.elem_flags & BPF_F_LOCK)
		return -EINVAL;
	count = attr->batch.count;
	if (!count)
		return 0;
	key = kvmalloc(map->key_size, GFP_USER | __GFP_NOWARN);
	if (!key)
		return -ENOMEM;
	for (cp = 0; cp < count; cp++) {
		err = -EFAULT;
		if (copy_from_user(key, keys + cp * map->key_size,
				   map->key_size))
			break;
		rcu_read_lock();
		err = map->ops->delete(map, key);
		rcu_read_unlock();
		if (err)
			break;
		cond_resched();
	}
	if (copy_to_user(&uattr->batch.count, &cp, sizeof(cp)))
		err = -EFAULT;
	kvfree(key);
	return err;
}

/* The four commands, after syscall.c checked the attr's tail. */
int xbpf_map_batch(int cmd, const union bpf_attr *attr,
		   union bpf_attr __user *uattr)
{
	bool has_read = cmd == BPF_MAP_LOOKUP_BATCH ||
			cmd == BPF_MAP_LOOKUP_AND_DELETE_BATCH;
	bool has_write = cmd != BPF_MAP_LOOKUP_BATCH;
	const struct xbpf_map_ops *ops;
	struct xbpf_map *map;
	fmode_t perms;
	struct fd f;
	int err;

	f = fdget(attr->batch.map_fd);
	map = xbpf_map_from_fd(f);
	if (IS_ERR(map)) {
		fdput(f);
		return PTR_ERR(map);
	}
	if (has_write)
		atomic64_inc(&map->writecnt);
	perms = xbpf_map_sys_perms(map, f.file);
	err = -EPERM;
	if ((has_read && !(perms & FMODE_READ)) ||
	    (has_write && !(perms & FMODE_WRITE)))
		goto out;

	ops = map->ops;
	err = -ENOTSUPP;
	switch (cmd) {
	case BPF_MAP_LOOKUP_BATCH:
		if (ops->lookup_batch)
			err = ops->lookup_batch(map, attr, uattr);
		break;
	case BPF_MAP_LOOKUP_AND_DELETE_BATCH:
		if (ops->lookup_and_delete_batch)
			err = ops->lookup_and_delete_batch(map, attr, uattr);
		break;
	case BPF_MAP_UPDATE_BATCH:
		if (ops->update_batch)
			err = ops->update_batch(map, attr, uattr);
		break;
	case BPF_MAP_DELETE_BATCH:
		if (ops->delete_batch)
			err = ops->delete_batch(map, attr, uattr);
		break;
	}
out:
	if (has_write)
		atomic64_dec(&map->writecnt);
	fdput(f);
	return err;
}
