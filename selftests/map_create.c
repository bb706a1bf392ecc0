// SPDX-License-Identifier: GPL-2.0
/*
 * BPF_MAP_CREATE argument checking for array and hash maps: one variant per
 * argument combination, each with the errno Linux 6.1 gives (0: created).
 * What a successful create reports back is checked against the request.
 */
#include <kselftest_harness.h>

#include "xbpf_test.h"

enum fd_kind {
	FD_NONE,	/* leave the field zero */
	FD_BAD,		/* -1: never an open descriptor */
	FD_DEVNULL,	/* an open descriptor that is not a BPF object */
	FD_NUMBER,	/* the literal in fd_value, unchecked by plain maps */
};

FIXTURE(create) {
	int fd;
	int devnull;
};

FIXTURE_VARIANT(create) {
	__u32 type;
	__u32 key_size;
	__u32 value_size;
	__u32 max_entries;
	__u32 flags;
	__u32 numa_node;
	const char *name;	/* NULL: no name; copied with memcpy, 16 bytes */
	__u32 name_len;		/* bytes of name to copy, 0: strlen + 1 */
	__u32 btf_key_type_id;
	__u32 btf_value_type_id;
	__u32 btf_vmlinux_value_type_id;
	enum fd_kind btf_fd;
	enum fd_kind inner_map_fd;
	__u32 fd_value;
	__u64 map_extra;
	int expect;		/* errno, or 0 for success */
};

/* Each variant starts from a valid map and overrides what it tests. */
#pragma GCC diagnostic ignored "-Woverride-init"

#define ARRAY_OK .type = BPF_MAP_TYPE_ARRAY, .key_size = 4, .value_size = 8, \
		 .max_entries = 16
#define HASH_OK .type = BPF_MAP_TYPE_HASH, .key_size = 8, .value_size = 16, \
		.max_entries = 16

FIXTURE_VARIANT_ADD(create, array) { ARRAY_OK, .expect = 0 };
FIXTURE_VARIANT_ADD(create, array_key_8) {
	ARRAY_OK, .key_size = 8, .expect = EINVAL };
FIXTURE_VARIANT_ADD(create, array_key_2) {
	ARRAY_OK, .key_size = 2, .expect = EINVAL };
FIXTURE_VARIANT_ADD(create, array_key_0) {
	ARRAY_OK, .key_size = 0, .expect = EINVAL };
FIXTURE_VARIANT_ADD(create, array_value_0) {
	ARRAY_OK, .value_size = 0, .expect = EINVAL };
FIXTURE_VARIANT_ADD(create, array_max_0) {
	ARRAY_OK, .max_entries = 0, .expect = EINVAL };
FIXTURE_VARIANT_ADD(create, array_value_1) {
	ARRAY_OK, .value_size = 1, .expect = 0 };
FIXTURE_VARIANT_ADD(create, array_max_1) {
	ARRAY_OK, .max_entries = 1, .expect = 0 };
FIXTURE_VARIANT_ADD(create, array_no_prealloc) {
	ARRAY_OK, .flags = BPF_F_NO_PREALLOC, .expect = EINVAL };
FIXTURE_VARIANT_ADD(create, array_zero_seed) {
	ARRAY_OK, .flags = BPF_F_ZERO_SEED, .expect = EINVAL };
FIXTURE_VARIANT_ADD(create, array_no_common_lru) {
	ARRAY_OK, .flags = BPF_F_NO_COMMON_LRU, .expect = EINVAL };
FIXTURE_VARIANT_ADD(create, array_preserve_elems) {
	ARRAY_OK, .flags = BPF_F_PRESERVE_ELEMS, .expect = EINVAL };
FIXTURE_VARIANT_ADD(create, array_stack_build_id) {
	ARRAY_OK, .flags = BPF_F_STACK_BUILD_ID, .expect = EINVAL };
FIXTURE_VARIANT_ADD(create, array_clone) {
	ARRAY_OK, .flags = BPF_F_CLONE, .expect = EINVAL };
FIXTURE_VARIANT_ADD(create, array_unknown_flag) {
	ARRAY_OK, .flags = 1U << 20, .expect = EINVAL };
FIXTURE_VARIANT_ADD(create, array_top_flag) {
	ARRAY_OK, .flags = 1U << 31, .expect = EINVAL };
FIXTURE_VARIANT_ADD(create, array_mmapable) {
	ARRAY_OK, .flags = BPF_F_MMAPABLE, .expect = 0 };
FIXTURE_VARIANT_ADD(create, array_inner_map) {
	ARRAY_OK, .flags = BPF_F_INNER_MAP, .expect = 0 };
