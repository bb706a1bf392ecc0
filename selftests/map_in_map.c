// SPDX-License-Identifier: GPL-2.0
/*
 * ARRAY_OF_MAPS and HASH_OF_MAPS: the inner map template given at
 * creation, maps stored by fd and read back by ID, a program that looks
 * up an inner map and then an element in it, and bad input classes that
 * must leave the stored maps alone.
 */
#include <kselftest_harness.h>

#include "map_prog.h"

static int create_outer(__u32 type, __u32 key_size, int inner_fd)
{
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.map_type = type;
	attr.key_size = key_size;
	attr.value_size = 4;
	attr.max_entries = 4;
	attr.inner_map_fd = inner_fd;
	return sys_map_create_attr(&attr);
}

TEST(create_checks)
{
	int inner, pa, outer, q;
	union bpf_attr attr;

	ASSERT_FD(inner, sys_map_create(BPF_MAP_TYPE_ARRAY, 4, 8, 2, 0));
	EXPECT_ERRNO(EBADF, create_outer(BPF_MAP_TYPE_ARRAY_OF_MAPS, 4, 999));
	EXPECT_ERRNO(EINVAL, create_outer(BPF_MAP_TYPE_ARRAY_OF_MAPS, 4, 0));
	/* a program array cannot be an inner map */
	ASSERT_FD(pa, sys_map_create(BPF_MAP_TYPE_PROG_ARRAY, 4, 4, 2, 0));
	EXPECT_ERRNO(ENOTSUPP, create_outer(BPF_MAP_TYPE_ARRAY_OF_MAPS, 4, pa));
	EXPECT_ERRNO(ENOTSUPP, create_outer(BPF_MAP_TYPE_HASH_OF_MAPS, 4, pa));
	/* one level only */
	ASSERT_FD(outer, create_outer(BPF_MAP_TYPE_ARRAY_OF_MAPS, 4, inner));
	EXPECT_ERRNO(EINVAL, create_outer(BPF_MAP_TYPE_HASH_OF_MAPS, 4, outer));
	/* values are fds */
	memset(&attr, 0, sizeof(attr));
	attr.map_type = BPF_MAP_TYPE_HASH_OF_MAPS;
	attr.key_size = 4;
	attr.value_size = 8;
	attr.max_entries = 4;
	attr.inner_map_fd = inner;
	EXPECT_ERRNO(EINVAL, sys_map_create_attr(&attr));
	attr.map_type = BPF_MAP_TYPE_ARRAY_OF_MAPS;
	EXPECT_ERRNO(EINVAL, sys_map_create_attr(&attr));
	/* keyless inner maps are fine */
	ASSERT_FD(q, sys_map_create(BPF_MAP_TYPE_QUEUE, 0, 8, 2, 0));
	close(outer);
	ASSERT_FD(outer, create_outer(BPF_MAP_TYPE_HASH_OF_MAPS, 8, q));
	close(outer);
	close(q);
	close(pa);
	close(inner);
}

static void store_and_read(struct __test_metadata *_metadata, __u32 type)
{
	int inner, other, wrong, outer, wrong2;
	__u32 key = 1, val, id;

	ASSERT_FD(inner, sys_map_create(BPF_MAP_TYPE_ARRAY, 4, 8, 2, 0));
	ASSERT_FD(other, sys_map_create(BPF_MAP_TYPE_ARRAY, 4, 8, 2, 0));
	ASSERT_FD(wrong, sys_map_create(BPF_MAP_TYPE_ARRAY, 4, 16, 2, 0));
	/* same type and sizes, other max_entries: refused for arrays */
	ASSERT_FD(wrong2, sys_map_create(BPF_MAP_TYPE_ARRAY, 4, 8, 3, 0));
	ASSERT_FD(outer, create_outer(type, 4, inner));
	EXPECT_ERRNO(ENOENT, sys_map_lookup(outer, &key, &id, 0));
	val = other;
	ASSERT_OK(sys_map_update(outer, &key, &val, BPF_ANY));
	ASSERT_OK(sys_map_lookup(outer, &key, &id, 0));
	EXPECT_EQ(map_id_of(other), id);
	/* bad inner maps leave the slot alone */
	val = wrong;
	EXPECT_ERRNO(EINVAL, sys_map_update(outer, &key, &val, BPF_ANY));
	val = wrong2;
	EXPECT_ERRNO(EINVAL, sys_map_update(outer, &key, &val, BPF_ANY));
	val = 12345;
	EXPECT_ERRNO(EBADF, sys_map_update(outer, &key, &val, BPF_ANY));
	ASSERT_OK(sys_map_lookup(outer, &key, &id, 0));
	EXPECT_EQ(map_id_of(other), id);
	val = inner;
	if (type == BPF_MAP_TYPE_ARRAY_OF_MAPS) {
		EXPECT_ERRNO(EINVAL, sys_map_update(outer, &key, &val,
						    BPF_NOEXIST));
		key = 4;
		EXPECT_ERRNO(E2BIG, sys_map_update(outer, &key, &val, BPF_ANY));
		EXPECT_ERRNO(E2BIG, sys_map_delete(outer, &key));
	} else {
		EXPECT_ERRNO(EEXIST, sys_map_update(outer, &key, &val,
						    BPF_NOEXIST));
		key = 2;
		EXPECT_ERRNO(ENOENT, sys_map_update(outer, &key, &val,
						    BPF_EXIST));
		EXPECT_ERRNO(ENOTSUPP, sys_map_lookup_and_delete(outer, &key,
								 &id, 0));
	}
	/* the map stays alive in the outer map after its fd is closed */
	id = map_id_of(other);
	close(other);
	key = 1;
	ASSERT_OK(sys_map_lookup(outer, &key, &val, 0));
	EXPECT_EQ(id, val);
	ASSERT_OK(sys_map_delete(outer, &key));
	EXPECT_ERRNO(ENOENT, sys_map_delete(outer, &key));
	close(outer);
	close(wrong2);
	close(wrong);
	close(inner);
}

