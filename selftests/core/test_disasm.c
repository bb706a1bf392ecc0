// SPDX-License-Identifier: GPL-2.0
/*
 * The disassembler against the exact lines Linux 6.1's verifier log prints
 * (kernel/bpf/disasm.c), one or more per instruction form.
 */
#include <stdlib.h>
#include <string.h>

#include "disasm.h"
#include "test.h"

struct disasm_test {
	struct bpf_insn insn[2];
	const char *want;
	bool allow_ptr_leaks;
	bool with_cbs;
	const char *what;
};

#define MAP_FD_LOAD(d, v)						\
	INSN(BPF_LD | BPF_IMM | BPF_DW, d, BPF_PSEUDO_MAP_FD, 0, v),	\
	INSN(0, 0, 0, 0, 0xffff8880)

static const struct disasm_test disasm_tests[] = {
	{ { MOV64_K(R0, 0) }, "(b7) r0 = 0\n" },
	{ { MOV64_X(R1, R10) }, "(bf) r1 = r10\n" },
	{ { ALU64_K(ADD, R1, -8) }, "(07) r1 += -8\n" },
	{ { ALU64_X(SUB, R1, R2) }, "(1f) r1 -= r2\n" },
	{ { ALU64_K(MUL, R3, 7) }, "(27) r3 *= 7\n" },
	{ { ALU64_X(DIV, R4, R5) }, "(3f) r4 /= r5\n" },
	{ { ALU64_K(OR, R6, 1) }, "(47) r6 |= 1\n" },
	{ { ALU64_X(AND, R7, R8) }, "(5f) r7 &= r8\n" },
	{ { ALU64_K(LSH, R9, 63) }, "(67) r9 <<= 63\n" },
	{ { ALU64_X(RSH, R0, R1) }, "(7f) r0 >>= r1\n" },
	{ { ALU64_K(MOD, R2, 10) }, "(97) r2 %= 10\n" },
	{ { ALU64_X(XOR, R3, R3) }, "(af) r3 ^= r3\n" },
	{ { ALU64_K(ARSH, R1, 3) }, "(c7) r1 s>>= 3\n" },
	{ { NEG64(R3) }, "(87) r3 = -r3\n" },
	{ { ALU32_K(ADD, R1, 3) }, "(04) w1 += 3\n" },
	{ { ALU32_X(MOV, R1, R2) }, "(bc) w1 = w2\n" },
	{ { ALU32_K(MOV, R0, -1) }, "(b4) w0 = -1\n" },
	{ { ALU32_X(ARSH, R4, R5) }, "(cc) w4 s>>= w5\n" },
	{ { NEG32(R3) }, "(84) w3 = -w3\n" },
	{ { ENDIAN(TO_BE, R1, 16) }, "(dc) r1 = be16 r1\n" },
	{ { ENDIAN(TO_LE, R2, 32) }, "(d4) r2 = le32 r2\n" },
	{ { ENDIAN(TO_BE, R3, 64) }, "(dc) r3 = be64 r3\n" },

	{ { JA(-1) }, "(05) goto pc-1\n" },
	{ { JA(0) }, "(05) goto pc+0\n" },
	{ { GOTOL(70000) }, "(06) gotol pc+70000\n" },
	{ { JMP_X(JSGT, R1, R2, -3) }, "(6d) if r1 s> r2 goto pc-3\n" },
	{ { JMP_K(JEQ, R1, -1, 0) }, "(15) if r1 == 0xffffffff goto pc+0\n" },
	{ { JMP_K(JSET, R2, 0x10, 4) }, "(45) if r2 & 0x10 goto pc+4\n" },
	{ { JMP_X(JLE, R3, R4, 1) }, "(bd) if r3 <= r4 goto pc+1\n" },
	{ { JMP32_K(JGT, R1, 3, 1) }, "(26) if w1 > 0x3 goto pc+1\n" },
	{ { JMP32_X(JSET, R1, R2, 2) }, "(4e) if w1 & w2 goto pc+2\n" },
	{ { JMP32_K(JSLE, R5, -2, 7) }, "(d6) if w5 s<= 0xfffffffe goto pc+7\n" },
	{ { JMP32_X(JNE, R6, R7, -2) }, "(5e) if w6 != w7 goto pc-2\n" },
	{ { CALL(1) }, "(85) call bpf_map_lookup_elem#1\n" },
	{ { CALL(BPF_FUNC_tail_call) }, "(85) call bpf_tail_call#12\n" },
	{ { CALL(209) }, "(85) call bpf_user_ringbuf_drain#209\n" },
	{ { CALL(1000) }, "(85) call unknown#1000\n" },
	{ { CALL_PC(2) }, "(85) call pc+2\n" },
	{ { CALL_PC(-5) }, "(85) call pc-5\n" },
	{ { INSN(BPF_JMP | BPF_CALL, 0, BPF_PSEUDO_KFUNC_CALL, 0, 55) },
	  "(85) call kernel-function#55\n" },
	{ { EXIT() }, "(95) exit\n" },

	{ { LDX(W, R0, R1, 0) }, "(61) r0 = *(u32 *)(r1 +0)\n" },
	{ { LDX(H, R2, R3, 2) }, "(69) r2 = *(u16 *)(r3 +2)\n" },
	{ { LDX(B, R4, R10, -1) }, "(71) r4 = *(u8 *)(r10 -1)\n" },
	{ { LDX(DW, R5, R6, 32767) }, "(79) r5 = *(u64 *)(r6 +32767)\n" },
	{ { STX(W, R10, R1, -4) }, "(63) *(u32 *)(r10 -4) = r1\n" },
	{ { STX(DW, R1, R2, 8) }, "(7b) *(u64 *)(r1 +8) = r2\n" },
	{ { STX(B, R1, R2, -32768) }, "(73) *(u8 *)(r1 -32768) = r2\n" },
	{ { ST(DW, R10, -8, 0) }, "(7a) *(u64 *)(r10 -8) = 0\n" },
	{ { ST(B, R1, 3, -1) }, "(72) *(u8 *)(r1 +3) = -1\n" },
	{ { ST(H, R1, 0, 0x1234) }, "(6a) *(u16 *)(r1 +0) = 4660\n" },

	{ { ATOMIC(W, BPF_ADD, R2, R1, 0) },
	  "(c3) lock *(u32 *)(r2 +0) += r1\n" },
	{ { ATOMIC(DW, BPF_AND, R1, R2, 8) },
	  "(db) lock *(u64 *)(r1 +8) &= r2\n" },
	{ { ATOMIC(DW, BPF_OR, R1, R2, -8) },
	  "(db) lock *(u64 *)(r1 -8) |= r2\n" },
	{ { ATOMIC(W, BPF_XOR, R3, R4, 4) },
	  "(c3) lock *(u32 *)(r3 +4) ^= r4\n" },
	{ { ATOMIC(DW, BPF_ADD | BPF_FETCH, R2, R0, 0) },
	  "(db) r0 = atomic64_fetch_add((u64 *)(r2 +0), r0)\n" },
	{ { ATOMIC(W, BPF_AND | BPF_FETCH, R3, R4, -8) },
	  "(c3) r4 = atomic_fetch_and((u32 *)(r3 -8), r4)\n" },
	{ { ATOMIC(DW, BPF_OR | BPF_FETCH, R3, R4, 0) },
	  "(db) r4 = atomic64_fetch_or((u64 *)(r3 +0), r4)\n" },
	{ { ATOMIC(W, BPF_XOR | BPF_FETCH, R3, R4, 0) },
	  "(c3) r4 = atomic_fetch_xor((u32 *)(r3 +0), r4)\n" },
	{ { ATOMIC(DW, BPF_XCHG, R10, R1, -16) },
	  "(db) r1 = atomic64_xchg((u64 *)(r10 -16), r1)\n" },
	{ { ATOMIC(W, BPF_CMPXCHG, R2, R3, 4) },
	  "(c3) r0 = atomic_cmpxchg((u32 *)(r2 +4), r0, r3)\n" },
	{ { ATOMIC(DW, BPF_CMPXCHG, R2, R3, 0) },
	  "(db) r0 = atomic64_cmpxchg((u64 *)(r2 +0), r0, r3)\n" },
	{ { ATOMIC(W, BPF_SUB, R2, R3, 0) }, "BUG_c3\n" },

	{ { LD64(R1, 0xffff888012345678ULL) },
	  "(18) r1 = 0xffff888012345678\n" },
	{ { LD64(R0, 0) }, "(18) r0 = 0x0\n" },
	{ { MAP_FD_LOAD(R1, 0x12345678) }, "(18) r1 = 0x0\n",
	  .what = "map pointer hidden: " },
	{ { MAP_FD_LOAD(R1, 0x12345678) }, "(18) r1 = 0xffff888012345678\n",
	  .allow_ptr_leaks = true, .what = "map pointer shown: " },
	{ { MAP_FD_LOAD(R2, 3) }, "(18) r2 = map[id:3]\n", .with_cbs = true,
	  .what = "callbacks name ld_imm64: " },
	{ { LD_ABS(H, 12) }, "(28) r0 = *(u16 *)skb[12]\n" },
	{ { LD_ABS(W, -0x100000) }, "(20) r0 = *(u32 *)skb[-1048576]\n" },
	{ { LD_IND(B, R7, 3) }, "(50) r0 = *(u8 *)skb[r7 + 3]\n" },
	{ { PROBE(W, R0, R1, 0) }, "BUG_ldx_21\n" },
	{ { INSN(0xff, 0, 0, 0, 0) }, "(ff) unknown opcode\n" },
};

