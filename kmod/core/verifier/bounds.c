// SPDX-License-Identifier: GPL-2.0
/*
 * Scalar bounds: what the verifier knows of a register's value as four
 * ranges (signed and unsigned, 64-bit and low 32-bit) plus var_off, how
 * ALU operations and conditional jumps change that knowledge, and when a
 * jump's direction is decided.
 *
 * Verdicts and the verifier log depend on every bound, so each rule here
 * is Linux 6.1's, imprecision included: a tighter result would accept
 * programs Linux rejects and print different logs.
 */
#include "bounds.h"
#include "vdefs.h"

static bool is_pow2(u64 v)
{
	return v && !(v & (v - 1));
}

/* Everything before var_off says what kind of value this is. */
static void clear_identity(struct xbpf_reg_state *reg)
{
	u32 type = reg->type;

	__builtin_memset(reg, 0, offsetof(struct xbpf_reg_state, var_off));
	reg->type = type;
}

/* Keeps the identity, so that registers sharing an id stay linked. */
static void set_known(struct xbpf_reg_state *reg, u64 imm)
{
	reg->var_off = tnum_const(imm);
	reg->smin_value = (s64)imm;
	reg->smax_value = (s64)imm;
	reg->umin_value = imm;
	reg->umax_value = imm;
	reg->s32_min_value = (s32)imm;
	reg->s32_max_value = (s32)imm;
	reg->u32_min_value = (u32)imm;
	reg->u32_max_value = (u32)imm;
}

void xbpf_mark_reg_known(struct xbpf_reg_state *reg, u64 imm)
{
	clear_identity(reg);
	set_known(reg, imm);
}

void xbpf_mark_reg32_known(struct xbpf_reg_state *reg, u64 imm)
{
	reg->var_off = tnum_const_subreg(reg->var_off, (u32)imm);
	reg->s32_min_value = (s32)imm;
	reg->s32_max_value = (s32)imm;
	reg->u32_min_value = (u32)imm;
	reg->u32_max_value = (u32)imm;
}

void xbpf_mark_reg_known_zero(struct xbpf_reg_state *reg)
{
	xbpf_mark_reg_known(reg, 0);
}

void xbpf_mark_reg_const_zero(struct xbpf_reg_state *reg)
{
	xbpf_mark_reg_known(reg, 0);
	reg->type = SCALAR_VALUE;
}

void xbpf_mark_reg64_unbounded(struct xbpf_reg_state *reg)
{
	reg->smin_value = S64_MIN;
	reg->smax_value = S64_MAX;
	reg->umin_value = 0;
	reg->umax_value = U64_MAX;
}

void xbpf_mark_reg32_unbounded(struct xbpf_reg_state *reg)
{
	reg->s32_min_value = S32_MIN;
	reg->s32_max_value = S32_MAX;
	reg->u32_min_value = 0;
	reg->u32_max_value = U32_MAX;
}

void xbpf_mark_reg_unbounded(struct xbpf_reg_state *reg)
{
	xbpf_mark_reg64_unbounded(reg);
	xbpf_mark_reg32_unbounded(reg);
}

void xbpf_mark_reg_unknown(struct xbpf_reg_state *reg, bool bpf_capable)
{
	__builtin_memset(reg, 0, offsetof(struct xbpf_reg_state, var_off));
	reg->type = SCALAR_VALUE;
	reg->var_off = tnum_unknown;
	reg->frameno = 0;
	reg->precise = !bpf_capable;
	xbpf_mark_reg_unbounded(reg);
}

/*
 * The tnum bounds each range: its known bits are a floor, known and
 * unknown bits together a ceiling, and for the signed view the sign bit
 * is taken as set for the minimum and clear for the maximum.
 */
static void bounds_from_tnum32(struct xbpf_reg_state *reg)
{
	struct xbpf_tnum t = tnum_subreg(reg->var_off);
	u32 sign = 1U << 31;

	reg->s32_min_value = max_t(s32, reg->s32_min_value,
				   (s32)(t.value | (t.mask & sign)));
	reg->s32_max_value = min_t(s32, reg->s32_max_value,
				   (s32)(t.value | (t.mask & ~sign)));
	reg->u32_min_value = max_t(u32, reg->u32_min_value, t.value);
	reg->u32_max_value = min_t(u32, reg->u32_max_value,
				   t.value | t.mask);
}

static void bounds_from_tnum64(struct xbpf_reg_state *reg)
{
	struct xbpf_tnum t = reg->var_off;
	u64 sign = 1ULL << 63;

	reg->smin_value = max_t(s64, reg->smin_value,
				(s64)(t.value | (t.mask & sign)));
	reg->smax_value = min_t(s64, reg->smax_value,
				(s64)(t.value | (t.mask & ~sign)));
	reg->umin_value = max_t(u64, reg->umin_value, t.value);
	reg->umax_value = min_t(u64, reg->umax_value, t.value | t.mask);
}

static void bounds_from_tnum(struct xbpf_reg_state *reg)
{
	bounds_from_tnum32(reg);
	bounds_from_tnum64(reg);
}

/*
 * Signed and unsigned ranges of the same bits inform each other. A signed
 * range on one side of the sign boundary is also an unsigned range, so
 * the two intersect; otherwise the unsigned range may show which side the
 * value is on, and only the bound on that side can be trusted.
 */
