// SPDX-License-Identifier: GPL-2.0
/*
 * Run-time benchmark driver: loads a fixed set of socket-filter programs
 * and times each with BPF_PROG_TEST_RUN and repeat, through whatever
 * bpf() it is given (natively, or under `xbpf exec` through the shim).
 * selftests/bench_jit.sh runs it both ways in one boot and prints ratios.
 *
 *   bench_run [-t MS] [-n TRIALS] [NAME...]   one line per program:
 *                                             "NAME NS_PER_RUN RETVAL"
 *   bench_run -l                              list the programs
 *   -d DIR    also write each program's JITed code to DIR/NAME.bin
 *
 * Each program is calibrated to run about MS milliseconds per trial
 * (default 300); the best of TRIALS trials (default 3) is printed.
 */
#include <getopt.h>
#include <stdbool.h>
#include <linux/bpf.h>

#include "../xbpf_test.h"
#include "insn.h"

#define MAX_INSNS	1024

struct prog {
	const char *name;
	const char *what;
	int (*build)(struct bpf_insn *insns);
};

static int array_fd = -1, hash_fd = -1, prog_array_fd = -1, tail_fd = -1;

static int load_filter(const struct bpf_insn *insns, int cnt)
{
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.prog_type = BPF_PROG_TYPE_SOCKET_FILTER;
	attr.insns = ptr_to_u64(insns);
	attr.insn_cnt = cnt;
	attr.license = ptr_to_u64("GPL");
	return sys_bpf(BPF_PROG_LOAD, &attr, sizeof(attr));
}

#define CB0	offsetof(struct __sk_buff, cb[0])

/*
 * The target of the tail-call chain: cb[0] += 1, then tail-call itself
 * (slot 0) until the limit of 33 tail calls per run stops it, and return
 * cb[0]. Kept in prog_array_fd slot 0 for the process's life.
 */
static int tail_target(void)
{
	struct bpf_insn prog[] = {
		BPF_MOV64_REG(6, 1),
		BPF_LDX_MEM(BPF_W, 2, 1, CB0),
		BPF_ALU64_IMM(BPF_ADD, 2, 1),
		BPF_STX_MEM(BPF_W, 1, 2, CB0),
		BPF_RAW_INSN(BPF_LD | BPF_DW | BPF_IMM, 2, BPF_PSEUDO_MAP_FD,
			     0, prog_array_fd),
		BPF_RAW_INSN(0, 0, 0, 0, 0),
		BPF_MOV64_IMM(3, 0),
		BPF_EMIT_CALL(BPF_FUNC_tail_call),
		BPF_LDX_MEM(BPF_W, 0, 6, CB0),
		BPF_EXIT_INSN(),
	};
	__u32 key = 0;
	int fd;

	fd = load_filter(prog, sizeof(prog) / sizeof(prog[0]));
	if (fd < 0)
		return -1;
	tail_fd = fd;
	return sys_map_update(prog_array_fd, &key, &fd, 0);
}

static int maps(void)
{
	__u32 k;
	__u64 v;

	array_fd = sys_map_create(BPF_MAP_TYPE_ARRAY, 4, 8, 8, 0);
	hash_fd = sys_map_create(BPF_MAP_TYPE_HASH, 4, 8, 8, 0);
	prog_array_fd = sys_map_create(BPF_MAP_TYPE_PROG_ARRAY, 4, 4, 2, 0);
	if (array_fd < 0 || hash_fd < 0 || prog_array_fd < 0)
		return -1;
	if (tail_target())
		return -1;
	for (k = 0; k < 8; k++) {
		v = k * 3 + 1;
		if (sys_map_update(array_fd, &k, &v, 0) ||
		    sys_map_update(hash_fd, &k, &v, 0))
			return -1;
	}
	return 0;
}

/* r0 = sum over 1000 iterations of mixed 64-bit ALU */
static int build_alu64_loop(struct bpf_insn *p)
{
	struct bpf_insn prog[] = {
		BPF_MOV64_IMM(0, 0),
		BPF_MOV64_IMM(1, 0),
		BPF_ALU64_REG(BPF_ADD, 0, 1),
		BPF_ALU64_IMM(BPF_XOR, 0, 0x55),
		BPF_MOV64_REG(2, 0),
		BPF_ALU64_IMM(BPF_RSH, 2, 3),
		BPF_ALU64_REG(BPF_ADD, 0, 2),
		BPF_ALU64_IMM(BPF_MUL, 2, 7),
		BPF_ALU64_REG(BPF_SUB, 0, 2),
		BPF_ALU64_IMM(BPF_ADD, 1, 1),
		BPF_JMP_IMM(BPF_JLT, 1, 1000, -9),
		BPF_EXIT_INSN(),
	};

	memcpy(p, prog, sizeof(prog));
	return sizeof(prog) / sizeof(prog[0]);
}

