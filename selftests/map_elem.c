// SPDX-License-Identifier: GPL-2.0
/*
 * Element commands on array and hash maps: lookup, update, delete and
 * lookup_and_delete, their flags, and what each returns at the edges
 * (missing keys, full maps, out-of-range indices, unreadable buffers).
 */
#include <sys/mman.h>

#include <kselftest_harness.h>

#include "xbpf_test.h"

#define NR_ARRAY 8

/* Two pages, the second unmapped: a buffer that ends exactly at a fault. */
static char *alloc_guarded(void)
{
	char *p = mmap(NULL, 2 * PAGE_SIZE, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return NULL;
	if (munmap(p + PAGE_SIZE, PAGE_SIZE))
		return NULL;
	return p;
}

FIXTURE(array) {
	int fd;
};

FIXTURE_SETUP(array)
{
	ASSERT_FD(self->fd, sys_map_create(BPF_MAP_TYPE_ARRAY, 4, 8,
					   NR_ARRAY, 0));
}

FIXTURE_TEARDOWN(array)
{
	close(self->fd);
}

TEST_F(array, starts_zeroed)
{
	__u64 val;
	__u32 i;

	for (i = 0; i < NR_ARRAY; i++) {
		val = 0xffffffffffffffffULL;
		ASSERT_OK(sys_map_lookup(self->fd, &i, &val, 0));
		EXPECT_EQ(0, val);
	}
}

TEST_F(array, update_lookup)
{
	__u64 val, out;
	__u32 i;

	for (i = 0; i < NR_ARRAY; i++) {
		val = 0x0101010101010101ULL * (i + 1);
		ASSERT_OK(sys_map_update(self->fd, &i, &val, BPF_ANY));
	}
	for (i = 0; i < NR_ARRAY; i++) {
		ASSERT_OK(sys_map_lookup(self->fd, &i, &out, 0));
		EXPECT_EQ(0x0101010101010101ULL * (i + 1), out);
	}
	/* Every slot always exists. */
	i = 3;
	val = 7;
	EXPECT_OK(sys_map_update(self->fd, &i, &val, BPF_EXIST));
	EXPECT_ERRNO(EEXIST, sys_map_update(self->fd, &i, &val, BPF_NOEXIST));
	ASSERT_OK(sys_map_lookup(self->fd, &i, &out, 0));
	EXPECT_EQ(7, out);
}

TEST_F(array, out_of_range)
{
	__u32 idx[] = { NR_ARRAY, NR_ARRAY + 1, 0x7fffffff, 0xffffffff };
	__u64 val = 1;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(idx); i++) {
		EXPECT_ERRNO(ENOENT, sys_map_lookup(self->fd, &idx[i], &val, 0));
		EXPECT_ERRNO(E2BIG, sys_map_update(self->fd, &idx[i], &val,
						   BPF_ANY));
		EXPECT_ERRNO(E2BIG, sys_map_update(self->fd, &idx[i], &val,
						   BPF_NOEXIST));
		EXPECT_ERRNO(E2BIG, sys_map_update(self->fd, &idx[i], &val,
						   BPF_EXIST));
		EXPECT_ERRNO(EINVAL, sys_map_delete(self->fd, &idx[i]));
	}
}

TEST_F(array, delete_never_allowed)
{
	__u32 i = 0;

	EXPECT_ERRNO(EINVAL, sys_map_delete(self->fd, &i));
	i = NR_ARRAY - 1;
	EXPECT_ERRNO(EINVAL, sys_map_delete(self->fd, &i));
}

