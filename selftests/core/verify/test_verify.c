// SPDX-License-Identifier: GPL-2.0
/*
 * Host smoke tests of the whole verifier: programs with a known Linux 6.1
 * verdict and message, run through xbpf_verify() with a host program type.
 * The full reference is the kernel's test_verifier corpus, run in the VM.
 */
#include <stdio.h>
#include <string.h>

#include "host_progtype.h"

#define I(c, d, s, o, i) ((struct bpf_insn){ c, d, s, o, i })
#define MOV64_IMM(d, i)	I(BPF_ALU64 | BPF_MOV | BPF_K, d, 0, 0, i)
#define MOV64_REG(d, s)	I(BPF_ALU64 | BPF_MOV | BPF_X, d, s, 0, 0)
#define ADD64_IMM(d, i)	I(BPF_ALU64 | BPF_ADD | BPF_K, d, 0, 0, i)
#define EXIT		I(BPF_JMP | BPF_EXIT, 0, 0, 0, 0)
#define JA(o)		I(BPF_JMP | BPF_JA, 0, 0, o, 0)
#define JEQ_IMM(d, i, o) I(BPF_JMP | BPF_JEQ | BPF_K, d, 0, o, i)
#define JGT_IMM(d, i, o) I(BPF_JMP | BPF_JGT | BPF_K, d, 0, o, i)
#define STX_DW(d, s, o)	I(BPF_STX | BPF_MEM | BPF_DW, d, s, o, 0)
#define ST_DW(d, o, i)	I(BPF_ST | BPF_MEM | BPF_DW, d, 0, o, i)
#define LDX_DW(d, s, o)	I(BPF_LDX | BPF_MEM | BPF_DW, d, s, o, 0)
#define LDX_W(d, s, o)	I(BPF_LDX | BPF_MEM | BPF_W, d, s, o, 0)
#define CALL(f)		I(BPF_JMP | BPF_CALL, 0, 0, 0, f)
#define LD_FUNC(d, o)	I(BPF_LD | BPF_DW | BPF_IMM, d, BPF_PSEUDO_FUNC, 0, o), I(0, 0, 0, 0, 0)
/* r0 = bpf_loop(4, the insn after, NULL, flags): the callback's first insn */
#define LOOP_CALL(flags) MOV64_IMM(1, 4), LD_FUNC(2, 5), MOV64_IMM(3, 0), \
			 MOV64_IMM(4, flags), CALL(BPF_FUNC_loop), EXIT
/* bpf_for_each_map_elem(map fd, the insn after, fp - 8, 0) */
#define FOR_EACH_CALL(fd) ST_DW(10, -8, 0), LD_MAP(1, fd), LD_FUNC(2, 6), \
			  MOV64_REG(3, 10), ADD64_IMM(3, -8), MOV64_IMM(4, 0), \
			  CALL(BPF_FUNC_for_each_map_elem), EXIT
#define LD_MAP(d, fd)	I(BPF_LD | BPF_DW | BPF_IMM, d, BPF_PSEUDO_MAP_FD, 0, fd), I(0, 0, 0, 0, 0)

struct vtest {
	const char *name;
	struct bpf_insn insns[64];
	int err;
	const char *errstr;
};

