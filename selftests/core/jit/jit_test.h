/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shared by the host tests of the x86-64 JIT: mapping images the way the
 * module does (written through one mapping, run through another), and the
 * differential runner that puts a program through the interpreter and the
 * JIT in every flavour.
 */
#ifndef XBPF_TEST_JIT_H
#define XBPF_TEST_JIT_H

#include "test.h"
#include "image.h"

/* The interpreter alone, its step hooks reset (host_bug, the budget). */
u64 run_interp(const struct xbpf_interp_prog *prog, void *ctx);
/* run_interp()'s memory, and whether it is running (for callbacks) */
extern struct xbpf_interp_scratch host_scratch;
extern bool host_interp_running;

/* How many instructions are reachable from insns[0], ld_imm64 halves counted. */
u32 prog_extent(const struct bpf_insn *insns);

/*
 * A differential run. prog runs on the interpreter, then on the JIT in
 * every flavour, mem (the memory the program may change: ctx, maps) being
 * put back to its first contents before each. Tail calls, LD_ABS and probe
 * hooks of prog->ops are wrapped so that targets get JITed too.
 *
 * If the interpreter reported a bug or ran out of steps, which no verified
 * program does, only it runs. Otherwise every JIT run must return the same
 * R0 and leave mem as the interpreter did; mem is left as the last JIT run
 * left it.
 */
struct diff_result {
	u64 ret;		/* the interpreter's */
	bool jit_ran;
	bool ok;		/* every JIT run agreed */
};

struct diff_result diff_run(const struct xbpf_interp_prog *prog, u32 len,
			    void *ctx, void *mem, size_t mem_size);

/* Opcodes and atomics executed by programs whose differential runs agreed. */
extern bool jit_hit_code[256];
extern bool jit_hit_atomic[2][256];

/* The test groups. */
void test_interp_cases(void);
void test_jit(void);

#endif /* XBPF_TEST_JIT_H */
