// SPDX-License-Identifier: GPL-2.0
/*
 * Read-only and write-only access. BPF_F_RDONLY/BPF_F_WRONLY at create time
 * and in GET_FD_BY_ID's open_flags restrict what the syscall side may do
 * through that one fd; they are fd properties, so the map itself does not
 * remember them. BPF_F_RDONLY_PROG/BPF_F_WRONLY_PROG restrict programs only
 * and leave the syscall side alone.
 */
#include <kselftest_harness.h>

#include "xbpf_test.h"

static void fill_one(struct __test_metadata *_metadata, int fd, __u32 k,
		     __u64 v)
{
	ASSERT_OK(sys_map_update(fd, &k, &v, BPF_ANY));
}

TEST(rdonly_map)
{
	__u32 k = 1, next;
	__u64 v = 5, out = 0;
	struct bpf_map_info info;
	int fd, rw;

	ASSERT_FD(fd, sys_map_create(BPF_MAP_TYPE_HASH, 4, 8, 4, BPF_F_RDONLY));
	EXPECT_EQ(O_RDONLY, fcntl(fd, F_GETFL) & O_ACCMODE);
	EXPECT_ERRNO(EPERM, sys_map_update(fd, &k, &v, BPF_ANY));
	EXPECT_ERRNO(EPERM, sys_map_delete(fd, &k));
	EXPECT_ERRNO(EPERM, sys_map_lookup_and_delete(fd, &k, &out, 0));
	/* Reading works: a missing key is ENOENT, not EPERM. */
	EXPECT_ERRNO(ENOENT, sys_map_lookup(fd, &k, &out, 0));
	EXPECT_ERRNO(ENOENT, sys_map_next_key(fd, NULL, &next));

	/* The permission check comes before the key is even read. */
	EXPECT_ERRNO(EPERM, sys_map_update(fd, NULL, NULL, BPF_ANY));
	EXPECT_ERRNO(EPERM, sys_map_delete(fd, NULL));
	/* ...but after the flags are. */
	EXPECT_ERRNO(EINVAL, sys_map_lookup(fd, &k, &out, 1));

	ASSERT_OK(sys_map_info(fd, &info));
	EXPECT_EQ(0, info.map_flags);

	/* A read-write fd to the same map can write; this one then reads. */
	ASSERT_FD(rw, sys_map_fd_by_id(info.id, 0));
	EXPECT_EQ(O_RDWR, fcntl(rw, F_GETFL) & O_ACCMODE);
	fill_one(_metadata, rw, k, v);
	ASSERT_OK(sys_map_lookup(fd, &k, &out, 0));
	EXPECT_EQ(5, out);
	ASSERT_OK(sys_map_next_key(fd, NULL, &next));
	EXPECT_EQ(k, next);
	close(rw);
	close(fd);
}

TEST(wronly_map)
{
	__u32 k = 2, next;
	__u64 v = 6, out;
	struct bpf_map_info info;
	int fd;

	ASSERT_FD(fd, sys_map_create(BPF_MAP_TYPE_HASH, 4, 8, 4, BPF_F_WRONLY));
	EXPECT_EQ(O_WRONLY, fcntl(fd, F_GETFL) & O_ACCMODE);
	ASSERT_OK(sys_map_update(fd, &k, &v, BPF_ANY));
	EXPECT_ERRNO(EPERM, sys_map_lookup(fd, &k, &out, 0));
	EXPECT_ERRNO(EPERM, sys_map_next_key(fd, NULL, &next));
	EXPECT_ERRNO(EPERM, sys_map_next_key(fd, &k, &next));
	EXPECT_ERRNO(EPERM, sys_map_lookup_and_delete(fd, &k, &out, 0));
	EXPECT_ERRNO(EPERM, sys_map_lookup(fd, NULL, NULL, 0));
	ASSERT_OK(sys_map_delete(fd, &k));
	EXPECT_ERRNO(ENOENT, sys_map_delete(fd, &k));

	/* Info is not a read of the map's contents. */
	ASSERT_OK(sys_map_info(fd, &info));
	EXPECT_EQ(0, info.map_flags);
	close(fd);
}

TEST(wronly_array)
{
	__u32 k = 0;
	__u64 v = 1, out;
	int fd;

	ASSERT_FD(fd, sys_map_create(BPF_MAP_TYPE_ARRAY, 4, 8, 2,
				     BPF_F_WRONLY));
	ASSERT_OK(sys_map_update(fd, &k, &v, BPF_ANY));
	EXPECT_ERRNO(EPERM, sys_map_lookup(fd, &k, &out, 0));
	/* Array delete is EINVAL, but only once the write check passed. */
	EXPECT_ERRNO(EINVAL, sys_map_delete(fd, &k));
	close(fd);

	ASSERT_FD(fd, sys_map_create(BPF_MAP_TYPE_ARRAY, 4, 8, 2,
				     BPF_F_RDONLY));
	EXPECT_ERRNO(EPERM, sys_map_delete(fd, &k));
	EXPECT_ERRNO(EPERM, sys_map_update(fd, &k, &v, BPF_ANY));
	ASSERT_OK(sys_map_lookup(fd, &k, &out, 0));
	EXPECT_EQ(0, out);
	close(fd);
}

