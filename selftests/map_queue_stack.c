// SPDX-License-Identifier: GPL-2.0
/*
 * QUEUE, STACK and BLOOM_FILTER: values without keys. Userspace pushes
 * with update, peeks with lookup, pops with lookup_and_delete; programs
 * use bpf_map_push/pop/peek_elem.
 */
#include <kselftest_harness.h>

#include "map_prog.h"

#define N 4

static int qs_create(__u32 type, __u32 max)
{
	return sys_map_create(type, 0, 8, max, 0);
}

TEST(create_checks)
{
	union bpf_attr attr;

	EXPECT_ERRNO(EINVAL, sys_map_create(BPF_MAP_TYPE_QUEUE, 4, 8, N, 0));
	EXPECT_ERRNO(EINVAL, sys_map_create(BPF_MAP_TYPE_QUEUE, 0, 0, N, 0));
	EXPECT_ERRNO(EINVAL, sys_map_create(BPF_MAP_TYPE_STACK, 0, 8, 0, 0));
	EXPECT_ERRNO(EINVAL, sys_map_create(BPF_MAP_TYPE_STACK, 0, 8, N,
					    BPF_F_NO_PREALLOC));
	EXPECT_ERRNO(EINVAL, sys_map_create(BPF_MAP_TYPE_BLOOM_FILTER, 4, 8,
					    N, 0));
	EXPECT_ERRNO(EINVAL, sys_map_create(BPF_MAP_TYPE_BLOOM_FILTER, 0, 0,
					    N, 0));
	memset(&attr, 0, sizeof(attr));
	attr.map_type = BPF_MAP_TYPE_BLOOM_FILTER;
	attr.value_size = 8;
	attr.max_entries = N;
	attr.map_extra = 16;
	EXPECT_ERRNO(EINVAL, sys_map_create_attr(&attr));
	/* map_extra belongs to bloom filters only */
	attr.map_type = BPF_MAP_TYPE_QUEUE;
	attr.map_extra = 3;
	EXPECT_ERRNO(EINVAL, sys_map_create_attr(&attr));
}

static void fifo_lifo(struct __test_metadata *_metadata, __u32 type)
{
	int fd = qs_create(type, N);
	__u64 v, i, next[2];

	ASSERT_LE(0, fd);
	EXPECT_ERRNO(ENOENT, sys_map_lookup(fd, NULL, &v, 0));
	EXPECT_ERRNO(ENOENT, sys_map_lookup_and_delete(fd, NULL, &v, 0));
	for (i = 1; i <= N; i++)
		ASSERT_OK(sys_map_update(fd, NULL, &i, BPF_ANY));
	v = 99;
	EXPECT_ERRNO(E2BIG, sys_map_update(fd, NULL, &v, BPF_ANY));
	EXPECT_ERRNO(EINVAL, sys_map_update(fd, NULL, &v, BPF_NOEXIST));
	/* BPF_EXIST on a full map drops the oldest */
	ASSERT_OK(sys_map_update(fd, NULL, &v, BPF_EXIST));
	ASSERT_OK(sys_map_lookup(fd, NULL, &i, 0));
	EXPECT_EQ(type == BPF_MAP_TYPE_QUEUE ? 2 : 99, i);
	EXPECT_ERRNO(EINVAL, sys_map_delete(fd, NULL));
	EXPECT_ERRNO(EINVAL, sys_map_next_key(fd, NULL, next));
	EXPECT_ERRNO(EINVAL, sys_map_lookup_and_delete(fd, &v, &i, 0));
	if (type == BPF_MAP_TYPE_QUEUE) {
		for (i = 2; i <= N; i++) {
			ASSERT_OK(sys_map_lookup_and_delete(fd, NULL, &v, 0));
			EXPECT_EQ(i, v);
		}
		ASSERT_OK(sys_map_lookup_and_delete(fd, NULL, &v, 0));
		EXPECT_EQ(99, v);
	} else {
		ASSERT_OK(sys_map_lookup_and_delete(fd, NULL, &v, 0));
		EXPECT_EQ(99, v);
		for (i = N; i >= 2; i--) {
			ASSERT_OK(sys_map_lookup_and_delete(fd, NULL, &v, 0));
			EXPECT_EQ(i, v);
		}
	}
	EXPECT_ERRNO(ENOENT, sys_map_lookup_and_delete(fd, NULL, &v, 0));
	close(fd);
}

