// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for the interpreter and the disassembler.
 *
 * The input is an instruction stream. Every instruction is disassembled as
 * it comes (the disassembler must cope with any bytes). Then a minimal
 * stand-in for the verifier makes the stream safe to run, rewriting rather
 * than rejecting so that every input executes: opcodes and atomic
 * operations from insn.def, registers R0-R10 with R10 never written,
 * memory only through R10, aligned and inside the frame, jumps and calls
 * landing on instructions, known helpers, an exit at the end. Fields the
 * interpreter must take as they come stay as the input has them. Loops and
 * recursion are allowed: the step budget and the interpreter's call depth
 * limit end them. Any sanitizer report, or an interpreter bug report other
 * than the call depth limit, is a finding.
 */
#include <stdlib.h>
#include <string.h>

#include "disasm.h"
#include "insn.h"
#include "interp.h"

#define MAX_INSNS	512
#define STEP_BUDGET	20000

static unsigned long steps;

bool xbpf_host_step(const struct bpf_insn *insn)
{
	return ++steps <= STEP_BUDGET;
}

void xbpf_host_bug(const char *what, const struct bpf_insn *insn)
{
	/* Of the states a verifier would exclude, make_safe() leaves only this. */
	if (strcmp(what, "call depth exceeded"))
		abort();
}

static u64 h_mix(u64 a, u64 b, u64 c, u64 d, u64 e)
{
	return a * 3 ^ b << 1 ^ c >> 1 ^ d ^ ~e;
}

static u64 h_zero(u64 a, u64 b, u64 c, u64 d, u64 e)
{
	return 0;
}

static const xbpf_helper_fn helpers[] = { h_zero, h_mix, h_zero, h_mix };

static u8 arena[64];
static struct xbpf_interp_prog prog;

/* Slot 0 holds the program itself, slot 1 is empty, the rest is beyond. */
static int tail_call(void *cookie, u64 map, u32 index,
		     const struct xbpf_interp_prog **target)
{
	if (index > 1)
		return -1;
	*target = index ? NULL : &prog;
	return 0;
}

static int ld_abs(void *cookie, u64 ctx, s32 off, void *to, u32 size)
{
	if (off < 0 || off + size > sizeof(arena))
		return -1;
	memcpy(to, arena + off, size);
	return 0;
}

static int probe_read(void *cookie, void *to, u64 from, u32 size)
{
	u64 start = (unsigned long)arena;

	if (from < start || from > start + sizeof(arena) - size)
		return -1;
	memcpy(to, (void *)(unsigned long)from, size);
	return 0;
}

static const struct xbpf_interp_ops ops = {
	.tail_call = tail_call,
	.ld_abs = ld_abs,
	.probe_read = probe_read,
};

static const u8 forms[256] = {
#define XBPF_INSN(code, label, form, scope) [code] = XBPF_FORM_##form,
#include "insn.def"
};

static const u8 codes[] = {
#define XBPF_INSN(code, label, form, scope) code,
#include "insn.def"
};

static const s32 atomic_ops[] = {
#define XBPF_ATOMIC(imm, label, form) imm,
#include "insn.def"
};

/* An aligned offset from R10 inside the frame, for a code-sized access. */
static s16 stack_off(s16 off, u8 code)
{
	/* BPF_W, BPF_H, BPF_B encode as 0, 1, 2 in the size bits. */
	int size = BPF_SIZE(code) == BPF_DW ? 8 : 4 >> (BPF_SIZE(code) >> 3);

	return -(int)((u16)off % (XBPF_STACK_SIZE / size) + 1) * size;
}

/* The offset from i that reaches the instruction start nearest to off. */
static s32 land(const bool *second_half, u32 n, u32 i, s64 off)
{
	s64 to = ((s64)i + 1 + off) % n;

	if (to < 0)
		to += n;
	if (second_half[to])
		to--;
	return to - i - 1;
}

