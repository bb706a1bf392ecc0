// SPDX-License-Identifier: GPL-2.0
/*
 * The batch commands on hash and array maps (incl. per-CPU and LRU):
 * in_batch/out_batch tokens, count in and out, ENOENT at the end, and
 * the errors for bad flags and unsupported types.
 */
#include <kselftest_harness.h>

#include "map_prog.h"

#define N 100

static inline int xbpf_map_is_percpu_type(__u32 type)
{
	return type == BPF_MAP_TYPE_PERCPU_HASH ||
	       type == BPF_MAP_TYPE_LRU_PERCPU_HASH ||
	       type == BPF_MAP_TYPE_PERCPU_ARRAY;
}

static int batch(int cmd, int fd, void *in, void *out, void *keys,
		 void *values, __u32 *count, __u64 elem_flags, __u64 flags)
{
	union bpf_attr attr;
	int err;

	memset(&attr, 0, sizeof(attr));
	attr.batch.map_fd = fd;
	attr.batch.in_batch = ptr_to_u64(in);
	attr.batch.out_batch = ptr_to_u64(out);
	attr.batch.keys = ptr_to_u64(keys);
	attr.batch.values = ptr_to_u64(values);
	attr.batch.count = *count;
	attr.batch.elem_flags = elem_flags;
	attr.batch.flags = flags;
	err = sys_bpf(cmd, &attr, sizeof(attr));
	*count = attr.batch.count;
	return err;
}

/* Walk the whole map step keys at a time; returns how many were seen. */
static int walk(struct __test_metadata *_metadata, int cmd, int fd,
		__u32 step, int ncpu, __u32 *seen, size_t tok_size)
{
	__u64 in[2], out[2], *values = calloc(N * ncpu, 8);
	__u32 keys[N], count, total = 0, i;
	void *inp = NULL;
	int err, rounds = 0;

	do {
		count = step;
		if (total + step > N)
			count = N - total ? N - total : 1;
		err = batch(cmd, fd, inp, out, keys + total,
			    values + (__u64)total * ncpu, &count, 0, 0);
		if (err && errno != ENOENT) {
			EXPECT_OK(err);
			break;
		}
		total += count;
		memcpy(in, out, tok_size);
		inp = in;
	} while (!err && ++rounds < 10 * N);
	for (i = 0; i < total; i++) {
		EXPECT_GT(N, keys[i]);
		if (keys[i] < N) {
			seen[keys[i]]++;
			EXPECT_EQ(keys[i] * 10ULL, values[(__u64)i * ncpu]);
		}
	}
	free(values);
	return total;
}

static void fill(struct __test_metadata *_metadata, int fd, int ncpu)
{
	__u64 *values = calloc(N * ncpu, 8);
	__u32 keys[N], count = N, i;

	for (i = 0; i < N; i++) {
		keys[i] = i;
		values[(__u64)i * ncpu] = i * 10ULL;
	}
	ASSERT_OK(batch(BPF_MAP_UPDATE_BATCH, fd, NULL, NULL, keys, values,
			&count, 0, 0));
	EXPECT_EQ(N, count);
	free(values);
}

static void hash_batch(struct __test_metadata *_metadata, __u32 type)
{
	int ncpu = xbpf_map_is_percpu_type(type) ? nr_cpus() : 1;
	__u32 seen[N] = { 0 }, keys[4] = { 1, 2, 3, 200 }, count, i;
	__u64 v[2 * 64];
	int fd;

	ASSERT_FD(fd, sys_map_create(type, 4, 8, 128, 0));
	/* count 0 does nothing */
	count = 0;
	EXPECT_OK(batch(BPF_MAP_LOOKUP_BATCH, fd, NULL, NULL, keys, v, &count,
			0, 0));
	/* an empty map: ENOENT and nothing */
	count = 4;
	EXPECT_ERRNO(ENOENT, batch(BPF_MAP_LOOKUP_BATCH, fd, NULL, v, keys,
				   v, &count, 0, 0));
	EXPECT_EQ(0, count);
	fill(_metadata, fd, ncpu);
	EXPECT_EQ(N, walk(_metadata, BPF_MAP_LOOKUP_BATCH, fd, 10, ncpu, seen,
			  sizeof(__u32)));
	for (i = 0; i < N; i++)
		EXPECT_EQ(1, seen[i]);
	/* bad flags */
	count = 4;
	EXPECT_ERRNO(EINVAL, batch(BPF_MAP_LOOKUP_BATCH, fd, NULL, v, keys, v,
				   &count, 0, 1));
	count = 4;
	EXPECT_ERRNO(EINVAL, batch(BPF_MAP_LOOKUP_BATCH, fd, NULL, v, keys, v,
				   &count, BPF_F_LOCK, 0));
	count = 4;
	EXPECT_ERRNO(EINVAL, batch(BPF_MAP_UPDATE_BATCH, fd, NULL, NULL, keys,
				   v, &count, BPF_F_LOCK, 0));
	/* delete stops at the first missing key and says how far it got */
	count = 4;
	EXPECT_ERRNO(ENOENT, batch(BPF_MAP_DELETE_BATCH, fd, NULL, NULL, keys,
				   NULL, &count, 0, 0));
	EXPECT_EQ(3, count);
	/* lookup_and_delete empties the map */
	memset(seen, 0, sizeof(seen));
	EXPECT_EQ(N - 3, walk(_metadata, BPF_MAP_LOOKUP_AND_DELETE_BATCH, fd,
			      16, ncpu, seen, sizeof(__u32)));
	EXPECT_ERRNO(ENOENT, sys_map_next_key(fd, NULL, keys));
	close(fd);
}

