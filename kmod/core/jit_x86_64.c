// SPDX-License-Identifier: GPL-2.0
/*
 * The x86-64 JIT, with the interpreter's semantics for every program the
 * verifier accepts, and for the shape-safe programs the fuzzers make.
 *
 * Registers. BPF registers stay in x86 registers for the whole run:
 *
 *	R0  rax		R6  rbx		R10 rbp (the frame pointer)
 *	R1  rdi		R7  r13		AX  r10 (R11, the rewrites' scratch)
 *	R2  rsi		R8  r14		r9, r11: the JIT's own scratch
 *	R3  rdx		R9  r15		r12: tail calls so far in this run
 *	R4  rcx
 *	R5  r8
 *
 * R1-R5 are the SysV argument registers in order and R0 the return
 * register, so a helper call needs no shuffling; R6-R10 are callee-saved,
 * so helpers keep them. As in Linux, a helper call, a packet load
 * (LD_ABS/LD_IND, a call here too) and a failed tail call leave R1-R5 and
 * AX undefined, and a tail call R0 as well: the verifier lets no program
 * read them afterwards. A PROBE_MEM load, a plain load in Linux,
 * changes only its destination here too although it calls a hook.
 *
 * Frames. All functions of an image, the main program and subprograms, get
 * the same frame, so code reached by a jump across functions (which the
 * verifier forbids, but the interpreter runs) still finds what it expects:
 *
 *	[rbp + 8]		return address
 *	[rbp]			caller's rbp
 *	[rbp - depth, rbp)	the program's stack: R10 = rbp
 *	...			8 bytes more if needed to keep rsp 16-aligned
 *	[rsp]			rbx, r13, r14, r15: those the image uses
 *
 * rsp stays 16-byte aligned at every call the code makes (SysV wants it, the
 * kernel does not mind), given the usual misalignment by 8 at the entry.
 *
 * The image:
 *
 *	[stub]		only if the program makes tail calls: endbr64;
 *			push r12; xor r12d, r12d; call main; pop r12; ret
 *	main:		endbr64, then the prologue: tail calls enter here
 *	insns		each function's prologue inline before its first
 *			insn, jumped over if the previous insn runs on
 *	epilogue	pop the saved registers; leave; ret: every exit
 *	thunk		the retpoline, if needed
 *
 * Calls. A helper or hook is "movabs rax, fn; call *rax", as the image may be
 * more than 2 GiB from the kernel's text. With XBPF_JIT_RETPOLINE the call is
 * "call thunk" to the image's own copy of the kernel's rax thunk:
 *
 *	thunk:	call 1f		pushes 2b, and puts it on the return stack
 *				buffer, which predicts where the ret below
 *	2:	pause		goes: speculation can only spin here
 *		lfence
 *		jmp 2b
 *	1:	mov [rsp], rax	overwrite the pushed 2b with the target
 *		ret		and "return" to it, the caller's return
 *				address on top of the stack as after call *rax
 *
 * "jmp thunk" is a jump to *rax the same way. Nothing predicted from the
 * branch target buffer is ever used, which is the point. A call to a
 * subprogram is a direct "call rel32" to its prologue, R1-R5 staying where
 * they are. Entries start with endbr64 for IBT; every ret and indirect jmp
 * is followed by int3 against straight-line speculation.
 *
 * Tail calls. The count of tail calls made is per run, as in the
 * interpreter, so it lives in r12, which every C function and every BPF
 * function of an image leaves alone: the stub of the image the run enters
 * saves the caller's r12 and zeroes it. A tail call calls ops->tail_call,
 * does the interpreter's checks, then tears down the frame as an exit would
 * and jumps to the target's main, which builds its own frame at the same
 * rbp: the target keeps the stack and R1, and returns where the caller
 * would have.
 *
 * Blinding (XBPF_JIT_BLIND). Each immediate of the program goes into r11 (or
 * its destination) as "mov imm ^ rnd; xor rnd", rnd fresh for each, and the
 * instruction then takes it from the register.
 *
 * Jumps. Sizes are settled in passes: the first assumes every jump needs a
 * rel32, each later one uses rel8 where the previous pass's layout allows,
 * until the length stops changing. Code only shrinks from pass to pass, so
 * distances only shrink and a jump once short stays short: the passes end.
 * A program needing more than JIT_MAX_PASSES of them gets each jump padded
 * with nops to its previous size, which settles it at once.
 */
#include "insn.h"
#include "jit.h"

enum {
	RAX, RCX, RDX, RBX, RSP, RBP, RSI, RDI,
	R8, R9, R10, R11, R12, R13, R14, R15,
};

#define REG_AX		MAX_BPF_REG	/* the interpreter's R11 */
#define TMP		R11
#define TMP2		R9
#define TAIL_CNT	R12

static const u8 reg_map[MAX_BPF_REG + 1] = {
	[BPF_REG_0] = RAX,
	[BPF_REG_1] = RDI,
	[BPF_REG_2] = RSI,
	[BPF_REG_3] = RDX,
	[BPF_REG_4] = RCX,
	[BPF_REG_5] = R8,
	[BPF_REG_6] = RBX,
	[BPF_REG_7] = R13,
	[BPF_REG_8] = R14,
	[BPF_REG_9] = R15,
	[BPF_REG_10] = RBP,
	[REG_AX] = R10,
};

/* Condition codes: the low nibble of jcc and cmovcc. */
enum {
	CC_B = 0x2, CC_AE = 0x3, CC_E = 0x4, CC_NE = 0x5,
	CC_BE = 0x6, CC_A = 0x7, CC_L = 0xc, CC_GE = 0xd,
	CC_LE = 0xe, CC_G = 0xf,
	CC_ALWAYS,	/* jmp */
};

static const u8 jmp_cc[16] = {
	[BPF_JEQ >> 4] = CC_E,
	[BPF_JNE >> 4] = CC_NE,
	[BPF_JSET >> 4] = CC_NE,
	[BPF_JGT >> 4] = CC_A,
	[BPF_JGE >> 4] = CC_AE,
	[BPF_JLT >> 4] = CC_B,
	[BPF_JLE >> 4] = CC_BE,
	[BPF_JSGT >> 4] = CC_G,
	[BPF_JSGE >> 4] = CC_GE,
	[BPF_JSLT >> 4] = CC_L,
	[BPF_JSLE >> 4] = CC_LE,
};

/* "op r/m, reg" opcodes, and the /digit of the 0x81 group, by BPF_OP. */
static const u8 alu_op[16] = {
	[BPF_ADD >> 4] = 0x01,
	[BPF_SUB >> 4] = 0x29,
	[BPF_AND >> 4] = 0x21,
	[BPF_OR >> 4] = 0x09,
	[BPF_XOR >> 4] = 0x31,
};

static const u8 alu_digit[16] = {
	[BPF_ADD >> 4] = 0,
	[BPF_SUB >> 4] = 5,
	[BPF_AND >> 4] = 4,
	[BPF_OR >> 4] = 1,
	[BPF_XOR >> 4] = 6,
};

#define DIGIT_CMP	7

static const u8 shift_digit[16] = {
	[BPF_LSH >> 4] = 4,
	[BPF_RSH >> 4] = 5,
	[BPF_ARSH >> 4] = 7,
};

static const u8 insn_form[256] = {
#define XBPF_INSN(code, label, form, scope) [code] = XBPF_FORM_##form,
#include "insn.def"
};

/* R6-R9: the callee-saved registers a frame saves if the image uses them */
static const u8 saved_regs[] = { RBX, R13, R14, R15 };

/* What a PROBE_MEM load keeps across its hook call: R0-R5 and AX. */
static const u8 probe_kept[] = { RAX, RDI, RSI, RDX, RCX, R8, R10 };

#define JIT_MAX_PASSES	16

/* Per-insn flags. */
#define INSN_FUNC	0x1	/* a subprogram starts here */
#define INSN_IMM_HI	0x2	/* second half of an ld_imm64 */
#define INSN_CALLBACK	0x4	/* a callback starts here: called indirectly */
#define INSN_TARGET	0x8	/* a jump lands here */
#define INSN_INLINE	0x10	/* a subprogram calls put in line */

#define ENDBR_SIZE	4

/*
 * A stack slot known to hold what a register held when it was stored
 * there: [rbp + off, + size) = the low size bytes of BPF register src.
 */
struct stack_fact {
	s16 off;
	u8 size;
	u8 src;
};

#define NR_STACK_FACTS	8

/* A tail call site, as far as the JIT knows it before the passes. */
struct tail_site {
	unsigned long guess;	/* a target to jump to directly, or 0 */
	/* R2 and R3 are constants on every path to the call: */
	const void *slot;	/* where their slot is kept, or NULL */
	bool never;		/* R3 is past the end of R2's array */
};

struct jit_ctx {
	const struct xbpf_interp_prog *prog;
	const struct bpf_insn *insns;
	u32 len;
	u32 flags;		/* XBPF_JIT_* */
	unsigned long base;	/* where the code runs; 0: anywhere */
	unsigned long return_thunk;
	u32 this_cpu_off;	/* see struct xbpf_jit_opts */
	u32 seed;		/* blinding's randomness, */
	u32 rnd;		/* and where it is in this pass */

	u8 *buf;		/* NULL: measure only */
	u32 size;
	u32 pos;
	int err;		/* the first failure; emitting stops there */

