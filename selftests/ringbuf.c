// SPDX-License-Identifier: GPL-2.0
/*
 * BPF_MAP_TYPE_RINGBUF: creation rules, the commands it refuses, its
 * mmap() layout and permissions, records written by programs (reserve,
 * submit, discard, output, query) read back through the mapping as
 * libbpf reads them, poll wakeups, the verifier's reference tracking of
 * reservations, and many CPUs producing while userspace consumes.
 * Programs are socket filters run by BPF_PROG_TEST_RUN, as Linux allows.
 */
#include <pthread.h>
#include <sched.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <linux/bpf.h>

#include <kselftest_harness.h>

#include "xbpf_test.h"

#define INSN(c, d, s, o, i) ((struct bpf_insn){ c, d, s, o, i })
#define MOV64_IMM(d, i)	INSN(BPF_ALU64 | BPF_MOV | BPF_K, d, 0, 0, i)
#define MOV64_REG(d, s)	INSN(BPF_ALU64 | BPF_MOV | BPF_X, d, s, 0, 0)
#define ADD64_IMM(d, i)	INSN(BPF_ALU64 | BPF_ADD | BPF_K, d, 0, 0, i)
#define ADD64_REG(d, s)	INSN(BPF_ALU64 | BPF_ADD | BPF_X, d, s, 0, 0)
#define XOR64_IMM(d, i)	INSN(BPF_ALU64 | BPF_XOR | BPF_K, d, 0, 0, i)
#define MUL64_IMM(d, i)	INSN(BPF_ALU64 | BPF_MUL | BPF_K, d, 0, 0, i)
#define LDX_W(d, s, o)	INSN(BPF_LDX | BPF_MEM | BPF_W, d, s, o, 0)
#define STX_DW(d, s, o)	INSN(BPF_STX | BPF_MEM | BPF_DW, d, s, o, 0)
#define ST_DW(d, o, i)	INSN(BPF_ST | BPF_MEM | BPF_DW, d, 0, o, i)
#define ST_W(d, o, i)	INSN(BPF_ST | BPF_MEM | BPF_W, d, 0, o, i)
#define ATOMIC_ADD(d, s, o, fetch) \
	INSN(BPF_STX | BPF_DW | BPF_ATOMIC, d, s, o, BPF_ADD | (fetch))
#define JEQ_IMM(d, i, o) INSN(BPF_JMP | BPF_JEQ | BPF_K, d, 0, o, i)
#define JNE_IMM(d, i, o) INSN(BPF_JMP | BPF_JNE | BPF_K, d, 0, o, i)
#define CALL(f)		INSN(BPF_JMP | BPF_CALL, 0, 0, 0, f)
#define EXIT		INSN(BPF_JMP | BPF_EXIT, 0, 0, 0, 0)
#define LD_MAP(d, fd)	INSN(BPF_LD | BPF_DW | BPF_IMM, d, BPF_PSEUDO_MAP_FD, 0, fd), \
			INSN(0, 0, 0, 0, 0)

#define RB_SIZE		(16 * 4096)

static char log_buf[65536];

static int load(const struct bpf_insn *insns, __u32 cnt)
{
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.prog_type = BPF_PROG_TYPE_SOCKET_FILTER;
	attr.insns = ptr_to_u64(insns);
	attr.insn_cnt = cnt;
	attr.license = ptr_to_u64("GPL");
	attr.log_buf = ptr_to_u64(log_buf);
	attr.log_size = sizeof(log_buf);
	attr.log_level = 1;
	log_buf[0] = '\0';
	return sys_bpf(BPF_PROG_LOAD, &attr, sizeof(attr));
}

static int run(int fd, __u32 repeat, __u32 *retval)
{
	static __thread __u8 pkt[64];
	union bpf_attr attr;
	int err;

	memset(&attr, 0, sizeof(attr));
	attr.test.prog_fd = fd;
	attr.test.data_in = ptr_to_u64(pkt);
	attr.test.data_size_in = sizeof(pkt);
	attr.test.repeat = repeat;
	err = sys_bpf(BPF_PROG_TEST_RUN, &attr, sizeof(attr));
	*retval = attr.test.retval;
	return err;
}

