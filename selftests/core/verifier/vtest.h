/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shared by the host tests and the fuzzer of the verifier's scalar
 * tracking: what a register state means concretely (which values it
 * admits, what an ALU op or a jump does to a value), random states that
 * admit a chosen value, and the result printer.
 */
#ifndef XBPF_TEST_VERIFIER_H
#define XBPF_TEST_VERIFIER_H

#include "bounds.h"
#include "vdefs.h"

/* KTAP-ish lines, "ok N - name" / "not ok N - name", counted for main. */
void __printf(2, 3) test_result(bool ok, const char *fmt, ...);
void __printf(2, 3) test_skip(const char *why, const char *fmt, ...);
void __printf(1, 2) test_diag(const char *fmt, ...);

/* A scalar with the given unsigned or signed range, synced. */
struct xbpf_reg_state reg_urange(u64 umin, u64 umax);
struct xbpf_reg_state reg_srange(s64 smin, s64 smax);

void test_tnum_tables(void);
void test_bounds_tables(void);
void test_soundness(void);
void test_kernel(void);

/* xorshift128+: fixed seeds keep every run the same. */
struct rng {
	u64 s[2];
};

static inline u64 rng_next(struct rng *r)
{
	u64 a = r->s[0], b = r->s[1], out = a + b;

	b ^= a;
	r->s[0] = ((a << 55) | (a >> 9)) ^ b ^ (b << 14);
	r->s[1] = (b << 36) | (b >> 28);
	return out;
}

/* Values near the edges the bounds code treats specially, or anything. */
static inline u64 rng_value(struct rng *r)
{
	static const u64 edges[] = {
		0, 1, 2, 31, 32, 63, 64, 0xff, 0x100, 0xffff, 0x10000,
		0x7fffffff, 0x80000000, 0xffffffff, 0x100000000ULL,
		0x7fffffffffffffffULL, 0x8000000000000000ULL, ~0ULL,
		0xffffffff80000000ULL,
	};

	switch (rng_next(r) % 6) {
	case 0:
		return edges[rng_next(r) % ARRAY_SIZE(edges)] +
		       rng_next(r) % 3 - 1;
	case 1:
		return rng_next(r) % 70;
	case 2:
		return rng_next(r) & ((1ULL << (rng_next(r) % 64)) - 1);
	case 3:
		return -(rng_next(r) & 0xffff);
	default:
		return rng_next(r);
	}
}

static inline struct xbpf_reg_state reg_unknown(void)
{
	struct xbpf_reg_state reg = { .type = NOT_INIT };

	xbpf_mark_reg_unknown(&reg, true);
	return reg;
}

static inline struct xbpf_reg_state reg_const(u64 v)
{
	struct xbpf_reg_state reg = reg_unknown();

	xbpf_mark_reg_known(&reg, v);
	return reg;
}

/* "(value; mask) s=[..] u=[..] s32=[..] u32=[..]", for tables and diags */
static inline void reg_str(char *buf, size_t size,
			   const struct xbpf_reg_state *reg)
{
	char t[64];

	tnum_strn(t, sizeof(t), reg->var_off);
	snprintf(buf, size,
		 "%s s=[%lld,%lld] u=[0x%llx,0x%llx] s32=[%d,%d] u32=[0x%x,0x%x]",
		 t, (long long)reg->smin_value, (long long)reg->smax_value,
		 (unsigned long long)reg->umin_value,
		 (unsigned long long)reg->umax_value,
		 reg->s32_min_value, reg->s32_max_value,
		 reg->u32_min_value, reg->u32_max_value);
}

static inline bool tnum_has(struct xbpf_tnum t, u64 x)
{
	return (x & ~t.mask) == t.value;
}

/* Some member of t, chosen by bits. */
static inline u64 tnum_member(struct xbpf_tnum t, u64 bits)
{
	return t.value | (bits & t.mask);
}

/* Does the state admit x? Every one of its descriptions must. */
static inline bool reg_has(const struct xbpf_reg_state *reg, u64 x)
{
	u32 lo = (u32)x;

	return tnum_has(reg->var_off, x) &&
	       reg->umin_value <= x && x <= reg->umax_value &&
	       reg->smin_value <= (s64)x && (s64)x <= reg->smax_value &&
	       reg->u32_min_value <= lo && lo <= reg->u32_max_value &&
	       reg->s32_min_value <= (s32)lo && (s32)lo <= reg->s32_max_value;
}

/*
 * A state admitting x, shaped by bits of r: some bounds tight around x,
 * some loose, the tnum anywhere from exact to unknown. Synced unless
 * raw, as verifier states are between operations.
 */