	u32 *addrs;		/* this pass: where each insn's own code starts */
	u32 *prev;		/* the same for the previous pass */
	u8 *iflags;
	bool first;		/* no previous pass yet: assume rel32 jumps */
	bool padded;		/* keep every insn at its previous size */
	u32 main;		/* offset of main */
	u32 thunk, prev_thunk;	/* offset of the retpoline */

	u32 frame;		/* bytes the prologue subtracts from rsp */
	/*
	 * With per-function frames (opts->func_depth): each function's
	 * frame, by function index, and the function being emitted.
	 */
	u32 *frames;
	const u32 *func_insn;
	u32 nr_funcs;
	u32 cur_func;
	/*
	 * With per-function frames, each function also saves only the
	 * registers it uses itself (fsaved, by function index), its
	 * prologue is fpsize[] bytes, and a subprogram's exits return from
	 * its own inline epilogue; the one at the end of the image is
	 * main's. Without them, every function saves what the image uses.
	 */
	u8 *fsaved;
	u32 *fpsize;
	u8 saved;		/* bit n: saved_regs[n] used, in this function */
	u32 prologue_size;	/* all functions', without fpsize */
	bool tail_calls;
	bool thunk_used;
	/*
	 * What is known of each tail call site, in insn order, settled
	 * before the passes, and the site being emitted.
	 */
	struct tail_site *tsites;
	u32 nr_tsites, tsite;
	/* the stack slots known within the straight-line run being emitted */
	struct stack_fact facts[NR_STACK_FACTS];
	u32 nr_facts;
};

static void emit_bytes(struct jit_ctx *c, const u8 *bytes, u32 n)
{
	if (c->err)
		return;
	if (c->buf) {
		if (n > c->size - c->pos) {
			c->err = -EFBIG;
			return;
		}
		memcpy(c->buf + c->pos, bytes, n);
	}
	c->pos += n;
}

static void emit1(struct jit_ctx *c, u8 b)
{
	emit_bytes(c, &b, 1);
}

static void emit_u32(struct jit_ctx *c, u32 v)
{
	const u8 b[] = { v, v >> 8, v >> 16, v >> 24 };

	emit_bytes(c, b, sizeof(b));
}

static void emit_u64(struct jit_ctx *c, u64 v)
{
	emit_u32(c, v);
	emit_u32(c, v >> 32);
}

/*
 * REX, if needed. reg is the ModRM reg field (or a /digit), rm the r/m or
 * base register; force asks for one anyway, which makes byte operands of
 * rsp-rdi mean spl-dil instead of ah-bh.
 */
static void emit_rex(struct jit_ctx *c, bool w, u8 reg, u8 rm, bool force)
{
	u8 rex = 0x40 | w << 3 | (reg & 8) >> 1 | (rm & 8) >> 3;

	if (rex != 0x40 || force)
		emit1(c, rex);
}

/* A one-byte opcode, or a 0x0f-escaped one written as 0x0fxx. */
static void emit_opcode(struct jit_ctx *c, u16 op)
{
	if (op > 0xff)
		emit1(c, op >> 8);
	emit1(c, op);
}

/* op with ModRM: reg, and rm a register. */
static void emit_rr(struct jit_ctx *c, bool w, u16 op, u8 reg, u8 rm)
{
	emit_rex(c, w, reg, rm, false);
	emit_opcode(c, op);
	emit1(c, 0xc0 | (reg & 7) << 3 | (rm & 7));
}

/*
 * op with ModRM: reg, and [base + off]. rbp and r13 as a base always take a
 * displacement (mod 0 means something else with them); rsp and r12 take a
 * SIB byte.
 */
static void emit_rm(struct jit_ctx *c, bool w, bool force, u16 op, u8 reg,
		    u8 base, s32 off)
{
	u8 mod = !off && (base & 7) != RBP ? 0x00 :
		 off == (s8)off ? 0x40 : 0x80;

	emit_rex(c, w, reg, base, force);
	emit_opcode(c, op);
	emit1(c, mod | (reg & 7) << 3 | (base & 7));
	if ((base & 7) == RSP)
		emit1(c, 0x24);
	if (mod == 0x40)
		emit1(c, off);
	else if (mod == 0x80)
		emit_u32(c, off);
}

static void emit_mov(struct jit_ctx *c, bool w, u8 dst, u8 src)
{
	emit_rr(c, w, 0x89, src, dst);
}

static void emit_push(struct jit_ctx *c, u8 reg)
{
	emit_rex(c, false, 0, reg, false);
	emit1(c, 0x50 | (reg & 7));
}

static void emit_pop(struct jit_ctx *c, u8 reg)
{
	emit_rex(c, false, 0, reg, false);
	emit1(c, 0x58 | (reg & 7));
}

static void emit_endbr(struct jit_ctx *c)
{
	static const u8 endbr64[] = { 0xf3, 0x0f, 0x1e, 0xfa };

	emit_bytes(c, endbr64, sizeof(endbr64));
}

/* op r/m, imm for the 0x81 group: the shortest encoding. */
static void emit_alu_imm(struct jit_ctx *c, bool w, u8 digit, u8 rm, s32 imm)
{
	if (imm == (s8)imm) {
		emit_rr(c, w, 0x83, digit, rm);
		emit1(c, imm);
	} else if (rm == RAX) {
		emit_rex(c, w, 0, RAX, false);
		emit1(c, digit << 3 | 5);
		emit_u32(c, imm);
	} else {
		emit_rr(c, w, 0x81, digit, rm);
		emit_u32(c, imm);
	}
}

/* dst = imm: zero-extended from 32 bits, or sign-extended if w. */
static void emit_mov_imm32(struct jit_ctx *c, bool w, u8 dst, s32 imm)
{
	if (!imm) {
		emit_rr(c, false, 0x31, dst, dst);
	} else if (!w || imm > 0) {
		emit_rex(c, false, 0, dst, false);
		emit1(c, 0xb8 | (dst & 7));
		emit_u32(c, imm);
	} else {
		emit_rr(c, true, 0xc7, 0, dst);
		emit_u32(c, imm);
	}
}

static void emit_mov_imm64(struct jit_ctx *c, u8 dst, u64 v)
{
	if (v == (u32)v) {
		emit_mov_imm32(c, false, dst, (u32)v);
	} else if (v == (u64)(s64)(s32)v) {
		emit_mov_imm32(c, true, dst, (s32)v);
	} else {
		emit_rex(c, true, 0, dst, false);
		emit1(c, 0xb8 | (dst & 7));
		emit_u64(c, v);
	}
}

/*
 * Constant blinding's randomness: xorshift32, restarted from the seed every
 * pass so that all passes emit the same code.
 */
static u32 jit_rand(struct jit_ctx *c)
{
	u32 x = c->rnd;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	c->rnd = x;
	return x;
}

static bool blinding(const struct jit_ctx *c)
{
	return c->flags & XBPF_JIT_BLIND;
}

/*
 * dst = imm (sign-extended if w) with only imm ^ rnd and rnd in the code.
 * Fixed-size forms, so that the size does not depend on the values.
 */
static void emit_blinded(struct jit_ctx *c, bool w, u8 dst, s32 imm)
{
	u32 rnd = jit_rand(c);

	emit_rr(c, w, 0xc7, 0, dst);
	emit_u32(c, imm ^ rnd);
	emit_rr(c, w, 0x81, 6, dst);
	emit_u32(c, rnd);
}

/* dst = a program's immediate: blinded if asked. */
static void emit_load_imm(struct jit_ctx *c, bool w, u8 dst, s32 imm)
{
	if (blinding(c) && imm)
		emit_blinded(c, w, dst, imm);
	else
		emit_mov_imm32(c, w, dst, imm);
}

/*
 * A short forward jump within one insn's code: emit it with a placeholder
 * and call land8() with what this returned where it goes.
 */
static u32 emit_jcc8(struct jit_ctx *c, u8 cc)
{
	emit1(c, cc == CC_ALWAYS ? 0xeb : 0x70 | cc);
	emit1(c, 0);
	return c->pos;
}

static void land8(struct jit_ctx *c, u32 from)
{
	u32 dist = c->pos - from;

	if (WARN_ON_ONCE(dist > 127))
		c->err = -EFAULT;
	if (c->buf && !c->err)
		c->buf[from - 1] = dist;
}

/* call (0xe8) or jmp (0xe9) to an offset in the image. */
static void emit_rel32(struct jit_ctx *c, u8 op, u32 target)
{
	emit1(c, op);
	emit_u32(c, target - (c->pos + 4));
}

/*
 * Is addr within rel32 reach of every byte of the image? A margin of
 * 64 MiB: no image comes near that size, and the answer must not change
 * between passes as the code moves.
 */
static bool jit_near(const struct jit_ctx *c, unsigned long addr)
{
	s64 d = (s64)(addr - c->base);

	return c->base && d > -(s64)0x7c000000 && d < (s64)0x7c000000;
}

/* call or jmp (op 0xe8, 0xe9) the absolute address addr, near. */
static void emit_rel32_abs(struct jit_ctx *c, u8 op, unsigned long addr)
{
	emit1(c, op);
	emit_u32(c, (u32)(addr - (c->base + c->pos + 4)));
}

/* ret, or the kernel's return thunk */
static void emit_ret(struct jit_ctx *c)
{
	if (c->return_thunk && jit_near(c, c->return_thunk))
		emit_rel32_abs(c, 0xe9, c->return_thunk);
	else
		emit1(c, 0xc3);
}

