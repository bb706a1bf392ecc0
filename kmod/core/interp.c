// SPDX-License-Identifier: GPL-2.0
/*
 * The eBPF interpreter, with the semantics of Linux 6.1 for every program
 * its verifier accepts. Where a verified program cannot tell the difference
 * the interpreter also stays safe on programs no verifier saw, which lets
 * it be fuzzed: immediate shift counts are masked like register ones, and a
 * division by an immediate zero behaves as by a register holding zero.
 *
 * Dispatch is a computed goto through a table built from insn.def, so an
 * opcode without a label here fails to compile, and a label without an
 * opcode is an unused label.
 *
 * Kernel stack use is the register file plus a few scalars, under 200
 * bytes (184 from gcc 12 on x86-64) and no recursion: the frames' stacks
 * and return records live in the caller's struct xbpf_interp_scratch.
 * Nothing here sleeps or allocates, so programs can run from any context
 * the module runs them in.
 */
#include "insn.h"
#include "interp.h"

#define DST	regs[insn->dst_reg]
#define SRC	regs[insn->src_reg]
#define IMM	insn->imm
#define IMM64	((u64)(s64)insn->imm)
#define MEM(T, base) (*(T *)(unsigned long)((base) + insn->off))

#define CONT	({ insn++; goto next; })
#define JUMP(by) ({ insn += (by) + 1; goto next; })

static u64 stack_top(struct xbpf_interp_scratch *scratch, u32 depth)
{
	return (u64)(unsigned long)(scratch->stack[depth] +
				    ARRAY_SIZE(scratch->stack[depth]));
}

/*
 * Run from insn in frame base with R1-R5 = args, until that frame exits.
 * Not inlined: the jump table of a function cannot be duplicated.
 */
static noinline u64 interp_exec(const struct xbpf_interp_prog *prog,
				const struct bpf_insn *insn, const u64 *args,
				struct xbpf_interp_scratch *scratch, u32 base)
{
	/* Every opcode insn.def lists overrides the default. */
	_Pragma("GCC diagnostic push")
	_Pragma("GCC diagnostic ignored \"-Woverride-init\"")
	static const void *const jump[256] XBPF_JUMP_TABLE = {
		[0 ... 255] = &&bad_insn,
#define XBPF_INSN(code, label, form, scope) [code] = &&label,
#include "insn.def"
	};
	_Pragma("GCC diagnostic pop")
	const struct xbpf_interp_prog *target;
	struct xbpf_interp_frame *frame;
	/* R0-R10, and R11: the scratch register context rewrites use (AX) */
	u64 regs[MAX_BPF_REG + 1] = {};
	u32 depth = base, tail_calls = 0;
	u8 packet[4];
	void *addr;
	u32 size, i;
	s32 off;

	for (i = 0; i < 5; i++)
		regs[BPF_REG_1 + i] = args[i];
	regs[BPF_REG_10] = stack_top(scratch, depth);
next:
	if (unlikely(!xbpf_core_step(insn)))
		return 0;
	goto *jump[insn->code];

#define ALU_OP(name, OP)						\
alu64_##name##_x:							\
	DST = DST OP SRC;						\
	CONT;								\
alu64_##name##_k:							\
	DST = DST OP IMM64;						\
	CONT;								\
alu_##name##_x:								\
	DST = (u32)DST OP (u32)SRC;					\
	CONT;								\
alu_##name##_k:								\
	DST = (u32)DST OP (u32)IMM;					\
	CONT;
	ALU_OP(add, +)
	ALU_OP(sub, -)
	ALU_OP(and, &)
	ALU_OP(or, |)
	ALU_OP(xor, ^)
	ALU_OP(mul, *)
#undef ALU_OP