TEST_F(array, bad_flags)
{
	__u32 i = 1, oob = NR_ARRAY;
	__u64 val = 5, out;

	EXPECT_ERRNO(EINVAL, sys_map_update(self->fd, &i, &val, 3));
	EXPECT_ERRNO(EINVAL, sys_map_update(self->fd, &i, &val, 1ULL << 10));
	EXPECT_ERRNO(EINVAL, sys_map_update(self->fd, &i, &val, 1ULL << 63));
	/* No bpf_spin_lock in the value, so BPF_F_LOCK cannot apply. */
	EXPECT_ERRNO(EINVAL, sys_map_update(self->fd, &i, &val, BPF_F_LOCK));
	EXPECT_ERRNO(EINVAL, sys_map_update(self->fd, &i, &val,
					    BPF_F_LOCK | BPF_EXIST));
	/* The flags are checked before the index. */
	EXPECT_ERRNO(EINVAL, sys_map_update(self->fd, &oob, &val, 3));

	EXPECT_ERRNO(EINVAL, sys_map_lookup(self->fd, &i, &out, 1));
	EXPECT_ERRNO(EINVAL, sys_map_lookup(self->fd, &i, &out, BPF_F_LOCK));
	EXPECT_ERRNO(EINVAL, sys_map_lookup(self->fd, &i, &out, 1ULL << 32));
	/* ...and before the fd. */
	EXPECT_ERRNO(EINVAL, sys_map_lookup(-1, &i, &out, 1));

	/* Nothing was written by the failed calls. */
	ASSERT_OK(sys_map_lookup(self->fd, &i, &out, 0));
	EXPECT_EQ(0, out);
}

TEST_F(array, lookup_and_delete_unsupported)
{
	__u32 i = 0;
	__u64 out;

	EXPECT_ERRNO(ENOTSUPP, sys_map_lookup_and_delete(self->fd, &i, &out, 0));
	i = NR_ARRAY;
	EXPECT_ERRNO(ENOTSUPP, sys_map_lookup_and_delete(self->fd, &i, &out, 0));
	EXPECT_ERRNO(EINVAL, sys_map_lookup_and_delete(self->fd, &i, &out, 1));
	EXPECT_ERRNO(EINVAL, sys_map_lookup_and_delete(self->fd, &i, &out,
						       BPF_F_LOCK));
}

TEST_F(array, bad_pointers)
{
	__u32 i = 0;
	__u64 val = 1;
	void *kernel = (void *)0xffff888000000000ULL;

	EXPECT_ERRNO(EFAULT, sys_map_lookup(self->fd, NULL, &val, 0));
	EXPECT_ERRNO(EFAULT, sys_map_lookup(self->fd, (void *)8, &val, 0));
	EXPECT_ERRNO(EFAULT, sys_map_lookup(self->fd, kernel, &val, 0));
	EXPECT_ERRNO(EFAULT, sys_map_lookup(self->fd, &i, NULL, 0));
	EXPECT_ERRNO(EFAULT, sys_map_lookup(self->fd, &i, kernel, 0));
	EXPECT_ERRNO(EFAULT, sys_map_update(self->fd, NULL, &val, BPF_ANY));
	EXPECT_ERRNO(EFAULT, sys_map_update(self->fd, &i, NULL, BPF_ANY));
	EXPECT_ERRNO(EFAULT, sys_map_update(self->fd, &i, kernel, BPF_ANY));
	EXPECT_ERRNO(EFAULT, sys_map_delete(self->fd, NULL));
	EXPECT_ERRNO(EFAULT, sys_map_lookup_and_delete(self->fd, NULL, &val, 0));
}

