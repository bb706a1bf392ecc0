// SPDX-License-Identifier: GPL-2.0
/*
 * Opcode questions answered from insn.def, so that the verifier's idea of
 * a valid program cannot drift from what the interpreter executes.
 */
#include "insn.h"

static const bool user_opcode[256] = {
#define XBPF_INSN(code, label, form, scope) [code] = XBPF_SCOPE_##scope,
#include "insn.def"
};

bool xbpf_insn_opcode_valid(u8 code)
{
	return user_opcode[code];
}

bool xbpf_insn_atomic_valid(s32 imm)
{
	switch (imm) {
#define XBPF_ATOMIC(imm, label, form) case imm:
#include "insn.def"
		return true;
	default:
		return false;
	}
}
