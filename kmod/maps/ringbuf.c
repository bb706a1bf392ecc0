// SPDX-License-Identifier: GPL-2.0
/*
 * BPF_MAP_TYPE_RINGBUF: a multi-producer, single-consumer ring of
 * variable-length records, with Linux 6.1's memory layout so userspace
 * (libbpf's ring_buffer__*) reads it through mmap() unchanged:
 *
 *   page 0 (file offset 0)      consumer position, writable by userspace
 *   page 1 (offset PAGE_SIZE)   producer position, read-only
 *   pages 2..                   the data pages, read-only, mapped twice in
 *                               a row so a record that wraps around the
 *                               end reads as one contiguous piece
 *
 * Each record starts with an 8-byte header: its length with a BUSY bit
 * (reserved, not yet committed) and a DISCARD bit, and the page offset of
 * the header from the ring's start, from which submit/discard find the
 * ring again. Producers (programs, on any CPU, in any context up to NMI)
 * serialise on a raw spinlock only to move the producer position; in NMI
 * they only try the lock and fail the reservation when it is held, so a
 * program that interrupts a reservation on its CPU cannot deadlock.
 * Wakeups go through an irq_work, which is safe from any context.
 */
#include <linux/err.h>
#include <linux/irq_work.h>
#include <linux/log2.h>
#include <linux/mm.h>
#include <linux/poll.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/vmalloc.h>
#include <linux/wait.h>

#include "maps/map.h"
#include "prog.h"

struct xbpf_ringbuf {
	wait_queue_head_t waitq;
	struct irq_work work;
	u64 mask;
	struct page **pages;
	int nr_pages;
	raw_spinlock_t spinlock ____cacheline_aligned_in_smp;
	/* each position in a page of its own: different mmap permissions */
	unsigned long consumer_pos __aligned(PAGE_SIZE);
	unsigned long producer_pos __aligned(PAGE_SIZE);
	/* the oldest record not yet committed (or past all of them) */
	unsigned long pending_pos;
	char data[] __aligned(PAGE_SIZE);
};

/* the first page userspace may map: the consumer position's */
#define RINGBUF_PGOFF \
	(offsetof(struct xbpf_ringbuf, consumer_pos) >> PAGE_SHIFT)
#define RINGBUF_POS_PAGES	2
#define RINGBUF_MAX_RECORD_SZ	(UINT_MAX / 4)
/* page offsets in record headers are 24 bits wide at most */
#define RINGBUF_MAX_DATA_SZ \
	(((1ULL << 24) - RINGBUF_POS_PAGES - RINGBUF_PGOFF) * PAGE_SIZE)

struct ringbuf_map {
	struct xbpf_map map;
	struct xbpf_ringbuf *rb;
};

struct ringbuf_hdr {
	u32 len;
	u32 pg_off;
};

static struct ringbuf_map *to_ringbuf_map(struct xbpf_map *map)
{
	return container_of(map, struct ringbuf_map, map);
}

static struct xbpf_ringbuf *ringbuf_area_alloc(size_t data_sz, int numa_node)
{
	const gfp_t flags = GFP_KERNEL_ACCOUNT | __GFP_RETRY_MAYFAIL |
			    __GFP_NOWARN | __GFP_ZERO;
	int nr_meta_pages = RINGBUF_PGOFF + RINGBUF_POS_PAGES;
	int nr_data_pages = data_sz >> PAGE_SHIFT;
	int nr_pages = nr_meta_pages + nr_data_pages;
	struct xbpf_ringbuf *rb;
	struct page **pages;
	int i;

	/* the data pages appear twice: [meta | data | the same data] */
	pages = xbpf_map_area_alloc((u64)(nr_meta_pages + 2 * nr_data_pages) *
				    sizeof(*pages));
	if (!pages)
		return NULL;

	for (i = 0; i < nr_pages; i++) {
		struct page *page = alloc_pages_node(numa_node, flags, 0);

		if (!page) {
			nr_pages = i;
			goto err_free_pages;
		}
		pages[i] = page;
		if (i >= nr_meta_pages)
			pages[nr_data_pages + i] = page;
	}

	/* VM_USERMAP: remap_vmalloc_range() may hand the pages to mmap() */
	rb = vmap(pages, nr_meta_pages + 2 * nr_data_pages,
		  VM_MAP | VM_USERMAP, PAGE_KERNEL);
	if (rb) {
		rb->pages = pages;
		rb->nr_pages = nr_pages;
		return rb;
	}

err_free_pages:
	for (i = 0; i < nr_pages; i++)
		__free_page(pages[i]);
	xbpf_map_area_free(pages);
	return NULL;
}