/* Point every LD_MAP at fd (imm -1 marks them). */
static void fix_maps(struct bpf_insn *insns, int cnt, int fd)
{
	int i;

	for (i = 0; i < cnt; i++)
		if (insns[i].code == (BPF_LD | BPF_DW | BPF_IMM) &&
		    insns[i].src_reg == BPF_PSEUDO_MAP_FD && insns[i].imm == -1)
			insns[i].imm = fd;
}

TEST(create_rules)
{
	int fd;

	fd = sys_map_create(BPF_MAP_TYPE_RINGBUF, 0, 0, RB_SIZE, 0);
	ASSERT_LE(3, fd) TH_LOG("%s", errno_str(errno));
	close(fd);
	fd = sys_map_create(BPF_MAP_TYPE_RINGBUF, 0, 0, 4096, BPF_F_NUMA_NODE);
	ASSERT_LE(3, fd) TH_LOG("%s", errno_str(errno));
	close(fd);

	/* no keys or values; a power-of-two number of pages */
	EXPECT_EQ(-1, sys_map_create(BPF_MAP_TYPE_RINGBUF, 4, 0, RB_SIZE, 0));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, sys_map_create(BPF_MAP_TYPE_RINGBUF, 0, 8, RB_SIZE, 0));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, sys_map_create(BPF_MAP_TYPE_RINGBUF, 0, 0, 3 * 4096, 0));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, sys_map_create(BPF_MAP_TYPE_RINGBUF, 0, 0, 2048, 0));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, sys_map_create(BPF_MAP_TYPE_RINGBUF, 0, 0, 0, 0));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, sys_map_create(BPF_MAP_TYPE_RINGBUF, 0, 0, RB_SIZE,
				     BPF_F_NO_PREALLOC));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, sys_map_create(BPF_MAP_TYPE_RINGBUF, 0, 0, RB_SIZE,
				     BPF_F_RDONLY_PROG));
	EXPECT_EQ(EINVAL, errno);
}

TEST(no_element_commands)
{
	char buf[8];
	int fd;

	fd = sys_map_create(BPF_MAP_TYPE_RINGBUF, 0, 0, RB_SIZE, 0);
	ASSERT_LE(3, fd);
	EXPECT_EQ(-1, sys_map_lookup(fd, NULL, buf, 0));
	EXPECT_EQ(ENOTSUPP, errno);
	EXPECT_EQ(-1, sys_map_next_key(fd, NULL, buf));
	EXPECT_EQ(ENOTSUPP, errno);
	/* a key where there are none */
	EXPECT_EQ(-1, sys_map_lookup(fd, buf, buf, 0));
	EXPECT_EQ(EINVAL, errno);
	close(fd);
}