TEST(hash)
{
	hash_batch(_metadata, BPF_MAP_TYPE_HASH);
}

TEST(percpu_hash)
{
	hash_batch(_metadata, BPF_MAP_TYPE_PERCPU_HASH);
}

TEST(lru_hash)
{
	hash_batch(_metadata, BPF_MAP_TYPE_LRU_HASH);
}

TEST(lru_percpu_hash)
{
	hash_batch(_metadata, BPF_MAP_TYPE_LRU_PERCPU_HASH);
}

static void array_batch(struct __test_metadata *_metadata, __u32 type)
{
	int ncpu = xbpf_map_is_percpu_type(type) ? nr_cpus() : 1;
	__u32 seen[N] = { 0 }, keys[4] = { 0, 1, 2, 3 }, count, i;
	__u64 v[4 * 64];
	int fd;

	ASSERT_FD(fd, sys_map_create(type, 4, 8, N, 0));
	fill(_metadata, fd, ncpu);
	EXPECT_EQ(N, walk(_metadata, BPF_MAP_LOOKUP_BATCH, fd, 7, ncpu, seen,
			  sizeof(__u32)));
	for (i = 0; i < N; i++)
		EXPECT_EQ(1, seen[i]);
	count = 4;
	EXPECT_ERRNO(ENOTSUPP, batch(BPF_MAP_DELETE_BATCH, fd, NULL, NULL,
				     keys, NULL, &count, 0, 0));
	count = 4;
	EXPECT_ERRNO(ENOTSUPP, batch(BPF_MAP_LOOKUP_AND_DELETE_BATCH, fd, NULL,
				     v, keys, v, &count, 0, 0));
	/* an update past the end stops there */
	keys[2] = N;
	count = 4;
	memset(v, 0, sizeof(v));
	EXPECT_ERRNO(E2BIG, batch(BPF_MAP_UPDATE_BATCH, fd, NULL, NULL, keys,
				  v, &count, 0, 0));
	EXPECT_EQ(2, count);
	close(fd);
}

TEST(array)
{
	array_batch(_metadata, BPF_MAP_TYPE_ARRAY);
}

TEST(percpu_array)
{
	array_batch(_metadata, BPF_MAP_TYPE_PERCPU_ARRAY);
}

TEST(attr_tail_and_types)
{
	char attr[sizeof(union bpf_attr) + 8];
	union bpf_attr *a = (union bpf_attr *)attr;
	__u32 keys[2], count;
	__u64 v[2];
	int fd;

	ASSERT_FD(fd, sys_map_create(BPF_MAP_TYPE_QUEUE, 0, 8, 4, 0));
	count = 2;
	EXPECT_ERRNO(ENOTSUPP, batch(BPF_MAP_LOOKUP_BATCH, fd, NULL, v, keys,
				     v, &count, 0, 0));
	close(fd);
	ASSERT_FD(fd, sys_map_create(BPF_MAP_TYPE_HASH, 4, 8, 4, 0));
	/* a field after batch.flags set */
	memset(attr, 0, sizeof(attr));
	a->batch.map_fd = fd;
	a->batch.count = 2;
	a->batch.keys = ptr_to_u64(keys);
	a->batch.values = ptr_to_u64(v);
	((char *)&a->batch.flags)[8] = 1;
	EXPECT_ERRNO(EINVAL, sys_bpf(BPF_MAP_LOOKUP_BATCH, a, sizeof(*a)));
	close(fd);
	count = 2;
	EXPECT_ERRNO(EBADF, batch(BPF_MAP_LOOKUP_BATCH, 9999, NULL, v, keys,
				  v, &count, 0, 0));
}

TEST_HARNESS_MAIN