	/* Counts beyond the width are masked, as Linux's interpreter does. */
#define SHIFT_OP(name, OP)						\
alu64_##name##_x:							\
	DST = DST OP (SRC & 63);					\
	CONT;								\
alu64_##name##_k:							\
	DST = DST OP (IMM & 63);					\
	CONT;								\
alu_##name##_x:								\
	DST = (u32)DST OP (SRC & 31);					\
	CONT;								\
alu_##name##_k:								\
	DST = (u32)DST OP (IMM & 31);					\
	CONT;
	SHIFT_OP(lsh, <<)
	SHIFT_OP(rsh, >>)
#undef SHIFT_OP

alu64_arsh_x:
	DST = (u64)((s64)DST >> (SRC & 63));
	CONT;
alu64_arsh_k:
	DST = (u64)((s64)DST >> (IMM & 63));
	CONT;
alu_arsh_x:
	DST = (u32)((s32)DST >> (SRC & 31));
	CONT;
alu_arsh_k:
	DST = (u32)((s32)DST >> (IMM & 31));
	CONT;

	/*
	 * Linux's verifier patches a check before every division: x / 0 = 0,
	 * and x % 0 = x, truncated to 32 bits in the 32-bit forms.
	 */
alu64_div_x:
	DST = SRC ? xbpf_div64(DST, SRC) : 0;
	CONT;
alu64_div_k:
	DST = IMM ? xbpf_div64(DST, IMM64) : 0;
	CONT;
alu_div_x:
	DST = (u32)SRC ? (u32)DST / (u32)SRC : 0;
	CONT;
alu_div_k:
	DST = IMM ? (u32)DST / (u32)IMM : 0;
	CONT;
alu64_mod_x:
	if (SRC)
		DST = xbpf_mod64(DST, SRC);
	CONT;
alu64_mod_k:
	if (IMM)
		DST = xbpf_mod64(DST, IMM64);
	CONT;
alu_mod_x:
	DST = (u32)SRC ? (u32)DST % (u32)SRC : (u32)DST;
	CONT;
alu_mod_k:
	DST = IMM ? (u32)DST % (u32)IMM : (u32)DST;
	CONT;

alu64_neg:
	DST = -DST;
	CONT;
alu_neg:
	DST = (u32)-DST;
	CONT;
alu64_mov_x:
	DST = SRC;
	CONT;
alu64_percpu:
	DST = xbpf_core_this_cpu_ptr(DST);
	CONT;
alu64_mov_k:
	DST = IMM64;
	CONT;
alu_mov_x:
	DST = (u32)SRC;
	CONT;
alu_mov_k:
	DST = (u32)IMM;
	CONT;

