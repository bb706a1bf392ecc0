/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Instructions as text, in exactly the words of Linux 6.1's verifier log,
 * so that logs and dumps read the same under xbpf as under Linux.
 */
#ifndef XBPF_CORE_DISASM_H
#define XBPF_CORE_DISASM_H

#include "env.h"

/*
 * Optional names for what the instruction alone does not tell. Each returns
 * the text to print, which it may build in buf, or NULL for the default.
 */
struct xbpf_disasm_cbs {
	/*
	 * The callee of a call that is not a known helper: a subprogram
	 * (printed after "call pc", default "%+d" of imm) or a kfunc
	 * (default "kernel-function").
	 */
	const char *(*call_name)(void *priv, const struct bpf_insn *insn,
				 char *buf, size_t size);
	/*
	 * The value of an ld_imm64, e.g. "map[id:3]"; default "0x%llx".
	 * imm is 0 for pointers unless allow_ptr_leaks was given.
	 */
	const char *(*imm_name)(void *priv, const struct bpf_insn *insn,
				u64 imm, char *buf, size_t size);
	void *priv;
};

/*
 * Write insn as one line, newline included, into buf like snprintf(), and
 * return the length the whole line needs. For an ld_imm64, insn[1] must be
 * its second half. cbs may be NULL. allow_ptr_leaks prints the pointers
 * ld_imm64 loads of maps and BTF objects carry instead of 0, as Linux does
 * for a reader with CAP_PERFMON.
 */
int xbpf_disasm_insn(const struct bpf_insn *insn,
		     const struct xbpf_disasm_cbs *cbs, bool allow_ptr_leaks,
		     char *buf, size_t size);

/* "+=", "<<=", ... for an ALU opcode, as the log writes them. */
const char *xbpf_alu_op_str(u8 code);
/* "bpf_map_lookup_elem" for a Linux 6.1 helper id, or NULL. */
const char *xbpf_helper_name(s32 func_id);

#endif /* XBPF_CORE_DISASM_H */