/* the same in 32-bit ALU: every result zero-extended */
static int build_alu32_loop(struct bpf_insn *p)
{
	struct bpf_insn prog[] = {
		BPF_MOV32_IMM(0, 0),
		BPF_MOV32_IMM(1, 0),
		BPF_ALU32_REG(BPF_ADD, 0, 1),
		BPF_ALU32_IMM(BPF_XOR, 0, 0x55),
		BPF_MOV32_REG(2, 0),
		BPF_ALU32_IMM(BPF_RSH, 2, 3),
		BPF_ALU32_REG(BPF_ADD, 0, 2),
		BPF_ALU32_IMM(BPF_MUL, 2, 7),
		BPF_ALU32_REG(BPF_SUB, 0, 2),
		BPF_ALU32_IMM(BPF_ADD, 1, 1),
		BPF_JMP32_IMM(BPF_JLT, 1, 1000, -9),
		BPF_EXIT_INSN(),
	};

	memcpy(p, prog, sizeof(prog));
	return sizeof(prog) / sizeof(prog[0]);
}

/* 64 lookups of keys 0..7 in a map, summing the values */
static int build_lookup(struct bpf_insn *p, int fd)
{
	struct bpf_insn prog[] = {
		BPF_MOV64_IMM(6, 0),			/* i */
		BPF_MOV64_IMM(7, 0),			/* sum */
		BPF_MOV64_REG(1, 6),
		BPF_ALU64_IMM(BPF_AND, 1, 7),
		BPF_STX_MEM(BPF_W, 10, 1, -4),
		BPF_RAW_INSN(BPF_LD | BPF_DW | BPF_IMM, 1, BPF_PSEUDO_MAP_FD, 0, fd),
		BPF_RAW_INSN(0, 0, 0, 0, 0),
		BPF_MOV64_REG(2, 10),
		BPF_ALU64_IMM(BPF_ADD, 2, -4),
		BPF_EMIT_CALL(BPF_FUNC_map_lookup_elem),
		BPF_JMP_IMM(BPF_JEQ, 0, 0, 2),
		BPF_LDX_MEM(BPF_DW, 1, 0, 0),
		BPF_ALU64_REG(BPF_ADD, 7, 1),
		BPF_ALU64_IMM(BPF_ADD, 6, 1),
		BPF_JMP_IMM(BPF_JLT, 6, 64, -14),
		BPF_MOV64_REG(0, 7),
		BPF_EXIT_INSN(),
	};

	memcpy(p, prog, sizeof(prog));
	return sizeof(prog) / sizeof(prog[0]);
}

static int build_lookup_array(struct bpf_insn *p)
{
	return build_lookup(p, array_fd);
}

static int build_lookup_hash(struct bpf_insn *p)
{
	return build_lookup(p, hash_fd);
}