TEST(array_of_maps)
{
	store_and_read(_metadata, BPF_MAP_TYPE_ARRAY_OF_MAPS);
}

TEST(hash_of_maps)
{
	store_and_read(_metadata, BPF_MAP_TYPE_HASH_OF_MAPS);
}

/* outer[0] -> inner; inner[1] += 5 from a program */
static void prog_through(struct __test_metadata *_metadata, __u32 type)
{
	int inner, outer, prog;
	__u32 key = 0, val, ret;
	__u64 v;
	char log[8192];

	ASSERT_FD(inner, sys_map_create(BPF_MAP_TYPE_ARRAY, 4, 8, 2, 0));
	ASSERT_FD(outer, create_outer(type, 4, inner));
	val = inner;
	ASSERT_OK(sys_map_update(outer, &key, &val, BPF_ANY));
	struct bpf_insn insns[] = {
		BPF_ST_MEM(BPF_W, BPF_REG_10, -4, 0),
		BPF_MOV64_REG(BPF_REG_2, BPF_REG_10),
		BPF_ALU64_IMM(BPF_ADD, BPF_REG_2, -4),
		BPF_LD_MAP_FD_N(BPF_REG_1, outer),
		BPF_EMIT_CALL(BPF_FUNC_map_lookup_elem),
		BPF_JMP_IMM(BPF_JNE, BPF_REG_0, 0, 2),
		BPF_MOV64_IMM(BPF_REG_0, 100),
		BPF_EXIT_INSN(),
		/* r0 is the inner map now */
		BPF_MOV64_REG(BPF_REG_1, BPF_REG_0),
		BPF_ST_MEM(BPF_W, BPF_REG_10, -4, 1),
		BPF_MOV64_REG(BPF_REG_2, BPF_REG_10),
		BPF_ALU64_IMM(BPF_ADD, BPF_REG_2, -4),
		BPF_EMIT_CALL(BPF_FUNC_map_lookup_elem),
		BPF_JMP_IMM(BPF_JNE, BPF_REG_0, 0, 2),
		BPF_MOV64_IMM(BPF_REG_0, 101),
		BPF_EXIT_INSN(),
		BPF_MOV64_IMM(BPF_REG_1, 5),
		BPF_ATOMIC_OP(BPF_DW, BPF_ADD, BPF_REG_0, BPF_REG_1, 0),
		BPF_MOV64_IMM(BPF_REG_0, 1),
		BPF_EXIT_INSN(),
	};
	prog = prog_load_log(BPF_PROG_TYPE_SOCKET_FILTER, insns,
			     sizeof(insns) / sizeof(insns[0]), log, sizeof(log));
	ASSERT_LE(0, prog) TH_LOG("%s", log);
	ASSERT_OK(prog_run(prog, 3, &ret));
	EXPECT_EQ(1, ret);
	key = 1;
	ASSERT_OK(sys_map_lookup(inner, &key, &v, 0));
	EXPECT_EQ(15, v);
	key = 0;
	ASSERT_OK(sys_map_delete(outer, &key));
	ASSERT_OK(prog_run(prog, 1, &ret));
	EXPECT_EQ(100, ret);
	close(prog);

	/* reading the inner map as a value is refused */
	struct bpf_insn bad[] = {
		BPF_ST_MEM(BPF_W, BPF_REG_10, -4, 0),
		BPF_MOV64_REG(BPF_REG_2, BPF_REG_10),
		BPF_ALU64_IMM(BPF_ADD, BPF_REG_2, -4),
		BPF_LD_MAP_FD_N(BPF_REG_1, outer),
		BPF_EMIT_CALL(BPF_FUNC_map_lookup_elem),
		BPF_JMP_IMM(BPF_JEQ, BPF_REG_0, 0, 1),
		BPF_ST_MEM(BPF_DW, BPF_REG_0, 0, 1),
		BPF_MOV64_IMM(BPF_REG_0, 0),
		BPF_EXIT_INSN(),
	};
	EXPECT_ERRNO(EACCES, prog_load(BPF_PROG_TYPE_SOCKET_FILTER, bad,
				       sizeof(bad) / sizeof(bad[0])));
	close(outer);
	close(inner);
}

TEST(prog_array_of_maps)
{
	prog_through(_metadata, BPF_MAP_TYPE_ARRAY_OF_MAPS);
}

TEST(prog_hash_of_maps)
{
	prog_through(_metadata, BPF_MAP_TYPE_HASH_OF_MAPS);
}

TEST_HARNESS_MAIN
