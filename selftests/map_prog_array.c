// SPDX-License-Identifier: GPL-2.0
/*
 * PROG_ARRAY and bpf_tail_call(): programs stored by fd and read back by
 * ID, the 33 tail call limit, the one-program-type rule, and slots
 * replaced while programs run through them.
 */
#include <pthread.h>

#include <kselftest_harness.h>

#include "map_prog.h"

#define NSLOTS 4

static int ret_prog(int val)
{
	struct bpf_insn insns[] = {
		BPF_MOV64_IMM(BPF_REG_0, val),
		BPF_EXIT_INSN(),
	};

	return prog_load(BPF_PROG_TYPE_SOCKET_FILTER, insns, 2);
}

/* tail_call(ctx, parray, slot); return fallthrough */
static int caller_prog(int parray, int slot, int fallthrough)
{
	struct bpf_insn insns[] = {
		BPF_LD_MAP_FD_N(BPF_REG_2, parray),
		BPF_MOV64_IMM(BPF_REG_3, slot),
		BPF_EMIT_CALL(BPF_FUNC_tail_call),
		BPF_MOV64_IMM(BPF_REG_0, fallthrough),
		BPF_EXIT_INSN(),
	};

	return prog_load(BPF_PROG_TYPE_SOCKET_FILTER, insns,
			 sizeof(insns) / sizeof(insns[0]));
}

/*
 * The same, with the slot number from the context's cb[0] (0 in a test
 * run), which the verifier cannot know: Linux then jumps through the
 * array instead of patching a direct jump into its JITed code. Under
 * QEMU's TCG that patching races with a CPU running the code (an int3
 * of text_poke_bp() hit after the patch is done, a native oops), so
 * the replacement test uses this one.
 */
static int caller_prog_var(int parray, int fallthrough)
{
	struct bpf_insn insns[] = {
		BPF_LDX_MEM(BPF_W, BPF_REG_3, BPF_REG_1,
			    offsetof(struct __sk_buff, cb[0])),
		BPF_LD_MAP_FD_N(BPF_REG_2, parray),
		BPF_EMIT_CALL(BPF_FUNC_tail_call),
		BPF_MOV64_IMM(BPF_REG_0, fallthrough),
		BPF_EXIT_INSN(),
	};

	return prog_load(BPF_PROG_TYPE_SOCKET_FILTER, insns,
			 sizeof(insns) / sizeof(insns[0]));
}

static __u32 prog_id(int fd)
{
	struct bpf_prog_info info;
	__u32 len = sizeof(info);

	memset(&info, 0, sizeof(info));
	if (sys_obj_info(fd, &info, &len))
		return 0;
	return info.id;
}

TEST(create_checks)
{
	EXPECT_ERRNO(EINVAL, sys_map_create(BPF_MAP_TYPE_PROG_ARRAY, 4, 8,
					    NSLOTS, 0));
	EXPECT_ERRNO(EINVAL, sys_map_create(BPF_MAP_TYPE_PROG_ARRAY, 8, 4,
					    NSLOTS, 0));
	EXPECT_ERRNO(EINVAL, sys_map_create(BPF_MAP_TYPE_PROG_ARRAY, 4, 4,
					    0, 0));
	EXPECT_ERRNO(EINVAL, sys_map_create(BPF_MAP_TYPE_PROG_ARRAY, 4, 4,
					    NSLOTS, BPF_F_RDONLY_PROG));
	EXPECT_ERRNO(EINVAL, sys_map_create(BPF_MAP_TYPE_PROG_ARRAY, 4, 4,
					    NSLOTS, BPF_F_MMAPABLE));
}

