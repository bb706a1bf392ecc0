// SPDX-License-Identifier: GPL-2.0
/*
 * The bpf(2) commands, one function each, with Linux 6.1's checks and
 * errnos in Linux 6.1's order: callers tell kernels apart by errno, so the
 * order in which mistakes are noticed is part of the ABI.
 */
#include <uapi/linux/bpf.h>
#include <linux/capability.h>
#include <linux/ctype.h>
#include <linux/license.h>
#include <linux/percpu.h>
#include <linux/timekeeping.h>
#include <linux/u64_stats_sync.h>
#include <linux/uidgid.h>
#include <linux/err.h>
#include <linux/file.h>
#include <linux/mm.h>
#include <linux/nodemask.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "attach/attach.h"
#include "core/insn.h"
#include "maps/map.h"
#include "object.h"
#include "prog.h"
#include "xbpf.h"

/* The last attr field each command reads; everything after must be zero. */
#define XBPF_MAP_CREATE_LAST			map_extra
#define XBPF_MAP_LOOKUP_ELEM_LAST		flags
#define XBPF_MAP_UPDATE_ELEM_LAST		flags
#define XBPF_MAP_DELETE_ELEM_LAST		key
#define XBPF_MAP_GET_NEXT_KEY_LAST		next_key
#define XBPF_MAP_LOOKUP_AND_DELETE_ELEM_LAST	flags
#define XBPF_MAP_FREEZE_LAST			map_fd
#define XBPF_OBJ_GET_NEXT_ID_LAST		next_id
#define XBPF_MAP_GET_FD_BY_ID_LAST		open_flags
#define XBPF_OBJ_GET_INFO_BY_FD_LAST		info.info
#define XBPF_PROG_LOAD_LAST			core_relo_rec_size
#define XBPF_PROG_GET_FD_BY_ID_LAST		prog_id
#define XBPF_PROG_TEST_RUN_LAST			test.batch_size
#define XBPF_MAP_BATCH_LAST			batch.flags

