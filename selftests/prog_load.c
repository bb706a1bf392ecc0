// SPDX-License-Identifier: GPL-2.0
/*
 * Programs through bpf(): BPF_PROG_LOAD and its checks, the verifier log
 * contract, program IDs and info, and BPF_PROG_TEST_RUN — the same
 * expectations natively and under xbpf.
 */
#include <fcntl.h>
#include <linux/bpf.h>

#include <kselftest_harness.h>

#include "xbpf_test.h"

#define offsetofend(t, m) (offsetof(t, m) + sizeof(((t *)0)->m))

#define INSN(c, d, s, o, i) ((struct bpf_insn){ c, d, s, o, i })
#define MOV64_IMM(d, i)	INSN(BPF_ALU64 | BPF_MOV | BPF_K, d, 0, 0, i)
#define MOV64_REG(d, s)	INSN(BPF_ALU64 | BPF_MOV | BPF_X, d, s, 0, 0)
#define ADD64_IMM(d, i)	INSN(BPF_ALU64 | BPF_ADD | BPF_K, d, 0, 0, i)
#define LDX_DW(d, s, o)	INSN(BPF_LDX | BPF_MEM | BPF_DW, d, s, o, 0)
#define LDX_W(d, s, o)	INSN(BPF_LDX | BPF_MEM | BPF_W, d, s, o, 0)
#define STX_DW(d, s, o)	INSN(BPF_STX | BPF_MEM | BPF_DW, d, s, o, 0)
#define ST_W(d, o, i)	INSN(BPF_ST | BPF_MEM | BPF_W, d, 0, o, i)
#define JEQ_IMM(d, i, o) INSN(BPF_JMP | BPF_JEQ | BPF_K, d, 0, o, i)
#define CALL(f)		INSN(BPF_JMP | BPF_CALL, 0, 0, 0, f)
#define EXIT		INSN(BPF_JMP | BPF_EXIT, 0, 0, 0, 0)
#define LD_MAP(d, fd)	INSN(BPF_LD | BPF_DW | BPF_IMM, d, BPF_PSEUDO_MAP_FD, 0, fd), \
			INSN(0, 0, 0, 0, 0)

/* The tag Linux computes for `r0 = 0; exit`: SHA-1 of the insns. */
static const __u8 trivial_tag[BPF_TAG_SIZE] = {
	0xa0, 0x4f, 0x5e, 0xef, 0x06, 0xa7, 0xf5, 0x55,
};

static const struct bpf_insn trivial[] = { MOV64_IMM(0, 0), EXIT };

static int load(__u32 type, const struct bpf_insn *insns, __u32 cnt,
		const char *license, char *log, __u32 log_size,
		__u32 log_level)
{
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.prog_type = type;
	attr.insns = ptr_to_u64(insns);
	attr.insn_cnt = cnt;
	attr.license = ptr_to_u64(license);
	attr.log_buf = ptr_to_u64(log);
	attr.log_size = log_size;
	attr.log_level = log_level;
	return sys_bpf(BPF_PROG_LOAD, &attr, sizeof(attr));
}

static int prog_info(int fd, struct bpf_prog_info *info)
{
	__u32 len = sizeof(*info);

	return sys_obj_info(fd, info, &len);
}

static int test_run(int fd, void *ctx, __u32 ctx_size, void *data,
		    __u32 data_size, __u32 *retval)
{
	union bpf_attr attr;
	int err;

	memset(&attr, 0, sizeof(attr));
	attr.test.prog_fd = fd;
	attr.test.ctx_in = ptr_to_u64(ctx);
	attr.test.ctx_size_in = ctx_size;
	attr.test.data_in = ptr_to_u64(data);
	attr.test.data_size_in = data_size;
	err = sys_bpf(BPF_PROG_TEST_RUN, &attr, sizeof(attr));
	*retval = attr.test.retval;
	return err;
}