TEST(fd_by_id_open_flags)
{
	__u32 k = 3, id;
	__u64 v = 9, out;
	int fd, ro, wo, rw;

	ASSERT_FD(fd, sys_map_create(BPF_MAP_TYPE_HASH, 4, 8, 4, 0));
	id = map_id_of(fd);
	ASSERT_LT(0, id);

	ASSERT_FD(ro, sys_map_fd_by_id(id, BPF_F_RDONLY));
	EXPECT_EQ(O_RDONLY, fcntl(ro, F_GETFL) & O_ACCMODE);
	EXPECT_ERRNO(EPERM, sys_map_update(ro, &k, &v, BPF_ANY));
	fill_one(_metadata, fd, k, v);
	ASSERT_OK(sys_map_lookup(ro, &k, &out, 0));
	EXPECT_EQ(9, out);
	EXPECT_ERRNO(EPERM, sys_map_delete(ro, &k));

	ASSERT_FD(wo, sys_map_fd_by_id(id, BPF_F_WRONLY));
	EXPECT_EQ(O_WRONLY, fcntl(wo, F_GETFL) & O_ACCMODE);
	EXPECT_ERRNO(EPERM, sys_map_lookup(wo, &k, &out, 0));
	ASSERT_OK(sys_map_delete(wo, &k));

	ASSERT_FD(rw, sys_map_fd_by_id(id, 0));
	fill_one(_metadata, rw, k, v);
	ASSERT_OK(sys_map_lookup(rw, &k, &out, 0));

	/* Only the two access bits are allowed, and not together. */
	EXPECT_ERRNO(EINVAL, sys_map_fd_by_id(id, BPF_F_RDONLY | BPF_F_WRONLY));
	EXPECT_ERRNO(EINVAL, sys_map_fd_by_id(id, BPF_F_RDONLY_PROG));
	EXPECT_ERRNO(EINVAL, sys_map_fd_by_id(id, BPF_F_NO_PREALLOC));
	EXPECT_ERRNO(EINVAL, sys_map_fd_by_id(id, 1U << 31));
	close(rw);
	close(wo);
	close(ro);
	close(fd);
}

/* A writable fd can be had for a map created read-only. */
TEST(rdonly_map_writable_by_id)
{
	__u32 k = 0;
	__u64 v = 3;
	int fd, rw;

	ASSERT_FD(fd, sys_map_create(BPF_MAP_TYPE_ARRAY, 4, 8, 1, BPF_F_RDONLY));
	ASSERT_FD(rw, sys_map_fd_by_id(map_id_of(fd), 0));
	ASSERT_OK(sys_map_update(rw, &k, &v, BPF_ANY));
	close(rw);
	close(fd);
}

TEST(prog_flags_leave_syscall_alone)
{
	__u32 k = 0;
	__u64 v = 11, out;
	struct bpf_map_info info;
	int fd;

	ASSERT_FD(fd, sys_map_create(BPF_MAP_TYPE_ARRAY, 4, 8, 1,
				     BPF_F_RDONLY_PROG));
	ASSERT_OK(sys_map_update(fd, &k, &v, BPF_ANY));
	ASSERT_OK(sys_map_lookup(fd, &k, &out, 0));
	EXPECT_EQ(11, out);
	ASSERT_OK(sys_map_info(fd, &info));
	EXPECT_EQ(BPF_F_RDONLY_PROG, info.map_flags);
	close(fd);

	ASSERT_FD(fd, sys_map_create(BPF_MAP_TYPE_HASH, 4, 8, 1,
				     BPF_F_WRONLY_PROG));
	ASSERT_OK(sys_map_update(fd, &k, &v, BPF_ANY));
	ASSERT_OK(sys_map_lookup(fd, &k, &out, 0));
	ASSERT_OK(sys_map_lookup_and_delete(fd, &k, &out, 0));
	ASSERT_OK(sys_map_info(fd, &info));
	EXPECT_EQ(BPF_F_WRONLY_PROG, info.map_flags);
	close(fd);
}

/* Access mode changes from fcntl() cannot widen an fd. */
TEST(fcntl_cannot_widen)
{
	__u32 k = 0;
	__u64 v = 1;
	int fd;

	ASSERT_FD(fd, sys_map_create(BPF_MAP_TYPE_ARRAY, 4, 8, 1, BPF_F_RDONLY));
	fcntl(fd, F_SETFL, O_RDWR);
	EXPECT_EQ(O_RDONLY, fcntl(fd, F_GETFL) & O_ACCMODE);
	EXPECT_ERRNO(EPERM, sys_map_update(fd, &k, &v, BPF_ANY));
	close(fd);
}

TEST_HARNESS_MAIN