/* call fn, which may be anywhere; clobbers rax. */
static void emit_call_abs(struct jit_ctx *c, const void *fn)
{
	if (jit_near(c, (unsigned long)fn)) {
		emit_rel32_abs(c, 0xe8, (unsigned long)fn);
		return;
	}
	emit_mov_imm64(c, RAX, (unsigned long)fn);
	if (c->flags & XBPF_JIT_RETPOLINE) {
		emit_rel32(c, 0xe8, c->prev_thunk);
	} else {
		emit1(c, 0xff);
		emit1(c, 0xd0);
	}
}

/* jmp *rax; int3 against straight-line speculation past it. */
static void emit_jmp_rax(struct jit_ctx *c)
{
	if (c->flags & XBPF_JIT_RETPOLINE) {
		emit_rel32(c, 0xe9, c->prev_thunk);
	} else {
		emit1(c, 0xff);
		emit1(c, 0xe0);
		emit1(c, 0xcc);
	}
}

static void emit_nops(struct jit_ctx *c, u32 n)
{
	while (n--)
		emit1(c, 0x90);
}

static u32 pre_size(const struct jit_ctx *c, u32 i);

/* Where insn i's code ends in the previous pass. */
static u32 insn_end(const struct jit_ctx *c, u32 i)
{
	return c->prev[i + 1] - pre_size(c, i + 1);
}

/*
 * The last x86 instruction of insn i: a jump to the code of insn t (t ==
 * len: the epilogue). Displacements come from the previous pass, which is
 * exact once the passes have settled. A forward jump of 0 vanishes.
 */
static void emit_jump(struct jit_ctx *c, u8 cc, u32 i, u32 t)
{
	s64 disp = 0;
	u32 size;

	if (c->first) {
		size = cc == CC_ALWAYS ? 5 : 6;
	} else {
		disp = (s64)c->prev[t] - insn_end(c, i);
		if (!disp && t > i)
			size = 0;
		else if (disp >= -128 && disp <= 127)
			size = 2;
		else
			size = cc == CC_ALWAYS ? 5 : 6;
	}
	if (c->padded)
		emit_nops(c, insn_end(c, i) - c->pos - size);

	switch (size) {
	case 2:
		emit1(c, cc == CC_ALWAYS ? 0xeb : 0x70 | cc);
		emit1(c, disp);
		break;
	case 5:
		emit1(c, 0xe9);
		emit_u32(c, disp);
		break;
	case 6:
		emit1(c, 0x0f);
		emit1(c, 0x80 | cc);
		emit_u32(c, disp);
		break;
	}
}

static void emit_prologue(struct jit_ctx *c)
{
	u32 i;

	emit_push(c, RBP);
	emit_mov(c, true, RBP, RSP);
	if (c->frames) {
		/* each function's prologue is measured on its own */
		if (c->frames[c->cur_func])
			emit_alu_imm(c, true, 5, RSP, c->frames[c->cur_func]);
	} else if (c->frame) {
		emit_alu_imm(c, true, 5, RSP, c->frame);
	}
	for (i = 0; i < ARRAY_SIZE(saved_regs); i++)
		if (c->saved & 1 << i)
			emit_push(c, saved_regs[i]);
}

/* Undo the prologue, but for the return. */
static void emit_unwind(struct jit_ctx *c)
{
	u32 i;

	for (i = ARRAY_SIZE(saved_regs); i--; )
		if (c->saved & 1 << i)
			emit_pop(c, saved_regs[i]);
	emit1(c, 0xc9);		/* leave */
}

/* Does insn i go on to insn i + 1 (sometimes)? */
static bool runs_on(const struct jit_ctx *c, u32 i)
{
	u8 code = c->insns[i].code;

	return c->iflags[i] & INSN_IMM_HI ||
	       (code != (BPF_JMP | BPF_JA) && code != (BPF_JMP32 | BPF_JA) &&
		code != (BPF_JMP | BPF_EXIT));
}

/* The size of the prologue of the function starting at insn i. */
static u32 prologue_at(const struct jit_ctx *c, u32 i)
{
	u32 f;

	if (c->fpsize)
		for (f = 0; f < c->nr_funcs; f++)
			if (c->func_insn[f] == i)
				return c->fpsize[f];
	return c->prologue_size;
}

/*
 * A subprogram's entry: its prologue, after an endbr64 if it is a callback
 * (C code calls it through a pointer, which IBT checks).
 */
static u32 entry_size(const struct jit_ctx *c, u32 i)
{
	return prologue_at(c, i) +
	       (c->iflags[i] & INSN_CALLBACK ? ENDBR_SIZE : 0);
}

/* Bytes emitted before insn i's own code: a subprogram's entry. */
static u32 pre_size(const struct jit_ctx *c, u32 i)
{
	if (i == c->len || !(c->iflags[i] & INSN_FUNC))
		return 0;
	return entry_size(c, i) + (runs_on(c, i - 1) ? 2 : 0);
}

/* What the interpreter gives for a division by zero: 0, or dst for a modulo. */
static void emit_div_zero(struct jit_ctx *c, bool w, bool mod, u8 dst)
{
	if (!mod)
		emit_rr(c, false, 0x31, dst, dst);
	else if (!w)
		emit_mov(c, false, dst, dst);
}

static void emit_div(struct jit_ctx *c, const struct bpf_insn *insn)
{
	bool w = BPF_CLASS(insn->code) == BPF_ALU64;
	bool mod = BPF_OP(insn->code) == BPF_MOD;
	bool k = BPF_SRC(insn->code) == BPF_K;
	u8 dst = reg_map[insn->dst_reg];
	u32 zero = 0, done;

	if (k && !insn->imm) {
		emit_div_zero(c, w, mod, dst);
		return;
	}
	if (k) {
		emit_load_imm(c, w, TMP, insn->imm);
	} else {
		emit_mov(c, w, TMP, reg_map[insn->src_reg]);
		emit_rr(c, w, 0x85, TMP, TMP);
		zero = emit_jcc8(c, CC_E);
	}
	/* div takes rdx:rax: R0 waits in r9, R3 on the stack */
	if (dst != RAX)
		emit_mov(c, true, TMP2, RAX);
	if (dst != RDX)
		emit_push(c, RDX);
	if (dst != RAX)
		emit_mov(c, w, RAX, dst);
	emit_rr(c, false, 0x31, RDX, RDX);
	emit_rr(c, w, 0xf7, 6, TMP);
	if (!mod && dst != RAX)
		emit_mov(c, true, dst, RAX);
	else if (mod && dst != RDX)
		emit_mov(c, true, dst, RDX);
	if (dst != RDX)
		emit_pop(c, RDX);
	if (dst != RAX)
		emit_mov(c, true, RAX, TMP2);
	if (k)
		return;
	if (mod && w) {
		land8(c, zero);
		return;
	}
	done = emit_jcc8(c, CC_ALWAYS);
	land8(c, zero);
	emit_div_zero(c, w, mod, dst);
	land8(c, done);
}

static void emit_alu(struct jit_ctx *c, const struct bpf_insn *insn)
{
	bool w = BPF_CLASS(insn->code) == BPF_ALU64;
	bool k = BPF_SRC(insn->code) == BPF_K;
	u8 dst = reg_map[insn->dst_reg], src = reg_map[insn->src_reg];
	u8 op = BPF_OP(insn->code) >> 4;
	s32 imm = insn->imm;
	u32 n;

	switch (BPF_OP(insn->code)) {
	case BPF_ADD:
	case BPF_SUB:
	case BPF_AND:
	case BPF_OR:
	case BPF_XOR:
		if (k && !blinding(c)) {
			emit_alu_imm(c, w, alu_digit[op], dst, imm);
			return;
		}
		if (k) {
			emit_blinded(c, w, TMP, imm);
			src = TMP;
		}
		emit_rr(c, w, alu_op[op], src, dst);
		return;
	case BPF_MOV:
		if (k)
			emit_load_imm(c, w, dst, imm);
		else if (!w || dst != src)
			emit_mov(c, w, dst, src);
		return;
	case BPF_MUL:
		if (k && !blinding(c)) {
			emit_rr(c, w, imm == (s8)imm ? 0x6b : 0x69, dst, dst);
			if (imm == (s8)imm)
				emit1(c, imm);
			else
				emit_u32(c, imm);
			return;
		}
		if (k) {
			emit_blinded(c, w, TMP, imm);
			src = TMP;
		}
		emit_rr(c, w, 0x0faf, dst, src);
		return;
	case BPF_NEG:
		emit_rr(c, w, 0xf7, 3, dst);
		return;
	case BPF_LSH:
	case BPF_RSH:
	case BPF_ARSH:
		if (k) {
			/* masked as the interpreter does, and as x86 would */
			n = imm & (w ? 63 : 31);
			if (n) {
				emit_rr(c, w, 0xc1, shift_digit[op], dst);
				emit1(c, n);
			} else if (!w) {
				emit_mov(c, false, dst, dst);
			}
			return;
		}
		/* The count must be in cl: R4's register. */
		if (src == RCX) {
			emit_rr(c, w, 0xd3, shift_digit[op], dst);
		} else if (dst == RCX) {
			emit_mov(c, true, TMP, RCX);
			emit_mov(c, false, RCX, src);
			emit_rr(c, w, 0xd3, shift_digit[op], TMP);
			emit_mov(c, true, RCX, TMP);
		} else {
			emit_push(c, RCX);
			emit_mov(c, false, RCX, src);
			emit_rr(c, w, 0xd3, shift_digit[op], dst);
			emit_pop(c, RCX);
		}
		return;
	case BPF_DIV:
	case BPF_MOD:
		emit_div(c, insn);
		return;
	case BPF_END:
		if (BPF_SRC(insn->code) == BPF_TO_LE) {
			if (imm == 16)
				emit_rr(c, false, 0x0fb7, dst, dst);
			else if (imm == 32)
				emit_mov(c, false, dst, dst);
			return;
		}
		if (imm == 16) {
			emit1(c, 0x66);
			emit_rr(c, false, 0xc1, 1, dst);	/* ror */
			emit1(c, 8);
			emit_rr(c, false, 0x0fb7, dst, dst);
		} else if (imm == 32 || imm == 64) {
			emit_rex(c, imm == 64, 0, dst, false);
			emit1(c, 0x0f);
			emit1(c, 0xc8 | (dst & 7));	/* bswap */
		}
		return;
	default:
		c->err = -ENOTSUPP;
		return;
	}
}