TEST(queue)
{
	fifo_lifo(_metadata, BPF_MAP_TYPE_QUEUE);
}

TEST(stack)
{
	fifo_lifo(_metadata, BPF_MAP_TYPE_STACK);
}

/* push 11 and 22, pop one into the stack slot, return it */
static void prog_push_pop(struct __test_metadata *_metadata, __u32 type,
			  __u64 expect)
{
	int fd = qs_create(type, N), prog;
	__u32 ret;
	__u64 v;

	ASSERT_LE(0, fd);
	struct bpf_insn insns[] = {
		BPF_ST_MEM(BPF_DW, BPF_REG_10, -8, 11),
		BPF_LD_MAP_FD_N(BPF_REG_1, fd),
		BPF_MOV64_REG(BPF_REG_2, BPF_REG_10),
		BPF_ALU64_IMM(BPF_ADD, BPF_REG_2, -8),
		BPF_MOV64_IMM(BPF_REG_3, 0),
		BPF_EMIT_CALL(BPF_FUNC_map_push_elem),
		BPF_ST_MEM(BPF_DW, BPF_REG_10, -8, 22),
		BPF_LD_MAP_FD_N(BPF_REG_1, fd),
		BPF_MOV64_REG(BPF_REG_2, BPF_REG_10),
		BPF_ALU64_IMM(BPF_ADD, BPF_REG_2, -8),
		BPF_MOV64_IMM(BPF_REG_3, 0),
		BPF_EMIT_CALL(BPF_FUNC_map_push_elem),
		/* pop into an uninitialised slot: the helper writes it */
		BPF_LD_MAP_FD_N(BPF_REG_1, fd),
		BPF_MOV64_REG(BPF_REG_2, BPF_REG_10),
		BPF_ALU64_IMM(BPF_ADD, BPF_REG_2, -16),
		BPF_EMIT_CALL(BPF_FUNC_map_pop_elem),
		BPF_LDX_MEM(BPF_DW, BPF_REG_0, BPF_REG_10, -16),
		BPF_EXIT_INSN(),
	};
	ASSERT_FD(prog, prog_load(BPF_PROG_TYPE_SOCKET_FILTER, insns,
				  sizeof(insns) / sizeof(insns[0])));
	ASSERT_OK(prog_run(prog, 1, &ret));
	EXPECT_EQ(expect, ret);
	ASSERT_OK(sys_map_lookup_and_delete(fd, NULL, &v, 0));
	EXPECT_EQ(expect == 11 ? 22 : 11, v);
	close(prog);
	close(fd);
}

TEST(prog_queue)
{
	prog_push_pop(_metadata, BPF_MAP_TYPE_QUEUE, 11);
}

TEST(prog_stack)
{
	prog_push_pop(_metadata, BPF_MAP_TYPE_STACK, 22);
}

TEST(prog_helper_rules)
{
	int q, h;
	char log[8192];

	ASSERT_LE(0, q = qs_create(BPF_MAP_TYPE_QUEUE, N));
	ASSERT_LE(0, h = sys_map_create(BPF_MAP_TYPE_HASH, 8, 8, N, 0));
	/* lookup on a queue, push on a hash */
	struct bpf_insn lookup[] = {
		BPF_ST_MEM(BPF_DW, BPF_REG_10, -8, 0),
		BPF_LD_MAP_FD_N(BPF_REG_1, q),
		BPF_MOV64_REG(BPF_REG_2, BPF_REG_10),
		BPF_ALU64_IMM(BPF_ADD, BPF_REG_2, -8),
		BPF_EMIT_CALL(BPF_FUNC_map_lookup_elem),
		BPF_MOV64_IMM(BPF_REG_0, 0),
		BPF_EXIT_INSN(),
	};
	/* the zero-sized key is refused before the map type is looked at */
	log[0] = 0;
	EXPECT_ERRNO(EACCES, prog_load_log(BPF_PROG_TYPE_SOCKET_FILTER, lookup,
					   7 + 1, log, sizeof(log)));
	struct bpf_insn push[] = {
		BPF_ST_MEM(BPF_DW, BPF_REG_10, -8, 0),
		BPF_LD_MAP_FD_N(BPF_REG_1, h),
		BPF_MOV64_REG(BPF_REG_2, BPF_REG_10),
		BPF_ALU64_IMM(BPF_ADD, BPF_REG_2, -8),
		BPF_MOV64_IMM(BPF_REG_3, 0),
		BPF_EMIT_CALL(BPF_FUNC_map_push_elem),
		BPF_MOV64_IMM(BPF_REG_0, 0),
		BPF_EXIT_INSN(),
	};
	log[0] = 0;
	EXPECT_ERRNO(EINVAL, prog_load_log(BPF_PROG_TYPE_SOCKET_FILTER, push,
					   8 + 1, log, sizeof(log)));
	EXPECT_NE(NULL, strstr(log, "cannot pass map_type 1 into func bpf_map_push_elem#87"));
	close(h);
	close(q);
}