FIXTURE_VARIANT_ADD(create, array_rdonly) {
	ARRAY_OK, .flags = BPF_F_RDONLY, .expect = 0 };
FIXTURE_VARIANT_ADD(create, array_wronly) {
	ARRAY_OK, .flags = BPF_F_WRONLY, .expect = 0 };
FIXTURE_VARIANT_ADD(create, array_rdonly_wronly) {
	ARRAY_OK, .flags = BPF_F_RDONLY | BPF_F_WRONLY, .expect = EINVAL };
FIXTURE_VARIANT_ADD(create, array_rdonly_prog) {
	ARRAY_OK, .flags = BPF_F_RDONLY_PROG, .expect = 0 };
FIXTURE_VARIANT_ADD(create, array_wronly_prog) {
	ARRAY_OK, .flags = BPF_F_WRONLY_PROG, .expect = 0 };
FIXTURE_VARIANT_ADD(create, array_rdonly_wronly_prog) {
	ARRAY_OK, .flags = BPF_F_RDONLY_PROG | BPF_F_WRONLY_PROG,
	.expect = EINVAL };
FIXTURE_VARIANT_ADD(create, array_all_access_flags) {
	ARRAY_OK, .flags = BPF_F_RDONLY | BPF_F_RDONLY_PROG | BPF_F_MMAPABLE,
	.expect = 0 };
FIXTURE_VARIANT_ADD(create, array_numa_node_0) {
	ARRAY_OK, .flags = BPF_F_NUMA_NODE, .numa_node = 0, .expect = 0 };
FIXTURE_VARIANT_ADD(create, array_numa_node_bad) {
	ARRAY_OK, .flags = BPF_F_NUMA_NODE, .numa_node = 4096,
	.expect = EINVAL };
FIXTURE_VARIANT_ADD(create, array_numa_node_huge) {
	ARRAY_OK, .flags = BPF_F_NUMA_NODE, .numa_node = 0xfffffffe,
	.expect = EINVAL };
/* numa_node is read as an int: all ones is NUMA_NO_NODE, i.e. "any". */
FIXTURE_VARIANT_ADD(create, array_numa_node_minus_1) {
	ARRAY_OK, .flags = BPF_F_NUMA_NODE, .numa_node = 0xffffffff,
	.expect = 0 };
FIXTURE_VARIANT_ADD(create, array_numa_ignored_without_flag) {
	ARRAY_OK, .numa_node = 4096, .expect = 0 };
FIXTURE_VARIANT_ADD(create, array_value_too_big) {
	ARRAY_OK, .value_size = 0x80000000U, .expect = E2BIG };
FIXTURE_VARIANT_ADD(create, array_value_max) {
	ARRAY_OK, .value_size = 0xffffffffU, .expect = E2BIG };
/*
 * Too big to allocate but not rejected up front: root bypasses the
 * power-of-two rounding that would overflow, so 6.1 tries and fails.
 */
FIXTURE_VARIANT_ADD(create, array_max_entries_huge) {
	ARRAY_OK, .max_entries = 0xffffffffU, .expect = ENOMEM };
FIXTURE_VARIANT_ADD(create, array_total_size_huge) {
	ARRAY_OK, .max_entries = 0x80000000U, .value_size = 1U << 20,
	.expect = ENOMEM };
FIXTURE_VARIANT_ADD(create, array_map_extra) {
	ARRAY_OK, .map_extra = 1, .expect = EINVAL };
FIXTURE_VARIANT_ADD(create, array_btf_vmlinux_value) {
	ARRAY_OK, .btf_vmlinux_value_type_id = 1, .expect = EINVAL };

FIXTURE_VARIANT_ADD(create, hash) { HASH_OK, .expect = 0 };
FIXTURE_VARIANT_ADD(create, hash_key_1_value_1) {
	HASH_OK, .key_size = 1, .value_size = 1, .expect = 0 };
FIXTURE_VARIANT_ADD(create, hash_odd_sizes) {
	HASH_OK, .key_size = 13, .value_size = 27, .expect = 0 };
FIXTURE_VARIANT_ADD(create, hash_key_0) {
	HASH_OK, .key_size = 0, .expect = EINVAL };
FIXTURE_VARIANT_ADD(create, hash_value_0) {
	HASH_OK, .value_size = 0, .expect = EINVAL };
FIXTURE_VARIANT_ADD(create, hash_max_0) {
	HASH_OK, .max_entries = 0, .expect = EINVAL };
FIXTURE_VARIANT_ADD(create, hash_no_prealloc) {
	HASH_OK, .flags = BPF_F_NO_PREALLOC, .expect = 0 };