static void emit_ldx(struct jit_ctx *c, u8 size, u8 dst, u8 base, s32 off)
{
	switch (size) {
	case BPF_B:
		emit_rm(c, false, false, 0x0fb6, dst, base, off);
		break;
	case BPF_H:
		emit_rm(c, false, false, 0x0fb7, dst, base, off);
		break;
	case BPF_W:
		emit_rm(c, false, false, 0x8b, dst, base, off);
		break;
	case BPF_DW:
		emit_rm(c, true, false, 0x8b, dst, base, off);
		break;
	}
}

static void emit_stx(struct jit_ctx *c, u8 size, u8 base, u8 src, s32 off)
{
	switch (size) {
	case BPF_B:
		emit_rm(c, false, src >= RSP && src <= RDI, 0x88, src, base,
			off);
		break;
	case BPF_H:
		emit1(c, 0x66);
		emit_rm(c, false, false, 0x89, src, base, off);
		break;
	case BPF_W:
		emit_rm(c, false, false, 0x89, src, base, off);
		break;
	case BPF_DW:
		emit_rm(c, true, false, 0x89, src, base, off);
		break;
	}
}

static void emit_st(struct jit_ctx *c, const struct bpf_insn *insn)
{
	u8 size = BPF_SIZE(insn->code), base = reg_map[insn->dst_reg];
	s32 imm = insn->imm;

	if (blinding(c)) {
		emit_blinded(c, size == BPF_DW, TMP, imm);
		emit_stx(c, size, base, TMP, insn->off);
		return;
	}
	switch (size) {
	case BPF_B:
		emit_rm(c, false, false, 0xc6, 0, base, insn->off);
		emit1(c, imm);
		break;
	case BPF_H:
		emit1(c, 0x66);
		emit_rm(c, false, false, 0xc7, 0, base, insn->off);
		emit1(c, imm);
		emit1(c, imm >> 8);
		break;
	case BPF_W:
	case BPF_DW:
		emit_rm(c, size == BPF_DW, false, 0xc7, 0, base, insn->off);
		emit_u32(c, imm);
		break;
	}
}

static void emit_atomic(struct jit_ctx *c, const struct bpf_insn *insn)
{
	bool w = BPF_SIZE(insn->code) == BPF_DW;
	u8 dst = reg_map[insn->dst_reg], src = reg_map[insn->src_reg];
	u8 base, val, op = (insn->imm & ~BPF_FETCH) >> 4;
	s16 off = insn->off;
	u32 again;

	switch (insn->imm) {
	case BPF_ADD:
	case BPF_AND:
	case BPF_OR:
	case BPF_XOR:
		emit1(c, 0xf0);
		emit_rm(c, w, false, alu_op[op], src, dst, off);
		return;
	case BPF_ADD | BPF_FETCH:
		emit1(c, 0xf0);
		emit_rm(c, w, false, 0x0fc1, src, dst, off);	/* xadd */
		return;
	case BPF_XCHG:
		emit_rm(c, w, false, 0x87, src, dst, off);
		return;
	case BPF_CMPXCHG:
		emit1(c, 0xf0);
		emit_rm(c, w, false, 0x0fb1, src, dst, off);
		/*
		 * A 32-bit cmpxchg that swaps leaves rax's upper half alone;
		 * R0 gets the old value zero-extended either way.
		 */
		if (!w)
			emit_mov(c, false, RAX, RAX);
		return;
	case BPF_AND | BPF_FETCH:
	case BPF_OR | BPF_FETCH:
	case BPF_XOR | BPF_FETCH:
		break;
	default:
		c->err = -EINVAL;
		return;
	}

	/*
	 * No x86 instruction fetches and ands, ors or xors: loop on cmpxchg,
	 * which needs rax, so R0 moves to r9 meanwhile.
	 */
	base = dst == RAX ? TMP2 : dst;
	val = src == RAX ? TMP2 : src;
	emit_mov(c, true, TMP2, RAX);
	again = c->pos;
	emit_rm(c, w, false, 0x8b, RAX, base, off);
	emit_mov(c, w, TMP, RAX);
	emit_rr(c, w, alu_op[op], val, TMP);
	emit1(c, 0xf0);
	emit_rm(c, w, false, 0x0fb1, TMP, base, off);
	emit1(c, 0x70 | CC_NE);
	emit1(c, again - (c->pos + 1));
	if (src != RAX) {
		emit_mov(c, w, src, RAX);
		emit_mov(c, true, RAX, TMP2);
	}
}

static void emit_cond_jump(struct jit_ctx *c, u32 i)
{
	const struct bpf_insn *insn = &c->insns[i];
	bool w = BPF_CLASS(insn->code) == BPF_JMP;
	u8 dst = reg_map[insn->dst_reg], src = reg_map[insn->src_reg];
	bool jset = BPF_OP(insn->code) == BPF_JSET;
	s32 imm = insn->imm;

	if (BPF_SRC(insn->code) == BPF_X || blinding(c)) {
		if (BPF_SRC(insn->code) == BPF_K) {
			emit_blinded(c, w, TMP, imm);
			src = TMP;
		}
		emit_rr(c, w, jset ? 0x85 : 0x39, src, dst);
	} else if (jset && dst == RAX) {
		emit_rex(c, w, 0, RAX, false);
		emit1(c, 0xa9);
		emit_u32(c, imm);
	} else if (jset) {
		emit_rr(c, w, 0xf7, 0, dst);
		emit_u32(c, imm);
	} else if (!imm) {
		/* the flags of cmp dst, 0 */
		emit_rr(c, w, 0x85, dst, dst);
	} else {
		emit_alu_imm(c, w, DIGIT_CMP, dst, imm);
	}
	emit_jump(c, jmp_cc[BPF_OP(insn->code) >> 4], i,
		  i + 1 + insn->off);
}

static void emit_ld_imm64(struct jit_ctx *c, const struct bpf_insn *insn)
{
	u64 v = (u32)insn[0].imm | (u64)(u32)insn[1].imm << 32;
	u8 dst = reg_map[insn->dst_reg];
	u64 rnd;

	if (insn->src_reg == BPF_PSEUDO_FUNC) {
		/* the callback's entry: lea dst, [rip + disp32] */
		u32 t = (insn - c->insns) + 1 + insn->imm;

		emit_rex(c, true, dst, 0, false);
		emit1(c, 0x8d);
		emit1(c, (dst & 7) << 3 | 5);
		emit_u32(c, c->prev[t] - entry_size(c, t) - (c->pos + 4));
		return;
	}

	if (!blinding(c)) {
		emit_mov_imm64(c, dst, v);
		return;
	}
	rnd = jit_rand(c);
	rnd |= (u64)jit_rand(c) << 32;
	emit_rex(c, true, 0, dst, false);
	emit1(c, 0xb8 | (dst & 7));
	emit_u64(c, v ^ rnd);
	emit_rex(c, true, 0, TMP, false);
	emit1(c, 0xb8 | (TMP & 7));
	emit_u64(c, rnd);
	emit_rr(c, true, 0x31, TMP, dst);
}

/*
 * With ops->tail_inline, the slot read in line, in the interpreter's order
 * of checks:
 *
 *	mov edx, edx; cmp edx, [rsi + max_entries]; jae out	the index
 *	cmp r12d, MAX; jae out; add r12d, 1			the count
 *	mov rax, [rsi + entries]; mov rax, [rax + rdx * 8]	the slot's entry
 *	test rax, rax; je out					empty, not JITed
 *	(unwind); jmp rax
 * out:
 *
 * The jump through rax goes through the retpoline. Where the target can
 * be guessed, a direct jump goes there first if rax is that address: the
 * program the slot held when this one was loaded (found from an ld_imm64
 * of R2 and a mov of R3 just before the call), else this program itself.
 * The guess is tried before the test, and a wrong one costs a compare.
 *
 * Where R2 and R3 are those constants on every path to the call
 * (ops->tail_slot), the index is checked here, once: past the array's
 * end the call is no code at all, and otherwise "movabs rax, entry; mov
 * rax, [rax]" reads the slot's entry.
 */
