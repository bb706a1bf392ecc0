// SPDX-License-Identifier: GPL-2.0
/*
 * Load large programs and report what the verifier's stats say about
 * them, for selftests/bench_verifier.sh: it runs this natively and under
 * `xbpf exec` in the same boot and compares the two.
 *
 * Usage: bench_load [-r REPS] [-l] [NAME...]
 *
 *   -r REPS  load each program REPS times (default 5)
 *   -l       list the programs and exit
 *   NAME...  load only these (default: all)
 *
 * One line per program:
 *
 *   NAME INSNS RESULT MEDIAN_USEC MIN_USEC MAX_USEC PROCESSED
 *
 * RESULT is "ok" or the errno name of the failed load; the times are the
 * "verification time N usec" of the log at log_level 4 (BPF_LOG_STATS),
 * PROCESSED its "processed N insns". Exits non-zero if a load failed.
 *
 * The first six programs are the largest accepted ones of Linux 6.1's
 * test_verifier whose instructions and helpers a socket filter may use,
 * built the way test_verifier builds them (there as SCHED_CLS); the rest
 * are ours. Everything is a socket filter and is generated from a fixed
 * seed, so that both runs load exactly the same instructions.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/bpf.h>

#include "xbpf_test.h"
#include "verifier/insn.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define MAX_INSNS	1000000
#define LOG_SIZE	(64 * 1024)
#define MAX_REPS	101

static __u64 rand_state = 0x2545f4914f6cdd1dULL;

/* xorshift64: any fixed sequence will do, as long as it never changes. */
static __u64 next_rand(void)
{
	rand_state ^= rand_state << 13;
	rand_state ^= rand_state >> 7;
	rand_state ^= rand_state << 17;
	return rand_state;
}

/* r1 = the map, whose fd run_bench() patches in: 2 insns. */
static int emit_ld_map(struct bpf_insn *insn)
{
	struct bpf_insn ld[2] = { BPF_LD_MAP_FD(BPF_REG_1) };

	insn[0] = ld[0];
	insn[1] = ld[1];
	return 2;
}

/* test_verifier's "scale: scale test 1": 8k unpredictable branches. */
#define MAX_JMP_SEQ 8192

static int fill_scale1(struct bpf_insn *insn)
{
	int i = 0, k = 0;

	insn[i++] = BPF_MOV64_REG(BPF_REG_6, BPF_REG_1);
	while (k++ < MAX_JMP_SEQ) {
		insn[i++] = BPF_EMIT_CALL(BPF_FUNC_get_prandom_u32);
		insn[i++] = BPF_JMP_IMM(BPF_JEQ, BPF_REG_0, (__s32)next_rand(), 2);
		insn[i++] = BPF_MOV64_REG(BPF_REG_1, BPF_REG_10);
		insn[i++] = BPF_STX_MEM(BPF_DW, BPF_REG_1, BPF_REG_6,
					-8 * (k % 64 + 1));
	}
	while (i < MAX_INSNS - MAX_JMP_SEQ * 4)
		insn[i++] = BPF_MOV64_IMM(BPF_REG_0, 42);
	insn[i] = BPF_EXIT_INSN();
	return i + 1;
}

/* "scale: scale test 2": the same, seven calls deep. */
static int fill_scale2(struct bpf_insn *insn)
{
	int i = 0, k;

	for (k = 0; k < 7; k++) {
		insn[i++] = BPF_CALL_REL(1);
		insn[i++] = BPF_EXIT_INSN();
	}
	insn[i++] = BPF_MOV64_REG(BPF_REG_6, BPF_REG_1);
	k = 0;
	while (k++ < MAX_JMP_SEQ) {
		insn[i++] = BPF_EMIT_CALL(BPF_FUNC_get_prandom_u32);
		insn[i++] = BPF_JMP_IMM(BPF_JEQ, BPF_REG_0, (__s32)next_rand(), 2);
		insn[i++] = BPF_MOV64_REG(BPF_REG_1, BPF_REG_10);
		insn[i++] = BPF_STX_MEM(BPF_DW, BPF_REG_1, BPF_REG_6,
					-8 * (k % (64 - 4 * 7) + 1));
	}
	while (i < MAX_INSNS - MAX_JMP_SEQ * 4)
		insn[i++] = BPF_MOV64_IMM(BPF_REG_0, 42);
	insn[i] = BPF_EXIT_INSN();
	return i + 1;
}

