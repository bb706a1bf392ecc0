// SPDX-License-Identifier: GPL-2.0
/*
 * Map ids (GET_NEXT_ID, GET_FD_BY_ID) and BPF_OBJ_GET_INFO_BY_FD.
 *
 * Ids are allocated per subsystem, so nothing here assumes particular
 * values: only that they are positive, that the walk is ordered and finds
 * our maps, that an id leads back to its map, and that an id dies with the
 * map's last reference.
 */
#include <kselftest_harness.h>

#include "xbpf_test.h"

#define MAX_IDS 4096

TEST(info_fields)
{
	struct bpf_map_info info;
	union bpf_attr attr;
	int fd;

	memset(&attr, 0, sizeof(attr));
	attr.map_type = BPF_MAP_TYPE_HASH;
	attr.key_size = 6;
	attr.value_size = 10;
	attr.max_entries = 33;
	attr.map_flags = BPF_F_NO_PREALLOC | BPF_F_ZERO_SEED;
	strcpy(attr.map_name, "info.map_1");
	ASSERT_FD(fd, sys_map_create_attr(&attr));

	/* Pre-fill with garbage: every field must be written. */
	memset(&info, 0xab, sizeof(info));
	{
		__u32 len = sizeof(info);

		ASSERT_OK(sys_obj_info(fd, &info, &len));
		EXPECT_EQ(sizeof(info), len);
	}
	EXPECT_EQ(BPF_MAP_TYPE_HASH, info.type);
	EXPECT_LT(0, info.id);
	EXPECT_EQ(6, info.key_size);
	EXPECT_EQ(10, info.value_size);
	EXPECT_EQ(33, info.max_entries);
	EXPECT_EQ(BPF_F_NO_PREALLOC | BPF_F_ZERO_SEED, info.map_flags);
	EXPECT_STREQ("info.map_1", info.name);
	EXPECT_EQ(0, info.name[15]);
	EXPECT_EQ(0, info.ifindex);
	EXPECT_EQ(0, info.btf_vmlinux_value_type_id);
	EXPECT_EQ(0, info.netns_dev);
	EXPECT_EQ(0, info.netns_ino);
	EXPECT_EQ(0, info.btf_id);
	EXPECT_EQ(0, info.btf_key_type_id);
	EXPECT_EQ(0, info.btf_value_type_id);
	EXPECT_EQ(0, info.map_extra);
	close(fd);
}

TEST(info_len_short)
{
	unsigned char buf[sizeof(struct bpf_map_info)];
	struct bpf_map_info full;
	__u32 len;
	int fd;

	ASSERT_FD(fd, sys_map_create(BPF_MAP_TYPE_ARRAY, 4, 8, 3, 0));
	ASSERT_OK(sys_map_info(fd, &full));

	/* A shorter buffer gets a truncated copy; info_len stays as given. */
	memset(buf, 0xcc, sizeof(buf));
	len = 8;
	ASSERT_OK(sys_obj_info(fd, buf, &len));
	EXPECT_EQ(8, len);
	EXPECT_EQ(0, memcmp(buf, &full, 8));
	EXPECT_EQ(0xcc, buf[8]);
	EXPECT_EQ(0xcc, buf[sizeof(buf) - 1]);

	len = 5;
	memset(buf, 0xcc, sizeof(buf));
	ASSERT_OK(sys_obj_info(fd, buf, &len));
	EXPECT_EQ(5, len);
	EXPECT_EQ(0, memcmp(buf, &full, 5));
	EXPECT_EQ(0xcc, buf[5]);

	len = sizeof(full) - 1;
	memset(buf, 0xcc, sizeof(buf));
	ASSERT_OK(sys_obj_info(fd, buf, &len));
	EXPECT_EQ(sizeof(full) - 1, len);
	EXPECT_EQ(0, memcmp(buf, &full, sizeof(full) - 1));
	EXPECT_EQ(0xcc, buf[sizeof(full) - 1]);

	/* Nothing to copy needs no buffer at all. */
	len = 0;
	ASSERT_OK(sys_obj_info(fd, NULL, &len));
	EXPECT_EQ(0, len);
	close(fd);
}