TEST(trivial_program_object)
{
	struct bpf_prog_info info;
	char path[64], link[64], fdinfo[512];
	__u64 xlated[2];
	ssize_t n;
	int fd, f;

	fd = load(BPF_PROG_TYPE_SOCKET_FILTER, trivial, 2, "GPL", NULL, 0, 0);
	ASSERT_LE(3, fd) TH_LOG("load: %s", errno_str(errno));
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	n = readlink(path, link, sizeof(link) - 1);
	ASSERT_LT(0, n);
	link[n] = '\0';
	EXPECT_STREQ("anon_inode:bpf-prog", link);
	EXPECT_EQ(FD_CLOEXEC, fcntl(fd, F_GETFD));

	memset(&info, 0, sizeof(info));
	info.xlated_prog_len = sizeof(xlated);
	info.xlated_prog_insns = ptr_to_u64(xlated);
	ASSERT_EQ(0, prog_info(fd, &info));
	EXPECT_EQ(BPF_PROG_TYPE_SOCKET_FILTER, info.type);
	EXPECT_LT(0, info.id);
	EXPECT_EQ(0, memcmp(trivial_tag, info.tag, BPF_TAG_SIZE));
	EXPECT_EQ(sizeof(trivial), info.xlated_prog_len);
	EXPECT_EQ(0, memcmp(trivial, xlated, sizeof(trivial)));
	EXPECT_EQ(2, info.verified_insns);
	EXPECT_EQ(1, (int)info.gpl_compatible);
	EXPECT_EQ(getuid(), info.created_by_uid);
	EXPECT_LT(0, info.load_time);

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	f = open(path, O_RDONLY);
	ASSERT_LE(0, f);
	n = read(f, fdinfo, sizeof(fdinfo) - 1);
	close(f);
	ASSERT_LT(0, n);
	fdinfo[n] = '\0';
	EXPECT_NE(NULL, strstr(fdinfo, "prog_type:\t1\n"));
	EXPECT_NE(NULL, strstr(fdinfo, "prog_tag:\ta04f5eef06a7f555\n"));
	EXPECT_NE(NULL, strstr(fdinfo, "prog_id:\t"));
	EXPECT_NE(NULL, strstr(fdinfo, "run_cnt:\t"));
	close(fd);
}

TEST(ids_follow_lifetime)
{
	struct bpf_prog_info info;
	union bpf_attr attr;
	__u32 id, next = 0;
	bool found = false;
	int fd, fd2;

	fd = load(BPF_PROG_TYPE_SOCKET_FILTER, trivial, 2, "GPL", NULL, 0, 0);
	ASSERT_LE(3, fd);
	memset(&info, 0, sizeof(info));
	ASSERT_EQ(0, prog_info(fd, &info));
	id = info.id;
	for (;;) {
		memset(&attr, 0, sizeof(attr));
		attr.start_id = next;
		if (sys_bpf(BPF_PROG_GET_NEXT_ID, &attr, sizeof(attr)))
			break;
		EXPECT_LT(next, attr.next_id);
		next = attr.next_id;
		found |= next == id;
	}
	EXPECT_EQ(ENOENT, errno);
	EXPECT_TRUE(found);

	memset(&attr, 0, sizeof(attr));
	attr.prog_id = id;
	fd2 = sys_bpf(BPF_PROG_GET_FD_BY_ID, &attr, sizeof(attr));
	ASSERT_LE(3, fd2);
	memset(&info, 0, sizeof(info));
	ASSERT_EQ(0, prog_info(fd2, &info));
	EXPECT_EQ(id, info.id);
	close(fd);
	close(fd2);
	/* the last reference is gone: so is the ID */
	memset(&attr, 0, sizeof(attr));
	attr.prog_id = id;
	EXPECT_EQ(-1, sys_bpf(BPF_PROG_GET_FD_BY_ID, &attr, sizeof(attr)));
	EXPECT_EQ(ENOENT, errno);
}