/* Ethernet, IPv4 and UDP headers read with LD_ABS and LD_IND */
static int build_ld_abs(struct bpf_insn *p)
{
	struct bpf_insn prog[] = {
		BPF_MOV64_REG(6, 1),
		BPF_LD_ABS(BPF_H, 12),			/* ethertype */
		BPF_JMP_IMM(BPF_JNE, 0, 0x0800, 24),
		BPF_LD_ABS(BPF_B, 14),			/* version, ihl */
		BPF_ALU32_IMM(BPF_AND, 0, 0xf),
		BPF_ALU32_IMM(BPF_LSH, 0, 2),
		BPF_MOV64_REG(7, 0),			/* ip header len */
		BPF_LD_ABS(BPF_B, 23),			/* protocol */
		BPF_JMP_IMM(BPF_JNE, 0, 17, 18),
		BPF_LD_ABS(BPF_W, 26),			/* saddr */
		BPF_MOV64_REG(8, 0),
		BPF_LD_ABS(BPF_W, 30),			/* daddr */
		BPF_ALU64_REG(BPF_XOR, 8, 0),
		BPF_LD_IND(BPF_H, 7, 14),		/* sport */
		BPF_ALU64_REG(BPF_ADD, 8, 0),
		BPF_LD_IND(BPF_H, 7, 16),		/* dport */
		BPF_ALU64_REG(BPF_ADD, 8, 0),
		BPF_LD_IND(BPF_H, 7, 18),		/* len */
		BPF_ALU64_REG(BPF_ADD, 8, 0),
		BPF_LD_IND(BPF_H, 7, 20),		/* csum */
		BPF_ALU64_REG(BPF_ADD, 8, 0),
		BPF_LD_IND(BPF_W, 7, 22),		/* payload */
		BPF_ALU64_REG(BPF_ADD, 8, 0),
		BPF_LD_ABS(BPF_H, 16),			/* total length */
		BPF_ALU64_REG(BPF_ADD, 8, 0),
		BPF_MOV64_REG(0, 8),
		BPF_EXIT_INSN(),
		BPF_MOV64_IMM(0, 0),
		BPF_EXIT_INSN(),
	};

	memcpy(p, prog, sizeof(prog));
	return sizeof(prog) / sizeof(prog[0]);
}

/* 64 rounds of two cheap helpers */
static int build_helpers(struct bpf_insn *p)
{
	struct bpf_insn prog[] = {
		BPF_MOV64_IMM(6, 0),
		BPF_MOV64_IMM(7, 0),
		BPF_EMIT_CALL(BPF_FUNC_get_prandom_u32),
		BPF_ALU64_REG(BPF_XOR, 7, 0),
		BPF_EMIT_CALL(BPF_FUNC_get_smp_processor_id),
		BPF_ALU64_REG(BPF_ADD, 7, 0),
		BPF_ALU64_IMM(BPF_ADD, 6, 1),
		BPF_JMP_IMM(BPF_JLT, 6, 64, -6),
		BPF_MOV64_IMM(0, 1),
		BPF_EXIT_INSN(),
	};

	memcpy(p, prog, sizeof(prog));
	return sizeof(prog) / sizeof(prog[0]);
}

/* 100 bpf-to-bpf calls of a small function */
static int build_calls(struct bpf_insn *p)
{
	struct bpf_insn prog[] = {
		BPF_MOV64_IMM(6, 0),
		BPF_MOV64_IMM(7, 0),
		BPF_MOV64_REG(1, 6),
		BPF_MOV64_REG(2, 7),
		BPF_CALL_REL(5),
		BPF_MOV64_REG(7, 0),
		BPF_ALU64_IMM(BPF_ADD, 6, 1),
		BPF_JMP_IMM(BPF_JLT, 6, 100, -6),
		BPF_MOV64_REG(0, 7),
		BPF_EXIT_INSN(),
		/* f(a, b) = (b ^ a) * 3 + 1 */
		BPF_MOV64_REG(0, 2),
		BPF_ALU64_REG(BPF_XOR, 0, 1),
		BPF_ALU64_IMM(BPF_MUL, 0, 3),
		BPF_ALU64_IMM(BPF_ADD, 0, 1),
		BPF_EXIT_INSN(),
	};

	memcpy(p, prog, sizeof(prog));
	return sizeof(prog) / sizeof(prog[0]);
}

/* 200 rounds of stack stores and loads of every size */
static int build_stack(struct bpf_insn *p)
{
	struct bpf_insn prog[] = {
		BPF_MOV64_IMM(6, 0),
		BPF_MOV64_IMM(0, 0),
		BPF_STX_MEM(BPF_DW, 10, 6, -8),
		BPF_STX_MEM(BPF_W, 10, 6, -12),
		BPF_STX_MEM(BPF_H, 10, 6, -14),
		BPF_STX_MEM(BPF_B, 10, 6, -15),
		BPF_LDX_MEM(BPF_DW, 1, 10, -8),
		BPF_LDX_MEM(BPF_W, 2, 10, -12),
		BPF_LDX_MEM(BPF_H, 3, 10, -14),
		BPF_LDX_MEM(BPF_B, 4, 10, -15),
		BPF_ALU64_REG(BPF_ADD, 0, 1),
		BPF_ALU64_REG(BPF_ADD, 0, 2),
		BPF_ALU64_REG(BPF_ADD, 0, 3),
		BPF_ALU64_REG(BPF_ADD, 0, 4),
		BPF_ALU64_IMM(BPF_ADD, 6, 1),
		BPF_JMP_IMM(BPF_JLT, 6, 200, -14),
		BPF_EXIT_INSN(),
	};

	memcpy(p, prog, sizeof(prog));
	return sizeof(prog) / sizeof(prog[0]);
}

