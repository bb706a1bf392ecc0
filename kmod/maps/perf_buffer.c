// SPDX-License-Identifier: GPL-2.0
/*
 * xbpf's BPF output perf events: per-CPU buffers that bpf_perf_event_output()
 * writes into and that userspace reads exactly as it reads a perf event of
 * type PERF_COUNT_SW_BPF_OUTPUT (uapi/linux/xbpf.h, XBPF_IOC_PERF_OUTPUT).
 *
 * Memory: one vmalloc_user() area made at the first mmap(), page 0 the
 * struct perf_event_mmap_page, then 2^n data pages written as a ring.
 * Writers are programs on the buffer's own CPU, in any context up to NMI;
 * one interrupting another on that CPU is serialised by a raw spinlock,
 * only tried in NMI (a failed try is a lost record, never a deadlock).
 * Wakeups go through an irq_work.
 */
#include <linux/anon_inodes.h>
#include <linux/cpumask.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/irq_work.h>
#include <linux/mm.h>
#include <linux/perf_event.h>
#include <linux/poll.h>
#include <linux/refcount.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>
#include <linux/wait.h>
#include <linux/workqueue.h>
#include <linux/xbpf.h>

#include "maps/perf_buffer.h"
#include "object.h"

struct xbpf_perf_buf {
	refcount_t refcnt;	/* the file, and every map slot holding it */
	int cpu;
	bool enabled;
	u32 wakeup_events;

	raw_spinlock_t lock;	/* writers; the mapping's creation */
	struct perf_event_mmap_page *user_page;	/* NULL until mmap() */
	void *data;
	u64 data_size;		/* a power of two */
	u64 head;		/* next byte to write, as data_head */
	u64 lost;		/* records dropped since the last LOST record */
	u32 since_wakeup;

	struct mutex mmap_mutex;	/* the mapping's creation, poll */
	wait_queue_head_t waitq;
	struct irq_work wakeup;
	struct work_struct free_work;
};

struct perf_lost_record {
	struct perf_event_header header;
	u64 id;
	u64 lost;
};

static void perf_buf_free_work(struct work_struct *work)
{
	struct xbpf_perf_buf *pb = container_of(work, struct xbpf_perf_buf,
						free_work);

	irq_work_sync(&pb->wakeup);
	vfree(pb->user_page);
	kfree(pb);
}

void xbpf_perf_buf_put(struct xbpf_perf_buf *pb)
{
	/* from RCU callbacks too: the freeing may sleep, so it waits */
	if (refcount_dec_and_test(&pb->refcnt))
		xbpf_defer_free(&pb->free_work);
}

static void perf_buf_wakeup(struct irq_work *work)
{
	struct xbpf_perf_buf *pb = container_of(work, struct xbpf_perf_buf,
						wakeup);

	wake_up_all(&pb->waitq);
}

/* Copy len bytes to ring offset pos, wrapping at the end. */
static void perf_buf_copy(struct xbpf_perf_buf *pb, u64 pos, const void *src,
			  u32 len)
{
	u64 off = pos & (pb->data_size - 1);
	u32 first = min_t(u64, len, pb->data_size - off);

	if (src) {
		memcpy(pb->data + off, src, first);
		memcpy(pb->data, src + first, len - first);
	} else {
		memset(pb->data + off, 0, first);
		memset(pb->data, 0, len - first);
	}
}