static void deduce32(struct xbpf_reg_state *reg)
{
	if (reg->s32_min_value >= 0 || reg->s32_max_value < 0) {
		u32 lo = max_t(u32, reg->s32_min_value, reg->u32_min_value);
		u32 hi = min_t(u32, reg->s32_max_value, reg->u32_max_value);

		reg->s32_min_value = (s32)lo;
		reg->u32_min_value = lo;
		reg->s32_max_value = (s32)hi;
		reg->u32_max_value = hi;
		return;
	}
	if ((s32)reg->u32_max_value >= 0) {
		u32 hi = min_t(u32, reg->s32_max_value, reg->u32_max_value);

		reg->s32_min_value = (s32)reg->u32_min_value;
		reg->s32_max_value = (s32)hi;
		reg->u32_max_value = hi;
	} else if ((s32)reg->u32_min_value < 0) {
		u32 lo = max_t(u32, reg->s32_min_value, reg->u32_min_value);

		reg->s32_min_value = (s32)lo;
		reg->u32_min_value = lo;
		reg->s32_max_value = (s32)reg->u32_max_value;
	}
}

static void deduce64(struct xbpf_reg_state *reg)
{
	if (reg->smin_value >= 0 || reg->smax_value < 0) {
		u64 lo = max_t(u64, reg->smin_value, reg->umin_value);
		u64 hi = min_t(u64, reg->smax_value, reg->umax_value);

		reg->smin_value = (s64)lo;
		reg->umin_value = lo;
		reg->smax_value = (s64)hi;
		reg->umax_value = hi;
		return;
	}
	if ((s64)reg->umax_value >= 0) {
		u64 hi = min_t(u64, reg->smax_value, reg->umax_value);

		reg->smin_value = (s64)reg->umin_value;
		reg->smax_value = (s64)hi;
		reg->umax_value = hi;
	} else if ((s64)reg->umin_value < 0) {
		u64 lo = max_t(u64, reg->smin_value, reg->umin_value);

		reg->smin_value = (s64)lo;
		reg->umin_value = lo;
		reg->smax_value = (s64)reg->umax_value;
	}
}

/* The unsigned ranges, as tnums, may pin down bits var_off does not. */
static void tnum_from_bounds(struct xbpf_reg_state *reg)
{
	struct xbpf_tnum t64, t32;

	t64 = tnum_intersect(reg->var_off,
			     tnum_range(reg->umin_value, reg->umax_value));
	t32 = tnum_intersect(tnum_subreg(t64),
			     tnum_range(reg->u32_min_value,
					reg->u32_max_value));
	reg->var_off = tnum_or(tnum_clear_subreg(t64), t32);
}

void xbpf_reg_bounds_sync(struct xbpf_reg_state *reg)
{
	bounds_from_tnum(reg);
	deduce32(reg);
	deduce64(reg);
	tnum_from_bounds(reg);
	/* the narrowed var_off can tighten the ranges once more */
	bounds_from_tnum(reg);
}

void xbpf_reg_assign_32_into_64(struct xbpf_reg_state *reg)
{
	reg->umin_value = reg->u32_min_value;
	reg->umax_value = reg->u32_max_value;
	/*
	 * After zero-extension the value is in [0, U32_MAX]: the signed
	 * 32-bit range carries over only when it is nonnegative.
	 */
	if (reg->s32_min_value >= 0 && reg->s32_max_value >= 0) {
		reg->smin_value = reg->s32_min_value;
		reg->smax_value = reg->s32_max_value;
	} else {
		reg->smin_value = 0;
		reg->smax_value = U32_MAX;
	}
}

/* After a JMP32 refined the low half. */
static void combine_32_into_64(struct xbpf_reg_state *reg)
{
	if (tnum_equals_const(tnum_clear_subreg(reg->var_off), 0)) {
		xbpf_reg_assign_32_into_64(reg);
	} else {
		/*
		 * The old 64-bit ranges may contradict what the jump
		 * learned; start over from var_off alone.
		 */
		xbpf_mark_reg64_unbounded(reg);
	}
	xbpf_reg_bounds_sync(reg);
}

/* After a 64-bit jump or a truncation refined the whole value. */
static void combine_64_into_32(struct xbpf_reg_state *reg)
{
	xbpf_mark_reg32_unbounded(reg);
	if (reg->smin_value >= S32_MIN && reg->smin_value <= S32_MAX &&
	    reg->smax_value >= S32_MIN && reg->smax_value <= S32_MAX) {
		reg->s32_min_value = (s32)reg->smin_value;
		reg->s32_max_value = (s32)reg->smax_value;
	}
	if (reg->umin_value <= U32_MAX && reg->umax_value <= U32_MAX) {
		reg->u32_min_value = (u32)reg->umin_value;
		reg->u32_max_value = (u32)reg->umax_value;
	}
	xbpf_reg_bounds_sync(reg);
}

void xbpf_zext_32_to_64(struct xbpf_reg_state *reg)
{
	reg->var_off = tnum_subreg(reg->var_off);
	xbpf_reg_assign_32_into_64(reg);
}

void xbpf_coerce_reg_to_size(struct xbpf_reg_state *reg, int size)
{
	u64 keep;

	if (size >= XBPF_REG_SIZE)
		return;
	reg->var_off = tnum_cast(reg->var_off, size);
	keep = (1ULL << (size * 8)) - 1;
	/* the range survives truncation only if its ends share high bits */
	if ((reg->umin_value & ~keep) == (reg->umax_value & ~keep)) {
		reg->umin_value &= keep;
		reg->umax_value &= keep;
	} else {
		reg->umin_value = 0;
		reg->umax_value = keep;
	}
	reg->smin_value = reg->umin_value;
	reg->smax_value = reg->umax_value;
	/* 4 bytes leave the low half, and its ranges, as they were */
	if (size < 4)
		combine_64_into_32(reg);
}