TEST(bloom)
{
	union bpf_attr attr;
	__u64 v, miss = 0;
	int fd, prog;
	__u32 ret;

	memset(&attr, 0, sizeof(attr));
	attr.map_type = BPF_MAP_TYPE_BLOOM_FILTER;
	attr.value_size = 8;
	attr.max_entries = 100;
	attr.map_extra = 3;
	ASSERT_FD(fd, sys_map_create_attr(&attr));
	for (v = 0; v < 100; v += 2)
		ASSERT_OK(sys_map_update(fd, NULL, &v, BPF_ANY));
	v = 1;
	EXPECT_ERRNO(EINVAL, sys_map_update(fd, NULL, &v, BPF_EXIST));
	/* no false negatives; most absent values are absent */
	for (v = 0; v < 100; v += 2)
		EXPECT_OK(sys_map_lookup(fd, NULL, &v, 0));
	for (v = 1001; v < 1101; v++)
		if (sys_map_lookup(fd, NULL, &v, 0) && errno == ENOENT)
			miss++;
	EXPECT_LT(50, miss);
	EXPECT_ERRNO(EOPNOTSUPP, sys_map_delete(fd, NULL));
	EXPECT_ERRNO(ENOTSUPP, sys_map_lookup_and_delete(fd, NULL, &v, 0));
	EXPECT_ERRNO(EOPNOTSUPP, sys_map_next_key(fd, NULL, &v));

	/* a program peeks for 4 (present) then 5001 (absent) */
	struct bpf_insn insns[] = {
		BPF_ST_MEM(BPF_DW, BPF_REG_10, -8, 4),
		BPF_LD_MAP_FD_N(BPF_REG_1, fd),
		BPF_MOV64_REG(BPF_REG_2, BPF_REG_10),
		BPF_ALU64_IMM(BPF_ADD, BPF_REG_2, -8),
		BPF_EMIT_CALL(BPF_FUNC_map_peek_elem),
		BPF_MOV64_REG(BPF_REG_6, BPF_REG_0),
		BPF_ST_MEM(BPF_DW, BPF_REG_10, -8, 5001),
		BPF_LD_MAP_FD_N(BPF_REG_1, fd),
		BPF_MOV64_REG(BPF_REG_2, BPF_REG_10),
		BPF_ALU64_IMM(BPF_ADD, BPF_REG_2, -8),
		BPF_EMIT_CALL(BPF_FUNC_map_peek_elem),
		BPF_ALU64_IMM(BPF_LSH, BPF_REG_0, 8),
		BPF_ALU64_REG(BPF_OR, BPF_REG_0, BPF_REG_6),
		BPF_EXIT_INSN(),
	};
	ASSERT_FD(prog, prog_load(BPF_PROG_TYPE_SOCKET_FILTER, insns,
				  sizeof(insns) / sizeof(insns[0])));
	v = 5001;
	if (sys_map_lookup(fd, NULL, &v, 0) && errno == ENOENT) {
		ASSERT_OK(prog_run(prog, 1, &ret));
		EXPECT_EQ((__u32)((__u64)-ENOENT << 8), ret);
	}
	close(prog);
	close(fd);
}

TEST_HARNESS_MAIN
