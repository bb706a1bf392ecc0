// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for the verifier's scalar tracking: the input is a
 * small program over three registers, each with a tracked state and the
 * concrete value it holds on this run. ALU ops and conditional jumps
 * update both (a jump follows the direction the concrete value takes, as
 * the run would), and after every step each state must admit its value:
 * soundness. Each ALU op and jump is also tried on the edges of its
 * operands' states (any member could be the run's value), and jumps
 * called decided must go the way every such value goes. The tnum
 * operations are checked the same way on members drawn from the input.
 *
 * Built by `make -C selftests/core/verifier fuzz` (clang), run by
 * `make ... fuzz-run`.
 */
#include <stdlib.h>

#include "vtest.h"

struct input {
	const u8 *data;
	size_t size;
};

static u8 take8(struct input *in)
{
	u8 v = 0;

	if (in->size) {
		v = *in->data++;
		in->size--;
	}
	return v;
}

static u64 take64(struct input *in)
{
	u64 v = 0;
	int i;

	for (i = 0; i < 8; i++)
		v |= (u64)take8(in) << (i * 8);
	return v;
}

/* Small and edge values are likelier to matter than random 64-bit ones. */
static u64 take_value(struct input *in)
{
	u8 how = take8(in);
	u64 v;

	switch (how & 7) {
	case 0:
		return (s8)take8(in);
	case 1:
		return take8(in);
	case 2:
		/* a power of two, or next to one */
		v = (u64)1 << (take8(in) % 64);
		return v + (s8)take8(in) % 3;
	case 3:
		return (u32)take64(in);
	case 4:
		return (u64)(s64)(s32)take64(in);
	default:
		return take64(in);
	}
}

struct vreg {
	struct xbpf_reg_state st;
	u64 val;
};

static void __attribute__((noreturn))
fail(const char *what, const struct xbpf_reg_state *st, u64 val)
{
	char buf[256];

	reg_str(buf, sizeof(buf), st);
	fprintf(stderr, "unsound after %s: value 0x%llx, state %s\n", what,
		(unsigned long long)val, buf);
	abort();
}

#define MAX_WITNESSES	10

/*
 * Values the state admits, to try besides the one this run holds: its
 * edges, where a wrong bound shows first.
 */
static int witnesses(const struct xbpf_reg_state *st, u64 val, u64 *w)
{
	u64 hi = val & ~(u64)U32_MAX;
	const u64 cand[MAX_WITNESSES] = {
		val,
		st->umin_value, st->umax_value, st->umax_value - 1,
		(u64)st->smin_value, (u64)st->smax_value,
		st->var_off.value | st->var_off.mask,
		hi | st->u32_max_value, hi | (st->u32_max_value - 1),
		hi | (u32)st->s32_min_value,
	};
	int i, j, n = 0;

	for (i = 0; i < MAX_WITNESSES; i++) {
		if (!reg_has(st, cand[i]))
			continue;
		for (j = 0; j < n && w[j] != cand[i]; j++)
			;
		if (j == n)
			w[n++] = cand[i];
	}
	return n;
}

/*
 * What a BPF machine computes for every operand: shift amounts are
 * masked to the width, division by zero gives 0 and modulo by zero
 * leaves dst (the verifier makes no promise about these beyond what its
 * state says, so its state must hold them too).
 */
static u64 alu_run(u8 op, bool alu32, u64 x, u64 y)
{
	u64 z;

	if (op == BPF_LSH || op == BPF_RSH || op == BPF_ARSH)
		y &= alu32 ? 31 : 63;
	if ((op == BPF_DIV || op == BPF_MOD) && !(alu32 ? (u32)y : y))
		return op == BPF_DIV ? 0 : alu32 ? (u32)x : x;
	alu_concrete(op, alu32, x, y, &z);
	return z;
}

