// SPDX-License-Identifier: GPL-2.0
/*
 * LRU_HASH and LRU_PERCPU_HASH: a full map takes new keys by evicting old
 * ones, from userspace and from programs on every CPU at once; creation
 * checks (preallocation required, per-CPU lists rounding max_entries).
 */
#include <pthread.h>

#include <kselftest_harness.h>

#include "map_prog.h"

#define LRU_SIZE	256
#define KEY_RANGE	4096
#define RUNS		20000

static int count_keys(int fd)
{
	__u32 key, next;
	int n = 0;
	void *prev = NULL;

	while (!sys_map_next_key(fd, prev, &next)) {
		key = next;
		prev = &key;
		if (++n > 10 * LRU_SIZE)
			break;
	}
	return n;
}

TEST(create_checks)
{
	struct bpf_map_info info;
	int fd, ncpu = nr_cpus();

	EXPECT_ERRNO(ENOTSUPP, sys_map_create(BPF_MAP_TYPE_LRU_HASH, 4, 8, 8,
					      BPF_F_NO_PREALLOC));
	EXPECT_ERRNO(EINVAL, sys_map_create(BPF_MAP_TYPE_LRU_HASH, 0, 8, 8, 0));
	EXPECT_ERRNO(EINVAL, sys_map_create(BPF_MAP_TYPE_LRU_HASH, 4, 8, 8,
					    BPF_F_MMAPABLE));
	EXPECT_ERRNO(E2BIG, sys_map_create(BPF_MAP_TYPE_LRU_PERCPU_HASH, 4,
					   32768 + 1, 8, 0));
	/* per-CPU lists: max_entries rounds up to a multiple of the CPUs */
	ASSERT_FD(fd, sys_map_create(BPF_MAP_TYPE_LRU_HASH, 4, 8, ncpu + 1,
				     BPF_F_NO_COMMON_LRU));
	ASSERT_OK(sys_map_info(fd, &info));
	EXPECT_EQ(2 * ncpu, info.max_entries);
	close(fd);
	ASSERT_FD(fd, sys_map_create(BPF_MAP_TYPE_LRU_HASH, 4, 8, ncpu + 1, 0));
	ASSERT_OK(sys_map_info(fd, &info));
	EXPECT_EQ(ncpu + 1, info.max_entries);
	close(fd);
}

static void fill_from_user(struct __test_metadata *_metadata, __u32 type,
			   __u32 flags)
{
	int ncpu = nr_cpus(), fd, n;
	__u64 *v = calloc(ncpu > 0 ? ncpu : 1, 8), *out = calloc(ncpu, 8);
	__u32 key;

	ASSERT_FD(fd, sys_map_create(type, 4, 8, LRU_SIZE, flags));
	for (key = 0; key < 4 * LRU_SIZE; key++) {
		v[0] = key * 3;
		ASSERT_OK(sys_map_update(fd, &key, v, BPF_ANY));
		/* the key just written is there, with its value */
		ASSERT_OK(sys_map_lookup(fd, &key, out, 0));
		ASSERT_EQ(key * 3, out[0]);
	}
	n = count_keys(fd);
	EXPECT_LE(n, LRU_SIZE);
	/* with per-CPU lists one CPU only ever uses its own share */
	EXPECT_LE((flags & BPF_F_NO_COMMON_LRU) ? LRU_SIZE / ncpu :
		  LRU_SIZE / 2, n);
	/* BPF_NOEXIST on a present key, BPF_EXIST on a missing one */
	key = 4 * LRU_SIZE - 1;
	EXPECT_ERRNO(EEXIST, sys_map_update(fd, &key, v, BPF_NOEXIST));
	key = 10 * LRU_SIZE;
	EXPECT_ERRNO(ENOENT, sys_map_update(fd, &key, v, BPF_EXIST));
	key = 4 * LRU_SIZE - 1;
	ASSERT_OK(sys_map_lookup_and_delete(fd, &key, out, 0));
	EXPECT_EQ(key * 3, out[0]);
	EXPECT_ERRNO(ENOENT, sys_map_delete(fd, &key));
	close(fd);
	free(v);
	free(out);
}

TEST(fill_common)
{
	fill_from_user(_metadata, BPF_MAP_TYPE_LRU_HASH, 0);
}

TEST(fill_percpu_lists)
{
	fill_from_user(_metadata, BPF_MAP_TYPE_LRU_HASH, BPF_F_NO_COMMON_LRU);
}

TEST(fill_percpu_values)
{
	fill_from_user(_metadata, BPF_MAP_TYPE_LRU_PERCPU_HASH, 0);
}