TEST(load_argument_errors)
{
	struct bpf_insn big[2] = { MOV64_IMM(0, 0), EXIT };
	union bpf_attr attr;

	errno = 0;
	EXPECT_EQ(-1, load(BPF_PROG_TYPE_SOCKET_FILTER, trivial, 0, "GPL",
			   NULL, 0, 0));
	EXPECT_EQ(E2BIG, errno);
	EXPECT_EQ(-1, load(BPF_PROG_TYPE_SOCKET_FILTER, big, 1000001, "GPL",
			   NULL, 0, 0));
	EXPECT_EQ(E2BIG, errno);
	EXPECT_EQ(-1, load(9999, trivial, 2, "GPL", NULL, 0, 0));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, load(BPF_PROG_TYPE_SOCKET_FILTER, (void *)8, 2, "GPL",
			   NULL, 0, 0));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_EQ(-1, load(BPF_PROG_TYPE_SOCKET_FILTER, trivial, 2,
			   (void *)8, NULL, 0, 0));
	EXPECT_EQ(EFAULT, errno);

	memset(&attr, 0, sizeof(attr));
	attr.prog_type = BPF_PROG_TYPE_SOCKET_FILTER;
	attr.insns = ptr_to_u64(trivial);
	attr.insn_cnt = 2;
	attr.license = ptr_to_u64("GPL");
	strcpy(attr.prog_name, "bad-name");
	EXPECT_EQ(-1, sys_bpf(BPF_PROG_LOAD, &attr, sizeof(attr)));
	EXPECT_EQ(EINVAL, errno);
	memset(attr.prog_name, 0, sizeof(attr.prog_name));
	attr.prog_flags = 1U << 30;
	EXPECT_EQ(-1, sys_bpf(BPF_PROG_LOAD, &attr, sizeof(attr)));
	EXPECT_EQ(EINVAL, errno);
	attr.prog_flags = 0;
	/* a field past the command's last one */
	((char *)&attr)[offsetofend(union bpf_attr, core_relo_rec_size)] = 1;
	EXPECT_EQ(-1, sys_bpf(BPF_PROG_LOAD, &attr, sizeof(attr)));
	EXPECT_EQ(EINVAL, errno);
}

TEST(log_contract)
{
	struct bpf_insn bad[16];
	char log[4096];
	int fd, i;

	/* the verifier's summary on success at level 1 */
	memset(log, 'x', sizeof(log));
	fd = load(BPF_PROG_TYPE_SOCKET_FILTER, trivial, 2, "GPL", log,
		  sizeof(log), 1);
	ASSERT_LE(3, fd);
	EXPECT_NE(NULL, strstr(log, "processed 2 insns")) TH_LOG("%s", log);
	close(fd);

	/* sizes and levels outside the contract */
	EXPECT_EQ(-1, load(BPF_PROG_TYPE_SOCKET_FILTER, trivial, 2, "GPL",
			   log, 127, 1));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, load(BPF_PROG_TYPE_SOCKET_FILTER, trivial, 2, "GPL",
			   NULL, sizeof(log), 1));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, load(BPF_PROG_TYPE_SOCKET_FILTER, trivial, 2, "GPL",
			   log, sizeof(log), 8));
	EXPECT_EQ(EINVAL, errno);

	/* a rejection explains itself */
	bad[0] = EXIT;
	memset(log, 0, sizeof(log));
	EXPECT_EQ(-1, load(BPF_PROG_TYPE_SOCKET_FILTER, bad, 1, "GPL", log,
			   sizeof(log), 1));
	EXPECT_EQ(EACCES, errno);
	EXPECT_NE(NULL, strstr(log, "R0 !read_ok")) TH_LOG("%s", log);

	/* a log that does not fit: ENOSPC, truncated and terminated */
	for (i = 0; i < 15; i++)
		bad[i] = MOV64_IMM(i % 9 + 1, i);
	bad[15] = EXIT;
	memset(log, 'x', sizeof(log));
	EXPECT_EQ(-1, load(BPF_PROG_TYPE_SOCKET_FILTER, bad, 16, "GPL", log,
			   128, 2));
	EXPECT_EQ(ENOSPC, errno);
	EXPECT_EQ('\0', log[127]);
	EXPECT_EQ(127, strlen(log));
	EXPECT_EQ('x', log[128]);
}

