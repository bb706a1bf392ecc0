// SPDX-License-Identifier: GPL-2.0
/*
 * BPF_MAP_GET_NEXT_KEY: how userspace walks a map. Hash order is the
 * map's business, so the hash tests only check that a walk sees every key
 * exactly once and ends with ENOENT; array order is fixed by the index.
 */
#include <kselftest_harness.h>

#include "xbpf_test.h"

#define NR_KEYS 200

static __u64 key_of(__u32 i)
{
	return 0x9e3779b97f4a7c15ULL * (i + 1);
}

static int key_index(__u64 k)
{
	__u32 i;

	for (i = 0; i < NR_KEYS; i++)
		if (key_of(i) == k)
			return i;
	return -1;
}

FIXTURE(hash) {
	int fd;
};

FIXTURE_VARIANT(hash) {
	__u32 flags;
};

FIXTURE_VARIANT_ADD(hash, prealloc) { .flags = 0 };
FIXTURE_VARIANT_ADD(hash, no_prealloc) { .flags = BPF_F_NO_PREALLOC };

FIXTURE_SETUP(hash)
{
	ASSERT_FD(self->fd, sys_map_create(BPF_MAP_TYPE_HASH, 8, 4, NR_KEYS,
					   variant->flags));
}

FIXTURE_TEARDOWN(hash)
{
	close(self->fd);
}

static void fill(struct __test_metadata *_metadata, int fd, __u32 n)
{
	__u32 i;

	for (i = 0; i < n; i++) {
		__u64 k = key_of(i);

		ASSERT_OK(sys_map_update(fd, &k, &i, BPF_NOEXIST));
	}
}

/* Walk from the start; returns how many keys were seen, marking @seen. */
static int walk(struct __test_metadata *_metadata, int fd, int *seen)
{
	__u64 cur, next;
	int n = 0, idx;
	void *prev = NULL;

	for (;;) {
		errno = 0;
		if (sys_map_next_key(fd, prev, &next)) {
			EXPECT_EQ(ENOENT, errno) {
				TH_LOG("walk ended with %s", errno_str(errno));
			}
			return n;
		}
		idx = key_index(next);
		EXPECT_LE(0, idx) {
			TH_LOG("walk returned unknown key %llx",
			       (unsigned long long)next);
			return n;
		}
		seen[idx]++;
		ASSERT_GT(NR_KEYS + 1, ++n) {
			TH_LOG("walk does not end");
		}
		cur = next;
		prev = &cur;
	}
}

TEST_F(hash, empty)
{
	__u64 k = key_of(0), next = 0x1234;

	EXPECT_ERRNO(ENOENT, sys_map_next_key(self->fd, NULL, &next));
	EXPECT_ERRNO(ENOENT, sys_map_next_key(self->fd, &k, &next));
	EXPECT_EQ(0x1234, next);
}

TEST_F(hash, visits_every_key_once)
{
	int seen[NR_KEYS] = { 0 };
	int i;

	fill(_metadata, self->fd, NR_KEYS);
	EXPECT_EQ(NR_KEYS, walk(_metadata, self->fd, seen));
	for (i = 0; i < NR_KEYS; i++)
		EXPECT_EQ(1, seen[i]) {
			TH_LOG("key %d seen %d times", i, seen[i]);
		}
}

TEST_F(hash, single_key)
{
	__u64 k = key_of(7), next = 0;
	__u32 v = 1;

	ASSERT_OK(sys_map_update(self->fd, &k, &v, BPF_ANY));
	ASSERT_OK(sys_map_next_key(self->fd, NULL, &next));
	EXPECT_EQ(k, next);
	EXPECT_ERRNO(ENOENT, sys_map_next_key(self->fd, &k, &next));
}

TEST_F(hash, missing_key_restarts)
{
	__u64 first, next, missing = 0xdeadbeefULL;

	fill(_metadata, self->fd, 50);
	ASSERT_OK(sys_map_next_key(self->fd, NULL, &first));
	/* A key that is not in the map means "start over". */
	ASSERT_OK(sys_map_next_key(self->fd, &missing, &next));
	EXPECT_EQ(first, next);
}

TEST_F(hash, same_buffer_for_key_and_next)
{
	int seen[NR_KEYS] = { 0 };
	__u64 k;
	int n = 0;

	fill(_metadata, self->fd, 30);
	ASSERT_OK(sys_map_next_key(self->fd, NULL, &k));
	do {
		ASSERT_LE(0, key_index(k));
		seen[key_index(k)]++;
		ASSERT_GT(31, ++n);
	} while (!sys_map_next_key(self->fd, &k, &k));
	EXPECT_EQ(ENOENT, errno);
	EXPECT_EQ(30, n);
	for (n = 0; n < 30; n++)
		EXPECT_EQ(1, seen[n]);
}