/* Does some value in [lo, hi] fit the tnum's unsigned span? */
static bool span_meets(u64 lo, u64 hi, struct xbpf_tnum t)
{
	return lo <= (t.value | t.mask) && hi >= t.value;
}

bool xbpf_reg_bounds_sane(const struct xbpf_reg_state *reg)
{
	struct xbpf_tnum t = reg->var_off;
	struct xbpf_tnum t32 = tnum_subreg(t);
	u64 sign = 1ULL << 63;
	u32 sign32 = 1U << 31;

	if (reg->smin_value > reg->smax_value ||
	    reg->umin_value > reg->umax_value ||
	    reg->s32_min_value > reg->s32_max_value ||
	    reg->u32_min_value > reg->u32_max_value ||
	    (t.value & t.mask))
		return false;
	/* flipping the sign bit maps signed order onto unsigned order */
	return span_meets(reg->umin_value, reg->umax_value, t) &&
	       span_meets((u64)reg->smin_value ^ sign,
			  (u64)reg->smax_value ^ sign,
			  XBPF_TNUM(t.value ^ (sign & ~t.mask), t.mask)) &&
	       span_meets(reg->u32_min_value, reg->u32_max_value, t32) &&
	       span_meets((u32)reg->s32_min_value ^ sign32,
			  (u32)reg->s32_max_value ^ sign32,
			  XBPF_TNUM(t32.value ^ (sign32 & ~t32.mask),
				    t32.mask));
}

/* alu32 and alu64: the ranges of the 32-bit and of the 64-bit result */

static void add32(struct xbpf_reg_state *dst, const struct xbpf_reg_state *src)
{
	s32 smin, smax;
	u32 umin, umax;

	if (__builtin_add_overflow(dst->s32_min_value, src->s32_min_value, &smin) ||
	    __builtin_add_overflow(dst->s32_max_value, src->s32_max_value, &smax)) {
		dst->s32_min_value = S32_MIN;
		dst->s32_max_value = S32_MAX;
	} else {
		dst->s32_min_value = smin;
		dst->s32_max_value = smax;
	}
	if (__builtin_add_overflow(dst->u32_min_value, src->u32_min_value, &umin) ||
	    __builtin_add_overflow(dst->u32_max_value, src->u32_max_value, &umax)) {
		dst->u32_min_value = 0;
		dst->u32_max_value = U32_MAX;
	} else {
		dst->u32_min_value = umin;
		dst->u32_max_value = umax;
	}
}

static void add64(struct xbpf_reg_state *dst, const struct xbpf_reg_state *src)
{
	s64 smin, smax;
	u64 umin, umax;

	if (__builtin_add_overflow(dst->smin_value, src->smin_value, &smin) ||
	    __builtin_add_overflow(dst->smax_value, src->smax_value, &smax)) {
		dst->smin_value = S64_MIN;
		dst->smax_value = S64_MAX;
	} else {
		dst->smin_value = smin;
		dst->smax_value = smax;
	}
	if (__builtin_add_overflow(dst->umin_value, src->umin_value, &umin) ||
	    __builtin_add_overflow(dst->umax_value, src->umax_value, &umax)) {
		dst->umin_value = 0;
		dst->umax_value = U64_MAX;
	} else {
		dst->umin_value = umin;
		dst->umax_value = umax;
	}
}

static void sub32(struct xbpf_reg_state *dst, const struct xbpf_reg_state *src)
{
	s32 smin, smax;

	if (__builtin_sub_overflow(dst->s32_min_value, src->s32_max_value, &smin) ||
	    __builtin_sub_overflow(dst->s32_max_value, src->s32_min_value, &smax)) {
		dst->s32_min_value = S32_MIN;
		dst->s32_max_value = S32_MAX;
	} else {
		dst->s32_min_value = smin;
		dst->s32_max_value = smax;
	}
	/* only the lowest minus the highest can wrap, given sane ranges */
	if (dst->u32_min_value < src->u32_max_value) {
		dst->u32_min_value = 0;
		dst->u32_max_value = U32_MAX;
	} else {
		dst->u32_min_value -= src->u32_max_value;
		dst->u32_max_value -= src->u32_min_value;
	}
}

static void sub64(struct xbpf_reg_state *dst, const struct xbpf_reg_state *src)
{
	s64 smin, smax;

	if (__builtin_sub_overflow(dst->smin_value, src->smax_value, &smin) ||
	    __builtin_sub_overflow(dst->smax_value, src->smin_value, &smax)) {
		dst->smin_value = S64_MIN;
		dst->smax_value = S64_MAX;
	} else {
		dst->smin_value = smin;
		dst->smax_value = smax;
	}
	if (dst->umin_value < src->umax_value) {
		dst->umin_value = 0;
		dst->umax_value = U64_MAX;
	} else {
		dst->umin_value -= src->umax_value;
		dst->umax_value -= src->umin_value;
	}
}

/*
 * Only products of nonnegative factors small enough not to wrap are
 * tracked: half the width each.
 */