TEST(mmap_layout_and_permissions)
{
	void *cons, *prod, *p;
	int fd;

	fd = sys_map_create(BPF_MAP_TYPE_RINGBUF, 0, 0, RB_SIZE, 0);
	ASSERT_LE(3, fd);
	/* what libbpf maps: the consumer page rw, then the rest ro */
	cons = mmap(NULL, PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	ASSERT_NE(MAP_FAILED, cons) TH_LOG("%s", errno_str(errno));
	prod = mmap(NULL, PAGE_SIZE + 2 * RB_SIZE, PROT_READ, MAP_SHARED, fd,
		    PAGE_SIZE);
	ASSERT_NE(MAP_FAILED, prod) TH_LOG("%s", errno_str(errno));
	EXPECT_EQ(0, *(unsigned long *)cons);
	EXPECT_EQ(0, *(unsigned long *)prod);
	*(unsigned long *)cons = 0;

	/* only the consumer page can be written */
	p = mmap(NULL, PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
		 PAGE_SIZE);
	EXPECT_EQ(MAP_FAILED, p);
	EXPECT_EQ(EPERM, errno);
	p = mmap(NULL, 2 * PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
		 0);
	EXPECT_EQ(MAP_FAILED, p);
	EXPECT_EQ(EPERM, errno);
	/* nor made writable later */
	EXPECT_EQ(-1, mprotect(prod, PAGE_SIZE, PROT_READ | PROT_WRITE));
	EXPECT_EQ(EACCES, errno);
	/* nothing past the double mapping of the data */
	p = mmap(NULL, 3 * PAGE_SIZE + 2 * RB_SIZE, PROT_READ, MAP_SHARED, fd,
		 0);
	EXPECT_EQ(MAP_FAILED, p);
	EXPECT_EQ(EINVAL, errno);

	munmap(prod, PAGE_SIZE + 2 * RB_SIZE);
	munmap(cons, PAGE_SIZE);
	close(fd);
}

/* A consumer reading the mapping the way libbpf's ring_buffer does. */
struct reader {
	unsigned long *cons_pos;
	unsigned long *prod_pos;
	__u8 *data;
	unsigned long mask;
};

static int reader_open(struct reader *r, int fd, unsigned long size)
{
	void *p;

	p = mmap(NULL, PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED)
		return -1;
	r->cons_pos = p;
	p = mmap(NULL, PAGE_SIZE + 2 * size, PROT_READ, MAP_SHARED, fd,
		 PAGE_SIZE);
	if (p == MAP_FAILED)
		return -1;
	r->prod_pos = p;
	r->data = (__u8 *)p + PAGE_SIZE;
	r->mask = size - 1;
	return 0;
}

/*
 * Hand each committed record to fn (discarded ones with discard set);
 * stop at the first one still being written. Returns how many.
 */
static int reader_consume(struct reader *r,
			  void (*fn)(void *ctx, void *rec, __u32 len,
				     int discard),
			  void *ctx)
{
	unsigned long cons, prod;
	int n = 0;

	cons = __atomic_load_n(r->cons_pos, __ATOMIC_ACQUIRE);
	prod = __atomic_load_n(r->prod_pos, __ATOMIC_ACQUIRE);
	while (cons < prod) {
		__u32 *hdr = (__u32 *)(r->data + (cons & r->mask));
		__u32 len = __atomic_load_n(hdr, __ATOMIC_ACQUIRE);

		if (len & BPF_RINGBUF_BUSY_BIT)
			break;
		fn(ctx, hdr + 2, len & ~BPF_RINGBUF_DISCARD_BIT,
		   !!(len & BPF_RINGBUF_DISCARD_BIT));
		cons += ((len & ~BPF_RINGBUF_DISCARD_BIT) +
			 BPF_RINGBUF_HDR_SZ + 7) & ~7UL;
		__atomic_store_n(r->cons_pos, cons, __ATOMIC_RELEASE);
		n++;
	}
	return n;
}

struct seen {
	int n;
	__u32 len[8];
	int discard[8];
	__u64 first[8];
};

static void collect(void *ctx, void *rec, __u32 len, int discard)
{
	struct seen *s = ctx;

	if (s->n < 8) {
		s->len[s->n] = len;
		s->discard[s->n] = discard;
		s->first[s->n] = *(__u64 *)rec;
	}
	s->n++;
}

/*
 * reserve 16 + submit, output 8 from the stack, reserve 8 + discard;
 * returns query(AVAIL_DATA) + output's result.
 */
static struct bpf_insn basic_prog[] = {
	LD_MAP(1, -1),
	MOV64_IMM(2, 16),
	MOV64_IMM(3, 0),
	CALL(BPF_FUNC_ringbuf_reserve),
	JEQ_IMM(0, 0, 30),
	ST_DW(0, 0, 0x1111),
	ST_DW(0, 8, 0x2222),
	MOV64_REG(1, 0),
	MOV64_IMM(2, 0),
	CALL(BPF_FUNC_ringbuf_submit),
	ST_DW(10, -8, 0x3333),
	LD_MAP(1, -1),
	MOV64_REG(2, 10),
	ADD64_IMM(2, -8),
	MOV64_IMM(3, 8),
	MOV64_IMM(4, 0),
	CALL(BPF_FUNC_ringbuf_output),
	MOV64_REG(7, 0),
	LD_MAP(1, -1),
	MOV64_IMM(2, 8),
	MOV64_IMM(3, 0),
	CALL(BPF_FUNC_ringbuf_reserve),
	JEQ_IMM(0, 0, 10),
	ST_DW(0, 0, 0x4444),
	MOV64_REG(1, 0),
	MOV64_IMM(2, 0),
	CALL(BPF_FUNC_ringbuf_discard),
	LD_MAP(1, -1),
	MOV64_IMM(2, BPF_RB_AVAIL_DATA),
	CALL(BPF_FUNC_ringbuf_query),
	ADD64_REG(0, 7),
	EXIT,
	MOV64_IMM(0, 1),
	EXIT,
};

TEST(records_from_a_program)
{
	struct bpf_insn prog[ARRAY_SIZE(basic_prog)];
	struct reader r;
	struct seen s;
	__u32 retval = 0;
	int map, fd;

	map = sys_map_create(BPF_MAP_TYPE_RINGBUF, 0, 0, RB_SIZE, 0);
	ASSERT_LE(3, map);
	ASSERT_EQ(0, reader_open(&r, map, RB_SIZE));
	memcpy(prog, basic_prog, sizeof(prog));
	fix_maps(prog, ARRAY_SIZE(prog), map);
	fd = load(prog, ARRAY_SIZE(prog));
	ASSERT_LE(3, fd) TH_LOG("%s\n%s", errno_str(errno), log_buf);

	ASSERT_EQ(0, run(fd, 1, &retval)) TH_LOG("%s", errno_str(errno));
	/* 8 + 16, 8 + 8, 8 + 8: the discarded record still takes room */
	EXPECT_EQ(56, retval);
	EXPECT_EQ(56, *r.prod_pos);

	memset(&s, 0, sizeof(s));
	EXPECT_EQ(3, reader_consume(&r, collect, &s));
	EXPECT_EQ(16, s.len[0]);
	EXPECT_EQ(0, s.discard[0]);
	EXPECT_EQ(0x1111, s.first[0]);
	EXPECT_EQ(8, s.len[1]);
	EXPECT_EQ(0, s.discard[1]);
	EXPECT_EQ(0x3333, s.first[1]);
	EXPECT_EQ(8, s.len[2]);
	EXPECT_EQ(1, s.discard[2]);
	EXPECT_EQ(0x4444, s.first[2]);
	EXPECT_EQ(56, *r.cons_pos);

	/* records wrap around the end and read contiguously */
	for (int i = 0; i < 2000; i++) {
		ASSERT_EQ(0, run(fd, 1, &retval));
		ASSERT_EQ(56, retval);
		memset(&s, 0, sizeof(s));
		ASSERT_EQ(3, reader_consume(&r, collect, &s));
		ASSERT_EQ(0x1111, s.first[0]);
		ASSERT_EQ(0x3333, s.first[1]);
		ASSERT_EQ(0x4444, s.first[2]);
	}
	close(fd);
	close(map);
}

/* Without a consumer the ring fills: reserve gives NULL, output -EAGAIN. */
TEST(full_ring)
{
	struct bpf_insn prog[ARRAY_SIZE(basic_prog)];
	__u32 retval = 0;
	int map, fd, i;

	map = sys_map_create(BPF_MAP_TYPE_RINGBUF, 0, 0, 4096, 0);
	ASSERT_LE(3, map);
	memcpy(prog, basic_prog, sizeof(prog));
	fix_maps(prog, ARRAY_SIZE(prog), map);
	fd = load(prog, ARRAY_SIZE(prog));
	ASSERT_LE(3, fd) TH_LOG("%s\n%s", errno_str(errno), log_buf);
	/* 56 bytes a run: 73 runs fit in 4095 */
	for (i = 0; i < 73; i++) {
		ASSERT_EQ(0, run(fd, 1, &retval));
		ASSERT_EQ(56 * (i + 1), retval);
	}
	/* the first reservation fails: the program returns 1 */
	ASSERT_EQ(0, run(fd, 1, &retval));
	EXPECT_EQ(1, retval);
	close(fd);
	close(map);
}

static void *wait_readable(void *arg)
{
	struct epoll_event ev;
	int ep = *(int *)arg;

	return (void *)(long)epoll_wait(ep, &ev, 1, 20000);
}

TEST(poll_wakeup)
{
	struct bpf_insn prog[ARRAY_SIZE(basic_prog)];
	struct epoll_event ev = { .events = EPOLLIN };
	pthread_t waiter;
	__u32 retval;
	void *res;
	int map, fd, ep;

	map = sys_map_create(BPF_MAP_TYPE_RINGBUF, 0, 0, RB_SIZE, 0);
	ASSERT_LE(3, map);
	memcpy(prog, basic_prog, sizeof(prog));
	fix_maps(prog, ARRAY_SIZE(prog), map);
	fd = load(prog, ARRAY_SIZE(prog));
	ASSERT_LE(3, fd) TH_LOG("%s\n%s", errno_str(errno), log_buf);
	ep = epoll_create1(0);
	ASSERT_LE(0, ep);
	ASSERT_EQ(0, epoll_ctl(ep, EPOLL_CTL_ADD, map, &ev));
	/* empty: nothing to read */
	EXPECT_EQ(0, epoll_wait(ep, &ev, 1, 0));

	ASSERT_EQ(0, pthread_create(&waiter, NULL, wait_readable, &ep));
	usleep(200000);
	ASSERT_EQ(0, run(fd, 1, &retval));
	ASSERT_EQ(0, pthread_join(waiter, &res));
	EXPECT_EQ(1, (long)res);
	close(ep);
	close(fd);
	close(map);
}

struct reject {
	const char *name;
	struct bpf_insn insns[16];
	int cnt;
	int err;
	const char *msg;
	int map_type;		/* 0: a ring buffer */
};

static const struct reject rejects[] = {
	{
		"reservation never released",
		{ LD_MAP(1, -1), MOV64_IMM(2, 8), MOV64_IMM(3, 0),
		  CALL(BPF_FUNC_ringbuf_reserve), JEQ_IMM(0, 0, 1),
		  MOV64_IMM(0, 0), EXIT },
		8, EINVAL, "Unreleased reference id=", 0,
	}, {
		"submit without a NULL check",
		{ LD_MAP(1, -1), MOV64_IMM(2, 8), MOV64_IMM(3, 0),
		  CALL(BPF_FUNC_ringbuf_reserve), MOV64_REG(1, 0),
		  MOV64_IMM(2, 0), CALL(BPF_FUNC_ringbuf_submit),
		  MOV64_IMM(0, 0), EXIT },
		10, EACCES, "R1 type=alloc_mem_or_null expected=alloc_mem\n", 0,
	}, {
		"write past the reservation",
		{ LD_MAP(1, -1), MOV64_IMM(2, 16), MOV64_IMM(3, 0),
		  CALL(BPF_FUNC_ringbuf_reserve), JEQ_IMM(0, 0, 4),
		  ST_DW(0, 16, 1), MOV64_REG(1, 0), MOV64_IMM(2, 0),
		  CALL(BPF_FUNC_ringbuf_submit), MOV64_IMM(0, 0), EXIT },
		12, EACCES, "invalid access to memory, mem_size=16 off=16 size=8\n", 0,
	}, {
		"use after submit",
		{ LD_MAP(1, -1), MOV64_IMM(2, 16), MOV64_IMM(3, 0),
		  CALL(BPF_FUNC_ringbuf_reserve), JEQ_IMM(0, 0, 5),
		  MOV64_REG(6, 0), MOV64_REG(1, 0), MOV64_IMM(2, 0),
		  CALL(BPF_FUNC_ringbuf_submit), ST_DW(6, 0, 1),
		  MOV64_IMM(0, 0), EXIT },
		13, EACCES, "R6 invalid mem access 'scalar'\n", 0,
	}, {
		"submit twice",
		{ LD_MAP(1, -1), MOV64_IMM(2, 16), MOV64_IMM(3, 0),
		  CALL(BPF_FUNC_ringbuf_reserve), JEQ_IMM(0, 0, 7),
		  MOV64_REG(6, 0), MOV64_REG(1, 0), MOV64_IMM(2, 0),
		  CALL(BPF_FUNC_ringbuf_submit), MOV64_REG(1, 6),
		  MOV64_IMM(2, 0), CALL(BPF_FUNC_ringbuf_submit),
		  MOV64_IMM(0, 0), EXIT },
		15, EACCES, "R1 type=scalar expected=alloc_mem\n", 0,
	}, {
		"size not a constant",
		{ LDX_W(2, 1, 0), LD_MAP(1, -1), MOV64_IMM(3, 0),
		  CALL(BPF_FUNC_ringbuf_reserve), JEQ_IMM(0, 0, 3),
		  MOV64_REG(1, 0), MOV64_IMM(2, 0),
		  CALL(BPF_FUNC_ringbuf_discard), MOV64_IMM(0, 0), EXIT },
		11, EACCES, "R2 is not a known constant'\n", 0,
	}, {
		"submit a stack pointer",
		{ MOV64_REG(1, 10), ADD64_IMM(1, -8), MOV64_IMM(2, 0),
		  CALL(BPF_FUNC_ringbuf_submit), MOV64_IMM(0, 0), EXIT },
		6, EACCES, "R1 type=fp expected=alloc_mem\n", 0,
	}, {
		"reserve from an array",
		{ LD_MAP(1, -1), MOV64_IMM(2, 8), MOV64_IMM(3, 0),
		  CALL(BPF_FUNC_ringbuf_reserve), JEQ_IMM(0, 0, 3),
		  MOV64_REG(1, 0), MOV64_IMM(2, 0),
		  CALL(BPF_FUNC_ringbuf_discard), MOV64_IMM(0, 0), EXIT },
		11, EINVAL, "cannot pass map_type 2 into func bpf_ringbuf_reserve#131\n",
		BPF_MAP_TYPE_ARRAY,
	},
};

TEST(verifier_rejects)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(rejects); i++) {
		const struct reject *t = &rejects[i];
		struct bpf_insn prog[16];
		int map, fd;

		if (t->map_type)
			map = sys_map_create(t->map_type, 4, 8, 1, 0);
		else
			map = sys_map_create(BPF_MAP_TYPE_RINGBUF, 0, 0,
					     RB_SIZE, 0);
		ASSERT_LE(3, map);
		memcpy(prog, t->insns, sizeof(prog));
		fix_maps(prog, t->cnt, map);
		fd = load(prog, t->cnt);
		EXPECT_EQ(-1, fd) TH_LOG("%s: loaded", t->name);
		EXPECT_EQ(t->err, errno)
			TH_LOG("%s: %s\n%s", t->name, errno_str(errno),
			       log_buf);
		EXPECT_NE(NULL, strstr(log_buf, t->msg))
			TH_LOG("%s: log\n%s", t->name, log_buf);
		if (fd >= 0)
			close(fd);
		close(map);
	}
}