TEST(store_by_fd_read_by_id)
{
	int pa, p1, m;
	__u32 key = 0, val, id;

	ASSERT_FD(pa, sys_map_create(BPF_MAP_TYPE_PROG_ARRAY, 4, 4, NSLOTS, 0));
	ASSERT_FD(p1, ret_prog(1));
	EXPECT_ERRNO(ENOENT, sys_map_lookup(pa, &key, &val, 0));
	val = p1;
	ASSERT_OK(sys_map_update(pa, &key, &val, BPF_ANY));
	id = 0;
	ASSERT_OK(sys_map_lookup(pa, &key, &id, 0));
	EXPECT_EQ(prog_id(p1), id);
	EXPECT_ERRNO(EINVAL, sys_map_update(pa, &key, &val, BPF_NOEXIST));
	EXPECT_ERRNO(EINVAL, sys_map_update(pa, &key, &val, BPF_EXIST));
	key = NSLOTS;
	EXPECT_ERRNO(E2BIG, sys_map_update(pa, &key, &val, BPF_ANY));
	EXPECT_ERRNO(E2BIG, sys_map_delete(pa, &key));
	EXPECT_ERRNO(ENOENT, sys_map_lookup(pa, &key, &id, 0));
	/* not a program: a map fd, a closed fd */
	key = 1;
	ASSERT_FD(m, sys_map_create(BPF_MAP_TYPE_ARRAY, 4, 4, 1, 0));
	val = m;
	EXPECT_ERRNO(EINVAL, sys_map_update(pa, &key, &val, BPF_ANY));
	val = 9999;
	EXPECT_ERRNO(EBADF, sys_map_update(pa, &key, &val, BPF_ANY));
	EXPECT_ERRNO(ENOENT, sys_map_lookup(pa, &key, &id, 0));
	/* the good slot survived the bad requests */
	key = 0;
	ASSERT_OK(sys_map_lookup(pa, &key, &id, 0));
	EXPECT_EQ(prog_id(p1), id);
	/* the array keeps the program after its fd is gone */
	id = prog_id(p1);
	close(p1);
	val = 0;
	ASSERT_OK(sys_map_lookup(pa, &key, &val, 0));
	EXPECT_EQ(id, val);
	ASSERT_OK(sys_map_delete(pa, &key));
	EXPECT_ERRNO(ENOENT, sys_map_delete(pa, &key));
	EXPECT_ERRNO(ENOENT, sys_map_lookup(pa, &key, &val, 0));
	ASSERT_OK(sys_map_next_key(pa, NULL, &key));
	EXPECT_EQ(0, key);
	close(m);
	close(pa);
}

TEST(tail_call_runs_target)
{
	int pa, p7, caller;
	__u32 key = 2, val, ret;

	ASSERT_FD(pa, sys_map_create(BPF_MAP_TYPE_PROG_ARRAY, 4, 4, NSLOTS, 0));
	ASSERT_FD(caller, caller_prog(pa, 2, 100));
	/* an empty slot falls through */
	ASSERT_OK(prog_run(caller, 1, &ret));
	EXPECT_EQ(100, ret);
	ASSERT_FD(p7, ret_prog(7));
	val = p7;
	ASSERT_OK(sys_map_update(pa, &key, &val, BPF_ANY));
	ASSERT_OK(prog_run(caller, 1, &ret));
	EXPECT_EQ(7, ret);
	close(caller);
	/* an index past the end falls through too */
	ASSERT_FD(caller, caller_prog(pa, NSLOTS + 3, 101));
	ASSERT_OK(prog_run(caller, 1, &ret));
	EXPECT_EQ(101, ret);
	close(caller);
	close(p7);
	close(pa);
}