static void mul32(struct xbpf_reg_state *dst, const struct xbpf_reg_state *src)
{
	if (src->s32_min_value < 0 || dst->s32_min_value < 0 ||
	    src->u32_max_value > U16_MAX || dst->u32_max_value > U16_MAX) {
		xbpf_mark_reg32_unbounded(dst);
		return;
	}
	dst->u32_min_value *= src->u32_min_value;
	dst->u32_max_value *= src->u32_max_value;
	if (dst->u32_max_value > S32_MAX) {
		dst->s32_min_value = S32_MIN;
		dst->s32_max_value = S32_MAX;
	} else {
		dst->s32_min_value = (s32)dst->u32_min_value;
		dst->s32_max_value = (s32)dst->u32_max_value;
	}
}

static void mul64(struct xbpf_reg_state *dst, const struct xbpf_reg_state *src)
{
	if (src->smin_value < 0 || dst->smin_value < 0 ||
	    src->umax_value > U32_MAX || dst->umax_value > U32_MAX) {
		xbpf_mark_reg64_unbounded(dst);
		return;
	}
	dst->umin_value *= src->umin_value;
	dst->umax_value *= src->umax_value;
	if (dst->umax_value > S64_MAX) {
		dst->smin_value = S64_MIN;
		dst->smax_value = S64_MAX;
	} else {
		dst->smin_value = (s64)dst->umin_value;
		dst->smax_value = (s64)dst->umax_value;
	}
}

/*
 * AND, OR and XOR run after var_off holds the result. Their unsigned
 * ranges come mostly from it; the signed ones are the unsigned ones when
 * both operands are nonnegative, and unknown otherwise.
 */
static void and32(struct xbpf_reg_state *dst, const struct xbpf_reg_state *src)
{
	struct xbpf_tnum t = tnum_subreg(dst->var_off);

	if (tnum_subreg_is_const(src->var_off) &&
	    tnum_subreg_is_const(dst->var_off)) {
		xbpf_mark_reg32_known(dst, t.value);
		return;
	}
	dst->u32_min_value = (u32)t.value;
	dst->u32_max_value = min_t(u32, dst->u32_max_value, src->u32_max_value);
	if (dst->s32_min_value < 0 || src->s32_min_value < 0) {
		dst->s32_min_value = S32_MIN;
		dst->s32_max_value = S32_MAX;
	} else {
		dst->s32_min_value = (s32)dst->u32_min_value;
		dst->s32_max_value = (s32)dst->u32_max_value;
	}
}

static void and64(struct xbpf_reg_state *dst, const struct xbpf_reg_state *src)
{
	if (tnum_is_const(src->var_off) && tnum_is_const(dst->var_off)) {
		xbpf_mark_reg_known(dst, dst->var_off.value);
		return;
	}
	dst->umin_value = dst->var_off.value;
	dst->umax_value = min_t(u64, dst->umax_value, src->umax_value);
	if (dst->smin_value < 0 || src->smin_value < 0) {
		dst->smin_value = S64_MIN;
		dst->smax_value = S64_MAX;
	} else {
		dst->smin_value = (s64)dst->umin_value;
		dst->smax_value = (s64)dst->umax_value;
	}
	bounds_from_tnum(dst);
}

static void or32(struct xbpf_reg_state *dst, const struct xbpf_reg_state *src)
{
	struct xbpf_tnum t = tnum_subreg(dst->var_off);

	if (tnum_subreg_is_const(src->var_off) &&
	    tnum_subreg_is_const(dst->var_off)) {
		xbpf_mark_reg32_known(dst, t.value);
		return;
	}
	dst->u32_min_value = max_t(u32, dst->u32_min_value, src->u32_min_value);
	dst->u32_max_value = (u32)(t.value | t.mask);
	if (dst->s32_min_value < 0 || src->s32_min_value < 0) {
		dst->s32_min_value = S32_MIN;
		dst->s32_max_value = S32_MAX;
	} else {
		dst->s32_min_value = (s32)dst->u32_min_value;
		dst->s32_max_value = (s32)dst->u32_max_value;
	}
}

static void or64(struct xbpf_reg_state *dst, const struct xbpf_reg_state *src)
{
	if (tnum_is_const(src->var_off) && tnum_is_const(dst->var_off)) {
		xbpf_mark_reg_known(dst, dst->var_off.value);
		return;
	}
	dst->umin_value = max_t(u64, dst->umin_value, src->umin_value);
	dst->umax_value = dst->var_off.value | dst->var_off.mask;
	if (dst->smin_value < 0 || src->smin_value < 0) {
		dst->smin_value = S64_MIN;
		dst->smax_value = S64_MAX;
	} else {
		dst->smin_value = (s64)dst->umin_value;
		dst->smax_value = (s64)dst->umax_value;
	}
	bounds_from_tnum(dst);
}

static void xor32(struct xbpf_reg_state *dst, const struct xbpf_reg_state *src)
{
	struct xbpf_tnum t = tnum_subreg(dst->var_off);

	if (tnum_subreg_is_const(src->var_off) &&
	    tnum_subreg_is_const(dst->var_off)) {
		xbpf_mark_reg32_known(dst, t.value);
		return;
	}
	dst->u32_min_value = (u32)t.value;
	dst->u32_max_value = (u32)(t.value | t.mask);
	if (dst->s32_min_value >= 0 && src->s32_min_value >= 0) {
		dst->s32_min_value = (s32)dst->u32_min_value;
		dst->s32_max_value = (s32)dst->u32_max_value;
	} else {
		dst->s32_min_value = S32_MIN;
		dst->s32_max_value = S32_MAX;
	}
}