static void check_tnums(struct input *in)
{
	u64 x = take64(in), y = take64(in), mx = take_value(in);
	u64 my = take_value(in);
	struct xbpf_tnum a = XBPF_TNUM(x & ~mx, mx);
	struct xbpf_tnum b = XBPF_TNUM(y & ~my, my);
	u8 sh = take8(in) % 64;
	u64 lo = x < y ? x : y, hi = x < y ? y : x;

	if (!tnum_has(tnum_add(a, b), x + y) ||
	    !tnum_has(tnum_sub(a, b), x - y) ||
	    !tnum_has(tnum_mul(a, b), x * y) ||
	    !tnum_has(tnum_and(a, b), x & y) ||
	    !tnum_has(tnum_or(a, b), x | y) ||
	    !tnum_has(tnum_xor(a, b), x ^ y) ||
	    !tnum_has(tnum_lshift(a, sh), x << sh) ||
	    !tnum_has(tnum_rshift(a, sh), x >> sh) ||
	    !tnum_has(tnum_arshift(a, sh, 64), (u64)((s64)x >> sh)) ||
	    !tnum_has(tnum_arshift(a, sh % 32, 32),
		      (u32)((s32)(u32)x >> (sh % 32))) ||
	    !tnum_has(tnum_range(lo, hi), lo + (hi - lo) / 2) ||
	    !tnum_has(tnum_intersect(a, tnum_range(x, x)), x) ||
	    !tnum_in(a, tnum_const(x)) ||
	    !tnum_has(tnum_subreg(a), (u32)x))
		abort();
}

static void init_reg(struct input *in, struct vreg *r)
{
	struct rng rng;

	rng.s[0] = take64(in) | 1;
	rng.s[1] = take64(in);
	r->val = take_value(in);
	switch (take8(in) % 4) {
	case 0:
		r->st = reg_const(r->val);
		break;
	case 1:
		r->st = reg_unknown();
		break;
	default:
		r->st = reg_around(&rng, r->val, false);
		break;
	}
}

/* Which register, or a constant: the operand bits of an op's byte. */
static struct vreg *pick_src(struct input *in, struct vreg *regs,
			     const struct vreg *dst, u8 sel, struct vreg *k)
{
	if (!(sel & 0x80))
		return &regs[((sel >> 2) & 3) % 3];
	/* near dst's value, for bounds that are tight around it */
	k->val = sel & 0x40 ? dst->val + (s8)take8(in) : take_value(in);
	k->st = reg_const(k->val);
	return k;
}

static void do_alu(struct input *in, struct vreg *regs)
{
	u8 b = take8(in), sel = take8(in);
	u8 op = alu_ops[b % ARRAY_SIZE(alu_ops)];
	bool alu32 = b & 0x80;
	struct vreg *dst = &regs[(sel & 3) % 3], k;
	struct vreg *src = pick_src(in, regs, dst, sel, &k);
	u64 wd[MAX_WITNESSES], ws[MAX_WITNESSES];
	int nd = witnesses(&dst->st, dst->val, wd);
	int ns = witnesses(&src->st, src->val, ws);
	int i, j;

	xbpf_scalar_alu(&dst->st, src->st, op, alu32, b & 0x40);
	for (i = 0; i < nd; i++) {
		/* one register as both operands has one value */
		for (j = src == dst ? i : 0; j < (src == dst ? i + 1 : ns); j++) {
			u64 x = wd[i], y = src == dst ? x : ws[j];

			if (!reg_has(&dst->st, alu_run(op, alu32, x, y)))
				fail("alu", &dst->st, alu_run(op, alu32, x, y));
		}
	}
	dst->val = alu_run(op, alu32, dst->val, src->val);
}

/*
 * `if dst op src`, scalar against scalar, as the verifier handles it: a
 * constant side refines the other, two non-constants only for JEQ/JNE.
 */