/* "ld_dw: xor semi-random 64 bit imms": @len insns of ld_imm64 and xor. */
static int fill_ld_dw(struct bpf_insn *insn, int len)
{
	int i = 0;

	insn[i++] = BPF_MOV32_IMM(BPF_REG_0, 0);
	while (i < len) {
		struct bpf_insn tmp[2] = { BPF_LD_IMM64(BPF_REG_1, next_rand()) };

		insn[i++] = tmp[0];
		insn[i++] = tmp[1];
		insn[i++] = BPF_ALU64_REG(BPF_XOR, BPF_REG_0, BPF_REG_1);
	}
	insn[i++] = BPF_MOV64_REG(BPF_REG_1, BPF_REG_0);
	insn[i++] = BPF_ALU64_IMM(BPF_RSH, BPF_REG_1, 32);
	insn[i++] = BPF_ALU64_REG(BPF_XOR, BPF_REG_0, BPF_REG_1);
	insn[i] = BPF_EXIT_INSN();
	return i + 1;
}

static int fill_ld_dw_4k(struct bpf_insn *insn)
{
	return fill_ld_dw(insn, 4090);
}

static int fill_ld_dw_1m(struct bpf_insn *insn)
{
	return fill_ld_dw(insn, MAX_INSNS - 6);
}

static int torturous_jumps_1(struct bpf_insn *insn)
{
	int len = 259, hlen = 128, i;

	insn[0] = BPF_EMIT_CALL(BPF_FUNC_get_prandom_u32);
	for (i = 1; i <= hlen; i++) {
		insn[i] = BPF_JMP_IMM(BPF_JEQ, BPF_REG_0, i, hlen);
		insn[i + hlen] = BPF_JMP_A(hlen - i);
	}
	insn[len - 2] = BPF_MOV64_IMM(BPF_REG_0, 1);
	insn[len - 1] = BPF_EXIT_INSN();
	return len;
}

static int torturous_jumps_2(struct bpf_insn *insn)
{
	int len = 4100, jmp_off = 2048, i, j;

	insn[0] = BPF_EMIT_CALL(BPF_FUNC_get_prandom_u32);
	for (i = 1; i <= jmp_off; i++)
		insn[i] = BPF_JMP_IMM(BPF_JEQ, BPF_REG_0, i, jmp_off);
	insn[i++] = BPF_JMP_A(jmp_off);
	for (; i <= jmp_off * 2 + 1; i += 16)
		for (j = 0; j < 16; j++)
			insn[i + j] = BPF_JMP_A(16 - j - 1);
	insn[len - 2] = BPF_MOV64_IMM(BPF_REG_0, 2);
	insn[len - 1] = BPF_EXIT_INSN();
	return len;
}

/* "jit: torturous jumps in subprog": both of the above, as subprograms. */
static int fill_torturous_jumps(struct bpf_insn *insn)
{
	int i = 0;

	insn[i++] = BPF_CALL_REL(4);
	insn[i++] = BPF_CALL_REL(262);
	insn[i++] = BPF_ST_MEM(BPF_B, BPF_REG_10, -32, 0);
	insn[i++] = BPF_MOV64_IMM(BPF_REG_0, 3);
	insn[i++] = BPF_EXIT_INSN();
	i += torturous_jumps_1(insn + i);
	i += torturous_jumps_2(insn + i);
	return i;
}

/* "ld_abs: jump around ld_abs": thousands of LD_ABS, each a call inside. */
static int fill_jump_around_ld_abs(struct bpf_insn *insn)
{
	int len = (1 << 15) / 7, i = 0;

	insn[i++] = BPF_MOV64_REG(BPF_REG_6, BPF_REG_1);
	insn[i++] = BPF_LD_ABS(BPF_B, 0);
	insn[i] = BPF_JMP_IMM(BPF_JEQ, BPF_REG_0, 10, len - i - 2);
	i++;
	while (i < len - 1)
		insn[i++] = BPF_LD_ABS(BPF_B, 1);
	insn[i] = BPF_EXIT_INSN();
	return i + 1;
}

/* The operations of the ALU chain, in turn; BPF_X ones take a register. */
static const struct {
	__u8 code;
	__s32 imm;
} chain_ops[] = {
	{ BPF_ALU64 | BPF_ADD | BPF_K, 12345 },
	{ BPF_ALU64 | BPF_XOR | BPF_X, 0 },
	{ BPF_ALU64 | BPF_MUL | BPF_K, 3 },
	{ BPF_ALU | BPF_ADD | BPF_X, 0 },
	{ BPF_ALU64 | BPF_LSH | BPF_K, 3 },
	{ BPF_ALU64 | BPF_AND | BPF_K, 0xffff },
	{ BPF_ALU64 | BPF_OR | BPF_X, 0 },
	{ BPF_ALU64 | BPF_RSH | BPF_K, 2 },
	{ BPF_ALU64 | BPF_DIV | BPF_K, 3 },
	{ BPF_ALU64 | BPF_SUB | BPF_X, 0 },
};