static void xor64(struct xbpf_reg_state *dst, const struct xbpf_reg_state *src)
{
	if (tnum_is_const(src->var_off) && tnum_is_const(dst->var_off)) {
		xbpf_mark_reg_known(dst, dst->var_off.value);
		return;
	}
	dst->umin_value = dst->var_off.value;
	dst->umax_value = dst->var_off.value | dst->var_off.mask;
	if (dst->smin_value >= 0 && src->smin_value >= 0) {
		dst->smin_value = (s64)dst->umin_value;
		dst->smax_value = (s64)dst->umax_value;
	} else {
		dst->smin_value = S64_MIN;
		dst->smax_value = S64_MAX;
	}
	bounds_from_tnum(dst);
}

/*
 * Shifts get amounts below the operation's width. The signed ranges are
 * given up, and the 32-bit ones too when bits cross the halves; var_off
 * then restores what it can.
 */
static void lsh32_ranges(struct xbpf_reg_state *dst, u64 lo, u64 hi)
{
	dst->s32_min_value = S32_MIN;
	dst->s32_max_value = S32_MAX;
	/* a top bit shifted out makes the unsigned range unknown */
	if (hi > 31 || dst->u32_max_value > 1ULL << (31 - hi)) {
		dst->u32_min_value = 0;
		dst->u32_max_value = U32_MAX;
	} else {
		dst->u32_min_value <<= lo;
		dst->u32_max_value <<= hi;
	}
}

static void lsh32(struct xbpf_reg_state *dst, const struct xbpf_reg_state *src)
{
	struct xbpf_tnum low = tnum_subreg(dst->var_off);

	lsh32_ranges(dst, src->u32_min_value, src->u32_max_value);
	dst->var_off = tnum_subreg(tnum_lshift(low, src->u32_min_value));
	xbpf_mark_reg64_unbounded(dst);
	bounds_from_tnum32(dst);
}

static void lsh64(struct xbpf_reg_state *dst, const struct xbpf_reg_state *src)
{
	u64 lo = src->umin_value, hi = src->umax_value;

	/*
	 * x << 32 s>> 32 is how compilers sign-extend a subregister, so
	 * << 32 keeps the signed range: the 32-bit signed range, scaled.
	 * This reads the 32-bit ranges before lsh32_ranges replaces them.
	 */
	if (lo == 32 && hi == 32) {
		dst->smin_value = (s64)((u64)(s64)dst->s32_min_value << 32);
		dst->smax_value = (s64)((u64)(s64)dst->s32_max_value << 32);
	} else {
		dst->smin_value = S64_MIN;
		dst->smax_value = S64_MAX;
	}
	if (dst->umax_value > 1ULL << (63 - hi)) {
		dst->umin_value = 0;
		dst->umax_value = U64_MAX;
	} else {
		dst->umin_value <<= lo;
		dst->umax_value <<= hi;
	}
	lsh32_ranges(dst, lo, hi);
	dst->var_off = tnum_lshift(dst->var_off, lo);
	bounds_from_tnum(dst);
}

/*
 * The 32-bit shifts take their amount from the 32-bit range, while the
 * range check looked at the 64-bit one: where the two disagree (a path
 * that cannot run) the amount may reach 32, and is taken modulo 32 as
 * tnum.c explains.
 */
static void rsh32(struct xbpf_reg_state *dst, const struct xbpf_reg_state *src)
{
	struct xbpf_tnum low = tnum_subreg(dst->var_off);

	dst->s32_min_value = S32_MIN;
	dst->s32_max_value = S32_MAX;
	dst->var_off = tnum_rshift(low, src->u32_min_value);
	dst->u32_min_value >>= src->u32_max_value & 31;
	dst->u32_max_value >>= src->u32_min_value & 31;
	xbpf_mark_reg64_unbounded(dst);
	bounds_from_tnum32(dst);
}

static void rsh64(struct xbpf_reg_state *dst, const struct xbpf_reg_state *src)
{
	dst->smin_value = S64_MIN;
	dst->smax_value = S64_MAX;
	dst->var_off = tnum_rshift(dst->var_off, src->umin_value);
	dst->umin_value >>= src->umax_value;
	dst->umax_value >>= src->umin_value;
	xbpf_mark_reg32_unbounded(dst);
	bounds_from_tnum(dst);
}

/* ARSH is only reached with a constant amount. */
static void arsh32(struct xbpf_reg_state *dst, const struct xbpf_reg_state *src)
{
	u32 sh = src->u32_min_value;

	dst->s32_min_value >>= sh & 31;
	dst->s32_max_value >>= sh & 31;
	dst->var_off = tnum_arshift(tnum_subreg(dst->var_off), sh, 32);
	dst->u32_min_value = 0;
	dst->u32_max_value = U32_MAX;
	xbpf_mark_reg64_unbounded(dst);
	bounds_from_tnum32(dst);
}

static void arsh64(struct xbpf_reg_state *dst, const struct xbpf_reg_state *src)
{
	u64 sh = src->umin_value;

	dst->smin_value >>= sh;
	dst->smax_value >>= sh;
	dst->var_off = tnum_arshift(dst->var_off, sh, 64);
	dst->umin_value = 0;
	dst->umax_value = U64_MAX;
	xbpf_mark_reg32_unbounded(dst);
	bounds_from_tnum(dst);
}