FIXTURE_VARIANT_ADD(create, hash_zero_seed) {
	HASH_OK, .flags = BPF_F_ZERO_SEED, .expect = 0 };
FIXTURE_VARIANT_ADD(create, hash_mmapable) {
	HASH_OK, .flags = BPF_F_MMAPABLE, .expect = EINVAL };
FIXTURE_VARIANT_ADD(create, hash_no_common_lru) {
	HASH_OK, .flags = BPF_F_NO_COMMON_LRU, .expect = EINVAL };
FIXTURE_VARIANT_ADD(create, hash_inner_map) {
	HASH_OK, .flags = BPF_F_INNER_MAP, .expect = EINVAL };
FIXTURE_VARIANT_ADD(create, hash_preserve_elems) {
	HASH_OK, .flags = BPF_F_PRESERVE_ELEMS, .expect = EINVAL };
FIXTURE_VARIANT_ADD(create, hash_unknown_flag) {
	HASH_OK, .flags = 1U << 13, .expect = EINVAL };
FIXTURE_VARIANT_ADD(create, hash_rdonly) {
	HASH_OK, .flags = BPF_F_RDONLY, .expect = 0 };
FIXTURE_VARIANT_ADD(create, hash_wronly) {
	HASH_OK, .flags = BPF_F_WRONLY, .expect = 0 };
FIXTURE_VARIANT_ADD(create, hash_rdonly_wronly) {
	HASH_OK, .flags = BPF_F_RDONLY | BPF_F_WRONLY, .expect = EINVAL };
FIXTURE_VARIANT_ADD(create, hash_rdonly_prog) {
	HASH_OK, .flags = BPF_F_RDONLY_PROG, .expect = 0 };
FIXTURE_VARIANT_ADD(create, hash_rdonly_wronly_prog) {
	HASH_OK, .flags = BPF_F_RDONLY_PROG | BPF_F_WRONLY_PROG,
	.expect = EINVAL };
FIXTURE_VARIANT_ADD(create, hash_numa_node_0) {
	HASH_OK, .flags = BPF_F_NUMA_NODE | BPF_F_NO_PREALLOC,
	.numa_node = 0, .expect = 0 };
FIXTURE_VARIANT_ADD(create, hash_numa_node_bad) {
	HASH_OK, .flags = BPF_F_NUMA_NODE, .numa_node = 4096,
	.expect = EINVAL };
FIXTURE_VARIANT_ADD(create, hash_key_huge) {
	HASH_OK, .key_size = 0xffffffffU, .expect = E2BIG };
FIXTURE_VARIANT_ADD(create, hash_value_huge) {
	HASH_OK, .value_size = 0xffffffffU, .expect = E2BIG };
FIXTURE_VARIANT_ADD(create, hash_key_value_over_kmalloc_max) {
	HASH_OK, .key_size = 1U << 22, .value_size = 8, .expect = E2BIG };
FIXTURE_VARIANT_ADD(create, hash_max_entries_huge) {
	HASH_OK, .max_entries = 0xffffffffU, .expect = E2BIG };
FIXTURE_VARIANT_ADD(create, hash_max_entries_over_2g) {
	HASH_OK, .max_entries = 0x80000001U, .expect = E2BIG };
FIXTURE_VARIANT_ADD(create, hash_max_entries_1g) {
	HASH_OK, .max_entries = 0x40000000U, .flags = BPF_F_NO_PREALLOC,
	.expect = E2BIG };
FIXTURE_VARIANT_ADD(create, hash_map_extra) {
	HASH_OK, .map_extra = 1ULL << 40, .expect = EINVAL };

FIXTURE_VARIANT_ADD(create, type_unspec) {
	HASH_OK, .type = BPF_MAP_TYPE_UNSPEC, .expect = EINVAL };
FIXTURE_VARIANT_ADD(create, type_9999) {
	HASH_OK, .type = 9999, .expect = EINVAL };
FIXTURE_VARIANT_ADD(create, type_max) {
	HASH_OK, .type = 0xffffffffU, .expect = EINVAL };
FIXTURE_VARIANT_ADD(create, type_unknown_numa_bad) {
	HASH_OK, .type = 9999, .flags = BPF_F_NUMA_NODE, .numa_node = 4096,
	.expect = EINVAL };

/* BTF: only touched when a type id asks for it. */
FIXTURE_VARIANT_ADD(create, btf_key_without_value) {
	HASH_OK, .btf_key_type_id = 1, .expect = EINVAL };