static void emit_tail_call_inline(struct jit_ctx *c)
{
	const struct xbpf_interp_ops *ops = c->prog->ops;
	struct tail_site site = { 0 };
	u32 fail[3], i, miss, nr_fail = 0;

	if (c->tsite < c->nr_tsites)
		site = c->tsites[c->tsite++];
	if (site.never)
		return;

	if (!site.slot) {
		emit_mov(c, false, RDX, RDX);
		emit_rm(c, false, false, 0x3b, RDX, RSI,
			ops->pa_max_entries);
		fail[nr_fail++] = emit_jcc8(c, CC_AE);
	}
	emit_alu_imm(c, false, DIGIT_CMP, TAIL_CNT, XBPF_MAX_TAIL_CALL_CNT);
	fail[nr_fail++] = emit_jcc8(c, CC_AE);
	emit_alu_imm(c, false, 0, TAIL_CNT, 1);
	if (site.slot) {
		emit_mov_imm64(c, RAX, (unsigned long)site.slot);
		emit_rm(c, true, false, 0x8b, RAX, RAX, 0);
	} else {
		emit_rm(c, true, false, 0x8b, RAX, RSI, ops->pa_entries);
		/* mov rax, [rax + rdx * 8] */
		emit_rex(c, true, RAX, RAX, false);
		emit1(c, 0x8b);
		emit1(c, 0x04);
		emit1(c, 3 << 6 | (RDX & 7) << 3 | (RAX & 7));
	}
	if (site.guess) {
		/* movabs r11, guess; cmp rax, r11; jne 1f; (unwind); jmp guess */
		emit_mov_imm64(c, TMP, site.guess);
		emit_rr(c, true, 0x39, TMP, RAX);
		miss = emit_jcc8(c, CC_NE);
		emit_unwind(c);
		emit_rel32_abs(c, 0xe9, site.guess);
		land8(c, miss);
	}
	emit_rr(c, true, 0x85, RAX, RAX);
	fail[nr_fail++] = emit_jcc8(c, CC_E);
	emit_unwind(c);
	emit_jmp_rax(c);
	for (i = 0; i < nr_fail; i++)
		land8(c, fail[i]);
}

/*
 * ops->tail_call(cookie, R2, (u32)R3, &target), then the interpreter's
 * checks in its order, then into target's main with R1 kept.
 */
static void emit_tail_call(struct jit_ctx *c)
{
	const int entry = offsetof(struct xbpf_jit_prog, tail_entry) -
			  offsetof(struct xbpf_jit_prog, interp);
	u32 fail[4], i;

	if (c->prog->ops->tail_inline) {
		emit_tail_call_inline(c);
		return;
	}

	emit_push(c, RDI);			/* R1, for the target */
	emit_push(c, RDI);			/* room for target */
	emit_mov(c, false, RDX, RDX);
	emit_mov(c, true, RCX, RSP);
	emit_mov_imm64(c, RDI, (unsigned long)c->prog->cookie);
	emit_call_abs(c, c->prog->ops->tail_call);
	emit_rr(c, false, 0x85, RAX, RAX);
	fail[0] = emit_jcc8(c, CC_NE);		/* beyond the array */
	emit_alu_imm(c, false, DIGIT_CMP, TAIL_CNT, XBPF_MAX_TAIL_CALL_CNT);
	fail[1] = emit_jcc8(c, CC_AE);
	emit_alu_imm(c, false, 0, TAIL_CNT, 1);
	emit_rm(c, true, false, 0x8b, RAX, RSP, 0);
	emit_rr(c, true, 0x85, RAX, RAX);
	fail[2] = emit_jcc8(c, CC_E);		/* empty slot */
	emit_rm(c, true, false, 0x8b, RAX, RAX, entry);
	emit_rr(c, true, 0x85, RAX, RAX);
	fail[3] = emit_jcc8(c, CC_E);		/* not JITed */
	emit_rm(c, true, false, 0x8b, RDI, RSP, 8);
	emit_alu_imm(c, true, 0, RSP, 16);
	emit_unwind(c);
	emit_jmp_rax(c);
	for (i = 0; i < ARRAY_SIZE(fail); i++)
		land8(c, fail[i]);
	emit_alu_imm(c, true, 0, RSP, 16);
}

/* The current function's epilogue: unwind, return, int3. */
static void emit_epilogue(struct jit_ctx *c)
{
	emit_unwind(c);
	emit_ret(c);
	emit1(c, 0xcc);
}

/* Return 0 from the current function, as a failed packet load does. */
static void emit_return_zero(struct jit_ctx *c)
{
	emit_rr(c, false, 0x31, RAX, RAX);
	if (c->fsaved && c->cur_func) {
		emit_epilogue(c);
	} else {
		emit_rel32(c, 0xe9, c->prev[c->len]);
	}
}

/*
 * With ops->skb_inline, the linear data's fast path, off in edx, the
 * bytes into r11: jumps to the returned label (land8) when it does not
 * apply.
 *
 *	mov esi, [rbx + len]; sub esi, [rbx + data_len]	the linear length
 *	sub esi, edx; cmp esi, size; jl slow		off + size beyond it
 *	test edx, edx; js slow				an SKF_* offset
 *	mov r11, [rbx + data]; add r11, rdx; load r11, [r11]
 */
static u32 emit_ld_abs_inline(struct jit_ctx *c, u32 size, u32 *slow2)
{
	const struct xbpf_interp_ops *ops = c->prog->ops;
	u32 slow;

	emit_ldx(c, BPF_W, RSI, RBX, ops->skb_len);
	emit_rm(c, false, false, 0x2b, RSI, RBX, ops->skb_data_len);
	emit_rr(c, false, 0x29, RDX, RSI);
	emit_alu_imm(c, false, DIGIT_CMP, RSI, size);
	slow = emit_jcc8(c, CC_L);
	emit_rr(c, false, 0x85, RDX, RDX);
	*slow2 = emit_jcc8(c, 0x8);			/* js */
	emit_ldx(c, BPF_DW, TMP, RBX, ops->skb_data);
	emit_rr(c, true, 0x01, RDX, TMP);
	emit_ldx(c, size == 1 ? BPF_B : size == 2 ? BPF_H : BPF_W, TMP,
		 TMP, 0);
	return slow;
}

/*
 * ops->ld_abs(cookie, R6, off, bytes, size) into 16 bytes of stack; on
 * failure return 0 from the current function, as the interpreter does.
 * With ops->skb_inline the linear data is read in line first.
 */
static void emit_ld_abs(struct jit_ctx *c, const struct bpf_insn *insn)
{
	u32 size = 4 >> (BPF_SIZE(insn->code) >> 3), ok, slow = 0, slow2 = 0;
	u32 fast = 0;
	u8 src = reg_map[insn->src_reg];

	if (BPF_MODE(insn->code) == BPF_ABS) {
		emit_load_imm(c, false, RDX, insn->imm);
	} else if (blinding(c)) {
		emit_blinded(c, false, TMP, insn->imm);
		emit_mov(c, false, RDX, src);
		emit_rr(c, false, 0x01, TMP, RDX);
	} else {
		emit_rm(c, false, false, 0x8d, RDX, src, insn->imm);	/* lea */
	}
	if (c->prog->ops->skb_inline) {
		slow = emit_ld_abs_inline(c, size, &slow2);
		fast = emit_jcc8(c, CC_ALWAYS);
		land8(c, slow);
		land8(c, slow2);
	}
	emit_alu_imm(c, true, 5, RSP, 16);
	emit_mov(c, true, RCX, RSP);
	emit_mov_imm32(c, false, R8, size);
	emit_mov(c, true, RSI, RBX);
	emit_mov_imm64(c, RDI, (unsigned long)c->prog->cookie);
	emit_call_abs(c, c->prog->ops->ld_abs);

	emit_ldx(c, size == 1 ? BPF_B : size == 2 ? BPF_H : BPF_W, TMP,
		 RSP, 0);
	emit_alu_imm(c, true, 0, RSP, 16);
	emit_rr(c, false, 0x85, RAX, RAX);
	ok = emit_jcc8(c, CC_E);
	emit_return_zero(c);
	land8(c, ok);
	if (c->prog->ops->skb_inline)
		land8(c, fast);

	/* the bytes are in network order */
	switch (size) {
	case 2:
		emit1(c, 0x66);
		emit_rr(c, false, 0xc1, 1, TMP);		/* ror */
		emit1(c, 8);
		break;
	case 4:
		emit_rex(c, false, 0, TMP, false);
		emit1(c, 0x0f);
		emit1(c, 0xc8 | (TMP & 7));			/* bswap */
		break;
	}
	emit_mov(c, false, RAX, TMP);
}

/* dst = the bytes ops->probe_read() copies, or 0 if it fails. */
static void emit_probe(struct jit_ctx *c, const struct bpf_insn *insn)
{
	u8 size = BPF_SIZE(insn->code);
	u32 i;

	for (i = 0; i < ARRAY_SIZE(probe_kept); i++)
		emit_push(c, probe_kept[i]);
	emit_rm(c, true, false, 0x8d, RDX, reg_map[insn->src_reg],
		insn->off);				/* lea: from */
	emit_alu_imm(c, true, 5, RSP, 8);		/* room for the bytes */
	emit_mov(c, true, RSI, RSP);
	emit_mov_imm32(c, false, RCX, size == BPF_DW ? 8 : 4 >> (size >> 3));
	emit_mov_imm64(c, RDI, (unsigned long)c->prog->cookie);
	emit_call_abs(c, c->prog->ops->probe_read);
	emit_ldx(c, size, TMP, RSP, 0);
	emit_rr(c, false, 0x85, RAX, RAX);
	emit1(c, 0xb8);					/* mov eax, 0: flags kept */
	emit_u32(c, 0);
	emit_rr(c, true, 0x0f45, TMP, RAX);		/* cmovne r11, rax */
	emit_alu_imm(c, true, 0, RSP, 8);
	for (i = ARRAY_SIZE(probe_kept); i--; )
		emit_pop(c, probe_kept[i]);
	emit_mov(c, true, reg_map[insn->dst_reg], TMP);
}