/*
 * Is src fit to be an operand: nonempty ranges, and for a known constant,
 * ranges that agree it is one? Not so on a path that cannot run, where a
 * branch narrowed the ranges past each other.
 */
static bool src_sane(const struct xbpf_reg_state *src, bool alu32,
		     bool known)
{
	if (alu32)
		return !(known && (src->s32_min_value != src->s32_max_value ||
				   src->u32_min_value != src->u32_max_value)) &&
		       src->s32_min_value <= src->s32_max_value &&
		       src->u32_min_value <= src->u32_max_value;
	return !(known && (src->smin_value != src->smax_value ||
			   src->umin_value != src->umax_value)) &&
	       src->smin_value <= src->smax_value &&
	       src->umin_value <= src->umax_value;
}

int xbpf_scalar_alu(struct xbpf_reg_state *dst, struct xbpf_reg_state src,
		    u8 op, bool alu32, bool bpf_capable)
{
	u64 width = alu32 ? 32 : 64;
	bool known = alu32 ? tnum_subreg_is_const(src.var_off) :
			     tnum_is_const(src.var_off);

	/*
	 * Both ways out skip the zero-extension below: dst stays a full
	 * 64-bit unknown even for alu32.
	 */
	if (!src_sane(&src, alu32, known) ||
	    (!known && op != BPF_ADD && op != BPF_SUB && op != BPF_AND)) {
		xbpf_mark_reg_unknown(dst, bpf_capable);
		return 0;
	}

	switch (op) {
	case BPF_ADD:
		add32(dst, &src);
		add64(dst, &src);
		dst->var_off = tnum_add(dst->var_off, src.var_off);
		break;
	case BPF_SUB:
		sub32(dst, &src);
		sub64(dst, &src);
		dst->var_off = tnum_sub(dst->var_off, src.var_off);
		break;
	case BPF_MUL:
		dst->var_off = tnum_mul(dst->var_off, src.var_off);
		mul32(dst, &src);
		mul64(dst, &src);
		break;
	case BPF_AND:
		dst->var_off = tnum_and(dst->var_off, src.var_off);
		and32(dst, &src);
		and64(dst, &src);
		break;
	case BPF_OR:
		dst->var_off = tnum_or(dst->var_off, src.var_off);
		or32(dst, &src);
		or64(dst, &src);
		break;
	case BPF_XOR:
		dst->var_off = tnum_xor(dst->var_off, src.var_off);
		xor32(dst, &src);
		xor64(dst, &src);
		break;
	case BPF_LSH:
	case BPF_RSH:
	case BPF_ARSH:
		/*
		 * Out-of-range amounts are the 64-bit maximum's, even for
		 * alu32, where only the low half is shifted by.
		 */
		if (src.umax_value >= width) {
			xbpf_mark_reg_unknown(dst, bpf_capable);
			break;
		}
		if (op == BPF_LSH && alu32)
			lsh32(dst, &src);
		else if (op == BPF_LSH)
			lsh64(dst, &src);
		else if (op == BPF_RSH && alu32)
			rsh32(dst, &src);
		else if (op == BPF_RSH)
			rsh64(dst, &src);
		else if (alu32)
			arsh32(dst, &src);
		else
			arsh64(dst, &src);
		break;
	default:
		xbpf_mark_reg_unknown(dst, bpf_capable);
		break;
	}

	if (alu32)
		xbpf_zext_32_to_64(dst);
	xbpf_reg_bounds_sync(dst);
	return 0;
}

static int branch32_taken(const struct xbpf_reg_state *reg, u32 val, u8 op)
{
	struct xbpf_tnum t = tnum_subreg(reg->var_off);
	s32 sval = (s32)val;

	switch (op) {
	case BPF_JEQ:
		if (tnum_is_const(t))
			return t.value == val;
		break;
	case BPF_JNE:
		if (tnum_is_const(t))
			return t.value != val;
		break;
	case BPF_JSET:
		if (~t.mask & t.value & val)
			return 1;
		if (!((t.value | t.mask) & val))
			return 0;
		break;
	case BPF_JGT:
		if (reg->u32_min_value > val)
			return 1;
		if (reg->u32_max_value <= val)
			return 0;
		break;
	case BPF_JGE:
		if (reg->u32_min_value >= val)
			return 1;
		if (reg->u32_max_value < val)
			return 0;
		break;
	case BPF_JLT:
		if (reg->u32_max_value < val)
			return 1;
		if (reg->u32_min_value >= val)
			return 0;
		break;
	case BPF_JLE:
		if (reg->u32_max_value <= val)
			return 1;
		if (reg->u32_min_value > val)
			return 0;
		break;
	case BPF_JSGT:
		if (reg->s32_min_value > sval)
			return 1;
		if (reg->s32_max_value <= sval)
			return 0;
		break;
	case BPF_JSGE:
		if (reg->s32_min_value >= sval)
			return 1;
		if (reg->s32_max_value < sval)
			return 0;
		break;
	case BPF_JSLT:
		if (reg->s32_max_value < sval)
			return 1;
		if (reg->s32_min_value >= sval)
			return 0;
		break;
	case BPF_JSLE:
		if (reg->s32_max_value <= sval)
			return 1;
		if (reg->s32_min_value > sval)
			return 0;
		break;
	}
	return -1;
}

