// SPDX-License-Identifier: GPL-2.0
/*
 * PERCPU_ARRAY and PERCPU_HASH: userspace reads and writes one value per
 * possible CPU, each 8-byte aligned; a program sees its own CPU's copy.
 * Programs run through BPF_PROG_TEST_RUN pinned to each CPU in turn.
 */
#include <kselftest_harness.h>

#include "map_prog.h"

#define NR 4

static __u64 *vals_alloc(int ncpu)
{
	return calloc(ncpu > 0 ? ncpu : 1, sizeof(__u64));
}

TEST(array_layout_and_cpus)
{
	int ncpu = nr_cpus(), fd, prog, cpu;
	__u64 *v = vals_alloc(ncpu), *out = vals_alloc(ncpu);
	__u32 key = 1, ret;

	ASSERT_LT(0, ncpu);
	/* a 4-byte value: userspace writes each CPU's whole 8-byte slot */
	ASSERT_FD(fd, sys_map_create(BPF_MAP_TYPE_PERCPU_ARRAY, 4, 4, NR, 0));
	for (cpu = 0; cpu < ncpu; cpu++)
		v[cpu] = 0xaaaaaaaa00000000ULL | (100 + cpu);
	ASSERT_OK(sys_map_update(fd, &key, v, BPF_ANY));
	memset(out, 0xff, ncpu * sizeof(*out));
	ASSERT_OK(sys_map_lookup(fd, &key, out, 0));
	for (cpu = 0; cpu < ncpu; cpu++)
		EXPECT_EQ(0xaaaaaaaa00000000ULL | (100 + cpu), out[cpu]);
	close(fd);

	ASSERT_FD(fd, sys_map_create(BPF_MAP_TYPE_PERCPU_ARRAY, 4, 8, NR, 0));
	for (cpu = 0; cpu < ncpu; cpu++)
		v[cpu] = 100 + cpu;
	ASSERT_OK(sys_map_update(fd, &key, v, BPF_ANY));

	struct bpf_insn insns[] = { PROG_INC_U32_KEY(fd, 1) };

	ASSERT_FD(prog, prog_load(BPF_PROG_TYPE_SOCKET_FILTER, insns,
				  sizeof(insns) / sizeof(insns[0])));
	for (cpu = 0; cpu < ncpu; cpu++) {
		ASSERT_OK(pin_cpu(cpu));
		ASSERT_OK(prog_run(prog, cpu + 1, &ret));
		EXPECT_EQ(1, ret);
	}
	ASSERT_OK(sys_map_lookup(fd, &key, out, 0));
	for (cpu = 0; cpu < ncpu; cpu++)
		EXPECT_EQ(100 + cpu + cpu + 1, out[cpu]);
	close(prog);
	close(fd);
	free(v);
	free(out);
}

TEST(array_errors)
{
	int ncpu = nr_cpus(), fd;
	__u64 *v = vals_alloc(ncpu);
	__u32 key = NR;
	union bpf_attr attr;

	ASSERT_FD(fd, sys_map_create(BPF_MAP_TYPE_PERCPU_ARRAY, 4, 8, NR, 0));
	EXPECT_ERRNO(E2BIG, sys_map_update(fd, &key, v, BPF_ANY));
	key = 0;
	EXPECT_ERRNO(EEXIST, sys_map_update(fd, &key, v, BPF_NOEXIST));
	EXPECT_ERRNO(EINVAL, sys_map_update(fd, &key, v, BPF_EXIST + 1));
	EXPECT_ERRNO(EINVAL, sys_map_delete(fd, &key));
	key = NR;
	EXPECT_ERRNO(ENOENT, sys_map_lookup(fd, &key, v, 0));
	close(fd);

	EXPECT_ERRNO(EINVAL, sys_map_create(BPF_MAP_TYPE_PERCPU_ARRAY, 4, 8,
					    NR, BPF_F_MMAPABLE));
	EXPECT_ERRNO(EINVAL, sys_map_create(BPF_MAP_TYPE_PERCPU_ARRAY, 4, 8,
					    NR, BPF_F_INNER_MAP));
	EXPECT_ERRNO(E2BIG, sys_map_create(BPF_MAP_TYPE_PERCPU_ARRAY, 4,
					   32768 + 1, NR, 0));
	EXPECT_ERRNO(EINVAL, sys_map_create(BPF_MAP_TYPE_PERCPU_ARRAY, 8, 8,
					    NR, 0));
	memset(&attr, 0, sizeof(attr));
	attr.map_type = BPF_MAP_TYPE_PERCPU_ARRAY;
	attr.key_size = 4;
	attr.value_size = 8;
	attr.max_entries = NR;
	attr.map_flags = BPF_F_NUMA_NODE;
	EXPECT_ERRNO(EINVAL, sys_map_create_attr(&attr));
	attr.map_type = BPF_MAP_TYPE_PERCPU_HASH;
	EXPECT_ERRNO(EINVAL, sys_map_create_attr(&attr));
	/* one value per CPU must fit a per-CPU chunk */
	EXPECT_ERRNO(E2BIG, sys_map_create(BPF_MAP_TYPE_PERCPU_HASH, 4,
					   32768 + 1, NR, 0));
	EXPECT_ERRNO(EINVAL, sys_map_create(BPF_MAP_TYPE_PERCPU_HASH, 4, 8,
					    NR, BPF_F_NO_COMMON_LRU));
	free(v);
}