int xbpf_perf_buf_output(struct xbpf_perf_buf *pb, const void *data, u32 size)
{
	struct perf_event_header hdr;
	struct perf_lost_record lost;
	unsigned long flags;
	u32 raw_size, rec_size, need;
	u64 tail;
	int err = 0;

	if (!READ_ONCE(pb->enabled) || pb->cpu != smp_processor_id())
		return -EOPNOTSUPP;
	/* the raw size and the data end 8-byte aligned */
	raw_size = round_up(size + sizeof(u32), sizeof(u64)) - sizeof(u32);
	rec_size = sizeof(hdr) + sizeof(u32) + raw_size;
	if (rec_size > U16_MAX)
		return -E2BIG;

	if (in_nmi()) {
		if (!raw_spin_trylock_irqsave(&pb->lock, flags)) {
			/* cannot even count it: the counter is under the lock */
			return -EBUSY;
		}
	} else {
		raw_spin_lock_irqsave(&pb->lock, flags);
	}
	if (!pb->user_page) {
		/* no buffer yet: nothing to write into */
		err = -ENOSPC;
		goto out;
	}

	need = rec_size + (pb->lost ? sizeof(lost) : 0);
	/* pairs with the reader's store-release of data_tail */
	tail = smp_load_acquire(&pb->user_page->data_tail);
	/* as perf: one byte always stays free (CIRC_SPACE) */
	if (pb->data_size - 1 - (pb->head - tail) < need) {
		pb->lost++;
		err = -ENOSPC;
		goto out;
	}

	if (pb->lost) {
		lost.header.type = PERF_RECORD_LOST;
		lost.header.misc = 0;
		lost.header.size = sizeof(lost);
		lost.id = 0;
		lost.lost = pb->lost;
		perf_buf_copy(pb, pb->head, &lost, sizeof(lost));
		pb->head += sizeof(lost);
		pb->lost = 0;
	}

	hdr.type = PERF_RECORD_SAMPLE;
	hdr.misc = PERF_RECORD_MISC_KERNEL;
	hdr.size = rec_size;
	perf_buf_copy(pb, pb->head, &hdr, sizeof(hdr));
	perf_buf_copy(pb, pb->head + sizeof(hdr), &raw_size, sizeof(u32));
	perf_buf_copy(pb, pb->head + sizeof(hdr) + sizeof(u32), data, size);
	perf_buf_copy(pb, pb->head + sizeof(hdr) + sizeof(u32) + size, NULL,
		      raw_size - size);
	pb->head += rec_size;
	/* the record's bytes before the head that publishes them */
	smp_store_release(&pb->user_page->data_head, pb->head);

	if (++pb->since_wakeup >= pb->wakeup_events) {
		pb->since_wakeup = 0;
		irq_work_queue(&pb->wakeup);
	}
out:
	raw_spin_unlock_irqrestore(&pb->lock, flags);
	return err;
}

static int perf_buf_release(struct inode *inode, struct file *file)
{
	xbpf_perf_buf_put(file->private_data);
	return 0;
}

static int perf_buf_mmap(struct file *file, struct vm_area_struct *vma)
{
	struct xbpf_perf_buf *pb = file->private_data;
	unsigned long size = vma->vm_end - vma->vm_start;
	unsigned long nr_pages = size / PAGE_SIZE - 1;
	struct perf_event_mmap_page *up;
	unsigned long flags;
	int err;

	/* as perf_mmap(): 1 + 2^n pages from offset 0, shared */
	if (vma->vm_pgoff || !(vma->vm_flags & VM_SHARED))
		return -EINVAL;
	if (size < PAGE_SIZE || (nr_pages && !is_power_of_2(nr_pages)))
		return -EINVAL;

	mutex_lock(&pb->mmap_mutex);
	if (pb->user_page) {
		err = -EINVAL;
		if (pb->data_size != nr_pages * PAGE_SIZE)
			goto out;
		err = remap_vmalloc_range(vma, pb->user_page, 0);
		goto out;
	}
	err = -EINVAL;
	if (!nr_pages)
		goto out;
	err = -ENOMEM;
	up = vmalloc_user(size);
	if (!up)
		goto out;
	up->version = 0;
	up->compat_version = 0;
	up->data_offset = PAGE_SIZE;
	up->data_size = nr_pages * PAGE_SIZE;
	err = remap_vmalloc_range(vma, up, 0);
	if (err) {
		vfree(up);
		goto out;
	}
	raw_spin_lock_irqsave(&pb->lock, flags);
	pb->data = (void *)up + PAGE_SIZE;
	pb->data_size = nr_pages * PAGE_SIZE;
	pb->head = 0;
	pb->user_page = up;
	raw_spin_unlock_irqrestore(&pb->lock, flags);
out:
	mutex_unlock(&pb->mmap_mutex);
	return err;
}