static const char *test_call_name(void *priv, const struct bpf_insn *insn,
				  char *buf, size_t size)
{
	snprintf(buf, size, "%+d#%s", insn->imm, (const char *)priv);
	return buf;
}

static const char *test_imm_name(void *priv, const struct bpf_insn *insn,
				 u64 imm, char *buf, size_t size)
{
	if (insn->src_reg != BPF_PSEUDO_MAP_FD)
		return NULL;
	snprintf(buf, size, "map[id:%d]", insn->imm);
	return buf;
}

static const struct xbpf_disasm_cbs cbs = {
	.call_name = test_call_name,
	.imm_name = test_imm_name,
	.priv = "sub",
};

static void check(const char *what, const struct bpf_insn *insn,
		  const struct xbpf_disasm_cbs *with, bool leaks,
		  const char *want)
{
	char buf[128];
	int n;

	n = xbpf_disasm_insn(insn, with, leaks, buf, sizeof(buf));
	if (strcmp(buf, want) || n != (int)strlen(want))
		test_diag("got \"%.*s\" (%d), want \"%.*s\"",
			  (int)strcspn(buf, "\n"), buf, n,
			  (int)strcspn(want, "\n"), want);
	test_result(!strcmp(buf, want) && n == (int)strlen(want),
		    "disasm: %s%.*s", what, (int)strcspn(want, "\n"), want);
}