static void hash_prog_update(struct __test_metadata *_metadata, int fd,
			     __u32 key, int val, __u32 flags, int cpu,
			     __u32 expect)
{
	struct bpf_insn insns[] = { PROG_UPDATE_U32_KEY(fd, key, val, flags) };
	__u32 ret;
	int prog;

	ASSERT_FD(prog, prog_load(BPF_PROG_TYPE_SOCKET_FILTER, insns,
				  sizeof(insns) / sizeof(insns[0])));
	ASSERT_OK(pin_cpu(cpu));
	ASSERT_OK(prog_run(prog, 1, &ret));
	EXPECT_EQ(expect, ret);
	close(prog);
}

static void hash_semantics(struct __test_metadata *_metadata, __u32 flags)
{
	int ncpu = nr_cpus(), fd, cpu;
	__u64 *v = vals_alloc(ncpu), *out = vals_alloc(ncpu);
	__u32 key = 7, next;

	ASSERT_FD(fd, sys_map_create(BPF_MAP_TYPE_PERCPU_HASH, 4, 8, 2,
				     flags));
	EXPECT_ERRNO(ENOENT, sys_map_lookup(fd, &key, out, 0));
	for (cpu = 0; cpu < ncpu; cpu++)
		v[cpu] = 1000 + cpu;
	ASSERT_OK(sys_map_update(fd, &key, v, BPF_NOEXIST));
	EXPECT_ERRNO(EEXIST, sys_map_update(fd, &key, v, BPF_NOEXIST));
	ASSERT_OK(sys_map_lookup(fd, &key, out, 0));
	for (cpu = 0; cpu < ncpu; cpu++)
		EXPECT_EQ(1000 + cpu, out[cpu]);

	/* a program's update of an existing key changes its CPU's copy */
	hash_prog_update(_metadata, fd, 7, 55, BPF_EXIST, ncpu - 1, 0);
	ASSERT_OK(sys_map_lookup(fd, &key, out, 0));
	for (cpu = 0; cpu < ncpu - 1; cpu++)
		EXPECT_EQ(1000 + cpu, out[cpu]);
	EXPECT_EQ(55, out[ncpu - 1]);

	/* a new key from a program: the other CPUs start at zero */
	hash_prog_update(_metadata, fd, 8, 66, BPF_ANY, 0, 0);
	key = 8;
	ASSERT_OK(sys_map_lookup(fd, &key, out, 0));
	EXPECT_EQ(66, out[0]);
	for (cpu = 1; cpu < ncpu; cpu++)
		EXPECT_EQ(0, out[cpu]);
	/* full */
	hash_prog_update(_metadata, fd, 9, 1, BPF_ANY, 0, (__u32)-E2BIG);
	key = 9;
	EXPECT_ERRNO(E2BIG, sys_map_update(fd, &key, v, BPF_ANY));

	ASSERT_OK(sys_map_next_key(fd, NULL, &next));
	EXPECT_TRUE(next == 7 || next == 8);
	key = 7;
	memset(out, 0, ncpu * sizeof(*out));
	ASSERT_OK(sys_map_lookup_and_delete(fd, &key, out, 0));
	EXPECT_EQ(1000, out[0]);
	EXPECT_EQ(55, out[ncpu - 1]);
	EXPECT_ERRNO(ENOENT, sys_map_lookup(fd, &key, out, 0));
	EXPECT_ERRNO(ENOENT, sys_map_delete(fd, &key));
	key = 8;
	ASSERT_OK(sys_map_delete(fd, &key));
	close(fd);
	free(v);
	free(out);
}

TEST(hash_prealloc)
{
	hash_semantics(_metadata, 0);
}

TEST(hash_no_prealloc)
{
	hash_semantics(_metadata, BPF_F_NO_PREALLOC);
}

TEST(hash_info)
{
	struct bpf_map_info info;
	int fd;

	ASSERT_FD(fd, sys_map_create(BPF_MAP_TYPE_PERCPU_HASH, 4, 12, 10, 0));
	ASSERT_OK(sys_map_info(fd, &info));
	EXPECT_EQ(BPF_MAP_TYPE_PERCPU_HASH, info.type);
	/* the value size stays the program's view */
	EXPECT_EQ(12, info.value_size);
	close(fd);
}

TEST_HARNESS_MAIN