/* Exactly value_size bytes are read and written, no more. */
TEST(exact_value_bytes)
{
	char *guard = alloc_guarded();
	__u32 key = 0;
	char *val;
	char out[32];
	int fd;

	ASSERT_NE(NULL, guard);
	ASSERT_FD(fd, sys_map_create(BPF_MAP_TYPE_ARRAY, 4, 13, 2, 0));

	/* The value ends at the unmapped page: a 14th byte would fault. */
	val = guard + PAGE_SIZE - 13;
	memset(val, 0x5a, 13);
	ASSERT_OK(sys_map_update(fd, &key, val, BPF_ANY));

	memset(out, 0xee, sizeof(out));
	ASSERT_OK(sys_map_lookup(fd, &key, out, 0));
	EXPECT_EQ(0, memcmp(out, val, 13));
	EXPECT_EQ((char)0xee, out[13]);
	EXPECT_EQ((char)0xee, out[31]);

	/* Lookups into the same edge must work too. */
	memset(val, 0, 13);
	ASSERT_OK(sys_map_lookup(fd, &key, val, 0));
	EXPECT_EQ(0x5a, val[12]);

	/* One byte short of the value is one byte too few. */
	EXPECT_ERRNO(EFAULT, sys_map_update(fd, &key, val + 1, BPF_ANY));
	EXPECT_ERRNO(EFAULT, sys_map_lookup(fd, &key, val + 1, 0));
	close(fd);

	/* Same for a hash key that ends at the fault. */
	ASSERT_FD(fd, sys_map_create(BPF_MAP_TYPE_HASH, 7, 4, 2, 0));
	val = guard + PAGE_SIZE - 7;
	memset(val, 1, 7);
	ASSERT_OK(sys_map_update(fd, val, out, BPF_ANY));
	ASSERT_OK(sys_map_lookup(fd, val, out, 0));
	ASSERT_OK(sys_map_delete(fd, val));
	EXPECT_ERRNO(EFAULT, sys_map_delete(fd, val + 1));
	close(fd);
	munmap(guard, PAGE_SIZE);
}

#define NR_HASH 16

struct hkey {
	__u32 a;
	__u16 b;
	__u8 c[6];
};

struct hval {
	__u64 x, y, z;
};

static struct hkey mkkey(__u32 n)
{
	struct hkey k;

	memset(&k, 0, sizeof(k));
	k.a = n;
	k.b = (__u16)(n * 7);
	k.c[5] = (__u8)n;
	return k;
}

static struct hval mkval(__u32 n, __u32 gen)
{
	struct hval v = {
		.x = n, .y = ~(__u64)n, .z = ((__u64)gen << 32) | n,
	};

	return v;
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
	ASSERT_FD(self->fd, sys_map_create(BPF_MAP_TYPE_HASH,
					   sizeof(struct hkey),
					   sizeof(struct hval), NR_HASH,
					   variant->flags));
}

FIXTURE_TEARDOWN(hash)
{
	close(self->fd);
}

TEST_F(hash, empty)
{
	struct hkey k = mkkey(1);
	struct hval v;

	EXPECT_ERRNO(ENOENT, sys_map_lookup(self->fd, &k, &v, 0));
	EXPECT_ERRNO(ENOENT, sys_map_delete(self->fd, &k));
	EXPECT_ERRNO(ENOENT, sys_map_lookup_and_delete(self->fd, &k, &v, 0));
}

TEST_F(hash, insert_lookup_delete)
{
	struct hkey k;
	struct hval v, out;
	__u32 i;

	for (i = 0; i < NR_HASH; i++) {
		k = mkkey(i);
		v = mkval(i, 0);
		ASSERT_OK(sys_map_update(self->fd, &k, &v, BPF_NOEXIST));
	}
	for (i = 0; i < NR_HASH; i++) {
		k = mkkey(i);
		v = mkval(i, 0);
		ASSERT_OK(sys_map_lookup(self->fd, &k, &out, 0));
		EXPECT_EQ(0, memcmp(&v, &out, sizeof(v)));
	}
	for (i = 0; i < NR_HASH; i += 2) {
		k = mkkey(i);
		ASSERT_OK(sys_map_delete(self->fd, &k));
		EXPECT_ERRNO(ENOENT, sys_map_delete(self->fd, &k));
	}
	for (i = 0; i < NR_HASH; i++) {
		k = mkkey(i);
		if (i % 2) {
			EXPECT_OK(sys_map_lookup(self->fd, &k, &out, 0));
		} else {
			EXPECT_ERRNO(ENOENT, sys_map_lookup(self->fd, &k, &out,
							    0));
		}
	}
}