void test_disasm(void)
{
	const struct bpf_insn call = CALL_PC(2);
	const struct bpf_insn helper = CALL(BPF_FUNC_map_update_elem);
	const struct bpf_insn imm64[] = { LD64(R3, 0x42) };
	const struct disasm_test *t;
	struct bpf_insn insn[2] = {};
	char buf[128];
	unsigned int c, bad = 0;
	size_t i;
	int n;

	for (i = 0; i < ARRAY_SIZE(disasm_tests); i++) {
		t = &disasm_tests[i];
		check(t->what ? t->what : "", t->insn,
		      t->with_cbs ? &cbs : NULL,
		      t->allow_ptr_leaks, t->want);
	}

	check("callbacks name calls: ", &call, &cbs, false,
	      "(85) call pc+2#sub\n");
	check("callbacks do not rename helpers: ", &helper, &cbs, false,
	      "(85) call bpf_map_update_elem#2\n");
	check("a NULL callback result falls back: ", imm64, &cbs, false,
	      "(18) r3 = 0x42\n");

	n = xbpf_disasm_insn(&helper, NULL, false, buf, 10);
	test_result(n == (int)strlen("(85) call bpf_map_update_elem#2\n") &&
		    !strcmp(buf, "(85) call"),
		    "disasm: truncates like snprintf, returns the full length");

	/* Every opcode of the table has a form, and Linux's words for it. */
	for (c = 0; c < 256; c++) {
		if (!opcode_label(c) || (BPF_CLASS(c) == BPF_LDX &&
					 BPF_MODE(c) == XBPF_PROBE_MEM))
			continue;
		insn[0].code = c;
		xbpf_disasm_insn(insn, NULL, false, buf, sizeof(buf));
		if (buf[0] != '(' || strtoul(buf + 1, NULL, 16) != c ||
		    buf[strlen(buf) - 1] != '\n' || strstr(buf, "null") ||
		    strstr(buf, "BUG") || strstr(buf, "unknown opcode")) {
			test_diag("%s: \"%s\"", opcode_label(c), buf);
			bad++;
		}
	}
	test_result(!bad, "disasm: every opcode in insn.def has its text");
}