#define CHECK_ATTR(attr, CMD)						\
	(memchr_inv((void *)&(attr)->XBPF_##CMD##_LAST +		\
		    sizeof((attr)->XBPF_##CMD##_LAST), 0,		\
		    sizeof(*(attr)) -					\
		    offsetof(union bpf_attr, XBPF_##CMD##_LAST) -	\
		    sizeof((attr)->XBPF_##CMD##_LAST)) != NULL)

/* Open flags an object fd may be asked for. */
#define XBPF_OBJ_FLAG_MASK	(BPF_F_RDONLY | BPF_F_WRONLY)

/*
 * A user struct of @actual_size bytes where the kernel knows @expected_size:
 * a longer one is accepted only if the part the kernel does not know is
 * zero.
 */
static int check_uarg_tail_zero(void __user *uaddr, size_t expected_size,
				size_t actual_size)
{
	int res;

	if (unlikely(actual_size > PAGE_SIZE))
		return -E2BIG;
	if (actual_size <= expected_size)
		return 0;
	res = check_zeroed_user(uaddr + expected_size,
				actual_size - expected_size);
	if (res < 0)
		return res;
	return res ? 0 : -E2BIG;
}

static int get_file_flag(u32 flags)
{
	if ((flags & BPF_F_RDONLY) && (flags & BPF_F_WRONLY))
		return -EINVAL;
	if (flags & BPF_F_RDONLY)
		return O_RDONLY;
	if (flags & BPF_F_WRONLY)
		return O_WRONLY;
	return O_RDWR;
}

/* Object names: up to 15 of [A-Za-z0-9_.], NUL-terminated. */
static int obj_name_cpy(char *dst, const char *src, unsigned int size)
{
	const char *end = src + size;

	memset(dst, 0, size);
	while (src < end && *src) {
		if (!isalnum(*src) && *src != '_' && *src != '.')
			return -EINVAL;
		*dst++ = *src++;
	}
	return src == end ? -EINVAL : 0;
}

static void *copy_key(void __user *ukey, u32 key_size)
{
	if (key_size)
		return vmemdup_user(ukey, key_size);
	if (ukey)
		return ERR_PTR(-EINVAL);
	return NULL;
}

static int map_create(union bpf_attr *attr)
{
	int numa_node = xbpf_map_attr_numa_node(attr);
	const struct xbpf_map_ops *ops;
	struct xbpf_map *map;
	int f_flags, err;

	if (CHECK_ATTR(attr, MAP_CREATE))
		return -EINVAL;
	if (attr->btf_vmlinux_value_type_id) {
		/* only struct_ops maps have kernel value types */
		if (attr->map_type != BPF_MAP_TYPE_STRUCT_OPS ||
		    attr->btf_key_type_id || attr->btf_value_type_id)
			return -EINVAL;
	} else if (attr->btf_key_type_id && !attr->btf_value_type_id) {
		return -EINVAL;
	}
	if (attr->map_type != BPF_MAP_TYPE_BLOOM_FILTER && attr->map_extra)
		return -EINVAL;
	f_flags = get_file_flag(attr->map_flags);
	if (f_flags < 0)
		return f_flags;
	if (numa_node != NUMA_NO_NODE &&
	    ((unsigned int)numa_node >= nr_node_ids || !node_online(numa_node)))
		return -EINVAL;

	ops = xbpf_map_type_ops(attr->map_type);
	if (!ops)
		return -EINVAL;
	err = ops->alloc_check(attr);
	if (err)
		return err;
	/* no device can offload an xbpf map */
	if (attr->map_ifindex)
		return -EINVAL;
	map = ops->alloc(attr);
	if (IS_ERR(map))
		return PTR_ERR(map);
	map->ops = ops;

	err = obj_name_cpy(map->name, attr->map_name, sizeof(attr->map_name));
	if (err)
		goto err_free;

	atomic64_set(&map->refcnt, 1);
	atomic64_set(&map->writecnt, 0);
	mutex_init(&map->freeze_mutex);
	spin_lock_init(&map->owner_lock);
	err = xbpf_map_charge(map);
	if (err)
		goto err_free;

	if (attr->btf_key_type_id || attr->btf_value_type_id) {
		struct fd f = fdget(attr->btf_fd);

		/* xbpf has no BTF objects yet: no fd can name one */
		err = f.file ? -EINVAL : -EBADF;
		fdput(f);
		goto err_free;
	}

	err = xbpf_map_alloc_id(map);
	if (err)
		goto err_free;
	err = xbpf_map_new_fd(map, f_flags);
	if (err < 0)
		/* the ID was visible: someone may hold a reference now */
		xbpf_map_put(map);
	return err;

err_free:
	xbpf_map_free_unpublished(map);
	return err;
}

/* The map behind attr->map_fd, or an error; fdput(*f) when done. */
static struct xbpf_map *map_get(u32 ufd, struct fd *f)
{
	struct xbpf_map *map;

	*f = fdget(ufd);
	map = xbpf_map_from_fd(*f);
	if (IS_ERR(map))
		fdput(*f);
	return map;
}

static int map_lookup_elem(union bpf_attr *attr)
{
	void __user *uvalue = u64_to_user_ptr(attr->value);
	struct xbpf_map *map;
	void *key, *value, *ptr;
	struct fd f;
	int err;

	if (CHECK_ATTR(attr, MAP_LOOKUP_ELEM))
		return -EINVAL;
	if (attr->flags & ~BPF_F_LOCK)
		return -EINVAL;
	map = map_get(attr->map_fd, &f);
	if (IS_ERR(map))
		return PTR_ERR(map);
	if (!(xbpf_map_sys_perms(map, f.file) & FMODE_READ)) {
		err = -EPERM;
		goto err_put;
	}
	/* no map value holds a spin lock yet */
	if (attr->flags & BPF_F_LOCK) {
		err = -EINVAL;
		goto err_put;
	}
	key = copy_key(u64_to_user_ptr(attr->key), map->key_size);
	if (IS_ERR(key)) {
		err = PTR_ERR(key);
		goto err_put;
	}
	err = -ENOMEM;
	value = kvmalloc(xbpf_map_value_size(map), GFP_USER | __GFP_NOWARN);
	if (!value)
		goto free_key;

	/* a bloom filter is asked about the value the caller passes */
	if (map->map_type == BPF_MAP_TYPE_BLOOM_FILTER &&
	    copy_from_user(value, uvalue, xbpf_map_value_size(map))) {
		err = -EFAULT;
		goto free_value;
	}
	if (map->ops->sys_lookup) {
		err = map->ops->sys_lookup(map, key, value, attr->flags);
	} else {
		rcu_read_lock();
		ptr = map->ops->lookup(map, key);
		if (!IS_ERR_OR_NULL(ptr))
			memcpy(value, ptr, map->value_size);
		rcu_read_unlock();
		err = IS_ERR(ptr) ? PTR_ERR(ptr) : ptr ? 0 : -ENOENT;
	}
	if (!err && map->map_type != BPF_MAP_TYPE_BLOOM_FILTER &&
	    copy_to_user(uvalue, value, xbpf_map_value_size(map)))
		err = -EFAULT;

free_value:
	kvfree(value);
free_key:
	kvfree(key);
err_put:
	fdput(f);
	return err;
}

static int map_update_elem(union bpf_attr *attr)
{
	struct xbpf_map *map;
	void *key, *value;
	struct fd f;
	int err;

	if (CHECK_ATTR(attr, MAP_UPDATE_ELEM))
		return -EINVAL;
	map = map_get(attr->map_fd, &f);
	if (IS_ERR(map))
		return PTR_ERR(map);
	/* an update in flight keeps FREEZE out, like a writable mmap */
	atomic64_inc(&map->writecnt);
	if (!(xbpf_map_sys_perms(map, f.file) & FMODE_WRITE)) {
		err = -EPERM;
		goto err_put;
	}
	if (attr->flags & BPF_F_LOCK) {
		err = -EINVAL;
		goto err_put;
	}
	key = copy_key(u64_to_user_ptr(attr->key), map->key_size);
	if (IS_ERR(key)) {
		err = PTR_ERR(key);
		goto err_put;
	}
	value = vmemdup_user(u64_to_user_ptr(attr->value),
			     xbpf_map_value_size(map));
	if (IS_ERR(value)) {
		err = PTR_ERR(value);
		goto free_key;
	}

	if (map->ops->sys_update) {
		err = map->ops->sys_update(map, key, value, attr->flags);
	} else {
		rcu_read_lock();
		err = map->ops->update(map, key, value, attr->flags);
		rcu_read_unlock();
	}

	kvfree(value);
free_key:
	kvfree(key);
err_put:
	atomic64_dec(&map->writecnt);
	fdput(f);
	return err;
}

static int map_delete_elem(union bpf_attr *attr)
{
	struct xbpf_map *map;
	struct fd f;
	void *key;
	int err;

	if (CHECK_ATTR(attr, MAP_DELETE_ELEM))
		return -EINVAL;
	map = map_get(attr->map_fd, &f);
	if (IS_ERR(map))
		return PTR_ERR(map);
	atomic64_inc(&map->writecnt);
	if (!(xbpf_map_sys_perms(map, f.file) & FMODE_WRITE)) {
		err = -EPERM;
		goto err_put;
	}
	key = copy_key(u64_to_user_ptr(attr->key), map->key_size);
	if (IS_ERR(key)) {
		err = PTR_ERR(key);
		goto err_put;
	}

	rcu_read_lock();
	err = map->ops->delete(map, key);
	rcu_read_unlock();

	kvfree(key);
err_put:
	atomic64_dec(&map->writecnt);
	fdput(f);
	return err;
}

static int map_get_next_key(union bpf_attr *attr)
{
	void __user *ukey = u64_to_user_ptr(attr->key);
	void *key = NULL, *next_key;
	struct xbpf_map *map;
	struct fd f;
	int err;

	if (CHECK_ATTR(attr, MAP_GET_NEXT_KEY))
		return -EINVAL;
	map = map_get(attr->map_fd, &f);
	if (IS_ERR(map))
		return PTR_ERR(map);
	if (!(xbpf_map_sys_perms(map, f.file) & FMODE_READ)) {
		err = -EPERM;
		goto err_put;
	}
	if (ukey) {
		key = copy_key(ukey, map->key_size);
		if (IS_ERR(key)) {
			err = PTR_ERR(key);
			goto err_put;
		}
	}
	err = -ENOMEM;
	next_key = kvmalloc(map->key_size, GFP_USER | __GFP_NOWARN);
	if (!next_key)
		goto free_key;

	rcu_read_lock();
	err = map->ops->get_next_key(map, key, next_key);
	rcu_read_unlock();
	if (!err && copy_to_user(u64_to_user_ptr(attr->next_key), next_key,
				 map->key_size))
		err = -EFAULT;

	kvfree(next_key);
free_key:
	kvfree(key);
err_put:
	fdput(f);
	return err;
}

static int map_lookup_and_delete_elem(union bpf_attr *attr)
{
	struct xbpf_map *map;
	void *key, *value;
	struct fd f;
	fmode_t perms;
	int err;

	if (CHECK_ATTR(attr, MAP_LOOKUP_AND_DELETE_ELEM))
		return -EINVAL;
	if (attr->flags & ~BPF_F_LOCK)
		return -EINVAL;
	map = map_get(attr->map_fd, &f);
	if (IS_ERR(map))
		return PTR_ERR(map);
	atomic64_inc(&map->writecnt);
	perms = xbpf_map_sys_perms(map, f.file);
	if (!(perms & FMODE_READ) || !(perms & FMODE_WRITE)) {
		err = -EPERM;
		goto err_put;
	}
	if (attr->flags & BPF_F_LOCK) {
		err = -EINVAL;
		goto err_put;
	}
	key = copy_key(u64_to_user_ptr(attr->key), map->key_size);
	if (IS_ERR(key)) {
		err = PTR_ERR(key);
		goto err_put;
	}
	err = -ENOMEM;
	value = kvmalloc(xbpf_map_value_size(map), GFP_USER | __GFP_NOWARN);
	if (!value)
		goto free_key;

	err = -ENOTSUPP;
	if (map->ops->lookup_and_delete) {
		rcu_read_lock();
		err = map->ops->lookup_and_delete(map, key, value, attr->flags);
		rcu_read_unlock();
	}
	if (!err && copy_to_user(u64_to_user_ptr(attr->value), value,
				 xbpf_map_value_size(map)))
		err = -EFAULT;

	kvfree(value);
free_key:
	kvfree(key);
err_put:
	atomic64_dec(&map->writecnt);
	fdput(f);
	return err;
}

static int map_freeze(union bpf_attr *attr)
{
	struct xbpf_map *map;
	struct fd f;
	int err = 0;

	if (CHECK_ATTR(attr, MAP_FREEZE))
		return -EINVAL;
	map = map_get(attr->map_fd, &f);
	if (IS_ERR(map))
		return PTR_ERR(map);

	mutex_lock(&map->freeze_mutex);
	if (atomic64_read(&map->writecnt) || READ_ONCE(map->frozen))
		err = -EBUSY;
	else if (!bpf_capable())
		err = -EPERM;
	else
		WRITE_ONCE(map->frozen, true);
	mutex_unlock(&map->freeze_mutex);
	fdput(f);
	return err;
}

static int obj_get_next_id(union bpf_attr *attr, union bpf_attr __user *uattr,
			   int (*next)(u32 id, u32 *next_id))
{
	u32 next_id;
	int err;

	if (CHECK_ATTR(attr, OBJ_GET_NEXT_ID) || attr->start_id >= INT_MAX)
		return -EINVAL;
	if (!capable(CAP_SYS_ADMIN))
		return -EPERM;
	err = next(attr->start_id, &next_id);
	if (err)
		return err;
	return put_user(next_id, &uattr->next_id);
}

static int map_get_fd_by_id(union bpf_attr *attr)
{
	struct xbpf_map *map;
	int f_flags, fd;

	if (CHECK_ATTR(attr, MAP_GET_FD_BY_ID) ||
	    attr->open_flags & ~XBPF_OBJ_FLAG_MASK)
		return -EINVAL;
	if (!capable(CAP_SYS_ADMIN))
		return -EPERM;
	f_flags = get_file_flag(attr->open_flags);
	if (f_flags < 0)
		return f_flags;
	map = xbpf_map_get_by_id(attr->map_id);
	if (IS_ERR(map))
		return PTR_ERR(map);
	fd = xbpf_map_new_fd(map, f_flags);
	if (fd < 0)
		xbpf_map_put(map);
	return fd;
}

/* Linux's program types xbpf does not have yet are unknown types here. */
static bool is_perfmon_prog_type(u32 type)
{
	switch (type) {
	case BPF_PROG_TYPE_KPROBE:
	case BPF_PROG_TYPE_TRACEPOINT:
	case BPF_PROG_TYPE_PERF_EVENT:
	case BPF_PROG_TYPE_RAW_TRACEPOINT:
	case BPF_PROG_TYPE_RAW_TRACEPOINT_WRITABLE:
	case BPF_PROG_TYPE_TRACING:
	case BPF_PROG_TYPE_LSM:
	case BPF_PROG_TYPE_STRUCT_OPS:
	case BPF_PROG_TYPE_EXT:
		return true;
	default:
		return false;
	}
}

#define XBPF_PROG_LOAD_FLAGS						\
	(BPF_F_STRICT_ALIGNMENT | BPF_F_ANY_ALIGNMENT |			\
	 BPF_F_TEST_STATE_FREQ | BPF_F_SLEEPABLE | BPF_F_TEST_RND_HI32 |	\
	 BPF_F_XDP_HAS_FRAGS)

/*
 * Turn the verified program into native code, as kmod/jit.c's knobs say.
 * When the interpreter has to run it instead, the verifier's log (if the
 * loader asked for one and it has room) ends with the reason.
 */
static int prog_jit(struct xbpf_prog *prog, const union bpf_attr *attr)
{
	char why[96] = "";
	size_t n;
	int err;

	err = xbpf_jit_prog(prog, why, sizeof(why));
	n = strlen(why);
	if (n && prog->log_open && prog->log_end + n < attr->log_size) {
		char __user *buf = u64_to_user_ptr(attr->log_buf);

		if (copy_to_user(buf + prog->log_end, why, n + 1))
			return -EFAULT;
	}
	return err;
}

static int prog_load(union bpf_attr *attr)
{
	const struct xbpf_prog_type *ptype;
	struct xbpf_prog *prog;
	char license[128];
	u32 i;
	int err;

	if (CHECK_ATTR(attr, PROG_LOAD))
		return -EINVAL;
	if (attr->prog_flags & ~XBPF_PROG_LOAD_FLAGS)
		return -EINVAL;
	if (strncpy_from_user(license, u64_to_user_ptr(attr->license),
			      sizeof(license) - 1) < 0)
		return -EFAULT;
	license[sizeof(license) - 1] = 0;
	if (attr->insn_cnt == 0 ||
	    attr->insn_cnt > (bpf_capable() ? XBPF_COMPLEXITY_LIMIT_INSNS :
					      XBPF_MAX_INSNS_UNPRIV))
		return -E2BIG;
	if (attr->prog_type != BPF_PROG_TYPE_SOCKET_FILTER &&
	    attr->prog_type != BPF_PROG_TYPE_CGROUP_SKB && !bpf_capable())
		return -EPERM;
	if (is_perfmon_prog_type(attr->prog_type) && !perfmon_capable())
		return -EPERM;
	/* extension programs need BTF, which xbpf does not have yet */
	if (attr->attach_prog_fd)
		return -EINVAL;
	/* no device can offload an xbpf program */
	if (attr->prog_ifindex)
		return -EINVAL;

	/*
	 * A type Linux knows but xbpf does not have yet is "not supported"
	 * rather than invalid, so tools can tell it from a wrong request.
	 */
	ptype = xbpf_prog_type_get(attr->prog_type);
	if (!ptype)
		return attr->prog_type != BPF_PROG_TYPE_UNSPEC &&
		       attr->prog_type <= BPF_PROG_TYPE_SYSCALL ? -ENOTSUPP :
								  -EINVAL;

	prog = kzalloc(sizeof(*prog), GFP_KERNEL_ACCOUNT);
	if (!prog)
		return -ENOMEM;
	prog->stats = alloc_percpu_gfp(struct xbpf_prog_stats,
				       GFP_KERNEL_ACCOUNT);
	if (!prog->stats) {
		kfree(prog);
		return -ENOMEM;
	}
	prog->ptype = ptype;
	prog->type = attr->prog_type;
	prog->expected_attach_type = attr->expected_attach_type;
	prog->gpl_compatible = license_is_gpl_compatible(license);
	prog->uid = current_uid();
	prog->load_time = ktime_get_boottime_ns();
	atomic64_set(&prog->refcnt, 1);

	err = obj_name_cpy(prog->name, attr->prog_name, sizeof(attr->prog_name));
	if (err)
		goto err_free;
	/* BTF-described programs need a BTF object, and xbpf has none yet */
	if (attr->func_info_cnt || attr->line_info_cnt) {
		struct fd f = fdget(attr->prog_btf_fd);

		err = f.file ? -EINVAL : -EBADF;
		fdput(f);
		goto err_free;
	}

	err = xbpf_prog_verify(prog, attr);
	if (err)
		goto err_free;

	prog->run.insns = prog->insns;
	prog->run.helpers = ptype->helpers;
	if (ptype->interp_ops)
		prog->interp_ops = *ptype->interp_ops;
	prog->interp_ops.tail_call = xbpf_prog_array_tail_call;
	xbpf_prog_array_jit_ops(&prog->interp_ops);
	prog->run.ops = &prog->interp_ops;
	prog->run.cookie = prog;

	err = prog_jit(prog, attr);
	if (err)
		goto err_free;
	/*
	 * Tail calls stay within one program type, JITed or not alike, as
	 * the array's first program: known only now, as in Linux.
	 */
	for (i = 0; i < prog->used_map_cnt; i++) {
		struct xbpf_map *map = prog->used_maps[i];

		if (map->map_type == BPF_MAP_TYPE_PROG_ARRAY &&
		    !xbpf_prog_array_compatible(map, prog)) {
			err = -EINVAL;
			goto err_free;
		}
	}

	err = xbpf_prog_alloc_id(prog);
	if (err)
		goto err_free;
	err = xbpf_prog_new_fd(prog);
	if (err < 0)
		/* the ID was visible: someone may hold a reference now */
		xbpf_prog_put(prog);
	return err;

err_free:
	xbpf_prog_free(prog);
	return err;
}

static int prog_get_fd_by_id(union bpf_attr *attr)
{
	struct xbpf_prog *prog;
	int fd;

	if (CHECK_ATTR(attr, PROG_GET_FD_BY_ID))
		return -EINVAL;
	if (!capable(CAP_SYS_ADMIN))
		return -EPERM;
	prog = xbpf_prog_get_by_id(attr->prog_id);
	if (IS_ERR(prog))
		return PTR_ERR(prog);
	fd = xbpf_prog_new_fd(prog);
	if (fd < 0)
		xbpf_prog_put(prog);
	return fd;
}

static int prog_test_run(union bpf_attr *attr, union bpf_attr __user *uattr)
{
	struct xbpf_prog *prog;
	struct fd f;
	int err;

	if (CHECK_ATTR(attr, PROG_TEST_RUN))
		return -EINVAL;
	if ((attr->test.ctx_size_in && !attr->test.ctx_in) ||
	    (!attr->test.ctx_size_in && attr->test.ctx_in))
		return -EINVAL;
	if ((attr->test.ctx_size_out && !attr->test.ctx_out) ||
	    (!attr->test.ctx_size_out && attr->test.ctx_out))
		return -EINVAL;
	f = fdget(attr->test.prog_fd);
	prog = xbpf_prog_from_fd(f);
	if (IS_ERR(prog)) {
		fdput(f);
		return PTR_ERR(prog);
	}
	err = -ENOTSUPP;
	if (prog->ptype->test_run)
		err = prog->ptype->test_run(prog, attr, uattr);
	fdput(f);
	return err;
}

/*
 * The xlated program as userspace may see it: map addresses become map
 * IDs again (BPF_PSEUDO_MAP_FD / BPF_PSEUDO_MAP_VALUE + offset), as Linux
 * shows them, and direct calls of map lookups read as the helper.
 */
static struct bpf_insn *prog_dump_insns(const struct xbpf_prog *prog)
{
	struct bpf_insn *insns;
	u32 i, j;

	insns = kvmalloc_array(prog->len, sizeof(*insns),
			       GFP_USER | __GFP_NOWARN);
	if (!insns)
		return NULL;
	memcpy(insns, prog->insns, prog->len * sizeof(*insns));
	for (i = 0; i < prog->len; i++) {
		/* a map's own lookup, called directly: the helper it stands for */
		if (insns[i].code == (BPF_JMP | BPF_CALL) && !insns[i].src_reg &&
		    insns[i].imm >= XBPF_FUNC_DIRECT &&
		    insns[i].imm < XBPF_HELPER_SLOTS)
			insns[i].imm = BPF_FUNC_map_lookup_elem;
		/* as Linux 6.10 writes it: mov dst, dst with off -1 */
		if (insns[i].code == (BPF_ALU64 | XBPF_PERCPU | BPF_K)) {
			insns[i].code = BPF_ALU64 | BPF_MOV | BPF_X;
			insns[i].src_reg = insns[i].dst_reg;
			insns[i].off = -1;
		}
	}
	for (i = 0; i + 1 < prog->len; i++) {
		u64 imm;

		if (insns[i].code != (BPF_LD | BPF_IMM | BPF_DW))
			continue;
		imm = ((u64)insns[i + 1].imm << 32) | (u32)insns[i].imm;
		for (j = 0; j < prog->used_map_cnt; j++) {
			struct xbpf_map *map = prog->used_maps[j];
			u64 base;

			if (imm == (unsigned long)map) {
				insns[i].src_reg = BPF_PSEUDO_MAP_FD;
				insns[i].imm = map->id;
				insns[i + 1].imm = 0;
				break;
			}
			if (map->ops->direct_value_addr &&
			    !map->ops->direct_value_addr(map, 0, &base) &&
			    imm >= base && imm < base + map->value_size) {
				insns[i].src_reg = BPF_PSEUDO_MAP_VALUE;
				insns[i].imm = map->id;
				insns[i + 1].imm = imm - base;
				break;
			}
		}
		i++;
	}
	return insns;
}

static int prog_info_rec_sizes(struct bpf_prog_info *info)
{
	if ((info->nr_func_info || info->func_info_rec_size) &&
	    info->func_info_rec_size != sizeof(struct bpf_func_info))
		return -EINVAL;
	if ((info->nr_line_info || info->line_info_rec_size) &&
	    info->line_info_rec_size != sizeof(struct bpf_line_info))
		return -EINVAL;
	if ((info->nr_jited_line_info || info->jited_line_info_rec_size) &&
	    info->jited_line_info_rec_size != sizeof(__u64))
		return -EINVAL;
	info->func_info_rec_size = sizeof(struct bpf_func_info);
	info->line_info_rec_size = sizeof(struct bpf_line_info);
	info->jited_line_info_rec_size = sizeof(__u64);
	return 0;
}

/*
 * The machine code and its functions' addresses and lengths, as Linux
 * reports them: the code only to those allowed to see kernel addresses;
 * one symbol for an interpreted program (Linux's is the interpreter's
 * address; xbpf reports 0) and zero length.
 */
static int prog_info_jited(const struct xbpf_prog *prog,
			   struct bpf_prog_info *info)
{
	/* Linux asks kallsyms_show_value(): CAP_SYSLOG, as with kptr_restrict=1 */
	bool raw_ok = ns_capable_noaudit(&init_user_ns, CAP_SYSLOG);
	u32 ulen, i, len, nr = max_t(u32, xbpf_jit_nr_funcs(prog), 1);
	u64 addr;

	ulen = info->jited_prog_len;
	info->jited_prog_len = xbpf_jit_len(prog);
	if (info->jited_prog_len && ulen) {
		if (raw_ok) {
			if (copy_to_user(u64_to_user_ptr(info->jited_prog_insns),
					 xbpf_jit_image(prog),
					 min(info->jited_prog_len, ulen)))
				return -EFAULT;
		} else {
			info->jited_prog_insns = 0;
		}
	}

	ulen = info->nr_jited_ksyms;
	info->nr_jited_ksyms = nr;
	if (ulen) {
		u64 __user *uksyms = u64_to_user_ptr(info->jited_ksyms);

		if (!raw_ok)
			info->jited_ksyms = 0;
		for (i = 0; raw_ok && i < min(ulen, nr); i++) {
			addr = 0;
			if (prog->jit)
				xbpf_jit_func_range(prog, i, &addr, &len);
			if (put_user(addr, &uksyms[i]))
				return -EFAULT;
		}
	}

	ulen = info->nr_jited_func_lens;
	info->nr_jited_func_lens = nr;
	if (ulen) {
		u32 __user *ulens = u64_to_user_ptr(info->jited_func_lens);

		if (!raw_ok)
			info->jited_func_lens = 0;
		for (i = 0; raw_ok && i < min(ulen, nr); i++) {
			len = 0;
			if (prog->jit)
				xbpf_jit_func_range(prog, i, &addr, &len);
			if (put_user(len, &ulens[i]))
				return -EFAULT;
		}
	}
	/* line info needs BTF, which xbpf does not have */
	info->nr_jited_line_info = 0;
	return 0;
}

static int prog_get_info(struct file *file, struct xbpf_prog *prog,
			 union bpf_attr *attr, union bpf_attr __user *uattr)
{
	struct bpf_prog_info __user *uinfo = u64_to_user_ptr(attr->info.info);
	u32 info_len = attr->info.info_len, ulen, i;
	struct bpf_prog_info info;
	int err;

	err = check_uarg_tail_zero(uinfo,
				   offsetofend(struct bpf_prog_info,
					       attach_btf_id), info_len);
	if (err)
		return err;
	info_len = min_t(u32, sizeof(info), info_len);
	memset(&info, 0, sizeof(info));
	/* some fields are inputs: buffer sizes and pointers */
	if (copy_from_user(&info, uinfo, info_len))
		return -EFAULT;

	info.type = prog->type;
	info.id = prog->id;
	info.load_time = prog->load_time;
	info.created_by_uid = from_kuid_munged(current_user_ns(), prog->uid);
	info.gpl_compatible = prog->gpl_compatible;
	memcpy(info.tag, prog->tag, sizeof(prog->tag));
	memcpy(info.name, prog->name, sizeof(prog->name));

	ulen = min_t(u32, info.nr_map_ids, prog->used_map_cnt);
	info.nr_map_ids = prog->used_map_cnt;
	for (i = 0; i < ulen; i++) {
		u32 __user *user_map_ids = u64_to_user_ptr(info.map_ids);

		if (put_user(prog->used_maps[i]->id, &user_map_ids[i]))
			return -EFAULT;
	}
	err = prog_info_rec_sizes(&info);
	if (err)
		return err;
	xbpf_prog_get_stats(prog, &info.run_cnt, &info.run_time_ns,
			    &info.recursion_misses);
	info.verified_insns = prog->verified_insns;
	info.btf_id = 0;

	if (!bpf_capable()) {
		info.jited_prog_len = 0;
		info.xlated_prog_len = 0;
		info.nr_jited_ksyms = 0;
		info.nr_jited_func_lens = 0;
		info.nr_func_info = 0;
		info.nr_line_info = 0;
		info.nr_jited_line_info = 0;
		goto done;
	}

	ulen = info.xlated_prog_len;
	info.xlated_prog_len = prog->len * sizeof(struct bpf_insn);
	if (info.xlated_prog_len && ulen) {
		struct bpf_insn *insns = prog_dump_insns(prog);
		bool fault;

		if (!insns)
			return -ENOMEM;
		fault = copy_to_user(u64_to_user_ptr(info.xlated_prog_insns),
				     insns, min_t(u32, info.xlated_prog_len,
						  ulen));
		kvfree(insns);
		if (fault)
			return -EFAULT;
	}
	err = prog_info_jited(prog, &info);
	if (err)
		return err;
	info.nr_func_info = 0;
	info.nr_line_info = 0;
	info.nr_jited_line_info = 0;

	ulen = info.nr_prog_tags;
	info.nr_prog_tags = 1;
	if (ulen) {
		u8 __user (*user_prog_tags)[BPF_TAG_SIZE] =
			u64_to_user_ptr(info.prog_tags);

		if (copy_to_user(user_prog_tags[0], prog->tag, BPF_TAG_SIZE))
			return -EFAULT;
	}
done:
	if (copy_to_user(uinfo, &info, info_len) ||
	    put_user(info_len, &uattr->info.info_len))
		return -EFAULT;
	return 0;
}

static int map_get_info(struct xbpf_map *map, union bpf_attr *attr,
			union bpf_attr __user *uattr)
{
	struct bpf_map_info __user *uinfo = u64_to_user_ptr(attr->info.info);
	u32 info_len = attr->info.info_len;
	struct bpf_map_info info;
	int err;

	err = check_uarg_tail_zero(uinfo, sizeof(info), info_len);
	if (err)
		return err;
	info_len = min_t(u32, sizeof(info), info_len);

	memset(&info, 0, sizeof(info));
	info.type = map->map_type;
	info.id = map->id;
	info.key_size = map->key_size;
	info.value_size = map->value_size;
	info.max_entries = map->max_entries;
	info.map_flags = map->map_flags;
	info.map_extra = map->map_extra;
	memcpy(info.name, map->name, sizeof(map->name));

	if (copy_to_user(uinfo, &info, info_len) ||
	    put_user(info_len, &uattr->info.info_len))
		return -EFAULT;
	return 0;
}

static int obj_get_info_by_fd(union bpf_attr *attr,
			      union bpf_attr __user *uattr)
{
	struct xbpf_prog *prog;
	struct xbpf_map *map;
	struct fd f;
	int err;

	if (CHECK_ATTR(attr, OBJ_GET_INFO_BY_FD))
		return -EINVAL;
	f = fdget(attr->info.bpf_fd);
	if (!f.file)
		return -EBADFD;
	map = xbpf_map_from_fd(f);
	prog = xbpf_prog_from_fd(f);
	if (!IS_ERR(map))
		err = map_get_info(map, attr, uattr);
	else if (!IS_ERR(prog))
		err = prog_get_info(f.file, prog, attr, uattr);
	else
		err = xbpf_link_obj_info(f.file, attr, uattr);
	fdput(f);
	return err;
}

long xbpf_sys_bpf(int cmd, union bpf_attr __user *uattr, unsigned int size)
{
	union bpf_attr attr;
	int err;

	/*
	 * xbpf has no unprivileged mode: it behaves as Linux does with
	 * kernel.unprivileged_bpf_disabled set. Creating objects needs
	 * CAP_BPF or CAP_SYS_ADMIN; using an fd someone privileged handed
	 * over does not, and the ID commands ask for CAP_SYS_ADMIN later,
	 * after checking their attrs, exactly as Linux orders it.
	 */
	if (!bpf_capable() &&
	    (cmd == BPF_MAP_CREATE || cmd == BPF_PROG_LOAD))
		return -EPERM;
	err = check_uarg_tail_zero(uattr, sizeof(attr), size);
	if (err)
		return err;
	size = min_t(u32, size, sizeof(attr));
	/* a shorter attr is zero-extended */
	memset(&attr, 0, sizeof(attr));
	if (copy_from_user(&attr, uattr, size))
		return -EFAULT;

	switch (cmd) {
	case BPF_MAP_CREATE:
		return map_create(&attr);
	case BPF_MAP_LOOKUP_ELEM:
		return map_lookup_elem(&attr);
	case BPF_MAP_UPDATE_ELEM:
		return map_update_elem(&attr);
	case BPF_MAP_DELETE_ELEM:
		return map_delete_elem(&attr);
	case BPF_MAP_GET_NEXT_KEY:
		return map_get_next_key(&attr);
	case BPF_MAP_LOOKUP_AND_DELETE_ELEM:
		return map_lookup_and_delete_elem(&attr);
	case BPF_MAP_FREEZE:
		return map_freeze(&attr);
	case BPF_MAP_GET_NEXT_ID:
		return obj_get_next_id(&attr, uattr, xbpf_map_next_id);
	case BPF_PROG_GET_NEXT_ID:
		return obj_get_next_id(&attr, uattr, xbpf_prog_next_id);
	case BPF_PROG_GET_FD_BY_ID:
		return prog_get_fd_by_id(&attr);
	case BPF_PROG_LOAD:
		return prog_load(&attr);
	case BPF_PROG_TEST_RUN:
		return prog_test_run(&attr, uattr);
	case BPF_MAP_GET_FD_BY_ID:
		return map_get_fd_by_id(&attr);
	case BPF_OBJ_GET_INFO_BY_FD:
		return obj_get_info_by_fd(&attr, uattr);
	case BPF_RAW_TRACEPOINT_OPEN:
		return xbpf_raw_tp_open(&attr);
	case BPF_LINK_CREATE:
		return xbpf_link_create(&attr);
	case BPF_LINK_UPDATE:
		return xbpf_link_update(&attr);
	case BPF_LINK_DETACH:
		return xbpf_link_detach(&attr);
	case BPF_LINK_GET_FD_BY_ID:
		return xbpf_link_get_fd_by_id(&attr);
	case BPF_LINK_GET_NEXT_ID:
		return obj_get_next_id(&attr, uattr, xbpf_link_next_id);
	case BPF_MAP_LOOKUP_BATCH:
	case BPF_MAP_LOOKUP_AND_DELETE_BATCH:
	case BPF_MAP_UPDATE_BATCH:
	case BPF_MAP_DELETE_BATCH:
		if (CHECK_ATTR(&attr, MAP_BATCH))
			return -EINVAL;
		return xbpf_map_batch(cmd, &attr, uattr);
	default:
		return -EINVAL;
	}
}
