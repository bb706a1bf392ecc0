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
#include <linux/rcupdate.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/u64_stats_sync.h>
#include <linux/workqueue.h>

#include "link.h"
#include "maps/map.h"
#include "object.h"
#include "prog.h"
#include "xbpf.h"

static struct workqueue_struct *xbpf_free_wq;

/* An ID space: objects are found by ID until their last reference goes. */
struct id_space {
	struct idr idr;
	spinlock_t lock;	/* taken from any context: irqsave */
};

static struct id_space map_ids = {
	.idr = IDR_INIT(map_ids.idr),
	.lock = __SPIN_LOCK_UNLOCKED(map_ids.lock),
};

static struct id_space prog_ids = {
	.idr = IDR_INIT(prog_ids.idr),
	.lock = __SPIN_LOCK_UNLOCKED(prog_ids.lock),
};

static struct id_space link_ids = {
	.idr = IDR_INIT(link_ids.idr),
	.lock = __SPIN_LOCK_UNLOCKED(link_ids.lock),
};

static int id_alloc(struct id_space *ids, void *obj, u32 *idp)
{
	unsigned long flags;
	int id;

	idr_preload(GFP_KERNEL);
	spin_lock_irqsave(&ids->lock, flags);
	id = idr_alloc_cyclic(&ids->idr, obj, 1, INT_MAX, GFP_ATOMIC);
	if (id > 0)
		*idp = id;
	spin_unlock_irqrestore(&ids->lock, flags);
	idr_preload_end();
	return id > 0 ? 0 : id;
}

static void id_free(struct id_space *ids, u32 *idp)
{
	unsigned long flags;

	spin_lock_irqsave(&ids->lock, flags);
	idr_remove(&ids->idr, *idp);
	*idp = 0;
	spin_unlock_irqrestore(&ids->lock, flags);
}

static int id_next(struct id_space *ids, u32 id, u32 *next)
{
	unsigned long flags;
	int next_id = id + 1;
	int err = 0;

	spin_lock_irqsave(&ids->lock, flags);
	if (!idr_get_next(&ids->idr, &next_id))
		err = -ENOENT;
	spin_unlock_irqrestore(&ids->lock, flags);
	if (!err)
		*next = next_id;
	return err;
}

/*
 * The object with ID id, with a new reference taken through its refcount
 * at ref_off; NULL if there is none or its last reference is going.
 */
static void *id_get(struct id_space *ids, u32 id, size_t ref_off)
{
	unsigned long flags;
	void *obj;

	spin_lock_irqsave(&ids->lock, flags);
	obj = idr_find(&ids->idr, id);
	if (obj && !atomic64_inc_not_zero((atomic64_t *)(obj + ref_off)))
		obj = NULL;
	spin_unlock_irqrestore(&ids->lock, flags);
	return obj;
}

int xbpf_map_alloc_id(struct xbpf_map *map)
{
	return id_alloc(&map_ids, map, &map->id);
}

void xbpf_map_free_unpublished(struct xbpf_map *map)
{
	xbpf_map_uncharge(map);
	map->ops->free(map);
}

static void map_free_deferred(struct work_struct *work)
{
	struct xbpf_map *map = container_of(work, struct xbpf_map, free_work);

	/* programs may still run on it: an inner map, a tail call target */
	synchronize_rcu();
	xbpf_map_uncharge(map);
	map->ops->free(map);
}

/* Any context. */
void xbpf_map_put(struct xbpf_map *map)
{
	if (!atomic64_dec_and_test(&map->refcnt))
		return;
	id_free(&map_ids, &map->id);
	INIT_WORK(&map->free_work, map_free_deferred);
	queue_work(xbpf_free_wq, &map->free_work);
}

int xbpf_map_next_id(u32 id, u32 *next)
{
	return id_next(&map_ids, id, next);
}

struct xbpf_map *xbpf_map_get_by_id(u32 id)
{
	struct xbpf_map *map;

	map = id_get(&map_ids, id, offsetof(struct xbpf_map, refcnt));
	return map ?: ERR_PTR(-ENOENT);
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
	struct xbpf_map *map = file->private_data;