static int branch64_taken(const struct xbpf_reg_state *reg, u64 val, u8 op)
{
	struct xbpf_tnum t = reg->var_off;
	s64 sval = (s64)val;

	switch (op) {
	case BPF_JEQ:
		if (tnum_is_const(t))
			return t.value == val;
		break;
	case BPF_JNE:
		if (tnum_is_const(t))
			return t.value != val;
		break;
	case BPF_JSET:
		if (~t.mask & t.value & val)
			return 1;
		if (!((t.value | t.mask) & val))
			return 0;
		break;
	case BPF_JGT:
		if (reg->umin_value > val)
			return 1;
		if (reg->umax_value <= val)
			return 0;
		break;
	case BPF_JGE:
		if (reg->umin_value >= val)
			return 1;
		if (reg->umax_value < val)
			return 0;
		break;
	case BPF_JLT:
		if (reg->umax_value < val)
			return 1;
		if (reg->umin_value >= val)
			return 0;
		break;
	case BPF_JLE:
		if (reg->umax_value <= val)
			return 1;
		if (reg->umin_value > val)
			return 0;
		break;
	case BPF_JSGT:
		if (reg->smin_value > sval)
			return 1;
		if (reg->smax_value <= sval)
			return 0;
		break;
	case BPF_JSGE:
		if (reg->smin_value >= sval)
			return 1;
		if (reg->smax_value < sval)
			return 0;
		break;
	case BPF_JSLT:
		if (reg->smax_value < sval)
			return 1;
		if (reg->smin_value >= sval)
			return 0;
		break;
	case BPF_JSLE:
		if (reg->smax_value <= sval)
			return 1;
		if (reg->smin_value > sval)
			return 0;
		break;
	}
	return -1;
}

/* Pointer types that are never NULL (the type exactly, no flags). */
static bool never_null(u32 type)
{
	return type == PTR_TO_SOCKET || type == PTR_TO_TCP_SOCK ||
	       type == PTR_TO_MAP_VALUE || type == PTR_TO_MAP_KEY ||
	       type == PTR_TO_SOCK_COMMON;
}

int xbpf_is_branch_taken(const struct xbpf_reg_state *reg, u64 val, u8 op,
			 bool is_jmp32)
{
	if (reg->type != SCALAR_VALUE) {
		/* a valid pointer differs from NULL, and that is all we know */
		if (!never_null(reg->type) || val)
			return -1;
		if (op == BPF_JEQ)
			return 0;
		if (op == BPF_JNE)
			return 1;
		return -1;
	}
	if (is_jmp32)
		return branch32_taken(reg, (u32)val, op);
	return branch64_taken(reg, val, op);
}

/*
 * Where the jump decides: the bound that the comparison sets on each
 * path. Constants are compared in the jump's width; the ranges of the
 * other width are rebuilt from them afterwards.
 */
static void refine32(struct xbpf_reg_state *t_reg, struct xbpf_reg_state *f_reg,
		     u32 val, u8 op)
{
	s32 sval = (s32)val;
	/* the bound past val, wrapping like the kernel's arithmetic */
	u32 above = val + 1, below = val - 1;
	s32 sabove = (s32)((u32)sval + 1), sbelow = (s32)((u32)sval - 1);

	switch (op) {
	case BPF_JGT:
	case BPF_JGE:
		f_reg->u32_max_value = min_t(u32, f_reg->u32_max_value,
					     op == BPF_JGT ? val : below);
		t_reg->u32_min_value = max_t(u32, t_reg->u32_min_value,
					     op == BPF_JGT ? above : val);
		break;
	case BPF_JSGT:
	case BPF_JSGE:
		f_reg->s32_max_value = min_t(s32, f_reg->s32_max_value,
					     op == BPF_JSGT ? sval : sbelow);
		t_reg->s32_min_value = max_t(s32, t_reg->s32_min_value,
					     op == BPF_JSGT ? sabove : sval);
		break;
	case BPF_JLT:
	case BPF_JLE:
		f_reg->u32_min_value = max_t(u32, f_reg->u32_min_value,
					     op == BPF_JLT ? val : above);
		t_reg->u32_max_value = min_t(u32, t_reg->u32_max_value,
					     op == BPF_JLT ? below : val);
		break;
	case BPF_JSLT:
	case BPF_JSLE:
		f_reg->s32_min_value = max_t(s32, f_reg->s32_min_value,
					     op == BPF_JSLT ? sval : sabove);
		t_reg->s32_max_value = min_t(s32, t_reg->s32_max_value,
					     op == BPF_JSLT ? sbelow : sval);
		break;
	}
}

static void refine64(struct xbpf_reg_state *t_reg, struct xbpf_reg_state *f_reg,
		     u64 val, u8 op)
{
	s64 sval = (s64)val;
	u64 above = val + 1, below = val - 1;
	s64 sabove = (s64)(val + 1), sbelow = (s64)(val - 1);

	switch (op) {
	case BPF_JGT:
	case BPF_JGE:
		f_reg->umax_value = min_t(u64, f_reg->umax_value,
					  op == BPF_JGT ? val : below);
		t_reg->umin_value = max_t(u64, t_reg->umin_value,
					  op == BPF_JGT ? above : val);
		break;
	case BPF_JSGT:
	case BPF_JSGE:
		f_reg->smax_value = min_t(s64, f_reg->smax_value,
					  op == BPF_JSGT ? sval : sbelow);
		t_reg->smin_value = max_t(s64, t_reg->smin_value,
					  op == BPF_JSGT ? sabove : sval);
		break;
	case BPF_JLT:
	case BPF_JLE:
		f_reg->umin_value = max_t(u64, f_reg->umin_value,
					  op == BPF_JLT ? val : above);
		t_reg->umax_value = min_t(u64, t_reg->umax_value,
					  op == BPF_JLT ? below : val);
		break;
	case BPF_JSLT:
	case BPF_JSLE:
		f_reg->smin_value = max_t(s64, f_reg->smin_value,
					  op == BPF_JSLT ? sval : sabove);
		t_reg->smax_value = min_t(s64, t_reg->smax_value,
					  op == BPF_JSLT ? sbelow : sval);
		break;
	}
}