TEST(limit_33)
{
	int pa, cnt, self;
	__u32 key = 0, val, ret;
	__u64 n = 0;

	ASSERT_FD(pa, sys_map_create(BPF_MAP_TYPE_PROG_ARRAY, 4, 4, 1, 0));
	ASSERT_FD(cnt, sys_map_create(BPF_MAP_TYPE_ARRAY, 4, 8, 1, 0));
	/* count the run, then tail-call slot 0: itself */
	struct bpf_insn prog[] = {
		BPF_MOV64_REG(BPF_REG_6, BPF_REG_1),
		BPF_ST_MEM(BPF_W, BPF_REG_10, -4, 0),
		BPF_MOV64_REG(BPF_REG_2, BPF_REG_10),
		BPF_ALU64_IMM(BPF_ADD, BPF_REG_2, -4),
		BPF_LD_MAP_FD_N(BPF_REG_1, cnt),
		BPF_EMIT_CALL(BPF_FUNC_map_lookup_elem),
		BPF_JMP_IMM(BPF_JEQ, BPF_REG_0, 0, 2),
		BPF_MOV64_IMM(BPF_REG_1, 1),
		BPF_ATOMIC_OP(BPF_DW, BPF_ADD, BPF_REG_0, BPF_REG_1, 0),
		BPF_MOV64_REG(BPF_REG_1, BPF_REG_6),
		BPF_LD_MAP_FD_N(BPF_REG_2, pa),
		BPF_MOV64_IMM(BPF_REG_3, 0),
		BPF_EMIT_CALL(BPF_FUNC_tail_call),
		BPF_MOV64_IMM(BPF_REG_0, 42),
		BPF_EXIT_INSN(),
	};
	ASSERT_FD(self, prog_load(BPF_PROG_TYPE_SOCKET_FILTER, prog,
				  sizeof(prog) / sizeof(prog[0])));
	val = self;
	ASSERT_OK(sys_map_update(pa, &key, &val, BPF_ANY));
	ASSERT_OK(prog_run(self, 1, &ret));
	EXPECT_EQ(42, ret);
	ASSERT_OK(sys_map_lookup(cnt, &key, &n, 0));
	/* the first run and 33 tail calls */
	EXPECT_EQ(34, n);
	close(self);
	close(cnt);
	close(pa);
}

TEST(one_program_type)
{
	int pa, sf, tp, caller;
	__u32 key = 0, val, id;
	char log[4096];

	struct bpf_insn ret0[] = {
		BPF_MOV64_IMM(BPF_REG_0, 0),
		BPF_EXIT_INSN(),
	};

	ASSERT_FD(pa, sys_map_create(BPF_MAP_TYPE_PROG_ARRAY, 4, 4, NSLOTS, 0));
	ASSERT_FD(sf, ret_prog(1));
	ASSERT_FD(tp, prog_load(BPF_PROG_TYPE_RAW_TRACEPOINT, ret0, 2));
	val = sf;
	ASSERT_OK(sys_map_update(pa, &key, &val, BPF_ANY));
	key = 1;
	val = tp;
	EXPECT_ERRNO(EINVAL, sys_map_update(pa, &key, &val, BPF_ANY));
	EXPECT_ERRNO(ENOENT, sys_map_lookup(pa, &key, &id, 0));
	/* a caller of another type cannot use the array either */
	struct bpf_insn call[] = {
		BPF_LD_MAP_FD_N(BPF_REG_2, pa),
		BPF_MOV64_IMM(BPF_REG_3, 0),
		BPF_EMIT_CALL(BPF_FUNC_tail_call),
		BPF_MOV64_IMM(BPF_REG_0, 0),
		BPF_EXIT_INSN(),
	};
	EXPECT_ERRNO(EINVAL, prog_load_log(BPF_PROG_TYPE_RAW_TRACEPOINT, call,
					   sizeof(call) / sizeof(call[0]),
					   log, sizeof(log)));
	ASSERT_FD(caller, prog_load(BPF_PROG_TYPE_SOCKET_FILTER, call,
				    sizeof(call) / sizeof(call[0])));
	key = 0;
	ASSERT_OK(sys_map_lookup(pa, &key, &id, 0));
	EXPECT_EQ(prog_id(sf), id);
	close(caller);
	close(tp);
	close(sf);
	close(pa);
}

