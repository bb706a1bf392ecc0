// SPDX-License-Identifier: GPL-2.0
/*
 * The disassembler. Each opcode's form comes from insn.def; the text of
 * each form is Linux 6.1's print_bpf_insn() to the byte, with one
 * exception: "gotol", which Debian's 6.1 accepts but prints as a garbled
 * conditional jump, is printed as later Linux versions print it.
 */
#include "disasm.h"
#include "insn.h"

static const u8 forms[256] = {
#define XBPF_INSN(code, label, form, scope) [code] = XBPF_FORM_##form,
#include "insn.def"
};

static const struct {
	s32 imm;
	u8 form;
	const char *name;
} atomics[] = {
#define XBPF_ATOMIC(imm, label, form) { imm, XBPF_AFORM_##form, #label },
#include "insn.def"
};

static const char *const helper_names[] = {
#define XBPF_HELPER(id, name) [id] = "bpf_" #name,
#include "helper_names.h"
};

/* Indexed by BPF_OP() >> 4. */
static const char *const alu_ops[16] = {
	[BPF_ADD >> 4]	= "+=",
	[BPF_SUB >> 4]	= "-=",
	[BPF_MUL >> 4]	= "*=",
	[BPF_DIV >> 4]	= "/=",
	[BPF_OR >> 4]	= "|=",
	[BPF_AND >> 4]	= "&=",
	[BPF_LSH >> 4]	= "<<=",
	[BPF_RSH >> 4]	= ">>=",
	[BPF_MOD >> 4]	= "%=",
	[BPF_XOR >> 4]	= "^=",
	[BPF_MOV >> 4]	= "=",
	[BPF_ARSH >> 4]	= "s>>=",
};

static const char *const jmp_ops[16] = {
	[BPF_JEQ >> 4]	= "==",
	[BPF_JGT >> 4]	= ">",
	[BPF_JGE >> 4]	= ">=",
	[BPF_JSET >> 4]	= "&",
	[BPF_JNE >> 4]	= "!=",
	[BPF_JSGT >> 4]	= "s>",
	[BPF_JSGE >> 4]	= "s>=",
	[BPF_JLT >> 4]	= "<",
	[BPF_JLE >> 4]	= "<=",
	[BPF_JSLT >> 4]	= "s<",
	[BPF_JSLE >> 4]	= "s<=",
};

/* Indexed by BPF_SIZE() >> 3. */
static const char *const sizes[4] = {
	[BPF_W >> 3]	= "u32",
	[BPF_H >> 3]	= "u16",
	[BPF_B >> 3]	= "u8",
	[BPF_DW >> 3]	= "u64",
};

const char *xbpf_alu_op_str(u8 code)
{
	return alu_ops[BPF_OP(code) >> 4];
}

const char *xbpf_helper_name(s32 func_id)
{
	if (func_id < 0 || func_id >= (s32)ARRAY_SIZE(helper_names))
		return NULL;
	return helper_names[func_id];
}

static const char *call_name(const struct bpf_insn *insn,
			     const struct xbpf_disasm_cbs *cbs,
			     char *buf, size_t size)
{
	const char *name;

	if (!insn->src_reg && insn->imm >= 0 &&
	    insn->imm < (s32)ARRAY_SIZE(helper_names))
		return helper_names[insn->imm];
	if (cbs && cbs->call_name) {
		name = cbs->call_name(cbs->priv, insn, buf, size);
		if (name)
			return name;
	}
	if (insn->src_reg == BPF_PSEUDO_CALL) {
		snprintf(buf, size, "%+d", insn->imm);
		return buf;
	}
	if (insn->src_reg == BPF_PSEUDO_KFUNC_CALL)
		return "kernel-function";
	return "unknown";
}

static int disasm_atomic(const struct bpf_insn *insn, char *buf, size_t size)
{
	const char *sz = sizes[BPF_SIZE(insn->code) >> 3];
	const char *bits = BPF_SIZE(insn->code) == BPF_DW ? "64" : "";
	u32 i;

	for (i = 0; i < ARRAY_SIZE(atomics); i++)
		if (atomics[i].imm == insn->imm)
			break;
	if (i == ARRAY_SIZE(atomics))
		return snprintf(buf, size, "BUG_%02x\n", insn->code);

	switch (atomics[i].form) {
	case XBPF_AFORM_LOCK:
		return snprintf(buf, size, "(%02x) lock *(%s *)(r%d %+d) %s r%d\n",
				insn->code, sz, insn->dst_reg, insn->off,
				alu_ops[BPF_OP(insn->imm) >> 4], insn->src_reg);
	case XBPF_AFORM_FETCH:
		return snprintf(buf, size,
				"(%02x) r%d = atomic%s_%s((%s *)(r%d %+d), r%d)\n",
				insn->code, insn->src_reg, bits,
				atomics[i].name, sz, insn->dst_reg, insn->off,
				insn->src_reg);
	default:
		return snprintf(buf, size,
				"(%02x) r0 = atomic%s_%s((%s *)(r%d %+d), r0, r%d)\n",
				insn->code, bits, atomics[i].name, sz,
				insn->dst_reg, insn->off, insn->src_reg);
	}
}

