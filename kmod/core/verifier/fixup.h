/* SPDX-License-Identifier: GPL-2.0 */
/* The rewrites after verification (fixup.c). */
#ifndef XBPF_CORE_VERIFIER_FIXUP_H
#define XBPF_CORE_VERIFIER_FIXUP_H

#include "venv.h"

int xbpf_patch_insns(struct xbpf_verifier_env *env, u32 pos,
		     const struct bpf_insn *patch, u32 cnt);
int convert_ctx_accesses(struct xbpf_verifier_env *env);
int inline_helper_calls(struct xbpf_verifier_env *env);
/* bpf_loop() calls fit for it become loops (Linux's optimize_bpf_loop()) */
int optimize_bpf_loop(struct xbpf_verifier_env *env);
void sanitize_dead_code(struct xbpf_verifier_env *env);

#endif /* XBPF_CORE_VERIFIER_FIXUP_H */
