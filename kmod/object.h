/* SPDX-License-Identifier: GPL-2.0 */
/*
 * xbpf objects as userspace holds them: anon-inode fds, IDs, references.
 */
#ifndef XBPF_OBJECT_H
#define XBPF_OBJECT_H

#include <linux/file.h>

struct xbpf_map;

/* A new fd for @map with O_RDONLY/O_WRONLY/O_RDWR in @flags. */
int xbpf_map_new_fd(struct xbpf_map *map, int flags);

/* Queue work on xbpf's free workqueue (drained at module exit). */
struct work_struct;
void xbpf_defer_free(struct work_struct *work);

/*
 * The map behind an fd from fdget(): -EBADF if there is no file, -EINVAL if
 * it is not an xbpf map. The file reference keeps the map alive until
 * fdput().
 */
struct xbpf_map *xbpf_map_from_fd(struct fd f);

/* Publish @map under a new ID; its refcount must already be set. */
int xbpf_map_alloc_id(struct xbpf_map *map);

/* Drop a reference; the last one frees the ID now and the map later. */
void xbpf_map_put(struct xbpf_map *map);

/* Free a map that was never published (no ID, no fd). */
void xbpf_map_free_unpublished(struct xbpf_map *map);

/*
 * ID lookups for BPF_MAP_GET_NEXT_ID / BPF_MAP_GET_FD_BY_ID: the next used
 * ID after @id (-ENOENT if none), and a new reference to the live map with
 * ID @id (-ENOENT if none).
 */
int xbpf_map_next_id(u32 id, u32 *next);
struct xbpf_map *xbpf_map_get_by_id(u32 id);

/* fmode bits (FMODE_READ/FMODE_WRITE) a syscall gets through file @f. */
fmode_t xbpf_map_sys_perms(struct xbpf_map *map, struct file *f);

#endif /* XBPF_OBJECT_H */

struct xbpf_prog;

/* Programs: the same lifetime rules as maps. */
int xbpf_prog_new_fd(struct xbpf_prog *prog);
struct xbpf_prog *xbpf_prog_from_fd(struct fd f);
int xbpf_prog_alloc_id(struct xbpf_prog *prog);
void xbpf_prog_put(struct xbpf_prog *prog);
/* Free a program that was never published (no ID, no fd). */
void xbpf_prog_free(struct xbpf_prog *prog);
int xbpf_prog_next_id(u32 id, u32 *next);
struct xbpf_prog *xbpf_prog_get_by_id(u32 id);

struct xbpf_link;

/*
 * Links. A link is attached before it is published: alloc_id, then
 * new_fd. xbpf_link_put() may sleep (the last one detaches); process
 * context only.
 */
int xbpf_link_alloc_id(struct xbpf_link *link);
int xbpf_link_new_fd(struct xbpf_link *link);
struct xbpf_link *xbpf_link_from_fd(struct fd f);
void xbpf_link_put(struct xbpf_link *link);
int xbpf_link_next_id(u32 id, u32 *next);
struct xbpf_link *xbpf_link_get_by_id(u32 id);