static int disasm_ld_imm64(const struct bpf_insn *insn,
			   const struct xbpf_disasm_cbs *cbs,
			   bool allow_ptr_leaks, char *buf, size_t size)
{
	u64 imm = (u64)(u32)insn[1].imm << 32 | (u32)insn[0].imm;
	char tmp[64];
	const char *text = NULL;

	switch (insn->src_reg) {
	case BPF_PSEUDO_MAP_FD:
	case BPF_PSEUDO_MAP_VALUE:
	case BPF_PSEUDO_MAP_IDX:
	case BPF_PSEUDO_MAP_IDX_VALUE:
	case BPF_PSEUDO_BTF_ID:
		if (!allow_ptr_leaks)
			imm = 0;
		break;
	}
	if (cbs && cbs->imm_name)
		text = cbs->imm_name(cbs->priv, insn, imm, tmp, sizeof(tmp));
	if (!text) {
		snprintf(tmp, sizeof(tmp), "0x%llx", (unsigned long long)imm);
		text = tmp;
	}
	return snprintf(buf, size, "(%02x) r%d = %s\n", insn->code,
			insn->dst_reg, text);
}

int xbpf_disasm_insn(const struct bpf_insn *insn,
		     const struct xbpf_disasm_cbs *cbs, bool allow_ptr_leaks,
		     char *buf, size_t size)
{
	u8 code = insn->code;
	/* ALU and JMP32 name 32-bit registers w0-w10. */
	char reg = BPF_CLASS(code) == BPF_ALU ||
		   BPF_CLASS(code) == BPF_JMP32 ? 'w' : 'r';
	const char *sz = sizes[BPF_SIZE(code) >> 3];
	char tmp[64];

	switch (forms[code]) {
	case XBPF_FORM_ALU_X:
		return snprintf(buf, size, "(%02x) %c%d %s %c%d\n", code,
				reg, insn->dst_reg, alu_ops[BPF_OP(code) >> 4],
				reg, insn->src_reg);
	case XBPF_FORM_ALU_K:
		return snprintf(buf, size, "(%02x) %c%d %s %d\n", code,
				reg, insn->dst_reg, alu_ops[BPF_OP(code) >> 4],
				insn->imm);
	case XBPF_FORM_NEG:
		return snprintf(buf, size, "(%02x) %c%d = -%c%d\n", code,
				reg, insn->dst_reg, reg, insn->dst_reg);
	case XBPF_FORM_END:
		return snprintf(buf, size, "(%02x) r%d = %s%d r%d\n", code,
				insn->dst_reg,
				BPF_SRC(code) == BPF_TO_BE ? "be" : "le",
				insn->imm, insn->dst_reg);
	case XBPF_FORM_JA:
		return snprintf(buf, size, "(%02x) goto pc%+d\n", code,
				insn->off);
	case XBPF_FORM_GOTOL:
		return snprintf(buf, size, "(%02x) gotol pc%+d\n", code,
				insn->imm);
	case XBPF_FORM_JCOND_X:
		return snprintf(buf, size, "(%02x) if %c%d %s %c%d goto pc%+d\n",
				code, reg, insn->dst_reg,
				jmp_ops[BPF_OP(code) >> 4], reg, insn->src_reg,
				insn->off);
	case XBPF_FORM_JCOND_K:
		return snprintf(buf, size, "(%02x) if %c%d %s 0x%x goto pc%+d\n",
				code, reg, insn->dst_reg,
				jmp_ops[BPF_OP(code) >> 4], insn->imm, insn->off);
	case XBPF_FORM_CALL:
		if (insn->src_reg == BPF_PSEUDO_CALL)
			return snprintf(buf, size, "(%02x) call pc%s\n", code,
					call_name(insn, cbs, tmp, sizeof(tmp)));
		return snprintf(buf, size, "(%02x) call %s#%d\n", code,
				call_name(insn, cbs, tmp, sizeof(tmp)),
				insn->imm);
	case XBPF_FORM_EXIT:
		return snprintf(buf, size, "(%02x) exit\n", code);
	case XBPF_FORM_LDX:
		return snprintf(buf, size, "(%02x) r%d = *(%s *)(r%d %+d)\n",
				code, insn->dst_reg, sz, insn->src_reg,
				insn->off);
	case XBPF_FORM_STX:
		return snprintf(buf, size, "(%02x) *(%s *)(r%d %+d) = r%d\n",
				code, sz, insn->dst_reg, insn->off,
				insn->src_reg);
	case XBPF_FORM_ST:
		return snprintf(buf, size, "(%02x) *(%s *)(r%d %+d) = %d\n",
				code, sz, insn->dst_reg, insn->off, insn->imm);
	case XBPF_FORM_ATOMIC:
		return disasm_atomic(insn, buf, size);
	case XBPF_FORM_LD_IMM64:
		return disasm_ld_imm64(insn, cbs, allow_ptr_leaks, buf, size);
	case XBPF_FORM_LD_ABS:
		return snprintf(buf, size, "(%02x) r0 = *(%s *)skb[%d]\n",
				code, sz, insn->imm);
	case XBPF_FORM_LD_IND:
		return snprintf(buf, size, "(%02x) r0 = *(%s *)skb[r%d + %d]\n",
				code, sz, insn->src_reg, insn->imm);
	case XBPF_FORM_PROBE:
		/* Linux prints its internal loads so, too. */
		return snprintf(buf, size, "BUG_ldx_%02x\n", code);
	case XBPF_FORM_PERCPU:
		return snprintf(buf, size, "(%02x) r%d = this_cpu_ptr(r%d)\n",
				code, insn->dst_reg, insn->dst_reg);
	default:
		return snprintf(buf, size, "(%02x) unknown opcode\n", code);
	}
}