static const struct vtest tests[] = {
	{ "return 0", { MOV64_IMM(0, 0), EXIT }, 0, NULL },
	{ "R0 uninit at exit", { EXIT }, -EACCES, "R0 !read_ok" },
	{ "fp is read only", { MOV64_IMM(10, 0), EXIT }, -EACCES,
	  "frame pointer is read only" },
	{ "jump out of range", { JA(5), EXIT }, -EINVAL,
	  "jump out of range from insn 0 to 6" },
	{ "unreachable", { MOV64_IMM(0, 0), EXIT, EXIT }, -EINVAL,
	  "unreachable insn 2" },
	{ "spill and fill", { MOV64_IMM(1, 42), STX_DW(10, 1, -8),
	  LDX_DW(0, 10, -8), EXIT }, 0, NULL },
	{ "ctx load", { LDX_W(0, 1, 4), EXIT }, 0, NULL },
	{ "ctx out of range", { LDX_W(0, 1, 64), EXIT }, -EACCES,
	  "invalid bpf_context access off=64 size=4" },
	{ "stack out of range", { ST_DW(10, -520, 1), MOV64_IMM(0, 0), EXIT },
	  -EACCES, "invalid write to stack R10 off=-520 size=8" },
	{ "map lookup unchecked", { ST_DW(10, -8, 0), MOV64_REG(2, 10),
	  ADD64_IMM(2, -8), LD_MAP(1, 100), CALL(BPF_FUNC_map_lookup_elem),
	  LDX_DW(0, 0, 0), EXIT }, -EACCES,
	  "R0 invalid mem access 'map_value_or_null'" },
	{ "map lookup checked", { ST_DW(10, -8, 0), MOV64_REG(2, 10),
	  ADD64_IMM(2, -8), LD_MAP(1, 100), CALL(BPF_FUNC_map_lookup_elem),
	  JEQ_IMM(0, 0, 1), LDX_DW(0, 0, 0), MOV64_IMM(0, 0), EXIT }, 0,
	  NULL },
	{ "map value out of bounds", { ST_DW(10, -8, 0), MOV64_REG(2, 10),
	  ADD64_IMM(2, -8), LD_MAP(1, 100), CALL(BPF_FUNC_map_lookup_elem),
	  JEQ_IMM(0, 0, 1), LDX_DW(0, 0, 8), MOV64_IMM(0, 0), EXIT },
	  -EACCES, "invalid access to map value, value_size=8 off=8 size=8" },
	{ "bounded loop", { MOV64_IMM(0, 0), ADD64_IMM(0, 1),
	  JGT_IMM(0, 10, 1), JA(-3), EXIT }, 0, NULL },
	{ "infinite loop", { MOV64_IMM(0, 0), JEQ_IMM(0, 0, -1), EXIT },
	  -EINVAL, "infinite loop detected at insn 1" },
	{ "unknown helper", { CALL(999), EXIT }, -EINVAL,
	  "invalid func unknown#999" },
	/* map 101: array of maps whose inner template is map 102 */
	{ "inner map lookup", { ST_DW(10, -8, 0), MOV64_REG(2, 10),
	  ADD64_IMM(2, -8), LD_MAP(1, 101), CALL(BPF_FUNC_map_lookup_elem),
	  JEQ_IMM(0, 0, 6), MOV64_REG(1, 0), MOV64_REG(2, 10),
	  ADD64_IMM(2, -8), CALL(BPF_FUNC_map_lookup_elem),
	  JEQ_IMM(0, 0, 1), LDX_DW(0, 0, 8), MOV64_IMM(0, 0), EXIT }, 0, NULL },
	{ "inner map value bounds", { ST_DW(10, -8, 0), MOV64_REG(2, 10),
	  ADD64_IMM(2, -8), LD_MAP(1, 101), CALL(BPF_FUNC_map_lookup_elem),
	  JEQ_IMM(0, 0, 6), MOV64_REG(1, 0), MOV64_REG(2, 10),
	  ADD64_IMM(2, -8), CALL(BPF_FUNC_map_lookup_elem),
	  JEQ_IMM(0, 0, 1), LDX_DW(0, 0, 16), MOV64_IMM(0, 0), EXIT },
	  -EACCES, "invalid access to map value, value_size=16 off=16 size=8" },
	/* map 103: a queue; pop fills uninitialised stack */
	{ "pop into uninit stack", { LD_MAP(1, 103), MOV64_REG(2, 10),
	  ADD64_IMM(2, -8), CALL(BPF_FUNC_map_pop_elem), LDX_DW(0, 10, -8),
	  EXIT }, 0, NULL },
	{ "pop into short stack", { LD_MAP(1, 103), MOV64_REG(2, 10),
	  ADD64_IMM(2, -4), CALL(BPF_FUNC_map_pop_elem), MOV64_IMM(0, 0),
	  EXIT }, -EINVAL, "invalid indirect access to stack R2 off=-4 size=8" },
	/* callbacks */
	{ "loop callback", { LOOP_CALL(0), MOV64_IMM(0, 1), EXIT }, 0, NULL },
	{ "loop callback index", { LOOP_CALL(0), MOV64_IMM(0, 0),
	  JGT_IMM(1, 3, 1), MOV64_IMM(0, 1), EXIT }, 0, NULL },
	{ "callback returns 2", { LOOP_CALL(0), MOV64_IMM(0, 2), EXIT },
	  -EINVAL, "At callback return the register R0 has value (0x2; 0x0) should have been in (0x0; 0x1)" },
	{ "callback returns unknown", { LOOP_CALL(0), MOV64_REG(0, 1), EXIT },
	  -EINVAL, "At callback return the register R0 has unknown scalar value should have been in (0x0; 0x1)" },
	/* a subprogram's exit does not check R0 as the program's does */
	{ "callback R0 uninit", { LOOP_CALL(0), EXIT }, -EACCES,
	  "R0 not a scalar value" },
	{ "loop callback R3 uninit", { LOOP_CALL(0), MOV64_REG(0, 3), EXIT },
	  -EACCES, "R3 !read_ok" },
	{ "callback not a func", { MOV64_IMM(1, 4), MOV64_IMM(2, 0),
	  MOV64_IMM(3, 0), MOV64_IMM(4, 0), CALL(BPF_FUNC_loop), EXIT },
	  -EACCES, "R2 type=scalar expected=func" },
	{ "callback is main", { MOV64_IMM(1, 4), LD_FUNC(2, -2),
	  MOV64_IMM(3, 0), MOV64_IMM(4, 0), CALL(BPF_FUNC_loop), EXIT },
	  -EINVAL, "callback function cannot be the main program" },
	{ "callback out of range", { MOV64_IMM(1, 4), LD_FUNC(2, 20),
	  MOV64_IMM(3, 0), MOV64_IMM(4, 0), CALL(BPF_FUNC_loop), EXIT },
	  -EINVAL, "call to invalid destination" },
	{ "callback ctx not stack", { MOV64_REG(3, 1), MOV64_IMM(1, 4),
	  LD_FUNC(2, 4), MOV64_IMM(4, 0), CALL(BPF_FUNC_loop), EXIT,
	  MOV64_IMM(0, 0), EXIT }, -EACCES, "R3 type=ctx expected=fp" },
	{ "callback stack too deep", { ST_DW(10, -64, 0), LOOP_CALL(0),
	  ST_DW(10, -512, 0), MOV64_IMM(0, 0), EXIT }, -EACCES,
	  "combined stack size of 2 calls is 576. Too large" },
	{ "callback frames too deep", { LOOP_CALL(0), LOOP_CALL(0),
	  LOOP_CALL(0), LOOP_CALL(0), LOOP_CALL(0), LOOP_CALL(0),
	  LOOP_CALL(0), LOOP_CALL(0), MOV64_IMM(0, 0), EXIT }, -E2BIG,
	  "the call stack of 9 frames is too deep" },
	{ "for_each hash", { FOR_EACH_CALL(100), LDX_DW(0, 3, 0),
	  LDX_DW(0, 2, 0), LDX_DW(5, 4, 0), MOV64_IMM(0, 0), EXIT }, 0,
	  NULL },
	{ "for_each value bounds", { FOR_EACH_CALL(100), LDX_DW(0, 3, 8),
	  MOV64_IMM(0, 0), EXIT }, -EACCES,
	  "invalid access to map value, value_size=8 off=8 size=8" },
	{ "for_each key read only", { FOR_EACH_CALL(100), ST_DW(2, 0, 1),
	  MOV64_IMM(0, 0), EXIT }, -EACCES, "write to change key R2 not allowed" },
	{ "for_each R5 uninit", { FOR_EACH_CALL(100), MOV64_REG(0, 5), EXIT },
	  -EACCES, "R5 !read_ok" },
	{ "for_each on a queue", { FOR_EACH_CALL(103), MOV64_IMM(0, 0),
	  EXIT }, -ENOTSUPP, "callback function not allowed for map" },
};

