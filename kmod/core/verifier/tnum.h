/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Tristate numbers: a 64-bit value of which some bits are known. value
 * holds the known bits, mask has a 1 for every unknown bit (value has 0
 * there). The arithmetic is sound: the result contains every value the
 * operation can produce from members of its operands.
 */
#ifndef XBPF_CORE_VERIFIER_TNUM_H
#define XBPF_CORE_VERIFIER_TNUM_H

#include "../env.h"

struct xbpf_tnum {
	u64 value;
	u64 mask;
};

#define XBPF_TNUM(v, m)	((struct xbpf_tnum){ .value = (v), .mask = (m) })

extern const struct xbpf_tnum tnum_unknown;

struct xbpf_tnum tnum_const(u64 value);
/* the smallest tnum containing [min, max] */
struct xbpf_tnum tnum_range(u64 min, u64 max);
struct xbpf_tnum tnum_lshift(struct xbpf_tnum a, u8 shift);
struct xbpf_tnum tnum_rshift(struct xbpf_tnum a, u8 shift);
/* arithmetic shift of the low insn_bitness (32 or 64) bits */
struct xbpf_tnum tnum_arshift(struct xbpf_tnum a, u8 min_shift, u8 insn_bitness);
struct xbpf_tnum tnum_add(struct xbpf_tnum a, struct xbpf_tnum b);
struct xbpf_tnum tnum_sub(struct xbpf_tnum a, struct xbpf_tnum b);
struct xbpf_tnum tnum_and(struct xbpf_tnum a, struct xbpf_tnum b);
struct xbpf_tnum tnum_or(struct xbpf_tnum a, struct xbpf_tnum b);
struct xbpf_tnum tnum_xor(struct xbpf_tnum a, struct xbpf_tnum b);
struct xbpf_tnum tnum_mul(struct xbpf_tnum a, struct xbpf_tnum b);
/* what both a and b say */
struct xbpf_tnum tnum_intersect(struct xbpf_tnum a, struct xbpf_tnum b);
/* truncate to size bytes */
struct xbpf_tnum tnum_cast(struct xbpf_tnum a, u8 size);
bool tnum_is_aligned(struct xbpf_tnum a, u64 size);
/* every member of b is a member of a */
bool tnum_in(struct xbpf_tnum a, struct xbpf_tnum b);
/* "0b1x0..." form, as in the verifier log; returns the length needed */
int tnum_sbin(char *str, size_t size, struct xbpf_tnum a);
/* "(0x..; 0x...)" form; returns the length needed */
int tnum_strn(char *str, size_t size, struct xbpf_tnum a);
struct xbpf_tnum tnum_subreg(struct xbpf_tnum a);
struct xbpf_tnum tnum_clear_subreg(struct xbpf_tnum a);
struct xbpf_tnum tnum_const_subreg(struct xbpf_tnum a, u32 value);

static inline bool tnum_is_const(struct xbpf_tnum a)
{
	return !a.mask;
}

static inline bool tnum_equals_const(struct xbpf_tnum a, u64 b)
{
	return tnum_is_const(a) && a.value == b;
}

static inline bool tnum_is_unknown(struct xbpf_tnum a)
{
	return !~a.mask;
}

static inline bool tnum_subreg_is_const(struct xbpf_tnum a)
{
	return !(tnum_subreg(a)).mask;
}

#endif /* XBPF_CORE_VERIFIER_TNUM_H */
