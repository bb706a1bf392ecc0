// SPDX-License-Identifier: GPL-2.0
/*
 * Objects as userspace sees them: anon-inode fds named as Linux names
 * them ("bpf-map", ...), IDs, reference counts, fdinfo and mmap.
 *
 * Lifetime: every fd and every writable mapping holds a reference. The last
 * reference frees the ID at once (so the object can no longer be found)
 * and frees the object from xbpf's workqueue, where sleeping is allowed.
 * Every fd also pins the module (fops.owner), so xbpf cannot be unloaded
 * while any object lives; module exit drains the workqueue.
 */
#include <linux/anon_inodes.h>
#include <linux/fs.h>
#include <linux/idr.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/poll.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/workqueue.h>

#include "maps/map.h"
#include "object.h"
#include "xbpf.h"

static struct workqueue_struct *xbpf_free_wq;

static DEFINE_IDR(map_idr);
static DEFINE_SPINLOCK(map_idr_lock);

int xbpf_map_alloc_id(struct xbpf_map *map)
{
	unsigned long flags;
	int id;

	idr_preload(GFP_KERNEL);
	spin_lock_irqsave(&map_idr_lock, flags);
	id = idr_alloc_cyclic(&map_idr, map, 1, INT_MAX, GFP_ATOMIC);
	if (id > 0)
		map->id = id;
	spin_unlock_irqrestore(&map_idr_lock, flags);
	idr_preload_end();
	return id > 0 ? 0 : id;
}

static void map_free_id(struct xbpf_map *map)
{
	unsigned long flags;

	spin_lock_irqsave(&map_idr_lock, flags);
	idr_remove(&map_idr, map->id);
	map->id = 0;
	spin_unlock_irqrestore(&map_idr_lock, flags);
}

void xbpf_map_free_unpublished(struct xbpf_map *map)
{
	map->ops->free(map);
}

static void map_free_deferred(struct work_struct *work)
{
	struct xbpf_map *map = container_of(work, struct xbpf_map, free_work);

	map->ops->free(map);
}

/* Any context. */
void xbpf_map_put(struct xbpf_map *map)
{
	if (!atomic64_dec_and_test(&map->refcnt))
		return;
	map_free_id(map);
	INIT_WORK(&map->free_work, map_free_deferred);
	queue_work(xbpf_free_wq, &map->free_work);
}

int xbpf_map_next_id(u32 id, u32 *next)
{
	unsigned long flags;
	int next_id = id + 1;
	int err = 0;

	spin_lock_irqsave(&map_idr_lock, flags);
	if (!idr_get_next(&map_idr, &next_id))
		err = -ENOENT;
	spin_unlock_irqrestore(&map_idr_lock, flags);
	if (!err)
		*next = next_id;
	return err;
}

struct xbpf_map *xbpf_map_get_by_id(u32 id)
{
	struct xbpf_map *map;
	unsigned long flags;

	spin_lock_irqsave(&map_idr_lock, flags);
	map = idr_find(&map_idr, id);
	/* a map whose last reference is going must stay gone */
	if (!map || !atomic64_inc_not_zero(&map->refcnt))
		map = ERR_PTR(-ENOENT);
	spin_unlock_irqrestore(&map_idr_lock, flags);
	return map;
}

fmode_t xbpf_map_sys_perms(struct xbpf_map *map, struct file *f)
{
	fmode_t mode = f->f_mode & (FMODE_READ | FMODE_WRITE);

	if (READ_ONCE(map->frozen))
		mode &= ~FMODE_WRITE;
	return mode;
}

static int map_release(struct inode *inode, struct file *file)
{
	xbpf_map_put(file->private_data);
	return 0;
}

static void map_show_fdinfo(struct seq_file *m, struct file *file)
{
	struct xbpf_map *map = file->private_data;

	seq_printf(m,
		   "map_type:\t%u\n"
		   "key_size:\t%u\n"
		   "value_size:\t%u\n"
		   "max_entries:\t%u\n"
		   "map_flags:\t%#x\n"
		   "map_extra:\t%#llx\n"
		   "memlock:\t%lu\n"
		   "map_id:\t%u\n"
		   "frozen:\t%u\n",
		   map->map_type, map->key_size, map->value_size,
		   map->max_entries, map->map_flags,
		   (unsigned long long)map->map_extra,
		   xbpf_map_memory_footprint(map), map->id,
		   READ_ONCE(map->frozen));
}

