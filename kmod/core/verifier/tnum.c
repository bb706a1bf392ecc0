// SPDX-License-Identifier: GPL-2.0
/*
 * Tristate numbers. Every operation must give bit for bit the tnum Linux
 * 6.1 gives: the bounds derived from these end up in verdicts and in the
 * verifier log.
 */
#include "tnum.h"
#include "vdefs.h"

const struct xbpf_tnum tnum_unknown = { .value = 0, .mask = U64_MAX };

struct xbpf_tnum tnum_const(u64 value)
{
	return XBPF_TNUM(value, 0);
}

struct xbpf_tnum tnum_range(u64 min, u64 max)
{
	u64 differ = min ^ max;
	u64 low;

	/* Bits from the highest one where min and max differ are unknown. */
	if (differ >> 63)
		return tnum_unknown;
	low = differ ? (2ULL << (63 - __builtin_clzll(differ))) - 1 : 0;
	return XBPF_TNUM(min & ~low, low);
}

/*
 * Shift amounts are taken modulo the width, as the machine's shift
 * instructions take them. Only registers whose 32- and 64-bit bounds
 * disagree, on paths that cannot run, bring larger ones; Linux then
 * shifts with the hardware's rule, so must we, and without undefined
 * behaviour.
 */
struct xbpf_tnum tnum_lshift(struct xbpf_tnum a, u8 shift)
{
	shift &= 63;
	return XBPF_TNUM(a.value << shift, a.mask << shift);
}

struct xbpf_tnum tnum_rshift(struct xbpf_tnum a, u8 shift)
{
	shift &= 63;
	return XBPF_TNUM(a.value >> shift, a.mask >> shift);
}

/*
 * Shifting by the smallest amount is the widest result either way: a
 * negative value only moves towards -1, a nonnegative one towards 0.
 */
struct xbpf_tnum tnum_arshift(struct xbpf_tnum a, u8 min_shift, u8 insn_bitness)
{
	if (insn_bitness == 32) {
		min_shift &= 31;
		return XBPF_TNUM((u32)((s32)a.value >> min_shift),
				 (u32)((s32)a.mask >> min_shift));
	}
	min_shift &= 63;
	return XBPF_TNUM((u64)((s64)a.value >> min_shift),
			 (u64)((s64)a.mask >> min_shift));
}

struct xbpf_tnum tnum_add(struct xbpf_tnum a, struct xbpf_tnum b)
{
	u64 lo = a.value + b.value;
	u64 hi = lo + a.mask + b.mask;
	/* a bit whose carry-in differs between the extremes is unknown */
	u64 unknown = (lo ^ hi) | a.mask | b.mask;

	return XBPF_TNUM(lo & ~unknown, unknown);
}

struct xbpf_tnum tnum_sub(struct xbpf_tnum a, struct xbpf_tnum b)
{
	u64 diff = a.value - b.value;
	/* the largest and the smallest difference bound the borrows */
	u64 unknown = ((diff + a.mask) ^ (diff - b.mask)) | a.mask | b.mask;

	return XBPF_TNUM(diff & ~unknown, unknown);
}

struct xbpf_tnum tnum_and(struct xbpf_tnum a, struct xbpf_tnum b)
{
	u64 ones = a.value & b.value;
	u64 maybe = (a.value | a.mask) & (b.value | b.mask);

	return XBPF_TNUM(ones, maybe & ~ones);
}

struct xbpf_tnum tnum_or(struct xbpf_tnum a, struct xbpf_tnum b)
{
	u64 ones = a.value | b.value;

	return XBPF_TNUM(ones, (a.mask | b.mask) & ~ones);
}

struct xbpf_tnum tnum_xor(struct xbpf_tnum a, struct xbpf_tnum b)
{
	u64 unknown = a.mask | b.mask;

	return XBPF_TNUM((a.value ^ b.value) & ~unknown, unknown);
}

/*
 * Long multiplication, one bit of a at a time. The known parts multiply
 * exactly; the uncertainty of each partial product (all of b where a's
 * bit is unknown, b's unknown bits where it is a known 1) is summed
 * separately and added once at the end, which is tighter than summing
 * whole partial-product tnums.
 */
struct xbpf_tnum tnum_mul(struct xbpf_tnum a, struct xbpf_tnum b)
{
	u64 known = a.value * b.value;
	struct xbpf_tnum fuzz = XBPF_TNUM(0, 0);

	for (; a.value | a.mask; a = tnum_rshift(a, 1), b = tnum_lshift(b, 1)) {
		if (a.value & 1)
			fuzz = tnum_add(fuzz, XBPF_TNUM(0, b.mask));
		else if (a.mask & 1)
			fuzz = tnum_add(fuzz, XBPF_TNUM(0, b.value | b.mask));
	}
	return tnum_add(tnum_const(known), fuzz);
}

/*
 * Where a and b contradict each other (a known 1 against a known 0) the
 * result says 1: callers only intersect descriptions of the same value,
 * so such a bit belongs to a path that cannot run.
 */
struct xbpf_tnum tnum_intersect(struct xbpf_tnum a, struct xbpf_tnum b)
{
	u64 unknown = a.mask & b.mask;

	return XBPF_TNUM((a.value | b.value) & ~unknown, unknown);
}

struct xbpf_tnum tnum_cast(struct xbpf_tnum a, u8 size)
{
	u64 keep;

	if (size >= sizeof(u64))
		return a;
	keep = (1ULL << (size * 8)) - 1;
	return XBPF_TNUM(a.value & keep, a.mask & keep);
}

bool tnum_is_aligned(struct xbpf_tnum a, u64 size)
{
	if (!size)
		return true;
	return !((a.value | a.mask) & (size - 1));
}

bool tnum_in(struct xbpf_tnum a, struct xbpf_tnum b)
{
	if (b.mask & ~a.mask)
		return false;
	return a.value == (b.value & ~a.mask);
}

/* The kernel's %#llx prints 0 as 0x0, unlike C's, so spell the prefix. */
int tnum_strn(char *str, size_t size, struct xbpf_tnum a)
{
	return snprintf(str, size, "(0x%llx; 0x%llx)",
			(unsigned long long)a.value,
			(unsigned long long)a.mask);
}

/* Most significant bit first; a short buffer keeps the leading bits. */
int tnum_sbin(char *str, size_t size, struct xbpf_tnum a)
{
	size_t i, len;

	if (!size)
		return 64;
	len = min_t(size_t, size - 1, 64);
	for (i = 0; i < len; i++) {
		u64 bit = 1ULL << (63 - i);

		if (a.mask & bit)
			str[i] = 'x';
		else
			str[i] = a.value & bit ? '1' : '0';
	}
	str[len] = '\0';
	return 64;
}

struct xbpf_tnum tnum_subreg(struct xbpf_tnum a)
{
	return tnum_cast(a, 4);
}

struct xbpf_tnum tnum_clear_subreg(struct xbpf_tnum a)
{
	return tnum_lshift(tnum_rshift(a, 32), 32);
}

struct xbpf_tnum tnum_const_subreg(struct xbpf_tnum a, u32 value)
{
	return tnum_or(tnum_clear_subreg(a), tnum_const(value));
}