static void emit_insn(struct jit_ctx *c, u32 i);

static void emit_call(struct jit_ctx *c, u32 i)
{
	const struct bpf_insn *insn = &c->insns[i];
	u32 t = i + 1 + insn->imm, k;

	if (insn->src_reg == BPF_PSEUDO_CALL && c->iflags[t] & INSN_INLINE) {
		/* its insns up to its exit, here (jit_inline_leaves()) */
		for (k = t; c->insns[k].code != (BPF_JMP | BPF_EXIT); k++)
			if (!(c->iflags[k] & INSN_IMM_HI))
				emit_insn(c, k);
	} else if (insn->src_reg == BPF_PSEUDO_CALL) {
		emit_rel32(c, 0xe8, c->prev[t] - entry_size(c, t));
	} else if (insn->imm == BPF_FUNC_tail_call) {
		emit_tail_call(c);
	} else {
		emit_call_abs(c, c->prog->helpers[insn->imm]);
	}
}

/*
 * Store-to-load forwarding (beyond Linux's JIT). Within a straight-line
 * run of insns (no jump lands inside it, no call, no store but to R10's
 * stack at a constant offset), a load from R10 + off of a slot that a
 * store from register src filled, src unchanged since, with the store at
 * least as wide, is a move from src, zero-extended as the load would be.
 * What the program wrote is what it reads; only the memory access goes.
 */
static bool facts_overlap(const struct stack_fact *f, s32 off, u32 size)
{
	return off < f->off + f->size && f->off < off + (s32)size;
}

/* Forget the slots that [off, + size) overlaps (all: size 0). */
static void facts_forget_range(struct jit_ctx *c, s32 off, u32 size)
{
	u32 i, n = 0;

	for (i = 0; i < c->nr_facts; i++)
		if (size && !facts_overlap(&c->facts[i], off, size))
			c->facts[n++] = c->facts[i];
	c->nr_facts = n;
}

/* Register r changed: forget what it filled. */
static void facts_forget_reg(struct jit_ctx *c, u8 r)
{
	u32 i, n = 0;

	for (i = 0; i < c->nr_facts; i++)
		if (c->facts[i].src != r)
			c->facts[n++] = c->facts[i];
	c->nr_facts = n;
}

static void facts_store(struct jit_ctx *c, s16 off, u32 size, u8 src)
{
	facts_forget_range(c, off, size);
	if (c->nr_facts == NR_STACK_FACTS) {	/* the oldest goes */
		u32 i;

		for (i = 1; i < NR_STACK_FACTS; i++)
			c->facts[i - 1] = c->facts[i];
		c->nr_facts--;
	}
	c->facts[c->nr_facts++] = (struct stack_fact){ off, size, src };
}

static u32 size_bytes(u8 size)
{
	return size == BPF_B ? 1 : size == BPF_H ? 2 : size == BPF_W ? 4 : 8;
}

/* Emit a load from the stack as a move, if a fact allows: did it? */
static bool emit_forwarded_load(struct jit_ctx *c, const struct bpf_insn *insn)
{
	u8 size = BPF_SIZE(insn->code), dst = reg_map[insn->dst_reg], src;
	u32 i, n = size_bytes(size);

	if (insn->src_reg != BPF_REG_10)
		return false;
	for (i = 0; i < c->nr_facts; i++)
		if (c->facts[i].off == insn->off && c->facts[i].size >= n)
			break;
	if (i == c->nr_facts)
		return false;
	src = reg_map[c->facts[i].src];
	switch (size) {
	case BPF_DW:
		if (dst != src)
			emit_mov(c, true, dst, src);
		break;
	case BPF_W:
		emit_mov(c, false, dst, src);
		break;
	case BPF_H:
		emit_rr(c, false, 0x0fb7, dst, src);	/* movzx dst, src16 */
		break;
	case BPF_B:
		/* movzx dst, src8: sil, dil, bpl need a REX */
		emit_rex(c, false, dst, src, src >= RSP && src <= RDI);
		emit_opcode(c, 0x0fb6);
		emit1(c, 0xc0 | (dst & 7) << 3 | (src & 7));
		break;
	}
	return true;
}

/* What insn tells the facts, after it is emitted. */
static void facts_after(struct jit_ctx *c, const struct bpf_insn *insn)
{
	u8 size = BPF_SIZE(insn->code);

	switch (insn_form[insn->code]) {
	case XBPF_FORM_ALU_X:
	case XBPF_FORM_ALU_K:
	case XBPF_FORM_NEG:
	case XBPF_FORM_END:
	case XBPF_FORM_LDX:
	case XBPF_FORM_LD_IMM64:
	case XBPF_FORM_PROBE:
	case XBPF_FORM_PERCPU:
		facts_forget_reg(c, insn->dst_reg);
		break;
	case XBPF_FORM_JCOND_X:
	case XBPF_FORM_JCOND_K:
		break;
	case XBPF_FORM_STX:
		if (insn->dst_reg == BPF_REG_10)
			facts_store(c, insn->off, size_bytes(size),
				    insn->src_reg);
		else
			facts_forget_range(c, 0, 0);
		break;
	case XBPF_FORM_ST:
		if (insn->dst_reg == BPF_REG_10)
			facts_forget_range(c, insn->off, size_bytes(size));
		else
			facts_forget_range(c, 0, 0);
		break;
	default:	/* calls, atomics, packet loads, jumps, exits */
		facts_forget_range(c, 0, 0);
		break;
	}
}

static void emit_insn(struct jit_ctx *c, u32 i)
{
	const struct bpf_insn *insn = &c->insns[i];

	switch (insn_form[insn->code]) {
	case XBPF_FORM_ALU_X:
	case XBPF_FORM_ALU_K:
	case XBPF_FORM_NEG:
	case XBPF_FORM_END:
		emit_alu(c, insn);
		break;
	case XBPF_FORM_JA:
		emit_jump(c, CC_ALWAYS, i, i + 1 + insn->off);
		break;
	case XBPF_FORM_GOTOL:
		emit_jump(c, CC_ALWAYS, i, i + 1 + insn->imm);
		break;
	case XBPF_FORM_JCOND_X:
	case XBPF_FORM_JCOND_K:
		emit_cond_jump(c, i);
		break;
	case XBPF_FORM_CALL:
		emit_call(c, i);
		break;
	case XBPF_FORM_EXIT:
		if (c->fsaved && c->cur_func)
			emit_epilogue(c);	/* a subprogram's own */
		else
			emit_jump(c, CC_ALWAYS, i, c->len);
		break;
	case XBPF_FORM_LDX:
		if (!emit_forwarded_load(c, insn))
			emit_ldx(c, BPF_SIZE(insn->code),
				 reg_map[insn->dst_reg],
				 reg_map[insn->src_reg], insn->off);
		break;
	case XBPF_FORM_STX:
		emit_stx(c, BPF_SIZE(insn->code), reg_map[insn->dst_reg],
			 reg_map[insn->src_reg], insn->off);
		break;
	case XBPF_FORM_ST:
		emit_st(c, insn);
		break;
	case XBPF_FORM_ATOMIC:
		emit_atomic(c, insn);
		break;
	case XBPF_FORM_LD_IMM64:
		emit_ld_imm64(c, insn);
		break;
	case XBPF_FORM_LD_ABS:
	case XBPF_FORM_LD_IND:
		emit_ld_abs(c, insn);
		break;
	case XBPF_FORM_PROBE:
		emit_probe(c, insn);
		break;
	case XBPF_FORM_PERCPU:
		if (c->this_cpu_off) {
			/* add dst, gs:[this_cpu_off] */
			u8 dst = reg_map[insn->dst_reg];

			emit1(c, 0x65);
			emit_rex(c, true, dst, 0, false);
			emit1(c, 0x03);
			emit1(c, 0x04 | (dst & 7) << 3);
			emit1(c, 0x25);
			emit_u32(c, c->this_cpu_off);
		}
		break;
	default:
		c->err = -ENOTSUPP;
		break;
	}
}

/* The retpoline for rax: see the top of the file. */
static void emit_thunk(struct jit_ctx *c)
{
	static const u8 thunk[] = {
		0xe8, 0x07, 0x00, 0x00, 0x00,	/* call 1f */
		0xf3, 0x90,			/* 2: pause */
		0x0f, 0xae, 0xe8,		/* lfence */
		0xeb, 0xf9,			/* jmp 2b */
		0x48, 0x89, 0x04, 0x24,		/* 1: mov [rsp], rax */
		0xc3,				/* ret */
		0xcc,				/* int3 */
	};

	emit_bytes(c, thunk, sizeof(thunk));
}

/* The entry of an image with tail calls: the count starts at 0 in r12. */
static void emit_stub(struct jit_ctx *c, u32 main)
{
	if (!c->tail_calls)
		return;
	emit_endbr(c);
	emit_push(c, TAIL_CNT);
	emit_rr(c, false, 0x31, TAIL_CNT, TAIL_CNT);
	emit_rel32(c, 0xe8, main);
	emit_pop(c, TAIL_CNT);
	emit_ret(c);
	emit1(c, 0xcc);
}