/* A writable mapping keeps the map from being frozen, and alive. */
static void map_vma_open(struct vm_area_struct *vma)
{
	struct xbpf_map *map = vma->vm_file->private_data;

	if (vma->vm_flags & VM_MAYWRITE)
		atomic64_inc(&map->writecnt);
}

static void map_vma_close(struct vm_area_struct *vma)
{
	struct xbpf_map *map = vma->vm_file->private_data;

	if (vma->vm_flags & VM_MAYWRITE)
		atomic64_dec(&map->writecnt);
}

static const struct vm_operations_struct map_vm_ops = {
	.open	= map_vma_open,
	.close	= map_vma_close,
};

static int map_mmap(struct file *file, struct vm_area_struct *vma)
{
	struct xbpf_map *map = file->private_data;
	int err = 0;

	if (!map->ops->mmap)
		return -ENOTSUPP;
	if (!(vma->vm_flags & VM_SHARED))
		return -EINVAL;

	mutex_lock(&map->freeze_mutex);
	if (vma->vm_flags & VM_WRITE) {
		if (map->frozen) {
			err = -EPERM;
			goto out;
		}
		/*
		 * Programs may treat a read-only map's contents as constants;
		 * a writable mapping would let userspace change them anyway.
		 */
		if (map->map_flags & BPF_F_RDONLY_PROG) {
			err = -EACCES;
			goto out;
		}
	}
	vma->vm_ops = &map_vm_ops;
	vma->vm_private_data = map;
	xbpf_vm_flags_clear(vma, VM_MAYEXEC);
	/* a read-only mapping must not be upgraded by mprotect() */
	if (!(vma->vm_flags & VM_WRITE))
		xbpf_vm_flags_clear(vma, VM_MAYWRITE);
	err = map->ops->mmap(map, vma);
	if (err)
		goto out;
	if (vma->vm_flags & VM_MAYWRITE)
		atomic64_inc(&map->writecnt);
out:
	mutex_unlock(&map->freeze_mutex);
	return err;
}

/*
 * read()/write() exist only so that the file's mode records FMODE_CAN_READ
 * and FMODE_CAN_WRITE like any bpf map fd; they are not data paths.
 */
static ssize_t map_read(struct file *file, char __user *buf, size_t count,
			loff_t *ppos)
{
	return -EINVAL;
}

static ssize_t map_write(struct file *file, const char __user *buf,
			 size_t count, loff_t *ppos)
{
	return -EINVAL;
}

/* Only maps with a stream of data (ring buffers) can be waited on. */
static __poll_t map_poll(struct file *file, struct poll_table_struct *pts)
{
	return EPOLLERR;
}

/* No .llseek: lseek() on a map fd is -ESPIPE, as for any bpf map fd. */
static const struct file_operations xbpf_map_fops = {
	.owner		= THIS_MODULE,
	.release	= map_release,
	.show_fdinfo	= map_show_fdinfo,
	.mmap		= map_mmap,
	.poll		= map_poll,
	.read		= map_read,
	.write		= map_write,
};

int xbpf_map_new_fd(struct xbpf_map *map, int flags)
{
	return anon_inode_getfd("bpf-map", &xbpf_map_fops, map,
				flags | O_CLOEXEC);
}

struct xbpf_map *xbpf_map_from_fd(struct fd f)
{
	if (!f.file)
		return ERR_PTR(-EBADF);
	if (f.file->f_op != &xbpf_map_fops)
		return ERR_PTR(-EINVAL);
	return f.file->private_data;
}

int xbpf_object_init(void)
{
	xbpf_free_wq = alloc_workqueue("xbpf_free", WQ_UNBOUND, 0);
	return xbpf_free_wq ? 0 : -ENOMEM;
}

void xbpf_object_uninit(void)
{
	/* no fd can exist here (each pins the module): only frees are left */
	destroy_workqueue(xbpf_free_wq);
	WARN_ON(!idr_is_empty(&map_idr));
	idr_destroy(&map_idr);
}
