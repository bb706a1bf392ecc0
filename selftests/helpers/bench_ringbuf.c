// SPDX-License-Identifier: GPL-2.0
/*
 * Ring buffer throughput: NCPU producer threads, each pinned to its own
 * CPU, run a socket filter that writes one 32-byte record with
 * bpf_ringbuf_output() per run (BPF_PROG_TEST_RUN with repeat), while one
 * consumer thread drains the ring through its mapping. Prints one line:
 *
 *   cpus N runs R records C dropped D seconds S events_per_sec E
 *
 * where E counts records consumed per second of producing. Driven by
 * selftests/bench_ringbuf.sh, natively and through xbpf.
 *
 * Usage: bench_ringbuf NCPU REPEAT
 */
#include <pthread.h>
#include <sched.h>
#include <sys/mman.h>
#include <time.h>

#include "../xbpf_test.h"

#define RB_SIZE (1 << 20)

#define INSN(c, d, s, o, i) ((struct bpf_insn){ c, d, s, o, i })

static int prog_fd;
static unsigned int repeat;
static volatile int producers_left;

static void *producer(void *arg)
{
	union bpf_attr attr;
	__u8 pkt[64] = { 0 };
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET((long)arg, &set);
	pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
	memset(&attr, 0, sizeof(attr));
	attr.test.prog_fd = prog_fd;
	attr.test.data_in = ptr_to_u64(pkt);
	attr.test.data_size_in = sizeof(pkt);
	attr.test.repeat = repeat;
	if (sys_bpf(BPF_PROG_TEST_RUN, &attr, sizeof(attr)))
		perror("test run");
	__atomic_sub_fetch(&producers_left, 1, __ATOMIC_RELEASE);
	return NULL;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	int ncpu, map, i;
	unsigned long *cons, *prod, c, p, records = 0, retvals;
	__u8 *data;
	pthread_t th[64];
	double start, secs;
	struct bpf_insn insns[] = {
		/* r0 = ringbuf_output(map, fp - 32, 32, 0) != 0 */
		INSN(BPF_ST | BPF_MEM | BPF_DW, 10, 0, -32, 1),
		INSN(BPF_ST | BPF_MEM | BPF_DW, 10, 0, -24, 2),
		INSN(BPF_ST | BPF_MEM | BPF_DW, 10, 0, -16, 3),
		INSN(BPF_ST | BPF_MEM | BPF_DW, 10, 0, -8, 4),
		INSN(BPF_LD | BPF_DW | BPF_IMM, 1, BPF_PSEUDO_MAP_FD, 0, 0),
		INSN(0, 0, 0, 0, 0),
		INSN(BPF_ALU64 | BPF_MOV | BPF_X, 2, 10, 0, 0),
		INSN(BPF_ALU64 | BPF_ADD | BPF_K, 2, 0, 0, -32),
		INSN(BPF_ALU64 | BPF_MOV | BPF_K, 3, 0, 0, 32),
		INSN(BPF_ALU64 | BPF_MOV | BPF_K, 4, 0, 0, 0),
		INSN(BPF_JMP | BPF_CALL, 0, 0, 0, BPF_FUNC_ringbuf_output),
		INSN(BPF_JMP | BPF_EXIT, 0, 0, 0, 0),
	};
	union bpf_attr attr;

	if (argc != 3) {
		fprintf(stderr, "usage: %s NCPU REPEAT\n", argv[0]);
		return 2;
	}
	ncpu = atoi(argv[1]);
	repeat = strtoul(argv[2], NULL, 0);
	if (ncpu < 1 || ncpu > 64)
		return 2;

	map = sys_map_create(BPF_MAP_TYPE_RINGBUF, 0, 0, RB_SIZE, 0);
	if (map < 0) {
		perror("ringbuf");
		return 1;
	}
	insns[4].imm = map;
	memset(&attr, 0, sizeof(attr));
	attr.prog_type = BPF_PROG_TYPE_SOCKET_FILTER;
	attr.insns = ptr_to_u64(insns);
	attr.insn_cnt = sizeof(insns) / sizeof(insns[0]);
	attr.license = ptr_to_u64("GPL");
	prog_fd = sys_bpf(BPF_PROG_LOAD, &attr, sizeof(attr));
	if (prog_fd < 0) {
		perror("load");
		return 1;
	}
	cons = mmap(NULL, PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, map, 0);
	prod = mmap(NULL, PAGE_SIZE + 2 * RB_SIZE, PROT_READ, MAP_SHARED, map,
		    PAGE_SIZE);
	if (cons == MAP_FAILED || prod == MAP_FAILED) {
		perror("mmap");
		return 1;
	}
	data = (__u8 *)prod + PAGE_SIZE;

	producers_left = ncpu;
	start = now();
	for (i = 0; i < ncpu; i++)
		pthread_create(&th[i], NULL, producer, (void *)(long)i);
	c = *cons;
	for (;;) {
		int last = !__atomic_load_n(&producers_left, __ATOMIC_ACQUIRE);

		p = __atomic_load_n(prod, __ATOMIC_ACQUIRE);
		while (c < p) {
			__u32 len = __atomic_load_n((__u32 *)(data +
					(c & (RB_SIZE - 1))), __ATOMIC_ACQUIRE);

			if (len & BPF_RINGBUF_BUSY_BIT)
				break;
			c += ((len & ~BPF_RINGBUF_DISCARD_BIT) + 8 + 7) & ~7UL;
			records++;
		}
		__atomic_store_n(cons, c, __ATOMIC_RELEASE);
		if (last && c == p)
			break;
	}
	secs = now() - start;
	for (i = 0; i < ncpu; i++)
		pthread_join(th[i], NULL);
	retvals = (unsigned long)ncpu * repeat;
	printf("cpus %d runs %lu records %lu dropped %lu seconds %.3f events_per_sec %.0f\n",
	       ncpu, retvals, records, retvals - records, secs,
	       records / secs);
	return 0;
}