void xbpf_reg_set_min_max(struct xbpf_reg_state *true_reg,
			  struct xbpf_reg_state *false_reg, u64 val, u32 val32,
			  u8 op, bool is_jmp32)
{
	struct xbpf_tnum t64 = true_reg->var_off, f64 = false_reg->var_off;
	struct xbpf_tnum t32 = tnum_subreg(t64), f32 = tnum_subreg(f64);
	/* the side on which the register equals val */
	struct xbpf_reg_state *eq = op == BPF_JEQ ? true_reg : false_reg;

	/* Comparing a pointer with a constant says nothing of its offset. */
	if (false_reg->type != SCALAR_VALUE)
		return;

	switch (op) {
	case BPF_JEQ:
	case BPF_JNE:
		/* the id stays: a copy of the register is equally known */
		if (is_jmp32)
			xbpf_mark_reg32_known(eq, val32);
		else
			set_known(eq, val);
		t64 = true_reg->var_off;
		f64 = false_reg->var_off;
		t32 = tnum_subreg(t64);
		f32 = tnum_subreg(f64);
		break;
	case BPF_JSET:
		/*
		 * A dead path could make the narrowed tnum contradict the
		 * old ranges; drop them first.
		 */
		xbpf_mark_reg_unbounded(false_reg);
		if (is_jmp32) {
			f32 = tnum_and(f32, tnum_const(~val32));
			if (is_pow2(val32))
				t32 = tnum_or(t32, tnum_const(val32));
		} else {
			f64 = tnum_and(f64, tnum_const(~val));
			if (is_pow2(val))
				t64 = tnum_or(t64, tnum_const(val));
		}
		break;
	case BPF_JGT:
	case BPF_JGE:
	case BPF_JSGT:
	case BPF_JSGE:
	case BPF_JLT:
	case BPF_JLE:
	case BPF_JSLT:
	case BPF_JSLE:
		if (is_jmp32)
			refine32(true_reg, false_reg, val32, op);
		else
			refine64(true_reg, false_reg, val, op);
		break;
	default:
		return;
	}

	if (is_jmp32) {
		false_reg->var_off = tnum_or(tnum_clear_subreg(f64),
					     tnum_subreg(f32));
		true_reg->var_off = tnum_or(tnum_clear_subreg(t64),
					    tnum_subreg(t32));
		combine_32_into_64(false_reg);
		combine_32_into_64(true_reg);
	} else {
		false_reg->var_off = f64;
		true_reg->var_off = t64;
		combine_64_into_32(false_reg);
		combine_64_into_32(true_reg);
	}
}

/* `val op reg` is `reg op' val` with the comparison mirrored. */
static u8 mirror_op(u8 op)
{
	switch (op) {
	case BPF_JEQ:
	case BPF_JNE:
	case BPF_JSET:
		return op;
	case BPF_JGT:
		return BPF_JLT;
	case BPF_JGE:
		return BPF_JLE;
	case BPF_JLT:
		return BPF_JGT;
	case BPF_JLE:
		return BPF_JGE;
	case BPF_JSGT:
		return BPF_JSLT;
	case BPF_JSGE:
		return BPF_JSLE;
	case BPF_JSLT:
		return BPF_JSGT;
	case BPF_JSLE:
		return BPF_JSGE;
	}
	return 0;
}

void xbpf_reg_set_min_max_inv(struct xbpf_reg_state *true_reg,
			      struct xbpf_reg_state *false_reg, u64 val,
			      u32 val32, u8 op, bool is_jmp32)
{
	op = mirror_op(op);
	/* BPF_JA is 0 and never a comparison: 0 means none */
	if (op)
		xbpf_reg_set_min_max(true_reg, false_reg, val, val32, op,
				     is_jmp32);
}

/* Equal registers: each gets what both say. */
static void combine_equal(struct xbpf_reg_state *a, struct xbpf_reg_state *b)
{
	a->umin_value = b->umin_value = max_t(u64, a->umin_value, b->umin_value);
	a->umax_value = b->umax_value = min_t(u64, a->umax_value, b->umax_value);
	a->smin_value = b->smin_value = max_t(s64, a->smin_value, b->smin_value);
	a->smax_value = b->smax_value = min_t(s64, a->smax_value, b->smax_value);
	a->var_off = b->var_off = tnum_intersect(a->var_off, b->var_off);
	xbpf_reg_bounds_sync(a);
	xbpf_reg_bounds_sync(b);
}

void xbpf_reg_combine_min_max(struct xbpf_reg_state *true_src,
			      struct xbpf_reg_state *true_dst,
			      struct xbpf_reg_state *false_src,
			      struct xbpf_reg_state *false_dst, u8 op)
{
	if (op == BPF_JEQ)
		combine_equal(true_src, true_dst);
	else if (op == BPF_JNE)
		combine_equal(false_src, false_dst);
}