	/* the last fd: break program <-> prog array reference cycles */
	if (atomic64_dec_and_test(&map->usercnt) && map->ops->release_uref)
		map->ops->release_uref(map);
	xbpf_map_put(map);
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
 * and FMODE_CAN_WRITE like any bpf object fd; they are not data paths.
 */
static ssize_t obj_read(struct file *file, char __user *buf, size_t count,
			loff_t *ppos)
{
	return -EINVAL;
}

static ssize_t obj_write(struct file *file, const char __user *buf,
			 size_t count, loff_t *ppos)
{
	return -EINVAL;
}

/* Only maps with a stream of data (ring buffers) can be waited on. */
static __poll_t map_poll(struct file *file, struct poll_table_struct *pts)
{
	struct xbpf_map *map = file->private_data;

	if (map->ops->poll)
		return map->ops->poll(map, file, pts);
	return EPOLLERR;
}

/* No .llseek: lseek() on a map fd is -ESPIPE, as for any bpf map fd. */
static const struct file_operations xbpf_map_fops = {
	.owner		= THIS_MODULE,
	.release	= map_release,
	.show_fdinfo	= map_show_fdinfo,
	.mmap		= map_mmap,
	.poll		= map_poll,
	.read		= obj_read,
	.write		= obj_write,
};

int xbpf_map_new_fd(struct xbpf_map *map, int flags)
{
	int fd;

	atomic64_inc(&map->usercnt);
	fd = anon_inode_getfd("bpf-map", &xbpf_map_fops, map,
			      flags | O_CLOEXEC);
	if (fd < 0)
		atomic64_dec(&map->usercnt);
	return fd;
}

struct xbpf_map *xbpf_map_from_fd(struct fd f)
{
	if (!f.file)
		return ERR_PTR(-EBADF);
	if (f.file->f_op != &xbpf_map_fops)
		return ERR_PTR(-EINVAL);
	return f.file->private_data;
}

/* Programs. */

int xbpf_prog_alloc_id(struct xbpf_prog *prog)
{
	return id_alloc(&prog_ids, prog, &prog->id);
}

void xbpf_prog_free(struct xbpf_prog *prog)
{
	u32 i;

	for (i = 0; i < prog->used_map_cnt; i++)
		xbpf_map_put(prog->used_maps[i]);
	kfree(prog->used_maps);
	xbpf_jit_free(prog);
	kfree(prog->func_start);
	kfree(prog->func_stack_depth);
	xbpf_core_free(prog->insns);
	free_percpu(prog->stats);
	kfree(prog);
}

static void prog_free_deferred(struct work_struct *work)
{
	xbpf_prog_free(container_of(to_rcu_work(work), struct xbpf_prog,
				    free_work));
}

/*
 * Any context. Whoever runs a program holds a reference or runs under
 * RCU from an attachment that holds one; attachments wait for a grace
 * period before dropping theirs.
 */
void xbpf_prog_put(struct xbpf_prog *prog)
{
	if (!atomic64_dec_and_test(&prog->refcnt))
		return;
	id_free(&prog_ids, &prog->id);
	/* a CPU may still run it, reached through a tail call: RCU */
	INIT_RCU_WORK(&prog->free_work, prog_free_deferred);
	queue_rcu_work(xbpf_free_wq, &prog->free_work);
}

int xbpf_prog_next_id(u32 id, u32 *next)
{
	return id_next(&prog_ids, id, next);
}

struct xbpf_prog *xbpf_prog_get_by_id(u32 id)
{
	struct xbpf_prog *prog;

	prog = id_get(&prog_ids, id, offsetof(struct xbpf_prog, refcnt));
	return prog ?: ERR_PTR(-ENOENT);
}

static int prog_release(struct inode *inode, struct file *file)
{
	xbpf_prog_put(file->private_data);
	return 0;
}

static void prog_show_fdinfo(struct seq_file *m, struct file *file)
{
	struct xbpf_prog *prog = file->private_data;
	char tag[2 * BPF_TAG_SIZE + 1];
	u64 cnt, nsecs, misses;

	xbpf_prog_get_stats(prog, &cnt, &nsecs, &misses);
	bin2hex(tag, prog->tag, sizeof(prog->tag));
	tag[sizeof(tag) - 1] = '\0';
	seq_printf(m,
		   "prog_type:\t%u\n"
		   "prog_jited:\t%u\n"
		   "prog_tag:\t%s\n"
		   "memlock:\t%lu\n"
		   "prog_id:\t%u\n"
		   "run_time_ns:\t%llu\n"
		   "run_cnt:\t%llu\n"
		   "recursion_misses:\t%llu\n"
		   "verified_insns:\t%u\n",
		   prog->type, !!prog->jit, tag,
		   round_up(prog->len * sizeof(struct bpf_insn) +
			    sizeof(*prog), PAGE_SIZE),
		   prog->id, nsecs, cnt, misses, prog->verified_insns);
}

static const struct file_operations xbpf_prog_fops = {
	.owner		= THIS_MODULE,
	.release	= prog_release,
	.show_fdinfo	= prog_show_fdinfo,
	.read		= obj_read,
	.write		= obj_write,
};

int xbpf_prog_new_fd(struct xbpf_prog *prog)
{
	return anon_inode_getfd("bpf-prog", &xbpf_prog_fops, prog,
				O_RDWR | O_CLOEXEC);
}

struct xbpf_prog *xbpf_prog_from_fd(struct fd f)
{
	if (!f.file)
		return ERR_PTR(-EBADF);
	if (f.file->f_op != &xbpf_prog_fops)
		return ERR_PTR(-EINVAL);
	return f.file->private_data;
}

/* Links. */

int xbpf_link_alloc_id(struct xbpf_link *link)
{
	return id_alloc(&link_ids, link, &link->id);
}

/*
 * As in Linux, the last reference detaches at once (close() of the last
 * fd returns with the program off its hook), so this may sleep.
 */
void xbpf_link_put(struct xbpf_link *link)
{
	struct xbpf_prog *prog = link->prog;

	might_sleep();
	if (!atomic64_dec_and_test(&link->refcnt))
		return;
	if (link->id)
		id_free(&link_ids, &link->id);
	link->ops->release(link);
	link->ops->dealloc(link);
	xbpf_prog_put(prog);
}

int xbpf_link_next_id(u32 id, u32 *next)
{
	return id_next(&link_ids, id, next);
}

struct xbpf_link *xbpf_link_get_by_id(u32 id)
{
	struct xbpf_link *link;