/*
 * Stress: one producer thread per CPU (pinned), each running the program
 * `repeat` times in one test run, while a consumer drains the ring. Every
 * record carries a unique sequence number (from an atomic counter) and two
 * values derived from it; reservations that find the ring full are
 * counted. Nothing may be lost (seen + dropped == runs) or torn.
 */
#define STRESS_REPEAT	20000

static struct bpf_insn stress_prog[] = {
	ST_W(10, -4, 0),
	MOV64_REG(2, 10),
	ADD64_IMM(2, -4),
	LD_MAP(1, -2),
	CALL(BPF_FUNC_map_lookup_elem),
	JEQ_IMM(0, 0, 26),
	MOV64_REG(8, 0),
	MOV64_IMM(1, 1),
	ATOMIC_ADD(8, 1, 0, BPF_FETCH),
	MOV64_REG(9, 1),
	LD_MAP(1, -1),
	MOV64_IMM(2, 32),
	MOV64_IMM(3, 0),
	CALL(BPF_FUNC_ringbuf_reserve),
	JNE_IMM(0, 0, 3),
	MOV64_IMM(1, 1),
	ATOMIC_ADD(8, 1, 8, 0),
	JEQ_IMM(0, 0, 13),
	STX_DW(0, 9, 0),
	MOV64_REG(1, 9),
	XOR64_IMM(1, -1),
	STX_DW(0, 1, 8),
	MOV64_REG(1, 9),
	MUL64_IMM(1, 3),
	STX_DW(0, 1, 16),
	MOV64_REG(7, 0),
	CALL(BPF_FUNC_get_smp_processor_id),
	STX_DW(7, 0, 24),
	MOV64_REG(1, 7),
	MOV64_IMM(2, 0),
	CALL(BPF_FUNC_ringbuf_submit),
	MOV64_IMM(0, 0),
	EXIT,
};