TEST_F(hash, update_flags)
{
	struct hkey k = mkkey(9);
	struct hval v = mkval(9, 1), out;

	EXPECT_ERRNO(ENOENT, sys_map_update(self->fd, &k, &v, BPF_EXIST));
	ASSERT_OK(sys_map_update(self->fd, &k, &v, BPF_NOEXIST));
	v = mkval(9, 2);
	EXPECT_ERRNO(EEXIST, sys_map_update(self->fd, &k, &v, BPF_NOEXIST));
	ASSERT_OK(sys_map_lookup(self->fd, &k, &out, 0));
	EXPECT_EQ(1, out.z >> 32);

	ASSERT_OK(sys_map_update(self->fd, &k, &v, BPF_EXIST));
	ASSERT_OK(sys_map_lookup(self->fd, &k, &out, 0));
	EXPECT_EQ(2, out.z >> 32);

	v = mkval(9, 3);
	ASSERT_OK(sys_map_update(self->fd, &k, &v, BPF_ANY));
	ASSERT_OK(sys_map_lookup(self->fd, &k, &out, 0));
	EXPECT_EQ(3, out.z >> 32);

	EXPECT_ERRNO(EINVAL, sys_map_update(self->fd, &k, &v, 3));
	EXPECT_ERRNO(EINVAL, sys_map_update(self->fd, &k, &v, 1ULL << 40));
	EXPECT_ERRNO(EINVAL, sys_map_update(self->fd, &k, &v, BPF_F_LOCK));
	EXPECT_ERRNO(EINVAL, sys_map_lookup(self->fd, &k, &out, BPF_F_LOCK));
	EXPECT_ERRNO(EINVAL, sys_map_lookup(self->fd, &k, &out, 2));
	ASSERT_OK(sys_map_lookup(self->fd, &k, &out, 0));
	EXPECT_EQ(3, out.z >> 32);
}

TEST_F(hash, full)
{
	struct hkey k;
	struct hval v, out;
	__u32 i;

	for (i = 0; i < NR_HASH; i++) {
		k = mkkey(i);
		v = mkval(i, 0);
		ASSERT_OK(sys_map_update(self->fd, &k, &v, BPF_ANY));
	}
	k = mkkey(NR_HASH);
	v = mkval(NR_HASH, 0);
	EXPECT_ERRNO(E2BIG, sys_map_update(self->fd, &k, &v, BPF_ANY));
	EXPECT_ERRNO(E2BIG, sys_map_update(self->fd, &k, &v, BPF_NOEXIST));
	/* A missing key is still missing, full or not. */
	EXPECT_ERRNO(ENOENT, sys_map_update(self->fd, &k, &v, BPF_EXIST));

	/* Replacing keys that exist needs no new slot, again and again. */
	for (i = 0; i < 3 * NR_HASH; i++) {
		k = mkkey(i % NR_HASH);
		v = mkval(i % NR_HASH, i + 1);
		ASSERT_OK(sys_map_update(self->fd, &k, &v,
					 i % 2 ? BPF_EXIST : BPF_ANY));
	}
	k = mkkey(3);
	v = mkval(3, 0);
	EXPECT_ERRNO(EEXIST, sys_map_update(self->fd, &k, &v, BPF_NOEXIST));
	for (i = 0; i < NR_HASH; i++) {
		k = mkkey(i);
		ASSERT_OK(sys_map_lookup(self->fd, &k, &out, 0));
		EXPECT_EQ(i, out.x);
		EXPECT_EQ(2 * NR_HASH + i + 1, out.z >> 32);
	}

	/* One delete makes room for exactly one new key. */
	k = mkkey(5);
	ASSERT_OK(sys_map_delete(self->fd, &k));
	k = mkkey(NR_HASH);
	v = mkval(NR_HASH, 0);
	ASSERT_OK(sys_map_update(self->fd, &k, &v, BPF_NOEXIST));
	k = mkkey(NR_HASH + 1);
	EXPECT_ERRNO(E2BIG, sys_map_update(self->fd, &k, &v, BPF_ANY));
}