	/* Any other width is refused by the verifier and does nothing. */
#define END_OP(name, conv)						\
alu_end_##name:								\
	switch (IMM) {							\
	case 16:							\
		DST = conv##16(DST);					\
		break;							\
	case 32:							\
		DST = conv##32(DST);					\
		break;							\
	case 64:							\
		DST = conv##64(DST);					\
		break;							\
	}								\
	CONT;
	END_OP(to_le, xbpf_to_le)
	END_OP(to_be, xbpf_to_be)
#undef END_OP

ld_imm_dw:
	/* a callback is named by its first insn: see xbpf_interp_call() */
	if (insn->src_reg == BPF_PSEUDO_FUNC)
		DST = (u64)(unsigned long)(insn + insn->imm + 1);
	else
		DST = (u32)insn[0].imm | (u64)(u32)insn[1].imm << 32;
	insn++;
	CONT;

#define JMP_OP(name, T, OP)						\
jmp_##name##_x:								\
	if ((T##64)DST OP (T##64)SRC)					\
		JUMP(insn->off);					\
	CONT;								\
jmp_##name##_k:								\
	if ((T##64)DST OP (T##64)IMM)					\
		JUMP(insn->off);					\
	CONT;								\
jmp32_##name##_x:							\
	if ((T##32)DST OP (T##32)SRC)					\
		JUMP(insn->off);					\
	CONT;								\
jmp32_##name##_k:							\
	if ((T##32)DST OP (T##32)IMM)					\
		JUMP(insn->off);					\
	CONT;
	JMP_OP(jeq, u, ==)
	JMP_OP(jne, u, !=)
	JMP_OP(jgt, u, >)
	JMP_OP(jge, u, >=)
	JMP_OP(jlt, u, <)
	JMP_OP(jle, u, <=)
	JMP_OP(jset, u, &)
	JMP_OP(jsgt, s, >)
	JMP_OP(jsge, s, >=)
	JMP_OP(jslt, s, <)
	JMP_OP(jsle, s, <=)
#undef JMP_OP

jmp_ja:
	JUMP(insn->off);
jmp32_ja:
	JUMP(IMM);

jmp_call:
	if (insn->src_reg == BPF_PSEUDO_CALL)
		goto call_subprog;
	if (insn->imm == BPF_FUNC_tail_call)
		goto tail_call;
	/* for a callback the helper may run: where it runs from */
	scratch->depth = depth;
	scratch->prog = prog;
	regs[BPF_REG_0] = prog->helpers[IMM](regs[BPF_REG_1], regs[BPF_REG_2],
					     regs[BPF_REG_3], regs[BPF_REG_4],
					     regs[BPF_REG_5]);
	CONT;

call_subprog:
	if (unlikely(depth == XBPF_MAX_CALL_FRAMES - 1)) {
		xbpf_core_bug("call depth exceeded", insn);
		return 0;
	}
	frame = &scratch->caller[depth];
	frame->prog = prog;
	frame->ret = insn + 1;
	for (i = 0; i < ARRAY_SIZE(frame->saved); i++)
		frame->saved[i] = regs[BPF_REG_6 + i];
	regs[BPF_REG_10] = stack_top(scratch, ++depth);
	JUMP(IMM);

jmp_exit:
	if (depth == base)
		return regs[BPF_REG_0];
	frame = &scratch->caller[--depth];
	prog = frame->prog;
	insn = frame->ret;
	for (i = 0; i < ARRAY_SIZE(frame->saved); i++)
		regs[BPF_REG_6 + i] = frame->saved[i];
	regs[BPF_REG_10] = stack_top(scratch, depth);
	goto next;

	/*
	 * The target replaces the running function in its frame, keeping
	 * registers and stack, as in Linux; every failure falls through to
	 * the next instruction.
	 */
tail_call:
	if (prog->ops->tail_call(prog->cookie, regs[BPF_REG_2],
				 (u32)regs[BPF_REG_3], &target))
		CONT;
	if (tail_calls >= XBPF_MAX_TAIL_CALL_CNT)
		CONT;
	tail_calls++;
	if (!target)
		CONT;
	prog = target;
	insn = prog->insns;
	goto next;

ldx_mem_b:
	DST = MEM(u8, SRC);
	CONT;
ldx_mem_h:
	DST = MEM(u16, SRC);
	CONT;
ldx_mem_w:
	DST = MEM(u32, SRC);
	CONT;
ldx_mem_dw:
	DST = MEM(u64, SRC);
	CONT;

#define PROBE_OP(sz, T)							\
ldx_probe_mem_##sz: {							\
	T val;								\
									\
	if (prog->ops->probe_read(prog->cookie, &val, SRC + insn->off,	\
				  sizeof(val)))				\
		val = 0;						\
	DST = val;							\
	CONT;								\
}
	PROBE_OP(b, u8)
	PROBE_OP(h, u16)
	PROBE_OP(w, u32)
	PROBE_OP(dw, u64)
#undef PROBE_OP

#define STORE_OP(sz, T)							\
stx_mem_##sz:								\
	MEM(T, DST) = SRC;						\
	CONT;								\
st_mem_##sz:								\
	MEM(T, DST) = IMM;						\
	CONT;
	STORE_OP(b, u8)
	STORE_OP(h, u16)
	STORE_OP(w, u32)
	STORE_OP(dw, u64)
#undef STORE_OP

stx_atomic_w:
stx_atomic_dw:
	addr = (void *)(unsigned long)(DST + insn->off);
	switch (IMM) {
#define XBPF_ATOMIC(imm, label, form) case imm: goto atomic_##label;
#include "insn.def"
	default:
		xbpf_core_bug("unknown atomic operation", insn);
		return 0;
	}

#define ATOMIC_OP(name)							\
atomic_##name:								\
	if (BPF_SIZE(insn->code) == BPF_DW)				\
		xbpf_atomic64_##name(addr, SRC);			\
	else								\
		xbpf_atomic32_##name(addr, (u32)SRC);			\
	CONT;								\
atomic_fetch_##name:							\
	if (BPF_SIZE(insn->code) == BPF_DW)				\
		SRC = xbpf_atomic64_fetch_##name(addr, SRC);		\
	else								\
		SRC = xbpf_atomic32_fetch_##name(addr, (u32)SRC);	\
	CONT;
	ATOMIC_OP(add)
	ATOMIC_OP(and)
	ATOMIC_OP(or)
	ATOMIC_OP(xor)
#undef ATOMIC_OP

atomic_xchg:
	if (BPF_SIZE(insn->code) == BPF_DW)
		SRC = xbpf_atomic64_xchg(addr, SRC);
	else
		SRC = xbpf_atomic32_xchg(addr, (u32)SRC);
	CONT;
atomic_cmpxchg:
	if (BPF_SIZE(insn->code) == BPF_DW)
		regs[BPF_REG_0] = xbpf_atomic64_cmpxchg(addr, regs[BPF_REG_0],
							SRC);
	else
		regs[BPF_REG_0] = xbpf_atomic32_cmpxchg(addr,
							(u32)regs[BPF_REG_0],
							(u32)SRC);
	CONT;

	/*
	 * Linux rewrites these into a helper call followed by "if r0 s< 0
	 * then r0 = 0; exit", so a failed load returns 0 from the current
	 * function, not necessarily from the program.
	 */
ld_abs_b:
ld_abs_h:
ld_abs_w:
	off = IMM;
	goto load_packet;
ld_ind_b:
ld_ind_h:
ld_ind_w:
	off = (s32)(SRC + IMM64);
load_packet:
	/* BPF_W, BPF_H, BPF_B encode as 0, 1, 2 in the size bits. */
	size = 4 >> (BPF_SIZE(insn->code) >> 3);
	regs[BPF_REG_0] = 0;
	if (prog->ops->ld_abs(prog->cookie, regs[BPF_REG_6], off, packet,
			      size))
		goto jmp_exit;
	for (i = 0; i < size; i++)
		regs[BPF_REG_0] = regs[BPF_REG_0] << 8 | packet[i];
	CONT;

bad_insn:
	xbpf_core_bug("unknown opcode", insn);
	return 0;
}

u64 xbpf_interp_run(const struct xbpf_interp_prog *prog, const void *ctx,
		    struct xbpf_interp_scratch *scratch)
{
	const u64 args[5] = { (unsigned long)ctx };

	return interp_exec(prog, prog->insns, args, scratch, 0);
}
XBPF_NOKPROBE(interp_exec);

u64 xbpf_interp_call(struct xbpf_interp_scratch *scratch, u64 func, u64 r1,
		     u64 r2, u64 r3, u64 r4, u64 r5)
{
	const u64 args[5] = { r1, r2, r3, r4, r5 };
	u32 base = scratch->depth + 1;
	const struct xbpf_interp_prog *prog;
	u64 ret;

	/* the verifier counts a callback's frame as a call's */
	if (unlikely(base >= XBPF_MAX_CALL_FRAMES)) {
		xbpf_core_bug("callback depth exceeded",
			      (const struct bpf_insn *)(unsigned long)func);
		return 0;
	}
	prog = scratch->prog;
	/* the caller's helper may call again: leave its record as it was */
	ret = interp_exec(prog, (const struct bpf_insn *)(unsigned long)func,
			  args, scratch, base);
	scratch->depth = base - 1;
	scratch->prog = prog;
	return ret;
}
XBPF_NOKPROBE(xbpf_interp_call);