/* The usual way to empty a map: take the first key, delete it, repeat. */
TEST_F(hash, delete_while_walking)
{
	__u64 k;
	int n = 0;

	fill(_metadata, self->fd, NR_KEYS);
	while (!sys_map_next_key(self->fd, NULL, &k)) {
		ASSERT_OK(sys_map_delete(self->fd, &k));
		ASSERT_GT(NR_KEYS + 1, ++n);
	}
	EXPECT_EQ(ENOENT, errno);
	EXPECT_EQ(NR_KEYS, n);
}

/*
 * Deleting the key just returned and continuing from it restarts the walk,
 * so every remaining key is still reached and the walk still ends.
 */
TEST_F(hash, delete_current_then_continue)
{
	int seen[NR_KEYS] = { 0 };
	__u64 cur, next;
	int steps = 0, i;

	fill(_metadata, self->fd, 60);
	ASSERT_OK(sys_map_next_key(self->fd, NULL, &cur));
	for (;;) {
		ASSERT_LE(0, key_index(cur));
		seen[key_index(cur)]++;
		if (key_index(cur) % 3 == 0)
			ASSERT_OK(sys_map_delete(self->fd, &cur));
		if (sys_map_next_key(self->fd, &cur, &next))
			break;
		cur = next;
		ASSERT_GT(60 * 60, ++steps);
	}
	EXPECT_EQ(ENOENT, errno);
	for (i = 0; i < 60; i++)
		EXPECT_LE(1, seen[i]) {
			TH_LOG("key %d never seen", i);
		}
	/* Only the keys that were not deleted are left. */
	memset(seen, 0, sizeof(seen));
	EXPECT_EQ(40, walk(_metadata, self->fd, seen));
	for (i = 0; i < 60; i++)
		EXPECT_EQ(i % 3 ? 1 : 0, seen[i]);
}

TEST_F(hash, bad_pointers)
{
	__u64 k = 0xdeadbeefULL, next;

	/* A missing key restarts the walk, so there always is a next key. */
	fill(_metadata, self->fd, 2);
	EXPECT_ERRNO(EFAULT, sys_map_next_key(self->fd, NULL, NULL));
	EXPECT_ERRNO(EFAULT, sys_map_next_key(self->fd, &k, NULL));
	EXPECT_ERRNO(EFAULT, sys_map_next_key(self->fd, (void *)16, &next));
	EXPECT_ERRNO(EFAULT, sys_map_next_key(self->fd, &k,
					      (void *)0xffff888000000000ULL));
}

#define NR_ARRAY 5

TEST(array_next_key)
{
	__u32 k, next;
	int fd;

	ASSERT_FD(fd, sys_map_create(BPF_MAP_TYPE_ARRAY, 4, 8, NR_ARRAY, 0));
	next = 0xffff;
	ASSERT_OK(sys_map_next_key(fd, NULL, &next));
	EXPECT_EQ(0, next);
	for (k = 0; k < NR_ARRAY - 1; k++) {
		ASSERT_OK(sys_map_next_key(fd, &k, &next));
		EXPECT_EQ(k + 1, next);
	}
	k = NR_ARRAY - 1;
	next = 0xffff;
	EXPECT_ERRNO(ENOENT, sys_map_next_key(fd, &k, &next));
	EXPECT_EQ(0xffff, next);
	/* Anything out of range starts over at index 0. */
	k = NR_ARRAY;
	ASSERT_OK(sys_map_next_key(fd, &k, &next));
	EXPECT_EQ(0, next);
	k = 0xffffffff;
	next = 0xffff;
	ASSERT_OK(sys_map_next_key(fd, &k, &next));
	EXPECT_EQ(0, next);
	EXPECT_ERRNO(EFAULT, sys_map_next_key(fd, NULL, NULL));
	close(fd);
}

TEST(array_single_entry)
{
	__u32 k = 0, next;
	int fd;

	ASSERT_FD(fd, sys_map_create(BPF_MAP_TYPE_ARRAY, 4, 8, 1, 0));
	ASSERT_OK(sys_map_next_key(fd, NULL, &next));
	EXPECT_EQ(0, next);
	EXPECT_ERRNO(ENOENT, sys_map_next_key(fd, &k, &next));
	close(fd);
}

/* next_key writes exactly key_size bytes. */
TEST(writes_key_size_bytes)
{
	unsigned char buf[16];
	__u8 k[3] = { 1, 2, 3 };
	__u32 v = 0;
	int fd;

	ASSERT_FD(fd, sys_map_create(BPF_MAP_TYPE_HASH, 3, 4, 4, 0));
	ASSERT_OK(sys_map_update(fd, k, &v, BPF_ANY));
	memset(buf, 0xcc, sizeof(buf));
	ASSERT_OK(sys_map_next_key(fd, NULL, buf));
	EXPECT_EQ(0, memcmp(buf, k, 3));
	EXPECT_EQ(0xcc, buf[3]);
	close(fd);
}

TEST_HARNESS_MAIN