TEST_F(hash, lookup_and_delete)
{
	struct hkey k = mkkey(4);
	struct hval v = mkval(4, 77), out;

	ASSERT_OK(sys_map_update(self->fd, &k, &v, BPF_ANY));
	EXPECT_ERRNO(EINVAL, sys_map_lookup_and_delete(self->fd, &k, &out, 1));
	EXPECT_ERRNO(EINVAL, sys_map_lookup_and_delete(self->fd, &k, &out,
						       BPF_F_LOCK));
	memset(&out, 0, sizeof(out));
	ASSERT_OK(sys_map_lookup_and_delete(self->fd, &k, &out, 0));
	EXPECT_EQ(0, memcmp(&v, &out, sizeof(v)));
	EXPECT_ERRNO(ENOENT, sys_map_lookup(self->fd, &k, &out, 0));
	EXPECT_ERRNO(ENOENT, sys_map_lookup_and_delete(self->fd, &k, &out, 0));

	/*
	 * A value buffer that cannot be written fails the call, but the
	 * element is gone all the same: the copy out comes last.
	 */
	ASSERT_OK(sys_map_update(self->fd, &k, &v, BPF_ANY));
	EXPECT_ERRNO(EFAULT, sys_map_lookup_and_delete(self->fd, &k, NULL, 0));
	EXPECT_ERRNO(ENOENT, sys_map_lookup(self->fd, &k, &out, 0));
}

TEST_F(hash, key_is_all_bytes)
{
	struct hkey k1 = mkkey(1), k2 = mkkey(1);
	struct hval v1 = mkval(1, 1), v2 = mkval(1, 2), out;

	/* Keys differing only in their last byte are different keys. */
	k2.c[5] ^= 0x80;
	ASSERT_OK(sys_map_update(self->fd, &k1, &v1, BPF_NOEXIST));
	ASSERT_OK(sys_map_update(self->fd, &k2, &v2, BPF_NOEXIST));
	ASSERT_OK(sys_map_lookup(self->fd, &k1, &out, 0));
	EXPECT_EQ(1, out.z >> 32);
	ASSERT_OK(sys_map_lookup(self->fd, &k2, &out, 0));
	EXPECT_EQ(2, out.z >> 32);
	/* ...and so are keys differing in padding-looking bytes. */
	k2 = k1;
	k2.c[0] = 1;
	EXPECT_ERRNO(ENOENT, sys_map_lookup(self->fd, &k2, &out, 0));
}

TEST_F(hash, bad_pointers)
{
	struct hkey k = mkkey(2);
	struct hval v = mkval(2, 0), out;
	void *kernel = (void *)0xffffffff81000000ULL;

	ASSERT_OK(sys_map_update(self->fd, &k, &v, BPF_ANY));
	EXPECT_ERRNO(EFAULT, sys_map_lookup(self->fd, NULL, &out, 0));
	EXPECT_ERRNO(EFAULT, sys_map_lookup(self->fd, kernel, &out, 0));
	EXPECT_ERRNO(EFAULT, sys_map_lookup(self->fd, &k, NULL, 0));
	EXPECT_ERRNO(EFAULT, sys_map_lookup(self->fd, &k, kernel, 0));
	EXPECT_ERRNO(EFAULT, sys_map_update(self->fd, NULL, &v, BPF_ANY));
	EXPECT_ERRNO(EFAULT, sys_map_update(self->fd, &k, NULL, BPF_ANY));
	EXPECT_ERRNO(EFAULT, sys_map_update(self->fd, &k, kernel, BPF_ANY));
	EXPECT_ERRNO(EFAULT, sys_map_delete(self->fd, NULL));
	EXPECT_ERRNO(EFAULT, sys_map_delete(self->fd, kernel));
	EXPECT_ERRNO(EFAULT, sys_map_lookup_and_delete(self->fd, NULL, &out,
						       0));
	/* The element survived all of it. */
	ASSERT_OK(sys_map_lookup(self->fd, &k, &out, 0));
	EXPECT_EQ(0, memcmp(&v, &out, sizeof(v)));
}

TEST_HARNESS_MAIN