static __poll_t perf_buf_poll(struct file *file, struct poll_table_struct *pts)
{
	struct xbpf_perf_buf *pb = file->private_data;
	struct perf_event_mmap_page *up;

	poll_wait(file, &pb->waitq, pts);
	mutex_lock(&pb->mmap_mutex);
	up = pb->user_page;
	mutex_unlock(&pb->mmap_mutex);
	if (!up)
		return EPOLLHUP;
	/* pairs with the writer's store-release of data_head */
	if (smp_load_acquire(&up->data_head) != READ_ONCE(up->data_tail))
		return EPOLLIN | EPOLLRDNORM;
	return 0;
}

static long perf_buf_ioctl(struct file *file, unsigned int cmd,
			   unsigned long arg)
{
	struct xbpf_perf_buf *pb = file->private_data;

	switch (cmd) {
	case PERF_EVENT_IOC_ENABLE:
		WRITE_ONCE(pb->enabled, true);
		return 0;
	case PERF_EVENT_IOC_DISABLE:
		WRITE_ONCE(pb->enabled, false);
		return 0;
	case PERF_EVENT_IOC_RESET:
		/* a BPF output event counts nothing */
		return 0;
	default:
		return -ENOTTY;
	}
}

static const struct file_operations perf_buf_fops = {
	.owner		= THIS_MODULE,
	.release	= perf_buf_release,
	.mmap		= perf_buf_mmap,
	.poll		= perf_buf_poll,
	.unlocked_ioctl	= perf_buf_ioctl,
	.compat_ioctl	= perf_buf_ioctl,
	.llseek		= no_llseek,
};

struct xbpf_perf_buf *xbpf_perf_buf_get(int fd)
{
	struct xbpf_perf_buf *pb;
	struct fd f = fdget(fd);

	if (!f.file)
		return ERR_PTR(-EBADF);
	if (f.file->f_op != &perf_buf_fops) {
		fdput(f);
		return ERR_PTR(-EBADF);
	}
	pb = f.file->private_data;
	refcount_inc(&pb->refcnt);
	fdput(f);
	return pb;
}

int xbpf_perf_buf_create(void __user *uarg)
{
	struct xbpf_perf_output req;
	struct xbpf_perf_buf *pb;
	int fd;

	if (copy_from_user(&req, uarg, sizeof(req)))
		return -EFAULT;
	if (req.reserved ||
	    req.flags & ~(XBPF_PERF_DISABLED | XBPF_PERF_CLOEXEC) ||
	    req.cpu >= nr_cpu_ids)
		return -EINVAL;
	if (!cpu_online(req.cpu))
		return -ENODEV;

	pb = kzalloc(sizeof(*pb), GFP_KERNEL_ACCOUNT);
	if (!pb)
		return -ENOMEM;
	refcount_set(&pb->refcnt, 1);
	pb->cpu = req.cpu;
	pb->enabled = !(req.flags & XBPF_PERF_DISABLED);
	pb->wakeup_events = req.wakeup_events ?: 1;
	raw_spin_lock_init(&pb->lock);
	mutex_init(&pb->mmap_mutex);
	init_waitqueue_head(&pb->waitq);
	init_irq_work(&pb->wakeup, perf_buf_wakeup);
	INIT_WORK(&pb->free_work, perf_buf_free_work);

	fd = anon_inode_getfd("[perf_event]", &perf_buf_fops, pb,
			      O_RDWR | (req.flags & XBPF_PERF_CLOEXEC ?
					O_CLOEXEC : 0));
	if (fd < 0)
		kfree(pb);
	return fd;
}
