// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: the JIT against the interpreter.
 *
 * The input is an instruction stream, which, as in fuzz_interp.c, is
 * rewritten rather than rejected into a program safe to run, here also
 * into one whose every observable is defined, so that the two must agree
 * on it:
 *
 *  - a prologue zeroes R0, R2-R9 and the 160 bytes of stack a function may
 *    use, and points AX (R11), which nothing else writes, at an arena;
 *  - memory is reached through R10 (the stack) or AX (the arena), aligned
 *    and in bounds; R10 is never an operand otherwise, so no stack address
 *    reaches a register or memory;
 *  - a call to a subprogram goes through a stub zeroing the callee's stack;
 *  - after a call (a failed packet load in the callee returns at once),
 *    a packet load or a tail call, whose registers only the verifier's
 *    rules define, R1-R5 are zeroed and AX restored (and R0 zeroed after a
 *    tail call);
 *  - every exit goes through a stub storing R0-R9 into the arena.
 *
 * Jumps and calls land on any input instruction, even across functions;
 * loops and recursion are allowed. A program the interpreter cannot finish
 * (step budget, call depth) is not run on the JIT. Otherwise each flavour
 * (plain, retpoline, blinded, both) must return the interpreter's R0 and
 * leave the arena as it did; anything else, a crash or a hang, is a
 * finding.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "disasm.h"
#include "insn.h"
#include "interp.h"
#include "jit.h"

#define MAX_IN		256
#define MAX_OUT		8192
#define STEP_BUDGET	20000
#define FRAME		160
#define PLAY		176		/* arena bytes programs use */
#define DUMP		PLAY		/* then R0-R9 at the last exit */
#define ARENA		(PLAY + 10 * 8)
#define IMAGE_SIZE	(1 << 20)

#define AX		MAX_BPF_REG

static unsigned long steps;
static bool depth_hit;

bool xbpf_host_step(const struct bpf_insn *insn)
{
	return ++steps <= STEP_BUDGET;
}

void xbpf_host_bug(const char *what, const struct bpf_insn *insn)
{
	/* of the states a verifier would exclude, shaping leaves only this */
	if (strcmp(what, "call depth exceeded"))
		abort();
	depth_hit = true;
}

/* rsp % 16 at its entry */
u64 rsp_mod16(u64 a, u64 b, u64 c, u64 d, u64 e);
asm(".text\n"
	".globl rsp_mod16\n"
	".type rsp_mod16, @function\n"
	"rsp_mod16:\n"
	"	endbr64\n"
	"	mov %rsp, %rax\n"
	"	and $15, %eax\n"
	"	ret\n"
	".size rsp_mod16, .-rsp_mod16\n");

static u64 h_mix(u64 a, u64 b, u64 c, u64 d, u64 e)
{
	return a * 3 ^ b << 1 ^ c >> 1 ^ d ^ ~e;
}

static u64 h_zero(u64 a, u64 b, u64 c, u64 d, u64 e)
{
	return 0;
}

static const xbpf_helper_fn helpers[] = { h_zero, h_mix, rsp_mod16, h_mix };

static u8 arena[ARENA];
static struct xbpf_interp_prog interp_prog;
static struct xbpf_jit_prog jit_prog;

/* Hooks may change any caller-saved register: make them change all. */
static void clobber_caller_saved(void)
{
	asm volatile("mov $0xbad0, %%eax\n\t"
		     "mov %%rax, %%rcx\n\t"
		     "mov %%rax, %%rdx\n\t"
		     "mov %%rax, %%rsi\n\t"
		     "mov %%rax, %%rdi\n\t"
		     "mov %%rax, %%r8\n\t"
		     "mov %%rax, %%r9\n\t"
		     "mov %%rax, %%r10\n\t"
		     "mov %%rax, %%r11"
		     ::: "rax", "rcx", "rdx", "rsi", "rdi", "r8", "r9", "r10",
		     "r11", "memory");
}

/*
 * Slot 0 holds the program itself, slot 1 is empty, the rest is beyond.
 * The JITed program's cookie is its struct xbpf_jit_prog.
 */