static void ringbuf_notify(struct irq_work *work)
{
	struct xbpf_ringbuf *rb = container_of(work, struct xbpf_ringbuf, work);

	wake_up_all(&rb->waitq);
}

static int ringbuf_alloc_check(union bpf_attr *attr)
{
	if (attr->map_flags & ~BPF_F_NUMA_NODE)
		return -EINVAL;
	if (attr->key_size || attr->value_size ||
	    !is_power_of_2(attr->max_entries) ||
	    !PAGE_ALIGNED(attr->max_entries))
		return -EINVAL;
	if (attr->max_entries > RINGBUF_MAX_DATA_SZ)
		return -E2BIG;
	return 0;
}

static struct xbpf_map *ringbuf_alloc(union bpf_attr *attr)
{
	struct ringbuf_map *rmap;
	struct xbpf_ringbuf *rb;

	rmap = kzalloc(sizeof(*rmap), GFP_KERNEL_ACCOUNT);
	if (!rmap)
		return ERR_PTR(-ENOMEM);
	xbpf_map_init(&rmap->map, attr);

	rb = ringbuf_area_alloc(attr->max_entries,
				xbpf_map_attr_numa_node(attr));
	if (!rb) {
		kfree(rmap);
		return ERR_PTR(-ENOMEM);
	}
	init_waitqueue_head(&rb->waitq);
	init_irq_work(&rb->work, ringbuf_notify);
	raw_spin_lock_init(&rb->spinlock);
	rb->mask = attr->max_entries - 1;
	rmap->rb = rb;
	return &rmap->map;
}

static void ringbuf_free(struct xbpf_map *map)
{
	struct ringbuf_map *rmap = to_ringbuf_map(map);
	struct xbpf_ringbuf *rb = rmap->rb;
	struct page **pages = rb->pages;
	int i, nr_pages = rb->nr_pages;

	/* no program holds the map any more; a wakeup may still be queued */
	irq_work_sync(&rb->work);
	vunmap(rb);
	for (i = 0; i < nr_pages; i++)
		__free_page(pages[i]);
	xbpf_map_area_free(pages);
	kfree(rmap);
}

/* Ring buffers have no elements to look up, update or walk. */
static void *ringbuf_lookup(struct xbpf_map *map, void *key)
{
	return ERR_PTR(-ENOTSUPP);
}

static int ringbuf_update(struct xbpf_map *map, void *key, void *value,
			  u64 flags)
{
	return -ENOTSUPP;
}

static int ringbuf_delete(struct xbpf_map *map, void *key)
{
	return -ENOTSUPP;
}

static int ringbuf_get_next_key(struct xbpf_map *map, void *key,
				void *next_key)
{
	return -ENOTSUPP;
}

static int ringbuf_mmap(struct xbpf_map *map, struct vm_area_struct *vma)
{
	struct xbpf_ringbuf *rb = to_ringbuf_map(map)->rb;

	/* userspace writes only its consumer position */
	if (vma->vm_flags & VM_WRITE) {
		if (vma->vm_pgoff != 0 ||
		    vma->vm_end - vma->vm_start != PAGE_SIZE)
			return -EPERM;
	}
	/* checks the size and offset against the vmap area */
	return remap_vmalloc_range(vma, rb, vma->vm_pgoff + RINGBUF_PGOFF);
}

static unsigned long ringbuf_avail_data_sz(struct xbpf_ringbuf *rb)
{
	unsigned long cons_pos, prod_pos;

	/* pairs with the consumer's store-release */
	cons_pos = smp_load_acquire(&rb->consumer_pos);
	/* pairs with the producers' store-release */
	prod_pos = smp_load_acquire(&rb->producer_pos);
	return prod_pos - cons_pos;
}

static __poll_t ringbuf_poll(struct xbpf_map *map, struct file *file,
			     struct poll_table_struct *pts)
{
	struct xbpf_ringbuf *rb = to_ringbuf_map(map)->rb;

	poll_wait(file, &rb->waitq, pts);
	if (ringbuf_avail_data_sz(rb))
		return EPOLLIN | EPOLLRDNORM;
	return 0;
}