/* A straight line of 100k ALU insns over R0-R5, no branch to prune. */
static int fill_alu_chain(struct bpf_insn *insn)
{
	int i = 0, r;

	for (r = BPF_REG_0; r <= BPF_REG_5; r++)
		insn[i++] = BPF_MOV64_IMM(r, r + 1);
	while (i < 100000 - 1) {
		__u8 code = chain_ops[i % ARRAY_SIZE(chain_ops)].code;
		__s32 imm = chain_ops[i % ARRAY_SIZE(chain_ops)].imm;
		int src = BPF_SRC(code) == BPF_X ? (i / 6) % 6 : 0;

		insn[i] = BPF_RAW_INSN(code, i % 6, src, 0, imm);
		i++;
	}
	insn[i++] = BPF_EXIT_INSN();
	return i;
}

/*
 * 8000 branches on bits of random numbers, each adding to R7 or not: R7
 * is never precise, so paths that meet are pruned. No bit is tested twice:
 * a test whose outcome is known would make R6 precise, and then no path
 * would prune another.
 */
static int fill_branches(struct bpf_insn *insn)
{
	int i = 0, k;

	insn[i++] = BPF_MOV64_IMM(BPF_REG_7, 0);
	for (k = 0; k < 8000; k++) {
		if (k % 31 == 0) {
			insn[i++] = BPF_EMIT_CALL(BPF_FUNC_get_prandom_u32);
			insn[i++] = BPF_MOV64_REG(BPF_REG_6, BPF_REG_0);
		}
		insn[i++] = BPF_JMP_IMM(BPF_JSET, BPF_REG_6, 1 << (k % 31), 1);
		insn[i++] = BPF_ALU64_IMM(BPF_ADD, BPF_REG_7, k);
	}
	insn[i++] = BPF_MOV64_REG(BPF_REG_0, BPF_REG_7);
	insn[i++] = BPF_EXIT_INSN();
	return i;
}

/*
 * 13 branches that each append a bit to R6, which then indexes a map
 * value: R6 is precise, so none of the 8192 paths prunes another.
 */
static int fill_precise_paths(struct bpf_insn *insn)
{
	int i = 0, k;

	insn[i++] = BPF_EMIT_CALL(BPF_FUNC_get_prandom_u32);
	insn[i++] = BPF_MOV64_REG(BPF_REG_8, BPF_REG_0);
	insn[i++] = BPF_MOV64_IMM(BPF_REG_6, 0);
	for (k = 0; k < 13; k++) {
		insn[i++] = BPF_ALU64_IMM(BPF_LSH, BPF_REG_6, 1);
		insn[i++] = BPF_JMP_IMM(BPF_JSET, BPF_REG_8, 1 << k, 1);
		insn[i++] = BPF_ALU64_IMM(BPF_OR, BPF_REG_6, 1);
	}
	insn[i++] = BPF_ALU64_IMM(BPF_AND, BPF_REG_6, 31);
	insn[i++] = BPF_ST_MEM(BPF_DW, BPF_REG_10, -8, 0);
	insn[i++] = BPF_MOV64_REG(BPF_REG_2, BPF_REG_10);
	insn[i++] = BPF_ALU64_IMM(BPF_ADD, BPF_REG_2, -8);
	i += emit_ld_map(insn + i);
	insn[i++] = BPF_EMIT_CALL(BPF_FUNC_map_lookup_elem);
	insn[i++] = BPF_JMP_IMM(BPF_JEQ, BPF_REG_0, 0, 2);
	insn[i++] = BPF_ALU64_REG(BPF_ADD, BPF_REG_0, BPF_REG_6);
	insn[i++] = BPF_LDX_MEM(BPF_W, BPF_REG_0, BPF_REG_0, 0);
	insn[i++] = BPF_EXIT_INSN();
	return i;
}

