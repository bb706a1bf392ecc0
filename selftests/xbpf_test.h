/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shared helpers for the xbpf selftests.
 *
 * Every test binary runs twice: natively against the kernel's bpf(2), and
 * under `xbpf exec` where the shim sends the same calls to /dev/xbpf. The
 * expectations are Linux 6.1's, so the native run proves they are the
 * kernel's and the shim run proves xbpf agrees. For that to hold, every
 * call below must go through libc's syscall(): it is the symbol the shim
 * interposes, and an inlined syscall instruction would bypass it.
 */
#ifndef XBPF_TEST_H
#define XBPF_TEST_H

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/bpf.h>

/*
 * Kernel-internal errno that bpf(2) hands out anyway (lookup_and_delete on
 * an array, mmap of a hash map); userspace headers do not define it.
 */
#ifndef ENOTSUPP
#define ENOTSUPP 524
#endif

#ifndef PAGE_SIZE
#define PAGE_SIZE 4096UL
#endif

#define ptr_to_u64(p) ((__u64)(uintptr_t)(p))

static inline long sys_bpf(int cmd, void *attr, unsigned int size)
{
	return syscall(__NR_bpf, cmd, attr, size);
}

static inline int running_under_xbpf(void)
{
	return getenv("XBPF_SHIM") != NULL;
}

static inline const char *errno_str(int err)
{
	static __thread char buf[32];
	const char *name;

	if (err == ENOTSUPP)
		return "ENOTSUPP";
	name = strerrorname_np(err);
	if (name)
		return name;
	snprintf(buf, sizeof(buf), "errno %d", err);
	return buf;
}

static inline int sys_map_create_attr(union bpf_attr *attr)
{
	return sys_bpf(BPF_MAP_CREATE, attr, sizeof(*attr));
}

static inline int sys_map_create(__u32 type, __u32 key_size, __u32 value_size,
				 __u32 max_entries, __u32 flags)
{
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.map_type = type;
	attr.key_size = key_size;
	attr.value_size = value_size;
	attr.max_entries = max_entries;
	attr.map_flags = flags;
	return sys_bpf(BPF_MAP_CREATE, &attr, sizeof(attr));
}

static inline int sys_map_lookup(int fd, const void *key, void *value,
				 __u64 flags)
{
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.map_fd = fd;
	attr.key = ptr_to_u64(key);
	attr.value = ptr_to_u64(value);
	attr.flags = flags;
	return sys_bpf(BPF_MAP_LOOKUP_ELEM, &attr, sizeof(attr));
}

static inline int sys_map_update(int fd, const void *key, const void *value,
				 __u64 flags)
{
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.map_fd = fd;
	attr.key = ptr_to_u64(key);
	attr.value = ptr_to_u64(value);
	attr.flags = flags;
	return sys_bpf(BPF_MAP_UPDATE_ELEM, &attr, sizeof(attr));
}

static inline int sys_map_delete(int fd, const void *key)
{
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.map_fd = fd;
	attr.key = ptr_to_u64(key);
	return sys_bpf(BPF_MAP_DELETE_ELEM, &attr, sizeof(attr));
}

static inline int sys_map_next_key(int fd, const void *key, void *next_key)
{
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.map_fd = fd;
	attr.key = ptr_to_u64(key);
	attr.next_key = ptr_to_u64(next_key);
	return sys_bpf(BPF_MAP_GET_NEXT_KEY, &attr, sizeof(attr));
}

static inline int sys_map_lookup_and_delete(int fd, const void *key,
					    void *value, __u64 flags)
{
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.map_fd = fd;
	attr.key = ptr_to_u64(key);
	attr.value = ptr_to_u64(value);
	attr.flags = flags;
	return sys_bpf(BPF_MAP_LOOKUP_AND_DELETE_ELEM, &attr, sizeof(attr));
}

static inline int sys_map_freeze(int fd)
{
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.map_fd = fd;
	return sys_bpf(BPF_MAP_FREEZE, &attr, sizeof(attr));
}

static inline int sys_map_next_id(__u32 start_id, __u32 *next_id)
{
	union bpf_attr attr;
	int ret;

	memset(&attr, 0, sizeof(attr));
	attr.start_id = start_id;
	ret = sys_bpf(BPF_MAP_GET_NEXT_ID, &attr, sizeof(attr));
	if (!ret && next_id)
		*next_id = attr.next_id;
	return ret;
}

static inline int sys_map_fd_by_id(__u32 id, __u32 open_flags)
{
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.map_id = id;
	attr.open_flags = open_flags;
	return sys_bpf(BPF_MAP_GET_FD_BY_ID, &attr, sizeof(attr));
}