/* 600 straight-line ALU insns, no branches */
static int build_straight(struct bpf_insn *p)
{
	int n = 0, i;

	p[n++] = BPF_MOV64_IMM(0, 1);
	p[n++] = BPF_MOV64_IMM(1, 3);
	for (i = 0; i < 100; i++) {
		p[n++] = BPF_ALU64_REG(BPF_ADD, 0, 1);
		p[n++] = BPF_ALU64_IMM(BPF_MUL, 1, 5);
		p[n++] = BPF_ALU32_IMM(BPF_XOR, 1, i);
		p[n++] = BPF_ALU64_IMM(BPF_LSH, 0, 1);
		p[n++] = BPF_ALU64_IMM(BPF_RSH, 0, 1);
		p[n++] = BPF_ALU64_IMM(BPF_AND, 0, 0x7fffffff);
	}
	p[n++] = BPF_EXIT_INSN();
	return n;
}

/* cb[0] = 0, then the chain of 33 tail calls: returns 33 */
static int build_tail_calls(struct bpf_insn *p)
{
	struct bpf_insn prog[] = {
		BPF_MOV64_IMM(2, 0),
		BPF_STX_MEM(BPF_W, 1, 2, CB0),
		BPF_RAW_INSN(BPF_LD | BPF_DW | BPF_IMM, 2, BPF_PSEUDO_MAP_FD,
			     0, prog_array_fd),
		BPF_RAW_INSN(0, 0, 0, 0, 0),
		BPF_MOV64_IMM(3, 0),
		BPF_EMIT_CALL(BPF_FUNC_tail_call),
		BPF_MOV64_IMM(0, 0),
		BPF_EXIT_INSN(),
	};

	memcpy(p, prog, sizeof(prog));
	return sizeof(prog) / sizeof(prog[0]);
}

/* the smallest program: what a run costs around the program */
static int build_empty(struct bpf_insn *p)
{
	p[0] = BPF_MOV64_IMM(0, 7);
	p[1] = BPF_EXIT_INSN();
	return 2;
}

static const struct prog progs[] = {
	{ "empty", "r0 = 7; exit", build_empty },
	{ "alu64_loop", "1000 rounds of 64-bit ALU", build_alu64_loop },
	{ "alu32_loop", "1000 rounds of 32-bit ALU", build_alu32_loop },
	{ "straight", "600 insns of ALU, no branch", build_straight },
	{ "stack", "200 rounds of stack stores/loads", build_stack },
	{ "lookup_array", "64 array map lookups", build_lookup_array },
	{ "lookup_hash", "64 hash map lookups", build_lookup_hash },
	{ "ld_abs", "eth/ip/udp parse with LD_ABS/LD_IND", build_ld_abs },
	{ "helpers", "128 cheap helper calls", build_helpers },
	{ "calls", "100 bpf-to-bpf calls", build_calls },
	{ "tail_calls", "a chain of 33 tail calls", build_tail_calls },
};

#define NPROGS (sizeof(progs) / sizeof(progs[0]))

static const unsigned char pkt[64] = {
	0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb,
	0x08, 0x00, 0x45, 0x00, 0x00, 0x32, 0x12, 0x34, 0x40, 0x00, 0x40, 0x11,
	0xde, 0xad, 0xc0, 0xa8, 0x01, 0x02, 0xc0, 0xa8, 0x01, 0xfe, 0x30, 0x39,
	0x00, 0x35, 0x00, 0x1e, 0xbe, 0xef, 0x01, 0x02, 0x03, 0x04,
};

static int run(int fd, __u32 repeat, __u32 *duration, __u32 *retval)
{
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.test.prog_fd = fd;
	attr.test.data_in = ptr_to_u64(pkt);
	attr.test.data_size_in = sizeof(pkt);
	attr.test.repeat = repeat;
	if (sys_bpf(BPF_PROG_TEST_RUN, &attr, sizeof(attr)))
		return -1;
	*duration = attr.test.duration;
	*retval = attr.test.retval;
	return 0;
}