TEST(info_len_long)
{
	unsigned char buf[512];
	struct bpf_map_info full;
	__u32 len;
	int fd;

	ASSERT_FD(fd, sys_map_create(BPF_MAP_TYPE_ARRAY, 4, 8, 3, 0));
	ASSERT_OK(sys_map_info(fd, &full));

	/* A longer buffer with a zero tail: info_len shrinks to the struct. */
	memset(buf, 0, sizeof(buf));
	len = sizeof(buf);
	ASSERT_OK(sys_obj_info(fd, buf, &len));
	EXPECT_EQ(sizeof(struct bpf_map_info), len);
	EXPECT_EQ(0, memcmp(buf, &full, sizeof(full)));

	/* A non-zero byte past the struct: the caller wants more than exists. */
	memset(buf, 0, sizeof(buf));
	buf[sizeof(full)] = 1;
	len = sizeof(buf);
	EXPECT_ERRNO(E2BIG, sys_obj_info(fd, buf, &len));
	memset(buf, 0, sizeof(buf));
	buf[sizeof(buf) - 1] = 0x80;
	EXPECT_ERRNO(E2BIG, sys_obj_info(fd, buf, &len));

	/* More than a page is refused outright. */
	len = PAGE_SIZE + 1;
	EXPECT_ERRNO(E2BIG, sys_obj_info(fd, NULL, &len));
	len = 0xffffffff;
	EXPECT_ERRNO(E2BIG, sys_obj_info(fd, buf, &len));
	close(fd);
}

TEST(info_bad_buffers)
{
	struct bpf_map_info info;
	__u32 len;
	int fd;

	ASSERT_FD(fd, sys_map_create(BPF_MAP_TYPE_ARRAY, 4, 8, 3, 0));
	len = sizeof(info);
	EXPECT_ERRNO(EFAULT, sys_obj_info(fd, NULL, &len));
	EXPECT_ERRNO(EFAULT, sys_obj_info(fd, (void *)0xffff888000000000ULL,
					  &len));
	/* The tail check reads user memory too. */
	len = sizeof(info) + 8;
	EXPECT_ERRNO(EFAULT, sys_obj_info(fd, NULL, &len));
	close(fd);
}

TEST(info_fd_kinds)
{
	struct bpf_map_info info;
	int devnull;

	EXPECT_ERRNO(EBADFD, sys_map_info(-1, &info));
	EXPECT_ERRNO(EBADFD, sys_map_info(1000000, &info));
	devnull = open("/dev/null", O_RDONLY);
	ASSERT_LE(0, devnull);
	EXPECT_ERRNO(EINVAL, sys_map_info(devnull, &info));
	close(devnull);
}

TEST(ids_positive_and_distinct)
{
	int fds[8], i, j;
	__u32 ids[8];

	for (i = 0; i < 8; i++) {
		ASSERT_FD(fds[i], sys_map_create(i % 2 ? BPF_MAP_TYPE_HASH :
						 BPF_MAP_TYPE_ARRAY,
						 4, 4, 1, 0));
		ids[i] = map_id_of(fds[i]);
		EXPECT_LT(0, ids[i]);
		EXPECT_GE((__u32)INT_MAX, ids[i]);
		for (j = 0; j < i; j++)
			EXPECT_NE(ids[j], ids[i]);
	}
	for (i = 0; i < 8; i++)
		close(fds[i]);
}

/* Ids are handed out cyclically: a freed id is not reused right away. */
TEST(ids_not_reused_at_once)
{
	__u32 a, b;
	int fd;

	ASSERT_FD(fd, sys_map_create(BPF_MAP_TYPE_ARRAY, 4, 4, 1, 0));
	a = map_id_of(fd);
	close(fd);
	ASSERT_FD(fd, sys_map_create(BPF_MAP_TYPE_ARRAY, 4, 4, 1, 0));
	b = map_id_of(fd);
	EXPECT_NE(a, b);
	EXPECT_LT(a, b);
	close(fd);
}

TEST(next_id_walk)
{
	static __u32 ids[MAX_IDS];
	int fds[4], n, i, found;
	__u32 mine[4];

	for (i = 0; i < 4; i++) {
		ASSERT_FD(fds[i], sys_map_create(BPF_MAP_TYPE_HASH, 4, 4, 1, 0));
		mine[i] = map_id_of(fds[i]);
	}
	n = map_id_walk(ids, MAX_IDS);
	ASSERT_LE(4, n) {
		TH_LOG("walk: %s", n < 0 ? errno_str(-n) : "too short");
	}
	ASSERT_GE(MAX_IDS, n);
	for (i = 1; i < n; i++)
		EXPECT_LT(ids[i - 1], ids[i]);
	for (i = 0, found = 0; i < 4; i++)
		found += id_in(ids, n, mine[i]);
	EXPECT_EQ(4, found);

	/* Starting from an id continues strictly after it. */
	for (i = 0; i < 4; i++) {
		__u32 next;

		if (sys_map_next_id(mine[i], &next)) {
			EXPECT_EQ(ENOENT, errno);
			EXPECT_EQ(ids[n - 1], mine[i]);
		} else {
			EXPECT_LT(mine[i], next);
		}
	}
	/* Starting from a gap finds the next id above it. */
	if (mine[0] > 1) {
		__u32 next;

		ASSERT_OK(sys_map_next_id(mine[0] - 1, &next));
		EXPECT_EQ(mine[0], next);
	}
	for (i = 0; i < 4; i++)
		close(fds[i]);
}