FIXTURE_VARIANT_ADD(create, btf_value_bad_fd) {
	HASH_OK, .btf_value_type_id = 1, .btf_fd = FD_BAD, .expect = EBADF };
FIXTURE_VARIANT_ADD(create, btf_value_not_btf_fd) {
	HASH_OK, .btf_value_type_id = 1, .btf_fd = FD_DEVNULL,
	.expect = EINVAL };
FIXTURE_VARIANT_ADD(create, btf_key_value_not_btf_fd) {
	HASH_OK, .btf_key_type_id = 1, .btf_value_type_id = 2,
	.btf_fd = FD_DEVNULL, .expect = EINVAL };
FIXTURE_VARIANT_ADD(create, btf_fd_without_type_ids) {
	HASH_OK, .btf_fd = FD_DEVNULL, .expect = 0 };
FIXTURE_VARIANT_ADD(create, btf_bad_fd_without_type_ids) {
	HASH_OK, .btf_fd = FD_BAD, .expect = 0 };
FIXTURE_VARIANT_ADD(create, btf_vmlinux_value_on_hash) {
	HASH_OK, .btf_vmlinux_value_type_id = 1, .btf_fd = FD_DEVNULL,
	.expect = EINVAL };
FIXTURE_VARIANT_ADD(create, inner_map_fd_ignored) {
	HASH_OK, .inner_map_fd = FD_NUMBER, .fd_value = 12345, .expect = 0 };
FIXTURE_VARIANT_ADD(create, inner_map_fd_bad_ignored) {
	ARRAY_OK, .inner_map_fd = FD_BAD, .expect = 0 };

/* Names: [A-Za-z0-9_.]*, NUL-terminated within the 16 bytes. */
FIXTURE_VARIANT_ADD(create, name_valid) {
	HASH_OK, .name = "my_map.v2", .expect = 0 };
FIXTURE_VARIANT_ADD(create, name_15_chars) {
	HASH_OK, .name = "abcdefghijklmno", .expect = 0 };
FIXTURE_VARIANT_ADD(create, name_16_chars_no_nul) {
	HASH_OK, .name = "abcdefghijklmnop", .name_len = 16, .expect = EINVAL };
FIXTURE_VARIANT_ADD(create, name_dash) {
	HASH_OK, .name = "bad-name", .expect = EINVAL };
FIXTURE_VARIANT_ADD(create, name_space) {
	ARRAY_OK, .name = "a b", .expect = EINVAL };
FIXTURE_VARIANT_ADD(create, name_slash) {
	ARRAY_OK, .name = "a/b", .expect = EINVAL };
FIXTURE_VARIANT_ADD(create, name_high_byte) {
	ARRAY_OK, .name = "caf\xc3\xa9", .expect = EINVAL };
/* The kernel's isalnum() knows Latin-1: these are letters to it. */
FIXTURE_VARIANT_ADD(create, name_latin1_letters) {
	ARRAY_OK, .name = "caf\xe9\xc0", .expect = 0 };
FIXTURE_VARIANT_ADD(create, name_garbage_after_nul) {
	ARRAY_OK, .name = "ok\0bad-!", .name_len = 9, .expect = 0 };
FIXTURE_VARIANT_ADD(create, name_empty) {
	ARRAY_OK, .name = "", .expect = 0 };
/* The name is checked after the type's own checks. */
FIXTURE_VARIANT_ADD(create, name_bad_and_key_bad) {
	ARRAY_OK, .key_size = 8, .name = "bad-name", .expect = EINVAL };

FIXTURE_SETUP(create)
{
	self->fd = -1;
	self->devnull = open("/dev/null", O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, self->devnull);
}

FIXTURE_TEARDOWN(create)
{
	if (self->fd >= 0)
		close(self->fd);
	close(self->devnull);
}

static __u32 resolve_fd(enum fd_kind kind, __u32 value, int devnull)
{
	switch (kind) {
	case FD_BAD:
		return (__u32)-1;
	case FD_DEVNULL:
		return devnull;
	case FD_NUMBER:
		return value;
	case FD_NONE:
	default:
		return 0;
	}
}

