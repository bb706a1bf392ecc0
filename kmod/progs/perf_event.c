// SPDX-License-Identifier: GPL-2.0
/*
 * BPF_PROG_TYPE_PERF_EVENT: programs see struct bpf_perf_event_data (the
 * sampled registers, sample_period, addr), read-only. xbpf runs them on
 * its own struct xbpf_perf_event_ctx, so accesses are rewritten to it.
 * Beyond Linux, test runs take a struct bpf_perf_event_data from ctx_in.
 */
#include <linux/ptrace.h>
#include <linux/stddef.h>
#include <uapi/linux/bpf_perf_event.h>

#include "progs/tracing.h"

/* The uapi layout programs are compiled against. */
#define PE_REGS_SIZE	sizeof(bpf_user_pt_regs_t)
#define PE_PERIOD_OFF	offsetof(struct bpf_perf_event_data, sample_period)
#define PE_ADDR_OFF	offsetof(struct bpf_perf_event_data, addr)

static bool ctx_range(int off, size_t start, size_t size)
{
	return off >= start && off < start + size;
}

/* Narrow loads of power-of-two size; alignment was checked before. */
static bool narrow_ok(int size, int field_size)
{
	return size <= field_size && (size & (size - 1)) == 0;
}

static bool perf_event_is_valid_access(int off, int size,
				       enum xbpf_access_type type,
				       const struct xbpf_verifier_env *env,
				       struct xbpf_insn_access_aux *info)
{
	if (off < 0 || off >= sizeof(struct bpf_perf_event_data))
		return false;
	if (type != XBPF_READ)
		return false;
	if (off % size != 0)
		return false;
	if (ctx_range(off, PE_PERIOD_OFF, sizeof(u64)) ||
	    ctx_range(off, PE_ADDR_OFF, sizeof(u64))) {
		info->ctx_field_size = sizeof(u64);
		return narrow_ok(size, sizeof(u64));
	}
	return size == sizeof(long);
}

static struct bpf_insn ldx(u8 size, u8 dst, u8 src, s16 off)
{
	struct bpf_insn insn = {
		.code = BPF_LDX | size | BPF_MEM,
		.dst_reg = dst,
		.src_reg = src,
		.off = off,
	};

	return insn;
}

static u32 perf_event_convert_ctx_access(enum xbpf_access_type type,
					 const struct bpf_insn *si,
					 struct bpf_insn *insn_buf,
					 u32 *target_size)
{
	struct bpf_insn *insn = insn_buf;

	if (si->off == PE_PERIOD_OFF) {
		*insn++ = ldx(BPF_DW, si->dst_reg, si->src_reg,
			      offsetof(struct xbpf_perf_event_ctx,
				       sample_period));
		*target_size = sizeof(u64);
	} else if (si->off == PE_ADDR_OFF) {
		*insn++ = ldx(BPF_DW, si->dst_reg, si->src_reg,
			      offsetof(struct xbpf_perf_event_ctx, addr));
		*target_size = sizeof(u64);
	} else {
		/* a register: through the regs pointer */
		*insn++ = ldx(BPF_DW, si->dst_reg, si->src_reg,
			      offsetof(struct xbpf_perf_event_ctx, regs));
		*insn++ = ldx(BPF_SIZE(si->code), si->dst_reg, si->dst_reg,
			      si->off);
	}
	return insn - insn_buf;
}

/* What the program runs on: xbpf's context around the caller's data. */
static const void *perf_event_make_ctx(void *in, void *buf)
{
	struct bpf_perf_event_data *data = in;
	struct xbpf_perf_event_ctx *ctx = buf;

	ctx->regs = (struct pt_regs *)&data->regs;
	ctx->sample_period = data->sample_period;
	ctx->addr = data->addr;
	ctx->event = NULL;
	return ctx;
}

static int perf_event_test_run(struct xbpf_prog *prog,
			       const union bpf_attr *attr,
			       union bpf_attr __user *uattr)
{
	return xbpf_tracing_test_run(prog, attr, uattr,
				     sizeof(struct bpf_perf_event_data),
				     perf_event_make_ctx,
				     sizeof(struct xbpf_perf_event_ctx));
}

struct xbpf_prog_type xbpf_perf_event_prog_type = {
	.vops = {
		.prog_type = BPF_PROG_TYPE_PERF_EVENT,
		.is_valid_access = perf_event_is_valid_access,
		.get_func_proto = xbpf_func_proto,
		.helper_offered = xbpf_helper_offered,
		.convert_ctx_access = perf_event_convert_ctx_access,
	},
	.test_run = perf_event_test_run,
};
