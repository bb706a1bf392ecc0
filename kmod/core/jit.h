/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The x86-64 JIT's interface: xbpf_jit_emit() turns a program ready for the
 * interpreter into native code with the same semantics. Where the code goes,
 * and how it becomes executable, is the caller's business: the emitted
 * bytes are position-independent (every displacement in them is internal to
 * the image, every outside address absolute), so they can be written
 * through one mapping and run through another, or copied after emission.
 */
#ifndef XBPF_CORE_JIT_H
#define XBPF_CORE_JIT_H

#include "interp.h"

/*
 * Options. RETPOLINE makes every indirect call and jump (helpers, hooks,
 * tail calls) go through a retpoline the image carries, since the kernel's
 * own thunks are out of reach of a rel32 from vmalloc space; without it they
 * are plain "call *%rax" and "jmp *%rax". BLIND keeps the program's
 * immediates out of the executable bytes (each is emitted XORed with a
 * random value and XORed back at run time), against JIT spraying.
 */
#define XBPF_JIT_RETPOLINE	0x1
#define XBPF_JIT_BLIND		0x2

struct xbpf_jit_opts {
	u32 flags;		/* XBPF_JIT_* */
	u32 blind_seed;		/* the randomness of BLIND: any value */
	/*
	 * Where the image will run, or 0: position-independent code. With
	 * it, helpers and hooks within rel32 reach of the image are called
	 * directly ("call rel32", no retpoline needed), and the code is only
	 * correct at that address. It can only be shorter than the
	 * position-independent code of the same program.
	 */
	unsigned long base;
	/*
	 * With base: return through "jmp return_thunk" instead of "ret", as
	 * the kernel's code does when it uses return thunks (0: ret).
	 */
	unsigned long return_thunk;
	/*
	 * The gs-relative address of the kernel's this_cpu_off, for
	 * XBPF_PERCPU: "add dst, gs:[this_cpu_off]". 0: the instruction
	 * leaves dst as it is, as the host's interpreter does.
	 */
	u32 this_cpu_off;
	/*
	 * Optional, for symbols: func_insn[0..nr_funcs) are the first insns
	 * of the program's functions, ascending (main's is 0); when code is
	 * written, func_off[] gets where each function's code starts in the
	 * image (main's: 0, the entry).
	 */
	const u32 *func_insn;
	u32 *func_off;
	u32 nr_funcs;
	/*
	 * Optional, with func_insn: the stack each function uses (at most
	 * the stack_depth given to xbpf_jit_emit()). Each function then gets
	 * a frame of its own size, as the verifier's bound on the sum along
	 * a call chain assumes; without it, every function gets stack_depth.
	 */
	const u32 *func_depth;
};

/*
 * A JITed program as tail calls see it. ops->tail_call of the program that
 * makes the call hands back a pointer to the interp member; the code then
 * jumps to tail_entry: the address, in the executable mapping, of the
 * target's image plus its struct xbpf_jit_layout's tail_entry. 0 means the
 * target has no image: such a call counts, and fails as for an empty slot.
 */
struct xbpf_jit_prog {
	struct xbpf_interp_prog interp;
	unsigned long tail_entry;
};

struct xbpf_jit_layout {
	u32 len;		/* bytes of code; int3 fills the rest */
	u32 tail_entry;		/* offset of the tail call entry */
	u32 passes;		/* passes it took to settle jump sizes */
};

/* The image's entry point, at offset 0, for a C caller. */
typedef u64 (*xbpf_jit_func)(const void *ctx);

/*
 * Emit the len instructions of prog. Every function of the program (main
 * and subprograms alike) gets stack_depth bytes of stack below R10 (or
 * its own, with opts->func_depth), so it must cover the deepest one; at
 * most XBPF_STACK_SIZE. prog's helpers, ops
 * and cookie are read now and built into the code.
 *
 * With buf NULL nothing is written and the length is only measured. Else
 * the code is written to buf and int3 fills it up to size. Returns the
 * code's length, the same both ways, or -EINVAL for a malformed program,
 * -ENOTSUPP for an opcode of insn.def the JIT cannot translate, -EFBIG if
 * the code does not fit size, -ENOMEM. layout may be NULL.
 *
 * Process context: allocates, and may reschedule between passes.
 */
int xbpf_jit_emit(const struct xbpf_interp_prog *prog, u32 len,
		  u32 stack_depth, const struct xbpf_jit_opts *opts,
		  u8 *buf, u32 size, struct xbpf_jit_layout *layout);

#endif /* XBPF_CORE_JIT_H */