static void make_safe(struct bpf_insn *insns, u32 n)
{
	bool second_half[MAX_INSNS] = {};
	struct bpf_insn *insn;
	u32 i;

	insns[n - 1] = (struct bpf_insn) { .code = BPF_JMP | BPF_EXIT };
	for (i = 0; i + 1 < n; i++) {
		insn = &insns[i];
		if (!forms[insn->code])
			insn->code = codes[insn->code % ARRAY_SIZE(codes)];
		if (insn->code != (BPF_LD | BPF_IMM | BPF_DW))
			continue;
		if (i + 2 < n) {
			insns[i + 1].code = 0;
			second_half[++i] = true;
		} else {
			insn->code = BPF_ALU64 | BPF_MOV | BPF_K;
		}
	}

	for (i = 0; i + 1 < n; i++) {
		insn = &insns[i];
		if (second_half[i])
			continue;
		insn->dst_reg %= BPF_REG_10 + 1;
		switch (forms[insn->code]) {
		case XBPF_FORM_ALU_X:
		case XBPF_FORM_ALU_K:
		case XBPF_FORM_NEG:
		case XBPF_FORM_END:
		case XBPF_FORM_LD_IMM64:
		case XBPF_FORM_PROBE:
			insn->dst_reg %= BPF_REG_10;
			break;
		case XBPF_FORM_LDX:
			insn->dst_reg %= BPF_REG_10;
			insn->src_reg = BPF_REG_10;
			insn->off = stack_off(insn->off, insn->code);
			break;
		case XBPF_FORM_ATOMIC:
			if (!xbpf_insn_atomic_valid(insn->imm))
				insn->imm = atomic_ops[(u32)insn->imm %
						       ARRAY_SIZE(atomic_ops)];
			if (insn->imm & BPF_FETCH)
				insn->src_reg %= BPF_REG_10;
			fallthrough;
		case XBPF_FORM_STX:
		case XBPF_FORM_ST:
			insn->dst_reg = BPF_REG_10;
			insn->off = stack_off(insn->off, insn->code);
			break;
		case XBPF_FORM_JA:
		case XBPF_FORM_JCOND_X:
		case XBPF_FORM_JCOND_K:
			insn->off = land(second_half, n, i, insn->off);
			break;
		case XBPF_FORM_GOTOL:
			insn->imm = land(second_half, n, i, insn->imm);
			break;
		case XBPF_FORM_CALL:
			if (insn->src_reg == BPF_PSEUDO_CALL) {
				insn->imm = land(second_half, n, i, insn->imm);
				break;
			}
			/* A helper, or one past them: a tail call. */
			insn->src_reg = 0;
			insn->imm = (u32)insn->imm % (ARRAY_SIZE(helpers) + 1);
			if (insn->imm == ARRAY_SIZE(helpers))
				insn->imm = BPF_FUNC_tail_call;
			break;
		default: /* EXIT, LD_ABS, LD_IND only read registers */
			break;
		}
		insn->src_reg %= BPF_REG_10 + 1;
	}
}

int LLVMFuzzerTestOneInput(const u8 *data, size_t size);

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	static struct xbpf_interp_scratch scratch;
	static struct bpf_insn insns[MAX_INSNS];
	u32 n = size / sizeof(struct bpf_insn), i;
	char line[48];

	if (!n || n > MAX_INSNS)
		return 0;
	memcpy(insns, data, n * sizeof(*insns));

	for (i = 0; i < n; i++) {
		if (insns[i].code == (BPF_LD | BPF_IMM | BPF_DW) && i + 1 == n)
			break;
		xbpf_disasm_insn(&insns[i], NULL, i & 1, line, sizeof(line));
	}

	make_safe(insns, n);
	for (i = 0; i < sizeof(arena); i++)
		arena[i] = i * 37;
	prog = (struct xbpf_interp_prog) {
		.insns = insns,
		.helpers = helpers,
		.ops = &ops,
	};
	steps = 0;
	xbpf_interp_run(&prog, arena, &scratch);
	return 0;
}