static inline struct xbpf_reg_state reg_around(struct rng *r, u64 x, bool raw)
{
	struct xbpf_reg_state reg = reg_unknown();
	u64 m, d;

	if (rng_next(r) % 6 == 0)
		return reg_const(x);
	switch (rng_next(r) % 4) {
	case 0:
		m = 0;
		break;
	case 1:
		m = ~0ULL;
		break;
	case 2:
		m = (1ULL << (rng_next(r) % 64)) - 1;
		break;
	default:
		m = rng_next(r) & rng_next(r);
		break;
	}
	reg.var_off = XBPF_TNUM(x & ~m, m);
	/* each bound either stays open or closes to within d of x */
	d = rng_next(r) % 2 ? rng_next(r) % 300 : rng_value(r);
	if (rng_next(r) % 2 && x - d <= x)
		reg.umin_value = x - d;
	if (rng_next(r) % 2 && x + d >= x)
		reg.umax_value = x + d;
	d = rng_next(r) % 300;
	if (rng_next(r) % 2 && (s64)x >= S64_MIN + (s64)d)
		reg.smin_value = (s64)x - (s64)d;
	if (rng_next(r) % 2 && (s64)x <= S64_MAX - (s64)d)
		reg.smax_value = (s64)x + (s64)d;
	d = rng_next(r) % 300;
	if (rng_next(r) % 2 && (u32)x >= d)
		reg.u32_min_value = (u32)x - (u32)d;
	if (rng_next(r) % 2 && (u32)x <= U32_MAX - d)
		reg.u32_max_value = (u32)x + (u32)d;
	if (rng_next(r) % 2 && (s32)x >= S32_MIN + (s32)d)
		reg.s32_min_value = (s32)x - (s32)d;
	if (rng_next(r) % 2 && (s32)x <= S32_MAX - (s32)d)
		reg.s32_max_value = (s32)x + (s32)d;
	if (!raw)
		xbpf_reg_bounds_sync(&reg);
	return reg;
}

/*
 * dst op src as the machine computes it; false where the result is not
 * defined (shift amounts past the width, division by zero).
 */
static inline bool alu_concrete(u8 op, bool alu32, u64 x, u64 y, u64 *out)
{
	u32 a = (u32)x, b = (u32)y;

	if (((op == BPF_LSH || op == BPF_RSH || op == BPF_ARSH) &&
	     (alu32 ? b : y) >= (alu32 ? 32U : 64U)) ||
	    ((op == BPF_DIV || op == BPF_MOD) && !(alu32 ? b : y)))
		return false;
	if (alu32) {
		switch (op) {
		case BPF_ADD: *out = (u32)(a + b); break;
		case BPF_SUB: *out = (u32)(a - b); break;
		case BPF_MUL: *out = (u32)(a * b); break;
		case BPF_DIV: *out = a / b; break;
		case BPF_MOD: *out = a % b; break;
		case BPF_OR: *out = a | b; break;
		case BPF_AND: *out = a & b; break;
		case BPF_XOR: *out = a ^ b; break;
		case BPF_LSH: *out = (u32)(a << b); break;
		case BPF_RSH: *out = a >> b; break;
		case BPF_ARSH: *out = (u32)((s32)a >> b); break;
		default: return false;
		}
		return true;
	}
	switch (op) {
	case BPF_ADD: *out = x + y; break;
	case BPF_SUB: *out = x - y; break;
	case BPF_MUL: *out = x * y; break;
	case BPF_DIV: *out = x / y; break;
	case BPF_MOD: *out = x % y; break;
	case BPF_OR: *out = x | y; break;
	case BPF_AND: *out = x & y; break;
	case BPF_XOR: *out = x ^ y; break;
	case BPF_LSH: *out = x << y; break;
	case BPF_RSH: *out = x >> y; break;
	case BPF_ARSH: *out = (u64)((s64)x >> y); break;
	default: return false;
	}
	return true;
}

/* Does `x op val` hold, compared in 32 or 64 bits? */
static inline bool jmp_concrete(u8 op, bool jmp32, u64 x, u64 val)
{
	u64 a = jmp32 ? (u32)x : x, b = jmp32 ? (u32)val : val;
	s64 sa = jmp32 ? (s32)x : (s64)x, sb = jmp32 ? (s32)val : (s64)val;

	switch (op) {
	case BPF_JEQ: return a == b;
	case BPF_JNE: return a != b;
	case BPF_JSET: return a & b;
	case BPF_JGT: return a > b;
	case BPF_JGE: return a >= b;
	case BPF_JLT: return a < b;
	case BPF_JLE: return a <= b;
	case BPF_JSGT: return sa > sb;
	case BPF_JSGE: return sa >= sb;
	case BPF_JSLT: return sa < sb;
	case BPF_JSLE: return sa <= sb;
	}
	return false;
}

static const u8 alu_ops[] = {
	BPF_ADD, BPF_SUB, BPF_MUL, BPF_DIV, BPF_OR, BPF_AND,
	BPF_LSH, BPF_RSH, BPF_MOD, BPF_XOR, BPF_ARSH,
};

static const u8 jmp_ops[] = {
	BPF_JEQ, BPF_JGT, BPF_JGE, BPF_JSET, BPF_JNE, BPF_JLT,
	BPF_JLE, BPF_JSGT, BPF_JSGE, BPF_JSLT, BPF_JSLE,
};

#endif /* XBPF_TEST_VERIFIER_H */