struct stress {
	int prog;
	int cpu;
	int err;
	volatile int *done;
};

static void *producer(void *arg)
{
	struct stress *s = arg;
	cpu_set_t set;
	__u32 retval;

	CPU_ZERO(&set);
	CPU_SET(s->cpu, &set);
	pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
	s->err = run(s->prog, STRESS_REPEAT, &retval) ? errno : 0;
	__atomic_add_fetch(s->done, 1, __ATOMIC_RELEASE);
	return NULL;
}

struct check {
	__u8 *seen;
	__u64 total;
	__u64 count;
	__u64 torn;
	__u64 dups;
};

static void check_record(void *ctx, void *rec, __u32 len, int discard)
{
	struct check *c = ctx;
	__u64 *v = rec;

	c->count++;
	if (discard || len != 32 || v[1] != ~v[0] || v[2] != v[0] * 3 ||
	    v[0] >= c->total) {
		c->torn++;
		return;
	}
	if (c->seen[v[0]]++)
		c->dups++;
}

TEST(stress_all_cpus)
{
	int ncpu = sysconf(_SC_NPROCESSORS_ONLN), map, counter, fd, i;
	struct bpf_insn prog[ARRAY_SIZE(stress_prog)];
	struct stress st[64];
	pthread_t th[64];
	volatile int done = 0;
	struct reader r;
	struct check c;
	__u64 ctr[2];
	__u32 key = 0;

	if (ncpu > 64)
		ncpu = 64;
	map = sys_map_create(BPF_MAP_TYPE_RINGBUF, 0, 0, RB_SIZE, 0);
	ASSERT_LE(3, map);
	counter = sys_map_create(BPF_MAP_TYPE_ARRAY, 4, 16, 1, 0);
	ASSERT_LE(3, counter);
	ASSERT_EQ(0, reader_open(&r, map, RB_SIZE));
	memcpy(prog, stress_prog, sizeof(prog));
	fix_maps(prog, ARRAY_SIZE(prog), map);
	for (i = 0; i < (int)ARRAY_SIZE(prog); i++)
		if (prog[i].imm == -2)
			prog[i].imm = counter;
	fd = load(prog, ARRAY_SIZE(prog));
	ASSERT_LE(3, fd) TH_LOG("%s\n%s", errno_str(errno), log_buf);

	memset(&c, 0, sizeof(c));
	c.total = (__u64)ncpu * STRESS_REPEAT;
	c.seen = calloc(c.total, 1);
	ASSERT_NE(NULL, c.seen);
	for (i = 0; i < ncpu; i++) {
		st[i] = (struct stress){ .prog = fd, .cpu = i, .done = &done };
		ASSERT_EQ(0, pthread_create(&th[i], NULL, producer, &st[i]));
	}
	while (__atomic_load_n(&done, __ATOMIC_ACQUIRE) < ncpu)
		reader_consume(&r, check_record, &c);
	for (i = 0; i < ncpu; i++) {
		pthread_join(th[i], NULL);
		EXPECT_EQ(0, st[i].err);
	}
	reader_consume(&r, check_record, &c);

	ASSERT_EQ(0, sys_map_lookup(counter, &key, ctr, 0));
	EXPECT_EQ(c.total, ctr[0]);
	EXPECT_EQ(0, c.torn);
	EXPECT_EQ(0, c.dups);
	EXPECT_EQ(c.total, c.count + ctr[1])
		TH_LOG("seen %llu dropped %llu", (unsigned long long)c.count,
		       (unsigned long long)ctr[1]);
	/* everything consumed: the positions meet */
	EXPECT_EQ(*r.prod_pos, *r.cons_pos);
	TH_LOG("%d CPUs: %llu records, %llu dropped while the ring was full",
	       ncpu, (unsigned long long)c.count,
	       (unsigned long long)ctr[1]);
	free(c.seen);
	close(fd);
	close(counter);
	close(map);
}

TEST_HARNESS_MAIN
