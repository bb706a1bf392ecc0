// SPDX-License-Identifier: GPL-2.0
/*
 * The interpreter's test cases, each run through the interpreter and the
 * JIT. run_prog() is where test_interp.c runs a program: here it is a
 * differential run, whose disagreement makes the case fail, so every case
 * holds the JIT to the case's expectations and to the interpreter.
 */
#include "../test_interp.c"

#include "jit_test.h"

/*
 * Cases showing what only the interpreter does, on programs the verifier
 * refuses, by name.
 */
static const struct {
	const char *name;
	const char *why;
} interp_only[] = {
	{
		"tail call: the target keeps registers and stack",
		"a tail call target gets R1 and the stack but not R6-R9, as in Linux; the verifier lets it read only R1 and R10",
	},
};

static unsigned int nr_runs, nr_diff;

u64 run_prog(const struct xbpf_interp_prog *prog, void *ctx)
{
	struct diff_result r;
	unsigned int i;

	nr_runs++;
	for (i = 0; i < ARRAY_SIZE(interp_only); i++) {
		/* running is the last case run_prog_test() ran */
		if (running && prog->insns == running->insns &&
		    !strcmp(running->name, interp_only[i].name)) {
			test_skip(interp_only[i].why, "jit: %s", running->name);
			return run_interp(prog, ctx);
		}
	}
	r = diff_run(prog, 0, ctx, ctx_mem, sizeof(ctx_mem));
	nr_diff += r.jit_ran;
	/* make the case see a wrong value */
	return r.ok ? r.ret : ~r.ret;
}

void test_interp_cases(void)
{
	test_interp();
	test_diag("%u of %u runs compared with the JIT in %d flavours",
		  nr_diff, nr_runs, NR_FLAVOURS);
	test_diag("in the others the interpreter reported a bug");
}