TEST_F(create, run)
{
	struct bpf_map_info info;
	union bpf_attr attr;
	size_t name_len = 0;
	long taint_before = kernel_taint();

	memset(&attr, 0, sizeof(attr));
	attr.map_type = variant->type;
	attr.key_size = variant->key_size;
	attr.value_size = variant->value_size;
	attr.max_entries = variant->max_entries;
	attr.map_flags = variant->flags;
	attr.numa_node = variant->numa_node;
	attr.btf_key_type_id = variant->btf_key_type_id;
	attr.btf_value_type_id = variant->btf_value_type_id;
	attr.btf_vmlinux_value_type_id = variant->btf_vmlinux_value_type_id;
	attr.btf_fd = resolve_fd(variant->btf_fd, variant->fd_value,
				 self->devnull);
	attr.inner_map_fd = resolve_fd(variant->inner_map_fd,
				       variant->fd_value, self->devnull);
	attr.map_extra = variant->map_extra;
	if (variant->name) {
		name_len = variant->name_len ?: strlen(variant->name) + 1;
		memcpy(attr.map_name, variant->name, name_len);
	}

	errno = 0;
	self->fd = sys_map_create_attr(&attr);
	if (variant->expect) {
		EXPECT_EQ(-1, self->fd) {
			TH_LOG("created, expected %s",
			       errno_str(variant->expect));
		}
		EXPECT_EQ(variant->expect, errno) {
			TH_LOG("failed with %s, expected %s",
			       errno_str(errno), errno_str(variant->expect));
		}
	} else {
		ASSERT_LE(0, self->fd) {
			TH_LOG("create failed: %s", errno_str(errno));
		}
		ASSERT_OK(sys_map_info(self->fd, &info));
		EXPECT_EQ(variant->type, info.type);
		EXPECT_LT(0, info.id);
		EXPECT_EQ(variant->key_size, info.key_size);
		EXPECT_EQ(variant->value_size, info.value_size);
		EXPECT_EQ(variant->max_entries, info.max_entries);
		/* Access flags belong to the fd, not the map. */
		EXPECT_EQ(variant->flags & ~(BPF_F_RDONLY | BPF_F_WRONLY),
			  info.map_flags);
		EXPECT_EQ(0, info.map_extra);
		EXPECT_EQ(0, info.btf_id);
		EXPECT_EQ(0, info.btf_key_type_id);
		EXPECT_EQ(0, info.btf_value_type_id);
		EXPECT_EQ(0, info.ifindex);
		if (variant->name) {
			EXPECT_STREQ(variant->name, info.name);
		} else {
			EXPECT_EQ(0, info.name[0]);
		}
	}
	/* Rejecting silly sizes must not take the kernel near a WARN. */
	EXPECT_EQ(taint_before & TAINT_WARN_BIT,
		  kernel_taint() & TAINT_WARN_BIT);
}

/* A failed create must not leave an id behind or consume an fd. */
TEST(failed_create_leaves_nothing)
{
	__u32 before[256], after[256];
	int nb, na, fd, probe;

	nb = map_id_walk(before, 256);
	ASSERT_LE(0, nb);
	probe = open("/dev/null", O_RDONLY);
	ASSERT_LE(0, probe);
	close(probe);

	EXPECT_ERRNO(EINVAL, sys_map_create(BPF_MAP_TYPE_ARRAY, 8, 8, 1, 0));
	EXPECT_ERRNO(E2BIG, sys_map_create(BPF_MAP_TYPE_HASH, 4,
					   0xffffffffU, 1, 0));
	EXPECT_ERRNO(ENOMEM, sys_map_create(BPF_MAP_TYPE_ARRAY, 4, 8,
					    0xffffffffU, 0));

	na = map_id_walk(after, 256);
	ASSERT_EQ(nb, na);
	ASSERT_EQ(0, memcmp(before, after, nb * sizeof(__u32)));
	/* The lowest free descriptor is still the one we probed. */
	fd = open("/dev/null", O_RDONLY);
	EXPECT_EQ(probe, fd);
	close(fd);
}

/* Creating the same map twice gives two independent maps. */
TEST(independent_maps)
{
	__u32 key = 0;
	__u64 v1 = 1, v2 = 2, out;
	int a, b;

	ASSERT_FD(a, sys_map_create(BPF_MAP_TYPE_ARRAY, 4, 8, 1, 0));
	ASSERT_FD(b, sys_map_create(BPF_MAP_TYPE_ARRAY, 4, 8, 1, 0));
	EXPECT_NE(a, b);
	EXPECT_NE(map_id_of(a), map_id_of(b));
	ASSERT_OK(sys_map_update(a, &key, &v1, BPF_ANY));
	ASSERT_OK(sys_map_update(b, &key, &v2, BPF_ANY));
	ASSERT_OK(sys_map_lookup(a, &key, &out, 0));
	EXPECT_EQ(1, out);
	ASSERT_OK(sys_map_lookup(b, &key, &out, 0));
	EXPECT_EQ(2, out);
	close(a);
	close(b);
}

TEST_HARNESS_MAIN