static const char *dump_dir;

/* Write the program's machine code to DIR/NAME.bin (for objdump). */
static void dump_jited(const char *name, int fd)
{
	static unsigned char code[1 << 16];
	__u64 ksyms[64] = { 0 };
	struct bpf_prog_info info;
	__u32 len = sizeof(info);
	char path[256];
	FILE *f;

	memset(&info, 0, sizeof(info));
	info.jited_prog_len = sizeof(code);
	info.jited_prog_insns = ptr_to_u64(code);
	info.nr_jited_ksyms = 64;
	info.jited_ksyms = ptr_to_u64(ksyms);
	if (sys_obj_info(fd, &info, &len) || !info.jited_prog_len)
		return;
	fprintf(stderr, "%s: %u bytes at %#llx\n", name,
		info.jited_prog_len, (unsigned long long)ksyms[0]);
	snprintf(path, sizeof(path), "%s/%s.bin", dump_dir, name);
	f = fopen(path, "w");
	if (!f)
		return;
	fwrite(code, 1, info.jited_prog_len, f);
	fclose(f);
}

static int bench(const struct prog *pr, unsigned int ms, int trials)
{
	static struct bpf_insn insns[MAX_INSNS];
	static char log[1 << 16];
	union bpf_attr attr;
	__u32 dur, retval, best = ~0U;
	double repeat;
	int fd, cnt, t;

	cnt = pr->build(insns);
	memset(&attr, 0, sizeof(attr));
	attr.prog_type = BPF_PROG_TYPE_SOCKET_FILTER;
	attr.insns = ptr_to_u64(insns);
	attr.insn_cnt = cnt;
	attr.license = ptr_to_u64("GPL");
	fd = load_filter(insns, cnt);
	if (fd < 0) {
		/* again, for the log */
		attr.log_buf = ptr_to_u64(log);
		attr.log_size = sizeof(log);
		attr.log_level = 1;
		log[0] = 0;
		sys_bpf(BPF_PROG_LOAD, &attr, sizeof(attr));
		fprintf(stderr, "%s: load: %s\n%s\n", pr->name,
			errno_str(errno), log);
		return -1;
	}
	if (dump_dir)
		dump_jited(pr->name, fd);
	/* calibrate: about ms per trial */
	if (run(fd, 100, &dur, &retval))
		goto fail;
	repeat = (double)ms * 1e6 / (dur ? dur : 1);
	if (repeat < 10)
		repeat = 10;
	if (repeat > 5e6)
		repeat = 5e6;
	for (t = 0; t < trials; t++) {
		if (run(fd, (__u32)repeat, &dur, &retval))
			goto fail;
		if (dur < best)
			best = dur;
	}
	printf("%s %u %u\n", pr->name, best, retval);
	fflush(stdout);
	close(fd);
	return 0;
fail:
	fprintf(stderr, "%s: test run: %s\n", pr->name, errno_str(errno));
	close(fd);
	return -1;
}

int main(int argc, char **argv)
{
	unsigned int ms = 300, i;
	int trials = 3, opt, err = 0, j;

	while ((opt = getopt(argc, argv, "lt:n:d:")) != -1) {
		switch (opt) {
		case 'd':
			dump_dir = optarg;
			break;
		case 'l':
			for (i = 0; i < NPROGS; i++)
				printf("%-14s %s\n", progs[i].name, progs[i].what);
			return 0;
		case 't':
			ms = atoi(optarg);
			break;
		case 'n':
			trials = atoi(optarg);
			break;
		default:
			fprintf(stderr, "usage: %s [-l] [-t MS] [-n TRIALS] [NAME...]\n",
				argv[0]);
			return 2;
		}
	}
	if (maps()) {
		fprintf(stderr, "bench_run: maps: %s\n", errno_str(errno));
		return 1;
	}
	if (dump_dir)
		dump_jited("tail_target", tail_fd);
	for (i = 0; i < NPROGS; i++) {
		int want = optind == argc;

		for (j = optind; j < argc; j++)
			want |= !strcmp(argv[j], progs[i].name);
		if (want && bench(&progs[i], ms, trials))
			err = 1;
	}
	return err;
}