/* A bounded loop of 3000 iterations writing the stack and summing. */
static int fill_bounded_loop(struct bpf_insn *insn)
{
	int i = 0;

	insn[i++] = BPF_MOV64_IMM(BPF_REG_0, 0);
	insn[i++] = BPF_MOV64_IMM(BPF_REG_1, 0);
	/* loop: */
	insn[i++] = BPF_MOV64_REG(BPF_REG_2, BPF_REG_1);
	insn[i++] = BPF_ALU64_IMM(BPF_AND, BPF_REG_2, 7);
	insn[i++] = BPF_ALU64_IMM(BPF_LSH, BPF_REG_2, 3);
	insn[i++] = BPF_MOV64_REG(BPF_REG_3, BPF_REG_10);
	insn[i++] = BPF_ALU64_IMM(BPF_ADD, BPF_REG_3, -64);
	insn[i++] = BPF_ALU64_REG(BPF_ADD, BPF_REG_3, BPF_REG_2);
	insn[i++] = BPF_STX_MEM(BPF_DW, BPF_REG_3, BPF_REG_1, 0);
	insn[i++] = BPF_ALU64_REG(BPF_ADD, BPF_REG_0, BPF_REG_1);
	insn[i++] = BPF_ALU64_IMM(BPF_ADD, BPF_REG_1, 1);
	insn[i] = BPF_JMP_IMM(BPF_JLT, BPF_REG_1, 3000, 2 - i - 1);
	i++;
	insn[i++] = BPF_EXIT_INSN();
	return i;
}

/* 1000 iterations of a lookup, its NULL check and a read. */
static int fill_lookup_loop(struct bpf_insn *insn)
{
	int i = 0;

	insn[i++] = BPF_MOV64_IMM(BPF_REG_6, 0);
	insn[i++] = BPF_MOV64_IMM(BPF_REG_7, 0);
	/* loop: */
	insn[i++] = BPF_ST_MEM(BPF_W, BPF_REG_10, -8, 0);
	insn[i++] = BPF_MOV64_REG(BPF_REG_2, BPF_REG_10);
	insn[i++] = BPF_ALU64_IMM(BPF_ADD, BPF_REG_2, -8);
	i += emit_ld_map(insn + i);
	insn[i++] = BPF_EMIT_CALL(BPF_FUNC_map_lookup_elem);
	insn[i++] = BPF_JMP_IMM(BPF_JEQ, BPF_REG_0, 0, 2);
	insn[i++] = BPF_LDX_MEM(BPF_W, BPF_REG_1, BPF_REG_0, 4);
	insn[i++] = BPF_ALU64_REG(BPF_ADD, BPF_REG_6, BPF_REG_1);
	insn[i++] = BPF_ALU64_IMM(BPF_ADD, BPF_REG_7, 1);
	insn[i] = BPF_JMP_IMM(BPF_JLT, BPF_REG_7, 1000, 2 - i - 1);
	i++;
	insn[i++] = BPF_MOV64_REG(BPF_REG_0, BPF_REG_6);
	insn[i++] = BPF_EXIT_INSN();
	return i;
}

/* 500 iterations that spill R1-R5 over 40 slots and fill them back. */
static int fill_spill_loop(struct bpf_insn *insn)
{
	int i = 0, k;

	for (k = BPF_REG_1; k <= BPF_REG_5; k++)
		insn[i++] = BPF_MOV64_IMM(k, k);
	insn[i++] = BPF_MOV64_IMM(BPF_REG_6, 0);
	/* loop: */
	for (k = 0; k < 40; k++)
		insn[i++] = BPF_STX_MEM(BPF_DW, BPF_REG_10, BPF_REG_1 + k % 5,
					-8 * (k + 1));
	for (k = 0; k < 40; k++)
		insn[i++] = BPF_LDX_MEM(BPF_DW, BPF_REG_1 + (k + 1) % 5,
					BPF_REG_10, -8 * (k + 1));
	insn[i++] = BPF_ALU64_IMM(BPF_ADD, BPF_REG_6, 1);
	insn[i] = BPF_JMP_IMM(BPF_JLT, BPF_REG_6, 500, 6 - i - 1);
	i++;
	insn[i++] = BPF_MOV64_REG(BPF_REG_0, BPF_REG_6);
	insn[i++] = BPF_EXIT_INSN();
	return i;
}

struct bench {
	const char *name;
	int (*fill)(struct bpf_insn *insn);
};

static const struct bench benches[] = {
	{ "scale1",		fill_scale1 },
	{ "scale2",		fill_scale2 },
	{ "ld_dw_4k",		fill_ld_dw_4k },
	{ "ld_dw_1m",		fill_ld_dw_1m },
	{ "torturous_jumps",	fill_torturous_jumps },
	{ "jump_around_ld_abs",	fill_jump_around_ld_abs },
	{ "alu_chain_100k",	fill_alu_chain },
	{ "branches_8k",	fill_branches },
	{ "precise_paths_8k",	fill_precise_paths },
	{ "bounded_loop_3k",	fill_bounded_loop },
	{ "lookup_loop_1k",	fill_lookup_loop },
	{ "spill_loop_500",	fill_spill_loop },
};