static void do_jmp(struct input *in, struct vreg *regs)
{
	u8 b = take8(in), sel = take8(in);
	u8 op = jmp_ops[b % ARRAY_SIZE(jmp_ops)];
	bool jmp32 = b & 0x80;
	struct vreg *dst = &regs[(sel & 3) % 3], k;
	struct vreg *src = pick_src(in, regs, dst, sel, &k);
	struct xbpf_reg_state t = dst->st, f = dst->st;
	struct xbpf_reg_state ts = src->st, fs = src->st;
	u64 wd[MAX_WITNESSES], ws[MAX_WITNESSES];
	int nd = witnesses(&dst->st, dst->val, wd);
	int ns = witnesses(&src->st, src->val, ws);
	int pred = -1, i, j;
	bool holds;

	if (jmp32 ? tnum_subreg_is_const(src->st.var_off) :
		    tnum_is_const(src->st.var_off)) {
		u64 c = jmp32 ? tnum_subreg(src->st.var_off).value :
				src->st.var_off.value;

		pred = xbpf_is_branch_taken(&dst->st, c, op, jmp32);
		xbpf_reg_set_min_max(&t, &f, c, (u32)c, op, jmp32);
	} else if (jmp32 ? tnum_subreg_is_const(dst->st.var_off) :
			   tnum_is_const(dst->st.var_off)) {
		u64 c = jmp32 ? tnum_subreg(dst->st.var_off).value :
				dst->st.var_off.value;

		xbpf_reg_set_min_max_inv(&ts, &fs, c, (u32)c, op, jmp32);
	} else if (!jmp32 && (op == BPF_JEQ || op == BPF_JNE)) {
		xbpf_reg_combine_min_max(&ts, &t, &fs, &f, op);
	}
	for (i = 0; i < nd; i++) {
		for (j = src == dst ? i : 0; j < (src == dst ? i + 1 : ns); j++) {
			u64 x = wd[i], y = src == dst ? x : ws[j];

			holds = jmp_concrete(op, jmp32, x, y);
			if (pred >= 0 && pred != holds)
				fail("is_branch_taken", &dst->st, x);
			if (!reg_has(holds ? &t : &f, x))
				fail("jump, dst side", holds ? &t : &f, x);
			if (!reg_has(holds ? &ts : &fs, y))
				fail("jump, src side", holds ? &ts : &fs, y);
		}
	}
	holds = jmp_concrete(op, jmp32, dst->val, src->val);
	/* one register compared with itself: the dst side was checked */
	if (src != &k && src != dst)
		src->st = holds ? ts : fs;
	dst->st = holds ? t : f;
}

static void check(const struct vreg *regs, const char *what)
{
	int i;

	for (i = 0; i < 3; i++)
		if (!reg_has(&regs[i].st, regs[i].val) ||
		    !xbpf_reg_bounds_sane(&regs[i].st))
			fail(what, &regs[i].st, regs[i].val);
}

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	struct input in = { data, size };
	struct vreg regs[3];
	int i, steps = 0;

	for (i = 0; i < 3; i++)
		init_reg(&in, &regs[i]);
	check(regs, "setup");
	while (in.size && steps++ < 32) {
		u8 what = take8(&in);
		struct vreg *r = &regs[what % 3];

		switch ((what >> 2) % 8) {
		case 0:
		case 1:
		case 2:
			do_alu(&in, regs);
			check(regs, "alu");
			break;
		case 3:
		case 4:
			do_jmp(&in, regs);
			check(regs, "jump");
			break;
		case 5:
			/* a narrow load, or an alu32 mov's zero-extension */
			if (what & 0x80) {
				int sz = 1 << (take8(&in) % 3);

				xbpf_coerce_reg_to_size(&r->st, sz);
				r->val &= (1ULL << (sz * 8)) - 1;
			} else {
				xbpf_zext_32_to_64(&r->st);
				xbpf_reg_bounds_sync(&r->st);
				r->val = (u32)r->val;
			}
			check(regs, "truncation");
			break;
		case 6:
			regs[(what >> 5) % 3] = *r;
			break;
		default:
			check_tnums(&in);
			break;
		}
	}
	return 0;
}