const struct xbpf_map_ops xbpf_ringbuf_map_ops = {
	.alloc_check = ringbuf_alloc_check,
	.alloc = ringbuf_alloc,
	.free = ringbuf_free,
	.lookup = ringbuf_lookup,
	.update = ringbuf_update,
	.delete = ringbuf_delete,
	.get_next_key = ringbuf_get_next_key,
	.mmap = ringbuf_mmap,
	.poll = ringbuf_poll,
};

/* The page offset of a record header from the ring's start. */
static u32 ringbuf_rec_pg_off(struct xbpf_ringbuf *rb, struct ringbuf_hdr *hdr)
{
	return ((void *)hdr - (void *)rb) >> PAGE_SHIFT;
}

static struct xbpf_ringbuf *ringbuf_from_rec(struct ringbuf_hdr *hdr)
{
	unsigned long addr = (unsigned long)(void *)hdr;
	unsigned long off = (unsigned long)hdr->pg_off << PAGE_SHIFT;

	return (void *)((addr & PAGE_MASK) - off);
}

/* any context, up to NMI */
static void *ringbuf_reserve(struct xbpf_ringbuf *rb, u64 size)
{
	unsigned long cons_pos, prod_pos, new_prod_pos, pend_pos, flags;
	struct ringbuf_hdr *hdr;
	u32 len, pg_off, rec_len, hdr_len;

	if (unlikely(size > RINGBUF_MAX_RECORD_SZ))
		return NULL;
	len = round_up(size + BPF_RINGBUF_HDR_SZ, 8);
	if (len > rb->mask + 1)
		return NULL;

	/* pairs with the consumer's store-release: its reads are done */
	cons_pos = smp_load_acquire(&rb->consumer_pos);

	if (in_nmi()) {
		if (!raw_spin_trylock_irqsave(&rb->spinlock, flags))
			return NULL;
	} else {
		raw_spin_lock_irqsave(&rb->spinlock, flags);
	}

	pend_pos = rb->pending_pos;
	prod_pos = rb->producer_pos;
	new_prod_pos = prod_pos + len;

	/* move past the records committed since */
	while (prod_pos - pend_pos > 0) {
		hdr = (void *)rb->data + (pend_pos & rb->mask);
		hdr_len = READ_ONCE(hdr->len);
		if (hdr_len & BPF_RINGBUF_BUSY_BIT)
			break;
		rec_len = hdr_len & ~BPF_RINGBUF_DISCARD_BIT;
		pend_pos += round_up(rec_len + BPF_RINGBUF_HDR_SZ, 8);
	}
	rb->pending_pos = pend_pos;

	/*
	 * Neither may the producer get a whole ring ahead of the consumer,
	 * nor the newest record a whole ring ahead of the oldest one still
	 * being written (its header must not be overwritten).
	 */
	if (new_prod_pos - cons_pos > rb->mask ||
	    new_prod_pos - pend_pos > rb->mask) {
		raw_spin_unlock_irqrestore(&rb->spinlock, flags);
		return NULL;
	}

	hdr = (void *)rb->data + (prod_pos & rb->mask);
	pg_off = ringbuf_rec_pg_off(rb, hdr);
	hdr->len = size | BPF_RINGBUF_BUSY_BIT;
	hdr->pg_off = pg_off;

	/* pairs with the consumer's load-acquire */
	smp_store_release(&rb->producer_pos, new_prod_pos);
	raw_spin_unlock_irqrestore(&rb->spinlock, flags);

	return (void *)hdr + BPF_RINGBUF_HDR_SZ;
}

static void ringbuf_commit(void *sample, u64 flags, bool discard)
{
	struct ringbuf_hdr *hdr = sample - BPF_RINGBUF_HDR_SZ;
	struct xbpf_ringbuf *rb = ringbuf_from_rec(hdr);
	unsigned long rec_pos, cons_pos;
	u32 new_len;

	new_len = hdr->len ^ BPF_RINGBUF_BUSY_BIT;
	if (discard)
		new_len |= BPF_RINGBUF_DISCARD_BIT;
	/* a full barrier: the record's bytes are visible before its length */
	xchg(&hdr->len, new_len);

	/* wake a consumer that caught up and waits for this very record */
	rec_pos = (void *)hdr - (void *)rb->data;
	/* pairs with the consumer's store-release */
	cons_pos = smp_load_acquire(&rb->consumer_pos) & rb->mask;
	if (flags & BPF_RB_FORCE_WAKEUP)
		irq_work_queue(&rb->work);
	else if (cons_pos == rec_pos && !(flags & BPF_RB_NO_WAKEUP))
		irq_work_queue(&rb->work);
}

