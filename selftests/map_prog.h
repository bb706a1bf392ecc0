/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the map type tests share: small programs that touch a map, loaded
 * and run with BPF_PROG_TEST_RUN (socket filters on a dummy packet, which
 * the kernel and xbpf both run), and CPU pinning.
 */
#ifndef XBPF_MAP_PROG_H
#define XBPF_MAP_PROG_H

#include <sched.h>

#include "xbpf_test.h"
#include "verifier/insn.h"

#define BPF_LD_MAP_FD_N(d, fd)	BPF_LD_IMM64_RAW(d, BPF_PSEUDO_MAP_FD, fd)

static inline int prog_load_log(__u32 type, const struct bpf_insn *insns,
				__u32 cnt, char *log, __u32 log_size)
{
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.prog_type = type;
	attr.insns = ptr_to_u64(insns);
	attr.insn_cnt = cnt;
	attr.license = ptr_to_u64("GPL");
	attr.log_buf = ptr_to_u64(log);
	attr.log_size = log ? log_size : 0;
	attr.log_level = log ? 1 : 0;
	return sys_bpf(BPF_PROG_LOAD, &attr, sizeof(attr));
}

static inline int prog_load(__u32 type, const struct bpf_insn *insns,
			    __u32 cnt)
{
	return prog_load_log(type, insns, cnt, NULL, 0);
}

/* Run a socket filter repeat times on a 64-byte packet; -1 on error. */
static inline int prog_run(int fd, __u32 repeat, __u32 *retval)
{
	static char pkt[64];
	union bpf_attr attr;
	int err;

	memset(&attr, 0, sizeof(attr));
	attr.test.prog_fd = fd;
	attr.test.data_in = ptr_to_u64(pkt);
	attr.test.data_size_in = sizeof(pkt);
	attr.test.repeat = repeat;
	err = sys_bpf(BPF_PROG_TEST_RUN, &attr, sizeof(attr));
	if (retval)
		*retval = attr.test.retval;
	return err;
}

static inline int pin_cpu(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	return sched_setaffinity(0, sizeof(set), &set);
}

/* Possible CPUs, as per-CPU map values count them ("0-1" -> 2). */
static inline int nr_cpus(void)
{
	FILE *f = fopen("/sys/devices/system/cpu/possible", "r");
	int lo, hi, n = 0;

	if (!f)
		return -1;
	while (fscanf(f, "%d", &lo) == 1) {
		hi = lo;
		if (fscanf(f, "-%d", &hi) < 0)
			break;
		n += hi - lo + 1;
		if (fgetc(f) != ',')
			break;
	}
	fclose(f);
	return n;
}

/* r0 = map_lookup(map, &(u32)key); if r0: *(u64 *)r0 += 1; return found */
#define PROG_INC_U32_KEY(fd, key)					\
	BPF_ST_MEM(BPF_W, BPF_REG_10, -4, key),				\
	BPF_MOV64_REG(BPF_REG_2, BPF_REG_10),				\
	BPF_ALU64_IMM(BPF_ADD, BPF_REG_2, -4),				\
	BPF_LD_MAP_FD_N(BPF_REG_1, fd),					\
	BPF_EMIT_CALL(BPF_FUNC_map_lookup_elem),			\
	BPF_JMP_IMM(BPF_JEQ, BPF_REG_0, 0, 3),				\
	BPF_MOV64_IMM(BPF_REG_1, 1),					\
	BPF_ATOMIC_OP(BPF_DW, BPF_ADD, BPF_REG_0, BPF_REG_1, 0),	\
	BPF_MOV64_IMM(BPF_REG_0, 1),					\
	BPF_EXIT_INSN()

/* return map_update(map, &(u32)key, &(u64)val, flags) */
#define PROG_UPDATE_U32_KEY(fd, key, val, flags)			\
	BPF_ST_MEM(BPF_W, BPF_REG_10, -4, key),				\
	BPF_ST_MEM(BPF_DW, BPF_REG_10, -16, val),			\
	BPF_MOV64_REG(BPF_REG_2, BPF_REG_10),				\
	BPF_ALU64_IMM(BPF_ADD, BPF_REG_2, -4),				\
	BPF_MOV64_REG(BPF_REG_3, BPF_REG_10),				\
	BPF_ALU64_IMM(BPF_ADD, BPF_REG_3, -16),				\
	BPF_LD_MAP_FD_N(BPF_REG_1, fd),					\
	BPF_MOV64_IMM(BPF_REG_4, flags),				\
	BPF_EMIT_CALL(BPF_FUNC_map_update_elem),			\
	BPF_EXIT_INSN()

#endif /* XBPF_MAP_PROG_H */