static u32 prog_len(const struct bpf_insn *insns)
{
	u32 n = 64;

	while (n && !insns[n - 1].code && !insns[n - 1].imm &&
	       !insns[n - 1].dst_reg)
		n--;
	return n;
}

int main(void)
{
	static struct host_log log;
	struct xbpf_verify_result res;
	int pass = 0, fail = 0;
	size_t i;

	host_maps[0] = (struct xbpf_vmap){ .map_type = BPF_MAP_TYPE_HASH,
		.key_size = 8, .value_size = 8, .max_entries = 4, .id = 1,
		.handle = &host_maps[0] };
	host_maps[2] = (struct xbpf_vmap){ .map_type = BPF_MAP_TYPE_ARRAY,
		.key_size = 4, .value_size = 16, .max_entries = 2, .id = 3,
		.handle = &host_maps[2] };
	host_maps[1] = (struct xbpf_vmap){
		.map_type = BPF_MAP_TYPE_ARRAY_OF_MAPS, .key_size = 4,
		.value_size = 4, .max_entries = 2, .id = 2,
		.handle = &host_maps[1], .inner = &host_maps[2] };
	host_maps[3] = (struct xbpf_vmap){ .map_type = BPF_MAP_TYPE_QUEUE,
		.value_size = 8, .max_entries = 2, .id = 4,
		.handle = &host_maps[3] };
	printf("TAP version 13\n1..%zu\n", ARRAY_SIZE(tests) + 2);
	for (i = 0; i < ARRAY_SIZE(tests); i++) {
		const struct vtest *t = &tests[i];
		int err = host_verify(t->insns, prog_len(t->insns), 2, &log,
				      &res);
		bool ok = err == t->err &&
			  (!t->errstr || strstr(log.buf, t->errstr));

		if (!err)
			xbpf_core_free(res.insns);
		printf("%sok %zu - %s\n", ok ? "" : "not ", i + 1, t->name);
		if (!ok)
			printf("# err %d (want %d)\n# log:\n%s\n", err, t->err,
			       log.buf);
		ok ? pass++ : fail++;
	}
	/* flags known to be 0: the call becomes a loop, as in Linux 6.1 */
	{
		const struct bpf_insn loop[] = { LOOP_CALL(0), MOV64_IMM(0, 0),
						 EXIT };
		const struct bpf_insn flags[] = { LOOP_CALL(1), MOV64_IMM(0, 0),
						  EXIT };
		int err = host_verify(loop, ARRAY_SIZE(loop), 0, &log, &res);
		bool ok = !err && res.insn_cnt == ARRAY_SIZE(loop) + 18 &&
			  res.func_stack_depth[0] == 24;

		if (!err)
			xbpf_core_free(res.insns);
		printf("%sok %zu - bpf_loop inlined\n", ok ? "" : "not ",
		       ++i);
		ok ? pass++ : fail++;
		err = host_verify(flags, ARRAY_SIZE(flags), 0, &log, &res);
		ok = !err && res.insn_cnt == ARRAY_SIZE(flags) &&
		     res.func_stack_depth[0] == 0;
		if (!err)
			xbpf_core_free(res.insns);
		printf("%sok %zu - bpf_loop with flags not inlined\n",
		       ok ? "" : "not ", ++i);
		ok ? pass++ : fail++;
	}
	printf("%d passed, %d failed\n", pass, fail);
	return fail ? 1 : 0;
}