/* Returns 0 and updates *info_len as the kernel wrote it back. */
static inline int sys_obj_info(int fd, void *info, __u32 *info_len)
{
	union bpf_attr attr;
	int ret;

	memset(&attr, 0, sizeof(attr));
	attr.info.bpf_fd = fd;
	attr.info.info_len = *info_len;
	attr.info.info = ptr_to_u64(info);
	ret = sys_bpf(BPF_OBJ_GET_INFO_BY_FD, &attr, sizeof(attr));
	if (!ret)
		*info_len = attr.info.info_len;
	return ret;
}

static inline int sys_map_info(int fd, struct bpf_map_info *info)
{
	__u32 len = sizeof(*info);

	memset(info, 0, sizeof(*info));
	return sys_obj_info(fd, info, &len);
}

/* The map's id, or 0 when it cannot be read. */
static inline __u32 map_id_of(int fd)
{
	struct bpf_map_info info;

	if (sys_map_info(fd, &info))
		return 0;
	return info.id;
}

/*
 * Walk BPF_MAP_GET_NEXT_ID from the start. Returns the number of ids seen
 * (at most @max are stored), or -errno if the walk failed with anything but
 * the ENOENT that ends it.
 */
static inline int map_id_walk(__u32 *ids, int max)
{
	__u32 id = 0, next;
	int n = 0;

	for (;;) {
		if (sys_map_next_id(id, &next))
			return errno == ENOENT ? n : -errno;
		if (n < max)
			ids[n] = next;
		n++;
		id = next;
	}
}

static inline int id_in(const __u32 *ids, int n, __u32 id)
{
	int i;

	for (i = 0; i < n; i++)
		if (ids[i] == id)
			return 1;
	return 0;
}

/*
 * Copy the value of @key from /proc/self/fdinfo/@fd into @buf. Returns 0,
 * or -1 if the file or the key is missing.
 */
static inline int fdinfo_get(int fd, const char *key, char *buf, size_t len)
{
	char path[64], line[256];
	size_t klen = strlen(key);
	FILE *f;
	int ret = -1;

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	f = fopen(path, "re");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		char *v;

		if (strncmp(line, key, klen) || line[klen] != ':')
			continue;
		v = line + klen + 1;
		v += strspn(v, " \t");
		v[strcspn(v, "\n")] = '\0';
		snprintf(buf, len, "%s", v);
		ret = 0;
		break;
	}
	fclose(f);
	return ret;
}

static inline long read_long_file(const char *path)
{
	char buf[64];
	long v = -1;
	FILE *f = fopen(path, "re");

	if (!f)
		return -1;
	if (fgets(buf, sizeof(buf), f))
		v = strtol(buf, NULL, 0);
	fclose(f);
	return v;
}

/* The kernel's W taint: set by any WARN(), which bad input must never hit. */
#define TAINT_WARN_BIT (1L << 9)

static inline long kernel_taint(void)
{
	return read_long_file("/proc/sys/kernel/tainted");
}

/*
 * Check that @expr fails with errno @err. Written as macros so the harness
 * reports the caller's line and the text of the call.
 */
#define __CHECK_ERRNO(err, expr, CHECK) do {				\
	long __ret;							\
	int __err;							\
	errno = 0;							\
	__ret = (long)(expr);						\
	__err = errno;							\
	CHECK(-1L, __ret) {						\
		TH_LOG("%s returned %ld, expected failure with %s",	\
		       #expr, __ret, errno_str(err));			\
	}								\
	if (__ret == -1) {						\
		CHECK(err, __err) {					\
			TH_LOG("%s failed with %s, expected %s",	\
			       #expr, errno_str(__err), errno_str(err)); \
		}							\
	}								\
} while (0)

#define ASSERT_ERRNO(err, expr) __CHECK_ERRNO(err, expr, ASSERT_EQ)
#define EXPECT_ERRNO(err, expr) __CHECK_ERRNO(err, expr, EXPECT_EQ)

/* Check that @expr returns 0, naming errno if it does not. */
#define __CHECK_OK(expr, CHECK) do {					\
	long __ret;							\
	errno = 0;							\
	__ret = (long)(expr);						\
	CHECK(0L, __ret) {						\
		TH_LOG("%s failed: %s", #expr, errno_str(errno));	\
	}								\
} while (0)

#define ASSERT_OK(expr) __CHECK_OK(expr, ASSERT_EQ)
#define EXPECT_OK(expr) __CHECK_OK(expr, EXPECT_EQ)

/* Check that @expr returns a usable file descriptor and store it in @fd. */
#define ASSERT_FD(fd, expr) do {					\
	errno = 0;							\
	(fd) = (expr);							\
	ASSERT_LE(0, (fd)) {						\
		TH_LOG("%s failed: %s", #expr, errno_str(errno));	\
	}								\
} while (0)

#endif /* XBPF_TEST_H */