TEST(verifier_rules)
{
	int pa, arr;
	char log[4096];

	ASSERT_FD(pa, sys_map_create(BPF_MAP_TYPE_PROG_ARRAY, 4, 4, NSLOTS, 0));
	ASSERT_FD(arr, sys_map_create(BPF_MAP_TYPE_ARRAY, 4, 4, NSLOTS, 0));
	/* a prog array cannot be looked into */
	struct bpf_insn lookup[] = {
		BPF_ST_MEM(BPF_W, BPF_REG_10, -4, 0),
		BPF_MOV64_REG(BPF_REG_2, BPF_REG_10),
		BPF_ALU64_IMM(BPF_ADD, BPF_REG_2, -4),
		BPF_LD_MAP_FD_N(BPF_REG_1, pa),
		BPF_EMIT_CALL(BPF_FUNC_map_lookup_elem),
		BPF_MOV64_IMM(BPF_REG_0, 0),
		BPF_EXIT_INSN(),
	};
	log[0] = 0;
	EXPECT_ERRNO(EINVAL, prog_load_log(BPF_PROG_TYPE_SOCKET_FILTER, lookup,
					   sizeof(lookup) / sizeof(lookup[0]),
					   log, sizeof(log)));
	EXPECT_NE(NULL, strstr(log, "cannot pass map_type 3 into func bpf_map_lookup_elem#1"));
	/* a tail call needs a prog array */
	struct bpf_insn call[] = {
		BPF_LD_MAP_FD_N(BPF_REG_2, arr),
		BPF_MOV64_IMM(BPF_REG_3, 0),
		BPF_EMIT_CALL(BPF_FUNC_tail_call),
		BPF_MOV64_IMM(BPF_REG_0, 0),
		BPF_EXIT_INSN(),
	};
	log[0] = 0;
	EXPECT_ERRNO(EINVAL, prog_load_log(BPF_PROG_TYPE_SOCKET_FILTER, call,
					   sizeof(call) / sizeof(call[0]),
					   log, sizeof(log)));
	/* Linux notices it while recording the call's key */
	EXPECT_NE(NULL, strstr(log, "kernel subsystem misconfigured verifier"));
	close(arr);
	close(pa);
}

struct runner {
	int prog;
	volatile int stop;
	int err;
	int bad;
};

static void *run_loop(void *p)
{
	struct runner *r = p;
	__u32 ret;

	while (!r->stop) {
		if (prog_run(r->prog, 50, &ret)) {
			r->err = errno;
			break;
		}
		if (ret != 1 && ret != 2 && ret != 100)
			r->bad++;
	}
	return NULL;
}

TEST(replace_while_running)
{
	int pa, p1, p2, caller, i;
	struct runner r = { 0 };
	pthread_t th;
	__u32 key = 0, val, ret;

	ASSERT_FD(pa, sys_map_create(BPF_MAP_TYPE_PROG_ARRAY, 4, 4, 1, 0));
	ASSERT_FD(caller, caller_prog_var(pa, 100));
	r.prog = caller;
	ASSERT_EQ(0, pthread_create(&th, NULL, run_loop, &r));
	for (i = 0; i < 300; i++) {
		/* fresh programs each time: the old ones die while in use */
		ASSERT_FD(p1, ret_prog(1));
		ASSERT_FD(p2, ret_prog(2));
		val = p1;
		ASSERT_OK(sys_map_update(pa, &key, &val, BPF_ANY));
		val = p2;
		ASSERT_OK(sys_map_update(pa, &key, &val, BPF_ANY));
		close(p1);
		close(p2);
		if (i % 3 == 0)
			ASSERT_OK(sys_map_delete(pa, &key));
	}
	r.stop = 1;
	pthread_join(th, NULL);
	EXPECT_EQ(0, r.err);
	EXPECT_EQ(0, r.bad);
	ASSERT_FD(p2, ret_prog(2));
	val = p2;
	ASSERT_OK(sys_map_update(pa, &key, &val, BPF_ANY));
	ASSERT_OK(prog_run(caller, 1, &ret));
	EXPECT_EQ(2, ret);
	close(p2);
	close(caller);
	close(pa);
}

TEST_HARNESS_MAIN
