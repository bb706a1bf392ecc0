// SPDX-License-Identifier: GPL-2.0
/*
 * BPF_PROG_TYPE_KPROBE: the context is the probed task's struct pt_regs,
 * read-only, any aligned field. Beyond Linux, test runs take the registers
 * from ctx_in.
 */
#include <linux/ptrace.h>

#include "progs/tracing.h"

static bool kprobe_is_valid_access(int off, int size,
				   enum xbpf_access_type type,
				   const struct xbpf_verifier_env *env,
				   struct xbpf_insn_access_aux *info)
{
	if (off < 0 || off >= sizeof(struct pt_regs))
		return false;
	if (type != XBPF_READ)
		return false;
	if (off % size != 0)
		return false;
	return off + size <= sizeof(struct pt_regs);
}

/* ctx_in: the probed task's registers, a struct pt_regs */
static int kprobe_test_run(struct xbpf_prog *prog, const union bpf_attr *attr,
			   union bpf_attr __user *uattr)
{
	return xbpf_tracing_test_run(prog, attr, uattr, sizeof(struct pt_regs),
				     NULL, 0);
}

struct xbpf_prog_type xbpf_kprobe_prog_type = {
	.vops = {
		.prog_type = BPF_PROG_TYPE_KPROBE,
		.is_valid_access = kprobe_is_valid_access,
		.get_func_proto = xbpf_func_proto,
		.helper_offered = xbpf_helper_offered,
	},
	.test_run = kprobe_test_run,
};