TEST(next_id_limits)
{
	__u32 next = 0x5a5a5a5a;
	int fd;

	ASSERT_FD(fd, sys_map_create(BPF_MAP_TYPE_ARRAY, 4, 4, 1, 0));
	/* Ids live below INT_MAX; starting at or above it is invalid. */
	EXPECT_ERRNO(EINVAL, sys_map_next_id(INT_MAX, &next));
	EXPECT_ERRNO(EINVAL, sys_map_next_id((__u32)INT_MAX + 1, &next));
	EXPECT_ERRNO(EINVAL, sys_map_next_id(0xffffffff, &next));
	EXPECT_ERRNO(ENOENT, sys_map_next_id(INT_MAX - 1, &next));
	EXPECT_EQ(0x5a5a5a5a, next);
	close(fd);
}

TEST(fd_by_id)
{
	__u32 key = 0, id;
	__u64 v = 99, out;
	struct bpf_map_info info;
	int fd, fd2;

	ASSERT_FD(fd, sys_map_create(BPF_MAP_TYPE_ARRAY, 4, 8, 1, 0));
	id = map_id_of(fd);
	ASSERT_FD(fd2, sys_map_fd_by_id(id, 0));
	EXPECT_NE(fd, fd2);
	EXPECT_TRUE(fcntl(fd2, F_GETFD) & FD_CLOEXEC);
	ASSERT_OK(sys_map_info(fd2, &info));
	EXPECT_EQ(id, info.id);
	EXPECT_EQ(BPF_MAP_TYPE_ARRAY, info.type);
	ASSERT_OK(sys_map_update(fd, &key, &v, BPF_ANY));
	ASSERT_OK(sys_map_lookup(fd2, &key, &out, 0));
	EXPECT_EQ(99, out);

	/* The new fd alone keeps the map alive. */
	close(fd);
	ASSERT_OK(sys_map_lookup(fd2, &key, &out, 0));
	EXPECT_EQ(99, out);
	ASSERT_FD(fd, sys_map_fd_by_id(id, 0));
	close(fd);
	close(fd2);
	EXPECT_ERRNO(ENOENT, sys_map_fd_by_id(id, 0));
}

TEST(fd_by_id_missing)
{
	EXPECT_ERRNO(ENOENT, sys_map_fd_by_id(0, 0));
	EXPECT_ERRNO(ENOENT, sys_map_fd_by_id(INT_MAX, 0));
	EXPECT_ERRNO(ENOENT, sys_map_fd_by_id(0x80000000U, 0));
	EXPECT_ERRNO(ENOENT, sys_map_fd_by_id(0xffffffff, 0));
	/* open_flags are checked first. */
	EXPECT_ERRNO(EINVAL, sys_map_fd_by_id(0, BPF_F_RDONLY | BPF_F_WRONLY));
	EXPECT_ERRNO(EINVAL, sys_map_fd_by_id(0, 1U << 5));
}

TEST(id_freed_with_last_fd)
{
	static __u32 ids[MAX_IDS];
	__u32 id;
	int fd, fd2, n;

	ASSERT_FD(fd, sys_map_create(BPF_MAP_TYPE_HASH, 4, 4, 1, 0));
	id = map_id_of(fd);
	fd2 = dup(fd);
	ASSERT_LE(0, fd2);
	close(fd);
	n = map_id_walk(ids, MAX_IDS);
	ASSERT_LE(0, n);
	EXPECT_TRUE(id_in(ids, n, id));

	close(fd2);
	EXPECT_ERRNO(ENOENT, sys_map_fd_by_id(id, 0));
	n = map_id_walk(ids, MAX_IDS);
	ASSERT_LE(0, n);
	EXPECT_FALSE(id_in(ids, n, id));
}

TEST_HARNESS_MAIN