	if (!id)
		return ERR_PTR(-ENOENT);
	link = id_get(&link_ids, id, offsetof(struct xbpf_link, refcnt));
	return link ?: ERR_PTR(-ENOENT);
}

static int link_release(struct inode *inode, struct file *file)
{
	xbpf_link_put(file->private_data);
	return 0;
}

static const char *const link_type_names[] = {
	[BPF_LINK_TYPE_RAW_TRACEPOINT]	= "raw_tracepoint",
	[BPF_LINK_TYPE_TRACING]		= "tracing",
	[BPF_LINK_TYPE_CGROUP]		= "cgroup",
	[BPF_LINK_TYPE_ITER]		= "iter",
	[BPF_LINK_TYPE_NETNS]		= "netns",
	[BPF_LINK_TYPE_XDP]		= "xdp",
	[BPF_LINK_TYPE_PERF_EVENT]	= "perf",
	[BPF_LINK_TYPE_KPROBE_MULTI]	= "kprobe_multi",
	[BPF_LINK_TYPE_STRUCT_OPS]	= "struct_ops",
};

static void link_show_fdinfo(struct seq_file *m, struct file *file)
{
	const struct xbpf_link *link = file->private_data;
	char tag[2 * BPF_TAG_SIZE + 1];

	if (link->type < ARRAY_SIZE(link_type_names) &&
	    link_type_names[link->type])
		seq_printf(m, "link_type:\t%s\n", link_type_names[link->type]);
	else
		seq_printf(m, "link_type:\t<%u>\n", link->type);
	bin2hex(tag, link->prog->tag, sizeof(link->prog->tag));
	tag[sizeof(tag) - 1] = '\0';
	seq_printf(m,
		   "link_id:\t%u\n"
		   "prog_tag:\t%s\n"
		   "prog_id:\t%u\n",
		   link->id, tag, link->prog->id);
	if (link->ops->show_fdinfo)
		link->ops->show_fdinfo(link, m);
}

static const struct file_operations xbpf_link_fops = {
	.owner		= THIS_MODULE,
	.release	= link_release,
	.show_fdinfo	= link_show_fdinfo,
	.read		= obj_read,
	.write		= obj_write,
};

int xbpf_link_new_fd(struct xbpf_link *link)
{
	return anon_inode_getfd("bpf_link", &xbpf_link_fops, link,
				O_RDWR | O_CLOEXEC);
}

struct xbpf_link *xbpf_link_from_fd(struct fd f)
{
	if (!f.file)
		return ERR_PTR(-EBADF);
	if (f.file->f_op != &xbpf_link_fops)
		return ERR_PTR(-EINVAL);
	return f.file->private_data;
}

/* Run work on the free workqueue, which module exit drains. */
void xbpf_defer_free(struct work_struct *work)
{
	queue_work(xbpf_free_wq, work);
}

int xbpf_object_init(void)
{
	xbpf_free_wq = alloc_workqueue("xbpf_free", WQ_UNBOUND, 0);
	return xbpf_free_wq ? 0 : -ENOMEM;
}

void xbpf_object_uninit(void)
{
	/*
	 * No fd can exist here (each pins the module): only frees are left,
	 * some of them still waiting for a grace period before they queue.
	 */
	rcu_barrier();
	destroy_workqueue(xbpf_free_wq);
	WARN_ON(!idr_is_empty(&map_ids.idr));
	WARN_ON(!idr_is_empty(&prog_ids.idr));
	WARN_ON(!idr_is_empty(&link_ids.idr));
	idr_destroy(&map_ids.idr);
	idr_destroy(&prog_ids.idr);
	idr_destroy(&link_ids.idr);
}