static int tail_call(void *cookie, u64 map, u32 index,
		     const struct xbpf_interp_prog **target)
{
	clobber_caller_saved();
	if (index > 1)
		return -1;
	*target = index ? NULL : cookie ? &jit_prog.interp : &interp_prog;
	return 0;
}

static int ld_abs(void *cookie, u64 ctx, s32 off, void *to, u32 size)
{
	clobber_caller_saved();
	if (off < 0 || off + size > PLAY)
		return -1;
	memcpy(to, arena + off, size);
	return 0;
}

static int probe_read(void *cookie, void *to, u64 from, u32 size)
{
	u64 start = (unsigned long)arena;

	clobber_caller_saved();
	if (from < start || from > start + PLAY - size)
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

/* The program being built, and where each input insn's code went. */
static struct bpf_insn out[MAX_OUT];
static u32 nout, pos[MAX_IN], stub[MAX_IN];

/* Jumps to fix once everything is placed. */
enum fix_kind { FIX_OFF, FIX_IMM, FIX_CALL, FIX_EXIT };

static struct fix {
	u32 at;
	u32 target;	/* an input insn; for FIX_CALL its stub */
	enum fix_kind kind;
} fixes[MAX_OUT];
static u32 nfixes;

static void put(u8 code, u8 dst, u8 src, s16 off, s32 imm)
{
	out[nout++] = (struct bpf_insn) {
		.code = code, .dst_reg = dst, .src_reg = src, .off = off,
		.imm = imm,
	};
}

static void fix(enum fix_kind kind, u32 target)
{
	fixes[nfixes++] = (struct fix) { nout - 1, target, kind };
}

static void put_ld64(u8 dst, u64 v)
{
	put(BPF_LD | BPF_IMM | BPF_DW, dst, 0, 0, (u32)v);
	put(0, 0, 0, 0, v >> 32);
}

static u32 size_of(u8 code)
{
	/* BPF_W, BPF_H, BPF_B encode as 0, 1, 2 in the size bits */
	return BPF_SIZE(code) == BPF_DW ? 8 : 4 >> (BPF_SIZE(code) >> 3);
}

/* An aligned, in-bounds offset from R10 (stack) or AX (arena). */
static s16 mem_off(bool stack, s16 off, u8 code)
{
	u32 size = size_of(code);

	if (stack)
		return -(int)((u16)off % (FRAME / size) + 1) * size;
	return (u16)off % (PLAY / size) * size;
}

/* After calls: R1-R5 and AX to what they were made. */
static void put_reset(void)
{
	u8 r;

	for (r = BPF_REG_1; r <= BPF_REG_5; r++)
		put(BPF_ALU64 | BPF_MOV | BPF_K, r, 0, 0, 0);
	put_ld64(AX, (unsigned long)arena);
}

static void put_zero_frame(void)
{
	int off;

	for (off = -8; off >= -FRAME; off -= 8)
		put(BPF_ST | BPF_MEM | BPF_DW, BPF_REG_10, 0, off, 0);
}

/* The input insn a jump from input insn i by off lands on. */
static u32 land(u32 n, u32 i, s64 off)
{
	s64 to = ((s64)i + 1 + off) % n;

	return to < 0 ? to + n : to;
}

static void shape(const struct bpf_insn *in, u32 n)
{
	struct bpf_insn insn;
	u32 i, r, exit_stub;
	u8 form;

	nout = 0;
	nfixes = 0;
	put(BPF_ALU64 | BPF_MOV | BPF_K, BPF_REG_0, 0, 0, 0);
	for (r = BPF_REG_2; r <= BPF_REG_9; r++)
		put(BPF_ALU64 | BPF_MOV | BPF_K, r, 0, 0, 0);
	put_ld64(AX, (unsigned long)arena);
	put_zero_frame();

	for (i = 0; i < n; i++) {
		insn = in[i];
		pos[i] = nout;
		if (!forms[insn.code])
			insn.code = codes[insn.code % ARRAY_SIZE(codes)];
		form = forms[insn.code];
		insn.dst_reg %= BPF_REG_10;
		insn.src_reg %= BPF_REG_10;

		switch (form) {
		case XBPF_FORM_LD_IMM64:
			put_ld64(insn.dst_reg, (u32)insn.imm |
				 (u64)(insn.imm * 0x9e3779b9U ^ insn.off) << 32);
			continue;
		case XBPF_FORM_LDX:
			if (in[i].src_reg & 1)
				insn.src_reg = BPF_REG_10;
			else
				insn.src_reg = AX;
			insn.off = mem_off(insn.src_reg == BPF_REG_10,
					   insn.off, insn.code);
			break;
		case XBPF_FORM_ATOMIC:
			if (!xbpf_insn_atomic_valid(insn.imm))
				insn.imm = atomic_ops[(u32)insn.imm %
						      ARRAY_SIZE(atomic_ops)];
			fallthrough;
		case XBPF_FORM_STX:
		case XBPF_FORM_ST:
			insn.dst_reg = in[i].dst_reg & 1 ? BPF_REG_10 : AX;
			insn.off = mem_off(insn.dst_reg == BPF_REG_10,
					   insn.off, insn.code);
			break;
		case XBPF_FORM_PROBE:
			/* from the arena, or from wherever a register points */
			if (in[i].src_reg & 1) {
				insn.src_reg = AX;
				insn.off = mem_off(false, insn.off, insn.code);
			}
			break;
		case XBPF_FORM_LD_ABS:
		case XBPF_FORM_LD_IND:
			insn.imm = (s32)((u32)insn.imm % (PLAY + 16)) - 8;
			out[nout++] = insn;
			put_reset();
			continue;
		case XBPF_FORM_JA:
		case XBPF_FORM_JCOND_X:
		case XBPF_FORM_JCOND_K:
			out[nout++] = insn;
			fix(FIX_OFF, land(n, i, insn.off));
			continue;
		case XBPF_FORM_GOTOL:
			out[nout++] = insn;
			fix(FIX_IMM, land(n, i, insn.imm));
			continue;
		case XBPF_FORM_CALL:
			if (insn.src_reg == BPF_PSEUDO_CALL) {
				out[nout++] = insn;
				fix(FIX_CALL, land(n, i, insn.imm));
				put_reset();
				continue;
			}
			insn.src_reg = 0;
			insn.imm = (u32)insn.imm % (ARRAY_SIZE(helpers) + 1);
			if (insn.imm == ARRAY_SIZE(helpers)) {
				/* mostly slot 0 or 1 */
				put(BPF_ALU64 | BPF_MOV | BPF_K, BPF_REG_3, 0, 0,
				    insn.off & 3);
				insn.imm = BPF_FUNC_tail_call;
				out[nout++] = insn;
				put_reset();
				put(BPF_ALU64 | BPF_MOV | BPF_K, BPF_REG_0, 0,
				    0, 0);
				continue;
			}
			out[nout++] = insn;
			put_reset();
			continue;
		case XBPF_FORM_EXIT:
			put(BPF_JMP | BPF_JA, 0, 0, 0, 0);
			fix(FIX_EXIT, 0);
			continue;
		default:	/* ALU: registers only */
			break;
		}
		out[nout++] = insn;
	}
	put(BPF_JMP | BPF_JA, 0, 0, 0, 0);
	fix(FIX_EXIT, 0);

	exit_stub = nout;
	for (r = BPF_REG_0; r <= BPF_REG_9; r++)
		put(BPF_STX | BPF_MEM | BPF_DW, AX, r, DUMP + 8 * r, 0);
	put(BPF_JMP | BPF_EXIT, 0, 0, 0, 0);

	memset(stub, 0, sizeof(stub));
	for (i = 0; i < nfixes; i++) {
		struct fix *f = &fixes[i];
		s32 to;

		if (f->kind == FIX_CALL && !stub[f->target]) {
			stub[f->target] = nout;
			put_zero_frame();
			put(BPF_JMP | BPF_JA, 0, 0,
			    pos[f->target] - (nout + 1), 0);
		}
		switch (f->kind) {
		case FIX_OFF:
			out[f->at].off = pos[f->target] - (f->at + 1);
			break;
		case FIX_IMM:
			out[f->at].imm = pos[f->target] - (f->at + 1);
			break;
		case FIX_CALL:
			out[f->at].imm = stub[f->target] - (f->at + 1);
			break;
		case FIX_EXIT:
			to = exit_stub - (f->at + 1);
			out[f->at].off = to;
			break;
		}
	}
}

/* An image mapped twice, like the module's: written here, run there. */
struct image {
	u8 *rw, *rx;
};

static void image_init(struct image *im)
{
	int fd = memfd_create("xbpf-fuzz-jit", MFD_CLOEXEC);

	if (fd < 0 || ftruncate(fd, IMAGE_SIZE))
		abort();
	im->rw = mmap(NULL, IMAGE_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED,
		      fd, 0);
	im->rx = mmap(NULL, IMAGE_SIZE, PROT_READ | PROT_EXEC, MAP_SHARED, fd,
		      0);
	close(fd);
	if (im->rw == MAP_FAILED || im->rx == MAP_FAILED)
		abort();
}

static void dump_prog(const char *why)
{
	char line[128];
	u32 i;

	fprintf(stderr, "JIT and interpreter differ: %s\n", why);
	for (i = 0; i < nout; i++) {
		xbpf_disasm_insn(&out[i], NULL, true, line, sizeof(line));
		fprintf(stderr, "%4u: %s", i, line);
		if (out[i].code == (BPF_LD | BPF_IMM | BPF_DW))
			i++;
	}
}

static void fill_arena(u32 seed)
{
	u32 i;

	for (i = 0; i < ARENA; i++)
		arena[i] = (i * 37) ^ seed;
}

int LLVMFuzzerTestOneInput(const u8 *data, size_t size);

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	static const struct xbpf_jit_opts flavours[] = {
		{ 0 },
		{ XBPF_JIT_RETPOLINE },
		{ XBPF_JIT_BLIND, 1 },
		{ XBPF_JIT_RETPOLINE | XBPF_JIT_BLIND, 2 },
	};
	static struct xbpf_interp_scratch scratch;
	static struct bpf_insn in[MAX_IN];
	static struct image images[ARRAY_SIZE(flavours)];
	static u8 want[ARENA];
	u32 n = min_t(size_t, size / sizeof(struct bpf_insn), MAX_IN), f;
	struct xbpf_jit_layout layout;
	u64 ret, got;
	int len;

	if (!n)
		return 0;
	if (!images[0].rw)
		for (f = 0; f < ARRAY_SIZE(flavours); f++)
			image_init(&images[f]);
	memcpy(in, data, n * sizeof(*in));
	shape(in, n);

	interp_prog = (struct xbpf_interp_prog) {
		.insns = out,
		.helpers = helpers,
		.ops = &ops,
	};
	fill_arena(n);
	steps = 0;
	depth_hit = false;
	ret = xbpf_interp_run(&interp_prog, arena, &scratch);
	if (steps > STEP_BUDGET || depth_hit)
		return 0;
	memcpy(want, arena, ARENA);

	for (f = 0; f < ARRAY_SIZE(flavours); f++) {
		jit_prog.interp = interp_prog;
		jit_prog.interp.cookie = &jit_prog;
		len = xbpf_jit_emit(&jit_prog.interp, nout, FRAME, &flavours[f],
				    images[f].rw, IMAGE_SIZE, &layout);
		if (len < 0) {
			dump_prog("the JIT refused the program");
			abort();
		}
		jit_prog.tail_entry = (unsigned long)images[f].rx +
				      layout.tail_entry;
		fill_arena(n);
		got = ((xbpf_jit_func)(unsigned long)images[f].rx)(arena);
		if (got != ret) {
			fprintf(stderr, "flavour %u: R0 %#llx, interpreter %#llx\n",
				f, (unsigned long long)got,
				(unsigned long long)ret);
			dump_prog("R0");
			abort();
		}
		if (memcmp(arena, want, ARENA)) {
			fprintf(stderr, "flavour %u\n", f);
			dump_prog("arena");
			abort();
		}
	}
	return 0;
}