TEST(raw_tracepoint_test_run_and_maps)
{
	/* *(u64 *)map[0] = ctx[0] + 1; return ctx[0] */
	__u32 key = 0, retval = 0;
	__u64 ctx[2] = { 41, 0 }, value = 0;
	int map, fd;
	struct bpf_insn prog[] = {
		LDX_DW(6, 1, 0),
		ST_W(10, -4, 0),
		MOV64_REG(2, 10),
		ADD64_IMM(2, -4),
		LD_MAP(1, 0),
		CALL(BPF_FUNC_map_lookup_elem),
		JEQ_IMM(0, 0, 3),
		MOV64_REG(1, 6),
		ADD64_IMM(1, 1),
		STX_DW(0, 1, 0),
		MOV64_REG(0, 6),
		EXIT,
	};

	map = sys_map_create(BPF_MAP_TYPE_ARRAY, 4, 8, 1, 0);
	ASSERT_LE(3, map);
	prog[4].imm = map;
	fd = load(BPF_PROG_TYPE_RAW_TRACEPOINT, prog, ARRAY_SIZE(prog), "GPL",
		  NULL, 0, 0);
	ASSERT_LE(3, fd) TH_LOG("load: %s", errno_str(errno));
	ASSERT_EQ(0, test_run(fd, ctx, sizeof(ctx), NULL, 0, &retval))
		TH_LOG("test_run: %s", errno_str(errno));
	EXPECT_EQ(41, retval);
	ASSERT_EQ(0, sys_map_lookup(map, &key, &value, 0));
	EXPECT_EQ(42, value);

	/* the context must cover what the program reads */
	EXPECT_EQ(-1, test_run(fd, ctx, 4, NULL, 0, &retval));
	EXPECT_EQ(EINVAL, errno);
	close(fd);
	close(map);
}

TEST(kprobe_test_run)
{
	/* return the probed function's first argument, regs->di */
	struct bpf_insn prog[] = { LDX_DW(0, 1, 112), EXIT };
	__u64 regs[21];
	__u32 retval = 0;
	int fd;

	memset(regs, 0, sizeof(regs));
	regs[14] = 4242;	/* di, the 15th word of x86-64 pt_regs */
	fd = load(BPF_PROG_TYPE_KPROBE, prog, 2, "GPL", NULL, 0, 0);
	ASSERT_LE(3, fd) TH_LOG("load: %s", errno_str(errno));
	/* no context to run on: Linux has no kprobe test run at all */
	EXPECT_EQ(-1, test_run(fd, NULL, 0, NULL, 0, &retval));
	EXPECT_EQ(ENOTSUPP, errno);
	if (running_under_xbpf()) {
		/*
		 * Deliberately beyond Linux: xbpf runs tracing programs on
		 * a context the caller supplies, so they can be unit-tested.
		 */
		ASSERT_EQ(0, test_run(fd, regs, sizeof(regs), NULL, 0,
				      &retval))
			TH_LOG("test_run: %s", errno_str(errno));
		EXPECT_EQ(4242, retval);
		/* the context must cover what the program reads */
		EXPECT_EQ(-1, test_run(fd, regs, 64, NULL, 0, &retval));
		EXPECT_EQ(EINVAL, errno);
	} else {
		EXPECT_EQ(-1, test_run(fd, regs, sizeof(regs), NULL, 0,
				       &retval));
		EXPECT_EQ(ENOTSUPP, errno);
	}
	close(fd);
}

TEST(socket_filter_test_run)
{
	/* return skb->len */
	struct bpf_insn prog[] = { LDX_W(0, 1, 0), EXIT };
	__u8 pkt[64];
	__u32 retval = 0;
	int fd;

	memset(pkt, 0, sizeof(pkt));
	pkt[12] = 0x08;	/* ETH_P_IP */
	fd = load(BPF_PROG_TYPE_SOCKET_FILTER, prog, 2, "GPL", NULL, 0, 0);
	ASSERT_LE(3, fd) TH_LOG("load: %s", errno_str(errno));
	ASSERT_EQ(0, test_run(fd, NULL, 0, pkt, sizeof(pkt), &retval))
		TH_LOG("test_run: %s", errno_str(errno));
	/* socket filters see the packet after the Ethernet header */
	EXPECT_EQ(sizeof(pkt) - 14, retval);
	close(fd);
}

TEST_HARNESS_MAIN