static void jit_pass(struct jit_ctx *c)
{
	u32 i, main = c->main;

	c->pos = 0;
	c->rnd = c->seed;
	c->tsite = 0;
	c->nr_facts = 0;
	emit_stub(c, main);
	c->main = c->pos;
	emit_endbr(c);
	c->cur_func = 0;
	if (c->fsaved)
		c->saved = c->fsaved[0];
	emit_prologue(c);

	for (i = 0; i < c->len; i++) {
		if (c->iflags[i] & INSN_FUNC) {
			while (c->frames && c->cur_func + 1 < c->nr_funcs &&
			       c->func_insn[c->cur_func + 1] <= i)
				c->cur_func++;
			if (c->fsaved)
				c->saved = c->fsaved[c->cur_func];
			if (runs_on(c, i - 1)) {
				emit1(c, 0xeb);
				emit1(c, entry_size(c, i));
			}
			if (c->iflags[i] & INSN_CALLBACK)
				emit_endbr(c);
			emit_prologue(c);
		}
		c->addrs[i] = c->pos;
		if (c->iflags[i] & (INSN_TARGET | INSN_FUNC))
			c->nr_facts = 0;
		if (!(c->iflags[i] & INSN_IMM_HI)) {
			emit_insn(c, i);
			facts_after(c, &c->insns[i]);
		}
	}
	c->addrs[c->len] = c->pos;
	/* main's epilogue */
	c->cur_func = 0;
	if (c->fsaved)
		c->saved = c->fsaved[0];
	emit_epilogue(c);
	c->thunk = c->pos;
	if (c->thunk_used)
		emit_thunk(c);
}

static bool jump_ok(const struct jit_ctx *c, u32 i, s64 off)
{
	s64 t = (s64)i + 1 + off;

	return t >= 0 && t < c->len && !(c->iflags[t] & INSN_IMM_HI);
}

/*
 * Check what the code will take on trust, and find the functions, the
 * registers to save and what the image needs.
 */
static int jit_scan(struct jit_ctx *c)
{
	const struct xbpf_interp_ops *ops = c->prog->ops;
	const struct bpf_insn *insn;
	bool ok;
	u32 i;

	for (i = 0; i < c->len; i++) {
		insn = &c->insns[i];
		if (!insn_form[insn->code] || insn->dst_reg > REG_AX ||
		    insn->src_reg > REG_AX)
			return -EINVAL;
		if (insn_form[insn->code] == XBPF_FORM_LD_IMM64) {
			if (i + 1 == c->len)
				return -EINVAL;
			c->iflags[++i] |= INSN_IMM_HI;
		}
	}

	/* callbacks: subprograms whose address is taken, never main */
	for (i = 0; i < c->len; i++) {
		insn = &c->insns[i];
		if (c->iflags[i] & INSN_IMM_HI ||
		    insn_form[insn->code] != XBPF_FORM_LD_IMM64 ||
		    insn->src_reg != BPF_PSEUDO_FUNC)
			continue;
		if (!jump_ok(c, i, insn->imm) || i + 1 + insn->imm == 0)
			return -EINVAL;
		c->iflags[i + 1 + insn->imm] |= INSN_FUNC | INSN_CALLBACK;
	}

	for (i = 0; i < c->len; i++) {
		insn = &c->insns[i];
		if (c->iflags[i] & INSN_IMM_HI)
			continue;
		if (insn->dst_reg >= BPF_REG_6 && insn->dst_reg <= BPF_REG_9)
			c->saved |= 1 << (insn->dst_reg - BPF_REG_6);
		if (insn->src_reg >= BPF_REG_6 && insn->src_reg <= BPF_REG_9)
			c->saved |= 1 << (insn->src_reg - BPF_REG_6);

		switch (insn_form[insn->code]) {
		case XBPF_FORM_JA:
		case XBPF_FORM_JCOND_X:
		case XBPF_FORM_JCOND_K:
			ok = jump_ok(c, i, insn->off);
			if (ok)
				c->iflags[i + 1 + insn->off] |= INSN_TARGET;
			break;
		case XBPF_FORM_GOTOL:
			ok = jump_ok(c, i, insn->imm);
			if (ok)
				c->iflags[i + 1 + insn->imm] |= INSN_TARGET;
			break;
		case XBPF_FORM_CALL:
			if (insn->src_reg == BPF_PSEUDO_CALL) {
				ok = jump_ok(c, i, insn->imm);
				if (ok)
					c->iflags[i + 1 + insn->imm] |=
						INSN_FUNC;
				break;
			}
			if (insn->imm == BPF_FUNC_tail_call) {
				ok = ops && ops->tail_call;
				c->tail_calls = true;
				c->thunk_used = true;
			} else {
				ok = insn->imm >= 0 &&
				     insn->imm < XBPF_HELPER_SLOTS &&
				     c->prog->helpers &&
				     c->prog->helpers[insn->imm];
				c->thunk_used |= ok && !jit_near(c,
					(unsigned long)c->prog->helpers[insn->imm]);
			}
			break;
		case XBPF_FORM_ATOMIC:
			ok = xbpf_insn_atomic_valid(insn->imm);
			break;
		case XBPF_FORM_LD_ABS:
		case XBPF_FORM_LD_IND:
			ok = ops && ops->ld_abs;
			c->thunk_used |= ok && !jit_near(c,
					(unsigned long)ops->ld_abs);
			break;
		case XBPF_FORM_PROBE:
			ok = ops && ops->probe_read;
			c->thunk_used |= ok && !jit_near(c,
					(unsigned long)ops->probe_read);
			break;
		default:
			ok = true;
			break;
		}
		if (!ok)
			return -EINVAL;
	}
	/* main's prologue is at the top of the image, not before insn 0 */
	c->iflags[0] &= ~INSN_FUNC;
	c->thunk_used &= !!(c->flags & XBPF_JIT_RETPOLINE);
	return 0;
}

/*
 * What tail call site i can know before it runs. R2 and R3 set from
 * constants by the insns just before it (an ld_imm64 of the map, a mov of
 * the key): then ops->tail_guess may know the slot's program, the guess;
 * else the guess is this image's own entry (a program that tail-calls
 * itself), if within a direct jump's reach. And if no jump lands between
 * those insns and the call, R2 and R3 are those constants on every path,
 * and ops->tail_slot may say where the slot is kept.
 */
static struct tail_site tail_site(const struct jit_ctx *c, u32 i)
{
	const struct xbpf_interp_ops *ops = c->prog->ops;
	const struct bpf_insn *insn;
	bool have_map = false, have_key = false, landed = false;
	struct tail_site site = { 0 };
	unsigned long g = 0;
	u64 map = 0;
	u32 key = 0, k;

	for (k = i; k-- > 0 && i - k <= 4 && !(have_map && have_key); ) {
		insn = &c->insns[k];
		landed |= !!(c->iflags[k + 1] & (INSN_TARGET | INSN_FUNC));
		if (c->iflags[k] & INSN_IMM_HI)
			continue;
		if (insn->code == (BPF_LD | BPF_IMM | BPF_DW) &&
		    insn->dst_reg == BPF_REG_2 && !have_map) {
			map = (u32)insn->imm | (u64)insn[1].imm << 32;
			have_map = true;
		} else if (insn->code == (BPF_ALU64 | BPF_MOV | BPF_K) &&
			   insn->dst_reg == BPF_REG_3 && !have_key) {
			key = insn->imm;
			have_key = true;
		} else if (insn->dst_reg == BPF_REG_2 ||
			   insn->dst_reg == BPF_REG_3 ||
			   BPF_CLASS(insn->code) == BPF_JMP ||
			   BPF_CLASS(insn->code) == BPF_JMP32) {
			break;
		}
	}
	if (have_map && have_key && ops->tail_guess)
		g = ops->tail_guess(c->prog->cookie, map, key);
	if (!g && c->base)
		g = c->base + c->main;
	site.guess = jit_near(c, g) ? g : 0;
	if (have_map && have_key && !landed && ops->tail_slot)
		site.slot = ops->tail_slot(c->prog->cookie, map, key,
					   &site.never);
	return site;
}

static bool is_tail_call(const struct jit_ctx *c, u32 i)
{
	const struct bpf_insn *insn = &c->insns[i];

	return !(c->iflags[i] & INSN_IMM_HI) &&
	       insn->code == (BPF_JMP | BPF_CALL) &&
	       insn->src_reg != BPF_PSEUDO_CALL &&
	       insn->imm == BPF_FUNC_tail_call;
}

/* Settle the guess of every tail call site, once for all passes. */
static int jit_tail_guesses(struct jit_ctx *c)
{
	u32 i, n = 0;

	if (!c->tail_calls || !c->prog->ops->tail_inline)
		return 0;
	for (i = 0; i < c->len; i++)
		n += is_tail_call(c, i);
	c->tsites = xbpf_core_zalloc(sizeof(*c->tsites) * n);
	if (!c->tsites)
		return -ENOMEM;
	c->nr_tsites = n;
	for (n = 0, i = 0; i < c->len; i++)
		if (is_tail_call(c, i))
			c->tsites[n++] = tail_site(c, i);
	return 0;
}

/*
 * Leaf inlining (beyond Linux's JIT). A subprogram that is a short
 * straight line -- no jump, no call of any kind, no packet load or probe,
 * one exit, at its end, and no jump landing inside -- and that touches
 * neither R6-R9 nor R10 (its own registers and stack, which in the
 * caller's frame would be the caller's) means the same code in its
 * caller, R0 its result and R1-R5 left as a call leaves them (undefined).
 * Each call to it is then its code, in place: no call, ret or frame. Its
 * own copy stays, for the calls through a pointer. Only with the
 * functions given (verified programs), whose call depth the verifier
 * bounded.
 */
#define INLINE_MAX_INSNS	16

