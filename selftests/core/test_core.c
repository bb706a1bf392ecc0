// SPDX-License-Identifier: GPL-2.0
/*
 * Host tests of kmod/core/: the driver, the host half of env.h, and the
 * tests of the opcode table itself.
 */
#include <stdarg.h>
#include <stdlib.h>

#include "test.h"

static unsigned int nr_tests, nr_passed, nr_failed, nr_skipped;

static void vresult(const char *status, const char *directive,
		    const char *fmt, va_list ap)
{
	printf("%s %u - ", status, ++nr_tests);
	vprintf(fmt, ap);
	printf("%s\n", directive);
	fflush(stdout);
}

void test_result(bool ok, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vresult(ok ? "ok" : "not ok", "", fmt, ap);
	va_end(ap);
	if (ok)
		nr_passed++;
	else
		nr_failed++;
}

void test_skip(const char *why, const char *fmt, ...)
{
	char directive[256];
	va_list ap;

	snprintf(directive, sizeof(directive), " # SKIP %s", why);
	va_start(ap, fmt);
	vresult("ok", directive, fmt, ap);
	va_end(ap);
	nr_skipped++;
}

void test_diag(const char *fmt, ...)
{
	va_list ap;

	printf("# ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
}

const char *opcode_label(u8 code)
{
	static const char *const labels[256] = {
#define XBPF_INSN(code, label, form, scope) [code] = #label,
#include "insn.def"
	};

	return labels[code];
}

/* The host half of env.h. */

/* Far more than any test needs; stops a test that loops by mistake. */
#define STEP_BUDGET	1000000

const char *host_bug;
bool host_budget_hit;
bool host_hit_code[256];
bool host_hit_atomic[2][256];
static unsigned long steps;

bool xbpf_host_step(const struct bpf_insn *insn)
{
	host_hit_code[insn->code] = true;
	if (BPF_CLASS(insn->code) == BPF_STX &&
	    BPF_MODE(insn->code) == BPF_ATOMIC)
		host_hit_atomic[BPF_SIZE(insn->code) == BPF_DW][(u8)insn->imm] =
			true;
	if (++steps > STEP_BUDGET) {
		host_budget_hit = true;
		return false;
	}
	return true;
}

void xbpf_host_bug(const char *what, const struct bpf_insn *insn)
{
	host_bug = what;
}

u64 run_prog(const struct xbpf_interp_prog *prog, void *ctx)
{
	static struct xbpf_interp_scratch scratch;

	host_bug = NULL;
	host_budget_hit = false;
	steps = 0;
	return xbpf_interp_run(prog, ctx, &scratch);
}

/*
 * Linux 6.1's opcode set restated as rules, independently of insn.def:
 * its interpreter's jump table plus the classic packet loads.
 */
static bool linux_opcode(u8 c)
{
	u8 op = BPF_OP(c), mode = BPF_MODE(c), size = BPF_SIZE(c);

	switch (BPF_CLASS(c)) {
	case BPF_ALU:
	case BPF_ALU64:
		if (op == BPF_NEG)
			return BPF_SRC(c) == BPF_K;
		if (op == BPF_END)
			return BPF_CLASS(c) == BPF_ALU;
		return op <= BPF_ARSH;
	case BPF_JMP:
	case BPF_JMP32:
		if (op == BPF_JA)
			return BPF_SRC(c) == BPF_K;
		if (op == BPF_CALL || op == BPF_EXIT)
			return BPF_CLASS(c) == BPF_JMP && BPF_SRC(c) == BPF_K;
		return op <= BPF_JSLE;
	case BPF_LDX:
	case BPF_ST:
		return mode == BPF_MEM;
	case BPF_STX:
		return mode == BPF_MEM ||
		       (mode == BPF_ATOMIC && (size == BPF_W || size == BPF_DW));
	default: /* BPF_LD */
		if (mode == BPF_IMM)
			return size == BPF_DW;
		return (mode == BPF_ABS || mode == BPF_IND) && size != BPF_DW;
	}
}

void test_opcodes(void)
{
	static const s32 atomic_ops[] = {
		BPF_ADD, BPF_AND, BPF_OR, BPF_XOR,
		BPF_ADD | BPF_FETCH, BPF_AND | BPF_FETCH, BPF_OR | BPF_FETCH,
		BPF_XOR | BPF_FETCH, BPF_XCHG, BPF_CMPXCHG,
	};
	unsigned int valid = 0, rows = 0, wrong = 0, c, i, n;
	s32 imm;

	for (c = 0; c < 256; c++) {
		valid += xbpf_insn_opcode_valid(c);
		rows += !!opcode_label(c);
		if (xbpf_insn_opcode_valid(c) != linux_opcode(c)) {
			test_diag("opcode %02x: table says %d, Linux 6.1 %d", c,
				  xbpf_insn_opcode_valid(c), linux_opcode(c));
			wrong++;
		}
	}
	test_result(!wrong, "opcodes: valid set equals Linux 6.1's");
	test_result(valid == 121, "opcodes: %u valid for userspace (want 121)",
		    valid);
	test_result(rows == 126, "opcodes: %u rows in insn.def (want 126)",
		    rows);
	test_result(!xbpf_insn_opcode_valid(BPF_LDX | XBPF_PROBE_MEM | BPF_W) &&
		    opcode_label(BPF_LDX | XBPF_PROBE_MEM | BPF_W),
		    "opcodes: BPF_PROBE_MEM is internal only");
	test_result(!xbpf_insn_opcode_valid(BPF_ALU64 | XBPF_PERCPU | BPF_K) &&
		    opcode_label(BPF_ALU64 | XBPF_PERCPU | BPF_K),
		    "opcodes: XBPF_PERCPU is internal only");

	for (n = 0, imm = -300; imm < 300; imm++)
		n += xbpf_insn_atomic_valid(imm);
	for (i = 0; i < ARRAY_SIZE(atomic_ops); i++)
		n -= xbpf_insn_atomic_valid(atomic_ops[i]);
	test_result(!n && !xbpf_insn_atomic_valid(BPF_XCHG | 0x100),
		    "opcodes: exactly the 10 atomic operations are valid");
}

void test_coverage(void)
{
	unsigned int missing = 0, c, w;

	for (c = 0; c < 256; c++) {
		if (opcode_label(c) && !host_hit_code[c]) {
			test_diag("opcode %s never executed", opcode_label(c));
			missing++;
		}
	}
	test_result(!missing, "coverage: every opcode in insn.def executed");

	missing = 0;
#define XBPF_ATOMIC(imm, label, form)					\
	for (w = 0; w < 2; w++) {					\
		if (!host_hit_atomic[w][imm]) {				\
			test_diag("atomic %s (%s) never executed",	\
				  #label, w ? "DW" : "W");		\
			missing++;					\
		}							\
	}
#include "insn.def"
	test_result(!missing,
		    "coverage: every atomic operation executed in W and DW");
}

int main(void)
{
	printf("KTAP version 1\n");
	test_opcodes();
	test_interp();
	test_coverage();
	test_disasm();
	test_kernel();
	printf("1..%u\n", nr_tests);
	printf("%u passed, %u failed", nr_passed, nr_failed);
	if (nr_skipped)
		printf(", %u skipped", nr_skipped);
	printf("\n");
	return nr_failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