static char log_buf[LOG_SIZE];

static long log_number(const char *key)
{
	const char *p = strstr(log_buf, key);

	return p ? strtol(p + strlen(key), NULL, 10) : -1;
}

static int load(const struct bpf_insn *insns, int cnt)
{
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.prog_type = BPF_PROG_TYPE_SOCKET_FILTER;
	attr.insns = ptr_to_u64(insns);
	attr.insn_cnt = cnt;
	attr.license = ptr_to_u64("GPL");
	attr.log_buf = ptr_to_u64(log_buf);
	attr.log_size = sizeof(log_buf);
	attr.log_level = 4;
	return sys_bpf(BPF_PROG_LOAD, &attr, sizeof(attr));
}

static int cmp_long(const void *a, const void *b)
{
	long x = *(const long *)a, y = *(const long *)b;

	return (x > y) - (x < y);
}

/* Load @b @reps times and print its line; 0 if every load succeeded. */
static int run_bench(const struct bench *b, struct bpf_insn *insns,
		     int map_fd, int reps)
{
	long times[MAX_REPS], processed = -1;
	int cnt, i, fd, err = 0;

	memset(insns, 0, MAX_INSNS * sizeof(*insns));
	rand_state = 0x2545f4914f6cdd1dULL;
	cnt = b->fill(insns);
	for (i = 0; i < cnt; i++)
		if (insns[i].code == (BPF_LD | BPF_DW | BPF_IMM) &&
		    insns[i].src_reg == BPF_PSEUDO_MAP_FD)
			insns[i].imm = map_fd;

	for (i = 0; i < reps; i++) {
		log_buf[0] = '\0';
		fd = load(insns, cnt);
		if (fd < 0) {
			err = errno;
			break;
		}
		close(fd);
		times[i] = log_number("verification time ");
		processed = log_number("processed ");
	}
	if (err) {
		char *nl = strchr(log_buf, '\n');

		printf("%s %d %s - - - -\n", b->name, cnt, errno_str(err));
		if (nl)
			*nl = '\0';
		fprintf(stderr, "bench_load: %s: %s: %s\n", b->name,
			errno_str(err), log_buf);
		return -1;
	}
	qsort(times, reps, sizeof(times[0]), cmp_long);
	printf("%s %d ok %ld %ld %ld %ld\n", b->name, cnt, times[reps / 2],
	       times[0], times[reps - 1], processed);
	fflush(stdout);
	return 0;
}

int main(int argc, char **argv)
{
	int reps = 5, map_fd, opt, i, j, ret = 0;
	struct bpf_insn *insns;
	__u32 key = 0, value[12] = { 1, 2, 3 };

	while ((opt = getopt(argc, argv, "r:l")) != -1) {
		switch (opt) {
		case 'r':
			reps = atoi(optarg);
			if (reps < 1 || reps > MAX_REPS) {
				fprintf(stderr, "bench_load: -r wants 1..%d\n",
					MAX_REPS);
				return 2;
			}
			break;
		case 'l':
			for (i = 0; i < (int)ARRAY_SIZE(benches); i++)
				printf("%s\n", benches[i].name);
			return 0;
		default:
			fprintf(stderr, "usage: bench_load [-r REPS] [-l] [NAME...]\n");
			return 2;
		}
	}

	insns = calloc(MAX_INSNS, sizeof(*insns));
	map_fd = sys_map_create(BPF_MAP_TYPE_ARRAY, sizeof(key), sizeof(value),
				1, 0);
	if (!insns || map_fd < 0 || sys_map_update(map_fd, &key, value, 0)) {
		fprintf(stderr, "bench_load: setup: %s\n", errno_str(errno));
		return 1;
	}

	for (i = 0; i < (int)ARRAY_SIZE(benches); i++) {
		bool want = optind == argc;

		for (j = optind; j < argc; j++)
			want |= !strcmp(argv[j], benches[i].name);
		if (want && run_bench(&benches[i], insns, map_fd, reps))
			ret = 1;
	}
	for (j = optind; j < argc; j++) {
		for (i = 0; i < (int)ARRAY_SIZE(benches); i++)
			if (!strcmp(argv[j], benches[i].name))
				break;
		if (i == (int)ARRAY_SIZE(benches)) {
			fprintf(stderr, "bench_load: no program %s\n", argv[j]);
			ret = 2;
		}
	}
	free(insns);
	close(map_fd);
	return ret;
}