static bool reg_touched(const struct bpf_insn *insn, u8 lo, u8 hi)
{
	return (insn->dst_reg >= lo && insn->dst_reg <= hi) ||
	       (insn->src_reg >= lo && insn->src_reg <= hi);
}

static void jit_inline_leaves(struct jit_ctx *c)
{
	const struct bpf_insn *insn;
	u32 f, start, end, k;
	bool ok;

	for (f = 1; c->frames && f < c->nr_funcs; f++) {
		start = c->func_insn[f];
		end = f + 1 < c->nr_funcs ? c->func_insn[f + 1] : c->len;
		ok = end - start <= INLINE_MAX_INSNS &&
		     c->insns[end - 1].code == (BPF_JMP | BPF_EXIT);
		for (k = start; ok && k < end; k++) {
			insn = &c->insns[k];
			if (k > start && c->iflags[k] & (INSN_TARGET | INSN_FUNC))
				ok = false;
			if (k == end - 1 || c->iflags[k] & INSN_IMM_HI)
				continue;
			switch (insn_form[insn->code]) {
			case XBPF_FORM_ALU_X:
			case XBPF_FORM_ALU_K:
			case XBPF_FORM_NEG:
			case XBPF_FORM_END:
			case XBPF_FORM_LDX:
			case XBPF_FORM_STX:
			case XBPF_FORM_ST:
			case XBPF_FORM_ATOMIC:
			case XBPF_FORM_LD_IMM64:
			case XBPF_FORM_PERCPU:
				ok &= !reg_touched(insn, BPF_REG_6, BPF_REG_10);
				break;
			default:
				ok = false;
				break;
			}
		}
		if (ok)
			c->iflags[start] |= INSN_INLINE;
	}
}

/* Bytes below rbp for a function using depth bytes of stack. */
static u32 frame_size(u8 saved, u32 depth)
{
	u32 slots = round_up(depth, 8) / 8, i;

	for (i = 0; i < ARRAY_SIZE(saved_regs); i++)
		slots += !!(saved & 1 << i);
	/* rsp 16-aligned after the pushes */
	return round_up(depth, 8) + (slots & 1) * 8;
}

/* The bit in saved of BPF register r, if it is one of R6-R9. */
static u8 saved_bit(u8 r)
{
	return r >= BPF_REG_6 && r <= BPF_REG_9 ? 1 << (r - BPF_REG_6) : 0;
}

/*
 * With per-function frames: the registers each function uses (R6 too
 * for a packet load, which reads it), as only a verified program's
 * functions are known to stay within their own insns.
 */
static void jit_func_saved(struct jit_ctx *c)
{
	const struct bpf_insn *insn;
	u32 i, f = 0;

	for (i = 0; i < c->len; i++) {
		while (f + 1 < c->nr_funcs && c->func_insn[f + 1] <= i)
			f++;
		if (c->iflags[i] & INSN_IMM_HI)
			continue;
		insn = &c->insns[i];
		c->fsaved[f] |= saved_bit(insn->dst_reg) |
				saved_bit(insn->src_reg);
		if (insn_form[insn->code] == XBPF_FORM_LD_ABS ||
		    insn_form[insn->code] == XBPF_FORM_LD_IND)
			c->fsaved[f] |= saved_bit(BPF_REG_6);
	}
}

/* The size of the current function's prologue. */
static u32 measure_prologue(const struct jit_ctx *c)
{
	struct jit_ctx measure = *c;

	measure.buf = NULL;
	measure.pos = 0;
	measure.err = 0;
	emit_prologue(&measure);
	return measure.pos;
}

/* The frames, and the size of the prologues. */
static void jit_frame(struct jit_ctx *c, u32 stack_depth)
{
	bool alike = true;
	u32 f;

	c->frame = frame_size(c->saved, stack_depth);
	if (!c->frames) {
		c->prologue_size = measure_prologue(c);
		return;
	}
	jit_func_saved(c);
	for (f = 0; f < c->nr_funcs; f++) {
		c->frames[f] = frame_size(c->fsaved[f], c->frames[f]);
		alike &= c->frames[f] == c->frames[0] &&
			 c->fsaved[f] == c->fsaved[0];
	}
	if (alike) {
		/* the shorter prologue of one shared frame does */
		c->frame = c->frames[0];
		c->saved = c->fsaved[0];
		c->prologue_size = measure_prologue(c);
		xbpf_core_free(c->frames);
		c->frames = NULL;
		c->fsaved = NULL;
		c->fpsize = NULL;
		return;
	}
	for (f = 0; f < c->nr_funcs; f++) {
		c->cur_func = f;
		c->saved = c->fsaved[f];
		c->fpsize[f] = measure_prologue(c);
	}
	c->cur_func = 0;
	c->saved = c->fsaved[0];
	c->prologue_size = c->fpsize[0];
}

int xbpf_jit_emit(const struct xbpf_interp_prog *prog, u32 len,
		  u32 stack_depth, const struct xbpf_jit_opts *opts,
		  u8 *buf, u32 size, struct xbpf_jit_layout *layout)
{
	struct jit_ctx c = {
		.prog = prog,
		.insns = prog->insns,
		.len = len,
		.flags = opts ? opts->flags : 0,
		.base = opts ? opts->base : 0,
		.return_thunk = opts ? opts->return_thunk : 0,
		.this_cpu_off = opts ? opts->this_cpu_off : 0,
		/* xorshift32 needs a nonzero state */
		.seed = opts && opts->blind_seed ? opts->blind_seed : 0x9e3779b9,
	};
	u32 pass, prev_len = 0, *swap;
	void *mem;

	/* no insn takes near 128 bytes: offsets fit in a u32 */
	if (!len || len > U32_MAX / 128 || stack_depth > XBPF_STACK_SIZE)
		return -EINVAL;
	mem = xbpf_core_zalloc(2 * sizeof(u32) * (len + 1) + len);
	if (!mem)
		return -ENOMEM;
	c.addrs = mem;
	c.prev = c.addrs + len + 1;
	c.iflags = (u8 *)(c.prev + len + 1);

	c.err = jit_scan(&c);
	if (c.err)
		goto out;
	if (opts && opts->func_depth && opts->func_insn && opts->nr_funcs) {
		u32 f;

		/* frames, then fpsize, then fsaved, in one allocation */
		c.frames = xbpf_core_zalloc((2 * sizeof(u32) + 1) *
					    opts->nr_funcs);
		if (!c.frames) {
			c.err = -ENOMEM;
			goto out;
		}
		c.fpsize = c.frames + opts->nr_funcs;
		c.fsaved = (u8 *)(c.fpsize + opts->nr_funcs);
		c.func_insn = opts->func_insn;
		c.nr_funcs = opts->nr_funcs;
		for (f = 0; f < c.nr_funcs; f++) {
			u32 k = c.func_insn[f];

			if (k >= len || (f && k <= c.func_insn[f - 1]) ||
			    (!f && k) || opts->func_depth[f] > stack_depth) {
				c.err = -EINVAL;
				goto out;
			}
			c.frames[f] = opts->func_depth[f];
			/* every function gets its prologue, called or not */
			if (f)
				c.iflags[k] |= INSN_FUNC;
		}
	}
	if (c.frames) {
		/* the functions given must be the ones the calls make */
		u32 i, f = 0;

		for (i = 1; i < len; i++) {
			if (!(c.iflags[i] & INSN_FUNC))
				continue;
			while (f + 1 < c.nr_funcs && c.func_insn[f + 1] < i)
				f++;
			if (f + 1 >= c.nr_funcs || c.func_insn[f + 1] != i) {
				c.err = -EINVAL;
				goto out;
			}
		}
	}
	jit_inline_leaves(&c);
	jit_frame(&c, stack_depth);
	/* main's offset, which a guess of this image needs: the stub's size */
	{
		struct jit_ctx measure = c;

		measure.pos = 0;
		emit_stub(&measure, 0);
		c.main = measure.pos;
	}
	c.err = jit_tail_guesses(&c);
	if (c.err)
		goto out;

	for (pass = 0; ; pass++) {
		c.first = !pass;
		c.padded = pass > JIT_MAX_PASSES;
		jit_pass(&c);
		if (c.err)
			goto out;
		if (pass && c.pos == prev_len)
			break;
		prev_len = c.pos;
		swap = c.prev;
		c.prev = c.addrs;
		c.addrs = swap;
		c.prev_thunk = c.thunk;
		xbpf_cond_resched();
	}

	if (buf) {
		if (prev_len > size) {
			c.err = -EFBIG;
			goto out;
		}
		c.buf = buf;
		c.size = size;
		jit_pass(&c);
		if (!c.err && WARN_ON_ONCE(c.pos != prev_len))
			c.err = -EFAULT;
		if (c.err)
			goto out;
		memset(buf + c.pos, 0xcc, size - c.pos);
	}
	if (buf && opts && opts->func_off) {
		u32 f, k;

		for (f = 0; f < opts->nr_funcs; f++) {
			k = opts->func_insn[f];
			if (k >= len) {
				c.err = -EINVAL;
				goto out;
			}
			/* a subprogram's prologue comes right before its insn */
			opts->func_off[f] = k ? c.addrs[k] - entry_size(&c, k) : 0;
		}
	}
	if (layout) {
		layout->len = prev_len;
		layout->tail_entry = c.main;
		layout->passes = pass + 1;
	}
out:
	xbpf_core_free(c.tsites);
	xbpf_core_free(c.frames);
	xbpf_core_free(mem);
	return c.err ? c.err : (int)prev_len;
}