static u64 helper_ringbuf_reserve(u64 map, u64 size, u64 flags, u64 r4, u64 r5)
{
	struct ringbuf_map *rmap = to_ringbuf_map((void *)(unsigned long)map);

	if (unlikely(flags))
		return 0;
	return (unsigned long)ringbuf_reserve(rmap->rb, size);
}

static u64 helper_ringbuf_submit(u64 sample, u64 flags, u64 r3, u64 r4, u64 r5)
{
	ringbuf_commit((void *)(unsigned long)sample, flags, false);
	return 0;
}

static u64 helper_ringbuf_discard(u64 sample, u64 flags, u64 r3, u64 r4,
				  u64 r5)
{
	ringbuf_commit((void *)(unsigned long)sample, flags, true);
	return 0;
}

static u64 helper_ringbuf_output(u64 map, u64 data, u64 size, u64 flags,
				 u64 r5)
{
	struct ringbuf_map *rmap = to_ringbuf_map((void *)(unsigned long)map);
	void *rec;

	if (unlikely(flags & ~(BPF_RB_NO_WAKEUP | BPF_RB_FORCE_WAKEUP)))
		return -EINVAL;
	rec = ringbuf_reserve(rmap->rb, size);
	if (!rec)
		return -EAGAIN;
	memcpy(rec, (void *)(unsigned long)data, size);
	ringbuf_commit(rec, flags, false);
	return 0;
}

static u64 helper_ringbuf_query(u64 map, u64 flags, u64 r3, u64 r4, u64 r5)
{
	struct xbpf_ringbuf *rb =
		to_ringbuf_map((void *)(unsigned long)map)->rb;

	switch (flags) {
	case BPF_RB_AVAIL_DATA:
		return ringbuf_avail_data_sz(rb);
	case BPF_RB_RING_SIZE:
		return rb->mask + 1;
	case BPF_RB_CONS_POS:
		/* pairs with the consumer's store-release */
		return smp_load_acquire(&rb->consumer_pos);
	case BPF_RB_PROD_POS:
		/* pairs with the producers' store-release */
		return smp_load_acquire(&rb->producer_pos);
	default:
		return 0;
	}
}

/* Prototypes as Linux 6.1 declares them. */
static const struct xbpf_func_proto ringbuf_protos[] = {
	{
		.func_id = BPF_FUNC_ringbuf_output,
		.func = helper_ringbuf_output,
		.ret_type = RET_INTEGER,
		.arg_type = { ARG_CONST_MAP_PTR, ARG_PTR_TO_MEM | MEM_RDONLY,
			      ARG_CONST_SIZE_OR_ZERO, ARG_ANYTHING },
	}, {
		.func_id = BPF_FUNC_ringbuf_reserve,
		.func = helper_ringbuf_reserve,
		.ret_type = RET_PTR_TO_ALLOC_MEM_OR_NULL,
		.arg_type = { ARG_CONST_MAP_PTR, ARG_CONST_ALLOC_SIZE_OR_ZERO,
			      ARG_ANYTHING },
	}, {
		.func_id = BPF_FUNC_ringbuf_submit,
		.func = helper_ringbuf_submit,
		.ret_type = RET_VOID,
		.arg_type = { ARG_PTR_TO_ALLOC_MEM | OBJ_RELEASE, ARG_ANYTHING },
	}, {
		.func_id = BPF_FUNC_ringbuf_discard,
		.func = helper_ringbuf_discard,
		.ret_type = RET_VOID,
		.arg_type = { ARG_PTR_TO_ALLOC_MEM | OBJ_RELEASE, ARG_ANYTHING },
	}, {
		.func_id = BPF_FUNC_ringbuf_query,
		.func = helper_ringbuf_query,
		.ret_type = RET_INTEGER,
		.arg_type = { ARG_CONST_MAP_PTR, ARG_ANYTHING },
	},
};

const struct xbpf_func_proto *xbpf_ringbuf_func_proto(u32 func_id)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(ringbuf_protos); i++)
		if (ringbuf_protos[i].func_id == func_id)
			return &ringbuf_protos[i];
	return NULL;
}