TEST(fill_percpu_values_lists)
{
	fill_from_user(_metadata, BPF_MAP_TYPE_LRU_PERCPU_HASH,
		       BPF_F_NO_COMMON_LRU);
}

struct load_arg {
	int prog;
	int cpu;
	int err;
};

static void *run_pinned(void *p)
{
	struct load_arg *a = p;

	a->err = pin_cpu(a->cpu);
	if (!a->err)
		a->err = prog_run(a->prog, RUNS, NULL);
	return NULL;
}

/*
 * Every CPU updates random keys in a full LRU map as fast as it can while
 * userspace also writes; no update may fail, and the map stays bounded.
 */
static void full_load(struct __test_metadata *_metadata, __u32 type,
		      __u32 flags)
{
	int ncpu = nr_cpus(), fd, fails, prog, i;
	pthread_t th[8];
	struct load_arg args[8];
	__u64 *v = calloc(ncpu > 0 ? ncpu : 1, 8), failed = 0;
	__u32 key, zero = 0;

	ASSERT_FD(fd, sys_map_create(type, 4, 8, LRU_SIZE, flags));
	ASSERT_FD(fails, sys_map_create(BPF_MAP_TYPE_ARRAY, 4, 8, 1, 0));

	struct bpf_insn insns[] = {
		BPF_EMIT_CALL(BPF_FUNC_get_prandom_u32),
		BPF_ALU64_IMM(BPF_AND, BPF_REG_0, KEY_RANGE - 1),
		BPF_STX_MEM(BPF_W, BPF_REG_10, BPF_REG_0, -4),
		BPF_STX_MEM(BPF_DW, BPF_REG_10, BPF_REG_0, -16),
		BPF_MOV64_REG(BPF_REG_2, BPF_REG_10),
		BPF_ALU64_IMM(BPF_ADD, BPF_REG_2, -4),
		BPF_MOV64_REG(BPF_REG_3, BPF_REG_10),
		BPF_ALU64_IMM(BPF_ADD, BPF_REG_3, -16),
		BPF_LD_MAP_FD_N(BPF_REG_1, fd),
		BPF_MOV64_IMM(BPF_REG_4, BPF_ANY),
		BPF_EMIT_CALL(BPF_FUNC_map_update_elem),
		BPF_JMP_IMM(BPF_JEQ, BPF_REG_0, 0, 9),
		/* count the failure */
		BPF_ST_MEM(BPF_W, BPF_REG_10, -4, 0),
		BPF_MOV64_REG(BPF_REG_2, BPF_REG_10),
		BPF_ALU64_IMM(BPF_ADD, BPF_REG_2, -4),
		BPF_LD_MAP_FD_N(BPF_REG_1, fails),
		BPF_EMIT_CALL(BPF_FUNC_map_lookup_elem),
		BPF_JMP_IMM(BPF_JEQ, BPF_REG_0, 0, 2),
		BPF_MOV64_IMM(BPF_REG_1, 1),
		BPF_ATOMIC_OP(BPF_DW, BPF_ADD, BPF_REG_0, BPF_REG_1, 0),
		BPF_MOV64_IMM(BPF_REG_0, 0),
		BPF_EXIT_INSN(),
	};
	ASSERT_FD(prog, prog_load(BPF_PROG_TYPE_SOCKET_FILTER, insns,
				  sizeof(insns) / sizeof(insns[0])));
	if (ncpu > 8)
		ncpu = 8;
	for (i = 0; i < ncpu; i++) {
		args[i].prog = prog;
		args[i].cpu = i;
		ASSERT_EQ(0, pthread_create(&th[i], NULL, run_pinned, &args[i]));
	}
	for (key = 0; key < 2 * LRU_SIZE; key++)
		EXPECT_OK(sys_map_update(fd, &key, v, BPF_ANY));
	for (i = 0; i < ncpu; i++) {
		pthread_join(th[i], NULL);
		EXPECT_EQ(0, args[i].err);
	}
	ASSERT_OK(sys_map_lookup(fails, &zero, &failed, 0));
	EXPECT_EQ(0, failed);
	EXPECT_LE(count_keys(fd), LRU_SIZE);
	close(prog);
	close(fails);
	close(fd);
	free(v);
}

TEST(full_load_common)
{
	full_load(_metadata, BPF_MAP_TYPE_LRU_HASH, 0);
}

TEST(full_load_percpu_lists)
{
	full_load(_metadata, BPF_MAP_TYPE_LRU_HASH, BPF_F_NO_COMMON_LRU);
}

TEST(full_load_percpu_values)
{
	full_load(_metadata, BPF_MAP_TYPE_LRU_PERCPU_HASH, 0);
}

TEST_HARNESS_MAIN
