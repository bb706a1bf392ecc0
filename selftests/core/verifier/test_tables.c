// SPDX-License-Identifier: GPL-2.0
/*
 * Exact results: each case is one operation and the tnum or register
 * state Linux 6.1 computes for it, down to the bit. Where the verifier
 * log shows a state (see test_kernel.c) the values here are the same.
 */
#include <string.h>

#include "vtest.h"

#define T(v, m)		XBPF_TNUM(v, m)
#define UNKNOWN		"(0x0; 0xffffffffffffffff)"
#define S64_FULL	"s=[-9223372036854775808,9223372036854775807]"
#define U64_FULL	"u=[0x0,0xffffffffffffffff]"
#define S32_FULL	"s32=[-2147483648,2147483647]"
#define U32_FULL	"u32=[0x0,0xffffffff]"
#define REG_UNKNOWN	UNKNOWN " " S64_FULL " " U64_FULL " " S32_FULL " " U32_FULL
/* an alu32 result of which nothing is known but the zero upper half */
#define REG_ZEXT_UNKNOWN "(0x0; 0xffffffff) s=[0,4294967295] " \
			 "u=[0x0,0xffffffff] " S32_FULL " " U32_FULL

enum tnum_op {
	T_ADD, T_SUB, T_AND, T_OR, T_XOR, T_MUL, T_INTERSECT, T_RANGE,
	T_LSH, T_RSH, T_ARSH32, T_ARSH64, T_CAST, T_SUBREG, T_CLEAR_SUBREG,
	T_CONST_SUBREG,
};

static const char *const tnum_op_name[] = {
	[T_ADD] = "add", [T_SUB] = "sub", [T_AND] = "and", [T_OR] = "or",
	[T_XOR] = "xor", [T_MUL] = "mul", [T_INTERSECT] = "intersect",
	[T_RANGE] = "range", [T_LSH] = "lshift", [T_RSH] = "rshift",
	[T_ARSH32] = "arshift32", [T_ARSH64] = "arshift64", [T_CAST] = "cast",
	[T_SUBREG] = "subreg", [T_CLEAR_SUBREG] = "clear_subreg",
	[T_CONST_SUBREG] = "const_subreg",
};

/* b.value is the shift, cast size, range max or subreg constant. */
static const struct tnum_case {
	enum tnum_op op;
	struct xbpf_tnum a, b, want;
} tnum_cases[] = {
	{ T_ADD, T(1, 0), T(1, 0), T(2, 0) },
	{ T_ADD, T(0, 1), T(0, 1), T(0, 3) },
	/* the verifier log's "r0 &= 255; r0 += 10" */
	{ T_ADD, T(0, 0xff), T(10, 0), T(0, 0x1ff) },
	{ T_ADD, T(~0ULL, 0), T(1, 0), T(0, 0) },
	{ T_ADD, T(0, ~0ULL), T(5, 0), T(0, ~0ULL) },
	{ T_SUB, T(10, 0), T(3, 0), T(7, 0) },
	{ T_SUB, T(0, 3), T(1, 0), T(0, ~0ULL) },
	{ T_SUB, T(0x10, 0x3), T(0x10, 0), T(0, 0x3) },
	{ T_SUB, T(0, 0), T(1, 0), T(~0ULL, 0) },
	{ T_AND, T(0xf0, 0x0f), T(0xff, 0), T(0xf0, 0xf) },
	{ T_AND, T(0, ~0ULL), T(0xff, 0), T(0, 0xff) },
	{ T_AND, T(0x5, 0x2), T(0x6, 0x1), T(0x4, 0x3) },
	{ T_OR, T(0x1, 0x2), T(0x4, 0), T(0x5, 0x2) },
	{ T_OR, T(0, 0xff), T(0x0f, 0), T(0x0f, 0xf0) },
	{ T_XOR, T(0x5, 0x2), T(0x3, 0), T(0x4, 0x2) },
	{ T_XOR, T(0xff, 0), T(0xff, 0), T(0, 0) },
	{ T_MUL, T(3, 0), T(5, 0), T(15, 0) },
	{ T_MUL, T(0, 1), T(3, 0), T(0, 3) },
	{ T_MUL, T(2, 1), T(2, 0), T(4, 2) },
	/* the verifier log's "r0 *= 3" of var_off (0x0; 0x7f) */
	{ T_MUL, T(0, 0x7f), T(3, 0), T(0, 0x1ff) },
	{ T_MUL, T(0, ~0ULL), T(0, 0), T(0, 0) },
	{ T_INTERSECT, T(0, 0xff), T(0x10, 0x0f), T(0x10, 0xf) },
	/* contradicting bits come out as 1 */
	{ T_INTERSECT, T(1, 0), T(2, 0), T(3, 0) },
	{ T_RANGE, T(0, 0), T(0, 0), T(0, 0) },
	{ T_RANGE, T(5, 0), T(5, 0), T(5, 0) },
	{ T_RANGE, T(0, 0), T(2, 0), T(0, 3) },
	{ T_RANGE, T(4, 0), T(7, 0), T(4, 3) },
	{ T_RANGE, T(0x10, 0), T(0x1f, 0), T(0x10, 0xf) },
	{ T_RANGE, T(1, 0), T(0x100, 0), T(0, 0x1ff) },
	{ T_RANGE, T(10, 0), T(265, 0), T(0, 0x1ff) },
	{ T_RANGE, T(0, 0), T(0x7fffffffffffffffULL, 0),
	  T(0, 0x7fffffffffffffffULL) },
	{ T_RANGE, T(0x7fffffffffffffffULL, 0), T(0x8000000000000000ULL, 0),
	  T(0, ~0ULL) },
	{ T_RANGE, T(0, 0), T(~0ULL, 0), T(0, ~0ULL) },
	{ T_LSH, T(0x3, 0x4), T(4, 0), T(0x30, 0x40) },
	{ T_LSH, T(1, 0), T(63, 0), T(0x8000000000000000ULL, 0) },
	{ T_LSH, T(0, ~0ULL), T(8, 0), T(0, ~0xffULL) },
	/* amounts past the width wrap, as the machine's shifts do */
	{ T_LSH, T(1, 0), T(65, 0), T(2, 0) },
	{ T_RSH, T(0xf0, 0x0f), T(4, 0), T(0xf, 0) },
	{ T_RSH, T(0x100, 0), T(72, 0), T(1, 0) },
	{ T_RSH, T(0, ~0ULL), T(60, 0), T(0, 0xf) },
	{ T_ARSH32, T(0x80000000, 0x0f), T(4, 0), T(0xf8000000, 0) },
	{ T_ARSH32, T(0, 0x80000000), T(1, 0), T(0, 0xc0000000) },
	{ T_ARSH32, T(0x80000000, 0), T(33, 0), T(0xc0000000, 0) },
	/* only the low 32 bits take part */
	{ T_ARSH32, T(0xffffffff00000010ULL, 0), T(4, 0), T(1, 0) },
	{ T_ARSH64, T(0x8000000000000000ULL, 0), T(4, 0),
	  T(0xf800000000000000ULL, 0) },
	{ T_ARSH64, T(0, 0x8000000000000000ULL), T(1, 0),
	  T(0, 0xc000000000000000ULL) },
	{ T_ARSH64, T(0x40, 0x3f), T(6, 0), T(1, 0) },
	{ T_CAST, T(0x1234, 0xff00), T(1, 0), T(0x34, 0) },
	{ T_CAST, T(0x1234, 0xff00), T(2, 0), T(0x1234, 0xff00) },
	{ T_CAST, T(0, ~0ULL), T(4, 0), T(0, 0xffffffff) },
	{ T_CAST, T(0, ~0ULL), T(8, 0), T(0, ~0ULL) },
	{ T_SUBREG, T(0x100000001ULL, 0xe00000000ULL), T(0, 0), T(1, 0) },
	{ T_CLEAR_SUBREG, T(0x100000001ULL, 0xe0000000eULL), T(0, 0),
	  T(0x100000000ULL, 0xe00000000ULL) },
	{ T_CONST_SUBREG, T(0x100000001ULL, 0xe000000f0ULL), T(0x42, 0),
	  T(0x100000042ULL, 0xe00000000ULL) },
};

static struct xbpf_tnum tnum_eval(const struct tnum_case *c)
{
	switch (c->op) {
	case T_ADD: return tnum_add(c->a, c->b);
	case T_SUB: return tnum_sub(c->a, c->b);
	case T_AND: return tnum_and(c->a, c->b);
	case T_OR: return tnum_or(c->a, c->b);
	case T_XOR: return tnum_xor(c->a, c->b);
	case T_MUL: return tnum_mul(c->a, c->b);
	case T_INTERSECT: return tnum_intersect(c->a, c->b);
	case T_RANGE: return tnum_range(c->a.value, c->b.value);
	case T_LSH: return tnum_lshift(c->a, c->b.value);
	case T_RSH: return tnum_rshift(c->a, c->b.value);
	case T_ARSH32: return tnum_arshift(c->a, c->b.value, 32);
	case T_ARSH64: return tnum_arshift(c->a, c->b.value, 64);
	case T_CAST: return tnum_cast(c->a, c->b.value);
	case T_SUBREG: return tnum_subreg(c->a);
	case T_CLEAR_SUBREG: return tnum_clear_subreg(c->a);
	case T_CONST_SUBREG: return tnum_const_subreg(c->a, c->b.value);
	}
	return tnum_unknown;
}

static void tnum_table(void)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(tnum_cases); i++) {
		const struct tnum_case *c = &tnum_cases[i];
		struct xbpf_tnum got = tnum_eval(c);
		char a[48], b[48], g[48], w[48];

		tnum_strn(a, sizeof(a), c->a);
		tnum_strn(b, sizeof(b), c->b);
		tnum_strn(g, sizeof(g), got);
		tnum_strn(w, sizeof(w), c->want);
		test_result(got.value == c->want.value &&
			    got.mask == c->want.mask,
			    "tnum_%s %s %s = %s", tnum_op_name[c->op], a, b, g);
		if (got.value != c->want.value || got.mask != c->want.mask)
			test_diag("want %s", w);
	}
}

static void tnum_predicates(void)
{
	struct xbpf_tnum u = tnum_unknown;

	test_result(tnum_is_const(tnum_const(7)) && !tnum_is_const(T(0, 1)) &&
		    tnum_equals_const(tnum_const(7), 7) &&
		    !tnum_equals_const(T(6, 1), 7) && tnum_is_unknown(u) &&
		    !tnum_is_unknown(T(0, ~1ULL)),
		    "tnum: const, equals_const, unknown");
	test_result(tnum_subreg_is_const(T(0x500000000ULL, 0xf00000000ULL)) &&
		    !tnum_subreg_is_const(T(0, 0x80000000)),
		    "tnum: subreg_is_const looks at the low half only");
	test_result(tnum_is_aligned(T(0x10, 0), 8) &&
		    !tnum_is_aligned(T(0x10, 0x4), 8) &&
		    tnum_is_aligned(T(0x10, 0x4), 0) &&
		    tnum_is_aligned(T(0x10, 0x30), 16) &&
		    tnum_is_aligned(T(0x11, 0), 1),
		    "tnum: is_aligned");
	test_result(tnum_in(T(0, 0xff), T(0x10, 0xf)) &&
		    !tnum_in(T(0, 0xf), T(0x10, 0)) &&
		    !tnum_in(T(0x10, 0xf), T(0, 0xff)) &&
		    tnum_in(T(0x4, 0x3), T(0x7, 0)) &&
		    tnum_in(u, T(0x1234, 0xff)) &&
		    /* a range tnum is wider than the range */
		    tnum_in(tnum_range(0, 2), tnum_const(3)),
		    "tnum: in");
}

static void tnum_strings(void)
{
	char buf[80], want[80];
	int n;

	n = tnum_strn(buf, sizeof(buf), T(0, 0));
	test_result(!strcmp(buf, "(0x0; 0x0)") && n == 10,
		    "tnum_strn prints 0 as 0x0: %s", buf);
	n = tnum_strn(buf, sizeof(buf), tnum_unknown);
	test_result(!strcmp(buf, UNKNOWN) && n == 25,
		    "tnum_strn of unknown: %s", buf);
	n = tnum_strn(buf, sizeof(buf), T(0x10, 0xf));
	test_result(!strcmp(buf, "(0x10; 0xf)") && n == 11,
		    "tnum_strn: %s", buf);
	n = tnum_strn(buf, 5, T(0, 0x1ff));
	test_result(!strcmp(buf, "(0x0") && n == 12,
		    "tnum_strn truncates and returns the full length");

	memset(want, '0', 61);
	strcpy(want + 61, "1x1");
	n = tnum_sbin(buf, sizeof(buf), T(0x5, 0x2));
	test_result(!strcmp(buf, want) && n == 64,
		    "tnum_sbin (0x5; 0x2): %s", buf);
	n = tnum_sbin(buf, sizeof(buf), T(0x8000000000000000ULL, 0x1));
	test_result(buf[0] == '1' && buf[63] == 'x' && !buf[64] &&
		    strspn(buf + 1, "0") == 62 && n == 64,
		    "tnum_sbin puts bit 63 first");
	n = tnum_sbin(buf, 5, T(0xa000000000000000ULL, 0x0f00000000000000ULL));
	test_result(!strcmp(buf, "1010") && n == 64,
		    "tnum_sbin with a short buffer keeps the top bits: %s", buf);
	buf[0] = 'z';
	n = tnum_sbin(buf, 1, tnum_unknown);
	test_result(!buf[0] && n == 64, "tnum_sbin into one byte: empty");
	buf[0] = 'z';
	n = tnum_sbin(buf, 0, tnum_unknown);
	test_result(buf[0] == 'z' && n == 64,
		    "tnum_sbin into no buffer writes nothing");
}

void test_tnum_tables(void)
{
	tnum_table();
	tnum_predicates();
	tnum_strings();
}

/* Register states: one operation on a given state, the exact result. */

static bool reg_is(const struct xbpf_reg_state *reg, const char *want,
		   const char *what)
{
	char got[256];

	reg_str(got, sizeof(got), reg);
	test_result(!strcmp(got, want), "%s", what);
	if (strcmp(got, want)) {
		test_diag("got  %s", got);
		test_diag("want %s", want);
		return false;
	}
	return true;
}

enum src_kind { SRC_CONST, SRC_UNKNOWN, SRC_URANGE, SRC_SRANGE };

static const struct alu_case {
	const char *name;
	struct { s64 lo, hi; bool is_signed; } dst;
	enum src_kind src_kind;
	s64 src_lo, src_hi;
	u8 op;
	bool alu32;
	const char *want;
} alu_cases[] = {
	{ "unknown &= 0xff", { S64_MIN, S64_MAX, true }, SRC_CONST, 0xff, 0,
	  BPF_AND, false,
	  "(0x0; 0xff) s=[0,255] u=[0x0,0xff] s32=[0,255] u32=[0x0,0xff]" },
	{ "[0,255] += 10", { 0, 255, false }, SRC_CONST, 10, 0, BPF_ADD, false,
	  "(0x0; 0x1ff) s=[10,265] u=[0xa,0x109] s32=[10,265] u32=[0xa,0x109]" },
	{ "[10,100] *= 3", { 10, 100, false }, SRC_CONST, 3, 0, BPF_MUL, false,
	  "(0x0; 0x1ff) s=[30,300] u=[0x1e,0x12c] s32=[30,300] u32=[0x1e,0x12c]" },
	{ "[0,0xffff] <<= 8", { 0, 0xffff, false }, SRC_CONST, 8, 0, BPF_LSH,
	  false, "(0x0; 0xffff00) s=[0,16776960] u=[0x0,0xffff00] "
	  "s32=[0,16776960] u32=[0x0,0xffff00]" },
	{ "[0x100,0x1ff] >>= 4", { 0x100, 0x1ff, false }, SRC_CONST, 4, 0,
	  BPF_RSH, false,
	  "(0x10; 0xf) s=[16,31] u=[0x10,0x1f] s32=[16,31] u32=[0x10,0x1f]" },
	/* 64-bit shifts give up the 32-bit ranges; 6.1 does not recover
	 * them from the 64-bit ones
	 */
	{ "s[-128,127] s>>= 2", { -128, 127, true }, SRC_CONST, 2, 0, BPF_ARSH,
	  false, "(0x0; 0xffffffffffffffff) s=[-32,31] " U64_FULL " "
	  S32_FULL " " U32_FULL },
	/* << 32 keeps the sign: the start of a subregister sign extension */
	{ "s[-5,5] <<= 32", { -5, 5, true }, SRC_CONST, 32, 0, BPF_LSH, false,
	  "(0x0; 0xffffffff00000000) s=[-21474836480,21474836480] "
	  "u=[0x0,0xffffffff00000000] s32=[0,0] u32=[0x0,0x0]" },
	{ "[5,10] -= [0,6]: unsigned may wrap", { 5, 10, false }, SRC_URANGE,
	  0, 6, BPF_SUB, false,
	  "(0x0; 0xffffffffffffffff) s=[-1,10] " U64_FULL " s32=[-1,10] "
	  U32_FULL },
	/* the signed sum cannot overflow, the unsigned one can */
	{ "[U64_MAX-1,U64_MAX] += 1", { -2, -1, false }, SRC_CONST, 1, 0,
	  BPF_ADD, false,
	  UNKNOWN " s=[-1,0] " U64_FULL " s32=[-1,0] " U32_FULL },
	{ "[0,10] |= [0,3]: unknown src", { 0, 10, false }, SRC_URANGE, 0, 3,
	  BPF_OR, false, REG_UNKNOWN },
	{ "[0,10] ^= 0x10", { 0, 10, false }, SRC_CONST, 0x10, 0, BPF_XOR,
	  false,
	  "(0x10; 0xf) s=[16,31] u=[0x10,0x1f] s32=[16,31] u32=[0x10,0x1f]" },
	{ "[0,10] /= 2", { 0, 10, false }, SRC_CONST, 2, 0, BPF_DIV, false,
	  REG_UNKNOWN },
	{ "[0,10] <<= 64", { 0, 10, false }, SRC_CONST, 64, 0, BPF_LSH, false,
	  REG_UNKNOWN },
	/* alu32: */
	{ "w[0,0xff] += 10", { 0, 255, false }, SRC_CONST, 10, 0, BPF_ADD, true,
	  "(0x0; 0x1ff) s=[10,265] u=[0xa,0x109] s32=[10,265] u32=[0xa,0x109]" },
	{ "w[0,0xf0] -= 1: u32 wraps", { 0, 0xf0, false }, SRC_CONST, 1, 0,
	  BPF_SUB, true, "(0x0; 0xffffffff) s=[0,4294967295] "
	  "u=[0x0,0xffffffff] s32=[-1,239] " U32_FULL },
	{ "w[1,0xf0] -= 1", { 1, 0xf0, false }, SRC_CONST, 1, 0, BPF_SUB, true,
	  "(0x0; 0xff) s=[0,239] u=[0x0,0xef] s32=[0,239] u32=[0x0,0xef]" },
	{ "unknown w-= 1: the upper half becomes 0", { S64_MIN, S64_MAX, true },
	  SRC_CONST, 1, 0, BPF_SUB, true, REG_ZEXT_UNKNOWN },
	/* non-constant sources: only ADD, SUB and AND keep anything */
	{ "w[0,10] *= [0,3]: 64-bit unknown, no zext", { 0, 10, false },
	  SRC_URANGE, 0, 3, BPF_MUL, true, REG_UNKNOWN },
	{ "w[0,10] &= [0,3]", { 0, 10, false }, SRC_URANGE, 0, 3, BPF_AND, true,
	  "(0x0; 0x3) s=[0,3] u=[0x0,0x3] s32=[0,3] u32=[0x0,0x3]" },
	/* constant divisors reach the default case: zero-extended unknown */
	{ "w[0,10] /= 2", { 0, 10, false }, SRC_CONST, 2, 0, BPF_DIV, true,
	  REG_ZEXT_UNKNOWN },
	{ "w[0,10] %= 3", { 0, 10, false }, SRC_CONST, 3, 0, BPF_MOD, true,
	  REG_ZEXT_UNKNOWN },
	{ "w[0,10] /= [1,3]", { 0, 10, false }, SRC_URANGE, 1, 3, BPF_DIV, true,
	  REG_UNKNOWN },
	{ "w[0,10] <<= 32", { 0, 10, false }, SRC_CONST, 32, 0, BPF_LSH, true,
	  REG_ZEXT_UNKNOWN },
	/* the amount's 64-bit maximum decides, not its low half */
	{ "w[0,10] <<= 0x100000003", { 0, 10, false }, SRC_CONST, 0x100000003LL,
	  0, BPF_LSH, true, REG_ZEXT_UNKNOWN },
	{ "w[0,0xff] <<= 4", { 0, 0xff, false }, SRC_CONST, 4, 0, BPF_LSH, true,
	  "(0x0; 0xff0) s=[0,4080] u=[0x0,0xff0] s32=[0,4080] u32=[0x0,0xff0]" },
	{ "w[0x100,0x1ff] >>= 4", { 0x100, 0x1ff, false }, SRC_CONST, 4, 0,
	  BPF_RSH, true,
	  "(0x10; 0xf) s=[16,31] u=[0x10,0x1f] s32=[16,31] u32=[0x10,0x1f]" },
	{ "w s[-128,127] s>>= 2", { -128, 127, true }, SRC_CONST, 2, 0,
	  BPF_ARSH, true, "(0x0; 0xffffffff) s=[0,4294967295] "
	  "u=[0x0,0xffffffff] s32=[-32,31] " U32_FULL },
	{ "w 0x80000000 s>>= 4", { 0x80000000, 0x80000000, false }, SRC_CONST,
	  4, 0, BPF_ARSH, true, "(0xf8000000; 0x0) s=[4160749568,4160749568] "
	  "u=[0xf8000000,0xf8000000] s32=[-134217728,-134217728] "
	  "u32=[0xf8000000,0xf8000000]" },
	{ "w 0x100000005 ^= 3", { 0x100000005LL, 0x100000005LL, false },
	  SRC_CONST, 3, 0, BPF_XOR, true,
	  "(0x6; 0x0) s=[6,6] u=[0x6,0x6] s32=[6,6] u32=[0x6,0x6]" },
};

static struct xbpf_reg_state make_src(enum src_kind kind, s64 lo, s64 hi)
{
	switch (kind) {
	case SRC_CONST:
		return reg_const(lo);
	case SRC_URANGE:
		return reg_urange(lo, hi);
	case SRC_SRANGE:
		return reg_srange(lo, hi);
	case SRC_UNKNOWN:
		break;
	}
	return reg_unknown();
}

static void alu_table(void)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(alu_cases); i++) {
		const struct alu_case *c = &alu_cases[i];
		struct xbpf_reg_state dst, src;

		dst = c->dst.is_signed ? reg_srange(c->dst.lo, c->dst.hi) :
					 reg_urange(c->dst.lo, c->dst.hi);
		src = make_src(c->src_kind, c->src_lo, c->src_hi);
		xbpf_scalar_alu(&dst, src, c->op, c->alu32, true);
		reg_is(&dst, c->want, c->name);
	}
}

static void alu_identity(void)
{
	struct xbpf_reg_state dst = reg_urange(0, 10), src = reg_const(3);

	dst.id = 5;
	dst.parent = &src;
	dst.subreg_def = 4;
	xbpf_scalar_alu(&dst, reg_urange(0, 1), BPF_MUL, false, false);
	test_result(dst.precise && !dst.id && dst.parent == &src &&
		    dst.subreg_def == 4,
		    "alu: giving up marks unknown, precise when unprivileged");

	dst = reg_const(12);
	dst.id = 5;
	xbpf_scalar_alu(&dst, reg_const(10), BPF_AND, false, true);
	test_result(tnum_equals_const(dst.var_off, 8) && !dst.id,
		    "alu: 12 & 10 = 8, a fresh constant");

	dst = reg_urange(0, 10);
	dst.id = 5;
	xbpf_scalar_alu(&dst, reg_const(1), BPF_ADD, false, true);
	test_result(dst.id == 5, "alu: ADD leaves the id to the caller");

	/* dead-branch sources: bounds past each other taint dst */
	src = reg_urange(0, 10);
	src.umin_value = 11;
	dst = reg_urange(0, 10);
	xbpf_scalar_alu(&dst, src, BPF_ADD, false, true);
	reg_is(&dst, REG_UNKNOWN, "alu: src with umin > umax taints dst");
	src = reg_const(3);
	src.u32_max_value = 4;
	dst = reg_urange(0, 10);
	xbpf_scalar_alu(&dst, src, BPF_ADD, true, true);
	reg_is(&dst, REG_UNKNOWN,
	       "alu32: constant src with u32 range [3,4] taints dst");
	dst = reg_urange(0, 10);
	xbpf_scalar_alu(&dst, src, BPF_ADD, false, true);
	reg_is(&dst, "(0x0; 0xf) s=[3,13] u=[0x3,0xd] s32=[3,13] u32=[0x3,0xd]",
	       "alu64: the same src is fine, its 64-bit bounds agree");
}

static void mark_table(void)
{
	struct xbpf_reg_state reg = reg_unknown(), parent;

	reg.type = PTR_TO_STACK;
	reg.off = -8;
	reg.id = 9;
	reg.ref_obj_id = 2;
	reg.parent = &parent;
	reg.frameno = 3;
	reg.subreg_def = 7;
	reg.live = REG_LIVE_WRITTEN;
	xbpf_mark_reg_unknown(&reg, false);
	test_result(reg.type == SCALAR_VALUE && !reg.off && !reg.id &&
		    !reg.ref_obj_id && !reg.frameno && reg.precise &&
		    reg.parent == &parent && reg.subreg_def == 7 &&
		    reg.live == REG_LIVE_WRITTEN,
		    "mark_reg_unknown keeps parent, subreg_def and live");
	reg_is(&reg, REG_UNKNOWN, "mark_reg_unknown: unbounded");
	xbpf_mark_reg_unknown(&reg, true);
	test_result(!reg.precise, "mark_reg_unknown: not precise when capable");

	reg.type = PTR_TO_MAP_VALUE;
	reg.off = 16;
	reg.id = 4;
	reg.ref_obj_id = 1;
	reg.frameno = 2;
	xbpf_mark_reg_known(&reg, 0xffffffff80000000ULL);
	test_result(reg.type == PTR_TO_MAP_VALUE && !reg.off && !reg.id &&
		    !reg.ref_obj_id && reg.frameno == 2 &&
		    reg.parent == &parent,
		    "mark_reg_known keeps the type, clears off and ids");
	reg_is(&reg, "(0xffffffff80000000; 0x0) "
	       "s=[-2147483648,-2147483648] "
	       "u=[0xffffffff80000000,0xffffffff80000000] "
	       "s32=[-2147483648,-2147483648] u32=[0x80000000,0x80000000]",
	       "mark_reg_known: all ranges one value");
	xbpf_mark_reg_known_zero(&reg);
	test_result(reg.type == PTR_TO_MAP_VALUE &&
		    tnum_equals_const(reg.var_off, 0),
		    "mark_reg_known_zero: a pointer's offset");
	xbpf_mark_reg_const_zero(&reg);
	test_result(reg.type == SCALAR_VALUE &&
		    tnum_equals_const(reg.var_off, 0) && !reg.umax_value,
		    "mark_reg_const_zero: a scalar 0");

	reg = reg_unknown();
	reg.id = 3;
	xbpf_mark_reg32_known(&reg, 0x1234500000007ULL);
	reg_is(&reg, "(0x7; 0xffffffff00000000) " S64_FULL " " U64_FULL
	       " s32=[7,7] u32=[0x7,0x7]",
	       "mark_reg32_known: the low half only, no sync");
	test_result(reg.id == 3, "mark_reg32_known keeps the id");

	reg = reg_const(5);
	xbpf_mark_reg_unbounded(&reg);
	reg_is(&reg, "(0x5; 0x0) " S64_FULL " " U64_FULL " " S32_FULL " "
	       U32_FULL, "mark_reg_unbounded leaves var_off");
	reg = reg_const(5);
	xbpf_mark_reg64_unbounded(&reg);
	reg_is(&reg, "(0x5; 0x0) " S64_FULL " " U64_FULL
	       " s32=[5,5] u32=[0x5,0x5]", "mark_reg64_unbounded");
	reg = reg_const(5);
	xbpf_mark_reg32_unbounded(&reg);
	reg_is(&reg, "(0x5; 0x0) s=[5,5] u=[0x5,0x5] " S32_FULL " " U32_FULL,
	       "mark_reg32_unbounded");
}

static void sync_table(void)
{
	struct xbpf_reg_state reg;

	reg = reg_unknown();
	reg.var_off = T(0x10, 0xf);
	xbpf_reg_bounds_sync(&reg);
	reg_is(&reg, "(0x10; 0xf) s=[16,31] u=[0x10,0x1f] s32=[16,31] "
	       "u32=[0x10,0x1f]", "sync: ranges from var_off");

	reg = reg_unknown();
	reg.smin_value = -3;
	reg.smax_value = -1;
	xbpf_reg_bounds_sync(&reg);
	reg_is(&reg, "(0xfffffffffffffffc; 0x3) s=[-3,-1] "
	       "u=[0xfffffffffffffffd,0xffffffffffffffff] s32=[-4,-1] "
	       "u32=[0xfffffffc,0xffffffff]",
	       "sync: negative signed range is an unsigned one");

	/* the unsigned range tells the sign: positive */
	reg = reg_unknown();
	reg.umax_value = 0x7fffffffffffff00ULL;
	reg.umin_value = 5;
	xbpf_reg_bounds_sync(&reg);
	reg_is(&reg, "(0x0; 0x7fffffffffffffff) s=[5,9223372036854775552] "
	       "u=[0x5,0x7fffffffffffff00] " S32_FULL " " U32_FULL,
	       "sync: unsigned range below 2^63 bounds the signed one");

	/* and negative */
	reg = reg_unknown();
	reg.umin_value = 0x8000000000000010ULL;
	xbpf_reg_bounds_sync(&reg);
	reg_is(&reg, "(0x8000000000000000; 0x7fffffffffffffff) "
	       "s=[-9223372036854775792,-1] "
	       "u=[0x8000000000000010,0xffffffffffffffff] " S32_FULL " "
	       U32_FULL, "sync: unsigned range above 2^63: negative");

	reg = reg_unknown();
	reg.u32_min_value = 0x10;
	reg.u32_max_value = 0x13;
	xbpf_reg_bounds_sync(&reg);
	reg_is(&reg, "(0x10; 0xffffffff00000003) s=[-9223372036854775792,"
	       "9223372032559808531] u=[0x10,0xffffffff00000013] "
	       "s32=[16,19] u32=[0x10,0x13]",
	       "sync: 32-bit range narrows the low half of var_off");

	reg = reg_const(3);
	test_result(xbpf_reg_bounds_sane(&reg), "sane: a constant");
	reg = reg_unknown();
	test_result(xbpf_reg_bounds_sane(&reg), "sane: unknown");
	reg.umin_value = 2;
	reg.umax_value = 1;
	test_result(!xbpf_reg_bounds_sane(&reg), "sane: not with umin > umax");
	reg = reg_unknown();
	reg.s32_min_value = 1;
	reg.s32_max_value = 0;
	test_result(!xbpf_reg_bounds_sane(&reg), "sane: not with s32 min > max");
	reg = reg_unknown();
	reg.var_off = T(1, 1);
	test_result(!xbpf_reg_bounds_sane(&reg),
		    "sane: not with a value bit under the mask");
	reg = reg_urange(6, 10);
	reg.var_off = tnum_const(5);
	test_result(!xbpf_reg_bounds_sane(&reg),
		    "sane: not with var_off outside the range");
	reg = reg_srange(-10, -6);
	reg.var_off = T(0, 0x7fffffffffffffffULL);
	test_result(!xbpf_reg_bounds_sane(&reg),
		    "sane: not with var_off nonnegative, range negative");
}

static void conversion_table(void)
{
	struct xbpf_reg_state reg;

	reg = reg_urange(0x1ff, 0x2ff);
	xbpf_coerce_reg_to_size(&reg, 1);
	reg_is(&reg, "(0x0; 0xff) s=[0,255] u=[0x0,0xff] s32=[0,255] "
	       "u32=[0x0,0xff]", "coerce to 1 byte across a 0x100 boundary");
	reg = reg_urange(0x1f0, 0x1ff);
	xbpf_coerce_reg_to_size(&reg, 1);
	reg_is(&reg, "(0xf0; 0xf) s=[240,255] u=[0xf0,0xff] s32=[240,255] "
	       "u32=[0xf0,0xff]", "coerce to 1 byte within one 0x100 block");
	reg = reg_srange(-2, 2);
	xbpf_coerce_reg_to_size(&reg, 2);
	reg_is(&reg, "(0x0; 0xffff) s=[0,65535] u=[0x0,0xffff] s32=[0,65535] "
	       "u32=[0x0,0xffff]", "coerce to 2 bytes of [-2,2]");
	/* 4 bytes: the 32-bit ranges are left as they were */
	reg = reg_urange(0x100000005ULL, 0x100000009ULL);
	xbpf_coerce_reg_to_size(&reg, 4);
	reg_is(&reg, "(0x0; 0xf) s=[5,9] u=[0x5,0x9] s32=[0,15] u32=[0x0,0xf]",
	       "coerce to 4 bytes: 32-bit ranges as they were, no sync");
	reg = reg_urange(0x100000005ULL, 0x100000009ULL);
	xbpf_coerce_reg_to_size(&reg, 8);
	reg_is(&reg, "(0x100000000; 0xf) s=[4294967301,4294967305] "
	       "u=[0x100000005,0x100000009] s32=[0,15] u32=[0x0,0xf]",
	       "coerce to 8 bytes changes nothing");

	reg = reg_srange(-5, 5);
	xbpf_zext_32_to_64(&reg);
	reg_is(&reg, "(0x0; 0xffffffff) s=[0,4294967295] u=[0x0,0xffffffff] "
	       "s32=[-5,5] u32=[0x0,0xffffffff]",
	       "zext: negative s32 range gives [0,U32_MAX]");
	reg = reg_urange(3, 0x1000000ffULL);
	reg.u32_min_value = 3;
	reg.u32_max_value = 0xff;
	reg.s32_min_value = 3;
	reg.s32_max_value = 0xff;
	xbpf_zext_32_to_64(&reg);
	reg_is(&reg, "(0x0; 0xffffffff) s=[3,255] u=[0x3,0xff] s32=[3,255] "
	       "u32=[0x3,0xff]",
	       "zext: nonnegative s32 range carries over, no sync");
	reg = reg_unknown();
	reg.u32_max_value = 9;
	reg.s32_min_value = -1;
	xbpf_reg_assign_32_into_64(&reg);
	reg_is(&reg, UNKNOWN " s=[0,4294967295] u=[0x0,0x9] s32=[-1,"
	       "2147483647] u32=[0x0,0x9]", "assign_32_into_64, var_off kept");
}

static const struct taken_case {
	const char *name;
	u32 type;
	s64 lo, hi;		/* reg_srange, or var_off value/mask for JSET */
	u64 val;
	u8 op;
	bool jmp32;
	int want;
} taken_cases[] = {
	{ "[10,20] > 20", SCALAR_VALUE, 10, 20, 20, BPF_JGT, false, 0 },
	{ "[10,20] > 9", SCALAR_VALUE, 10, 20, 9, BPF_JGT, false, 1 },
	{ "[10,20] > 15", SCALAR_VALUE, 10, 20, 15, BPF_JGT, false, -1 },
	{ "[10,20] >= 10", SCALAR_VALUE, 10, 20, 10, BPF_JGE, false, 1 },
	{ "[10,20] >= 21", SCALAR_VALUE, 10, 20, 21, BPF_JGE, false, 0 },
	{ "[10,20] < 10", SCALAR_VALUE, 10, 20, 10, BPF_JLT, false, 0 },
	{ "[10,20] < 21", SCALAR_VALUE, 10, 20, 21, BPF_JLT, false, 1 },
	{ "[10,20] <= 20", SCALAR_VALUE, 10, 20, 20, BPF_JLE, false, 1 },
	{ "[10,20] <= 9", SCALAR_VALUE, 10, 20, 9, BPF_JLE, false, 0 },
	{ "[-5,5] s> -6", SCALAR_VALUE, -5, 5, -6, BPF_JSGT, false, 1 },
	{ "[-5,5] s> 5", SCALAR_VALUE, -5, 5, 5, BPF_JSGT, false, 0 },
	{ "[-5,5] s>= -5", SCALAR_VALUE, -5, 5, -5, BPF_JSGE, false, 1 },
	{ "[-5,5] s< -5", SCALAR_VALUE, -5, 5, -5, BPF_JSLT, false, 0 },
	{ "[-5,5] s<= 5", SCALAR_VALUE, -5, 5, 5, BPF_JSLE, false, 1 },
	{ "[-5,5] s< 0", SCALAR_VALUE, -5, 5, 0, BPF_JSLT, false, -1 },
	{ "[-5,5] > 5: unsigned, wide", SCALAR_VALUE, -5, 5, 5, BPF_JGT, false,
	  -1 },
	{ "7 == 7", SCALAR_VALUE, 7, 7, 7, BPF_JEQ, false, 1 },
	{ "7 == 8", SCALAR_VALUE, 7, 7, 8, BPF_JEQ, false, 0 },
	{ "7 != 8", SCALAR_VALUE, 7, 7, 8, BPF_JNE, false, 1 },
	/* only a constant decides equality, not a range excluding val */
	{ "[10,20] == 5", SCALAR_VALUE, 10, 20, 5, BPF_JEQ, false, -1 },
	{ "[10,20] != 5", SCALAR_VALUE, 10, 20, 5, BPF_JNE, false, -1 },
	{ "w 0x100000005 == 5", SCALAR_VALUE, 0x100000005LL, 0x100000005LL, 5,
	  BPF_JEQ, true, 1 },
	{ "0x100000005 == 5", SCALAR_VALUE, 0x100000005LL, 0x100000005LL, 5,
	  BPF_JEQ, false, 0 },
	{ "w 0x100000005 > 4", SCALAR_VALUE, 0x100000005LL, 0x100000005LL, 4,
	  BPF_JGT, true, 1 },
	{ "w [-5,5] s< 6", SCALAR_VALUE, -5, 5, 6, BPF_JSLT, true, 1 },
	/* a 64-bit val compared in 32 bits is its low half */
	{ "w 5 == 0xffffffff00000005", SCALAR_VALUE, 5, 5,
	  0xffffffff00000005ULL, BPF_JEQ, true, 1 },
	{ "map_value == 0", PTR_TO_MAP_VALUE, 0, 0, 0, BPF_JEQ, false, 0 },
	{ "map_value != 0", PTR_TO_MAP_VALUE, 0, 0, 0, BPF_JNE, false, 1 },
	{ "w map_value != 0", PTR_TO_MAP_VALUE, 0, 0, 0, BPF_JNE, true, 1 },
	{ "map_value == 1", PTR_TO_MAP_VALUE, 0, 0, 1, BPF_JEQ, false, -1 },
	{ "map_value > 0", PTR_TO_MAP_VALUE, 0, 0, 0, BPF_JGT, false, -1 },
	{ "map_value_or_null == 0", PTR_TO_MAP_VALUE_OR_NULL, 0, 0, 0, BPF_JEQ,
	  false, -1 },
	{ "rdonly map_value == 0", PTR_TO_MAP_VALUE | MEM_RDONLY, 0, 0, 0,
	  BPF_JEQ, false, -1 },
	{ "map_key != 0", PTR_TO_MAP_KEY, 0, 0, 0, BPF_JNE, false, 1 },
	{ "socket != 0", PTR_TO_SOCKET, 0, 0, 0, BPF_JNE, false, 1 },
	{ "sock_common == 0", PTR_TO_SOCK_COMMON, 0, 0, 0, BPF_JEQ, false, 0 },
	{ "tcp_sock == 0", PTR_TO_TCP_SOCK, 0, 0, 0, BPF_JEQ, false, 0 },
	{ "ctx == 0", PTR_TO_CTX, 0, 0, 0, BPF_JEQ, false, -1 },
	{ "fp != 0", PTR_TO_STACK, 0, 0, 0, BPF_JNE, false, -1 },
	{ "not init == 0", NOT_INIT, 0, 0, 0, BPF_JEQ, false, -1 },
};

static const struct jset_case {
	struct xbpf_tnum t;
	u64 val;
	bool jmp32;
	int want;
} jset_cases[] = {
	{ T(0x10, 0xf), 0x10, false, 1 },
	{ T(0x10, 0xf), 0x20, false, 0 },
	{ T(0x10, 0xf), 0x1, false, -1 },
	{ T(0x100000000ULL, 0), 0x100000000ULL, false, 1 },
	{ T(0x100000000ULL, 0), 0x100000000ULL, true, 0 },
	{ T(0, ~0ULL), 0, false, 0 },
};

static void taken_table(void)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(taken_cases); i++) {
		const struct taken_case *c = &taken_cases[i];
		struct xbpf_reg_state reg = reg_srange(c->lo, c->hi);
		int got;

		if (c->lo == c->hi)
			reg = reg_const(c->lo);
		if (c->type != SCALAR_VALUE) {
			xbpf_mark_reg_known_zero(&reg);
			reg.type = c->type;
		}
		got = xbpf_is_branch_taken(&reg, c->val, c->op, c->jmp32);
		test_result(got == c->want, "branch_taken: %s: %d", c->name,
			    got);
	}
	for (i = 0; i < ARRAY_SIZE(jset_cases); i++) {
		const struct jset_case *c = &jset_cases[i];
		struct xbpf_reg_state reg = reg_unknown();
		char t[48];
		int got;

		reg.var_off = c->t;
		xbpf_reg_bounds_sync(&reg);
		got = xbpf_is_branch_taken(&reg, c->val, BPF_JSET, c->jmp32);
		tnum_strn(t, sizeof(t), c->t);
		test_result(got == c->want, "branch_taken: %s%s & 0x%llx: %d",
			    c->jmp32 ? "w" : "", t,
			    (unsigned long long)c->val, got);
	}
}

static void refine(struct xbpf_reg_state *t, struct xbpf_reg_state *f,
		   const struct xbpf_reg_state *reg, u64 val, u8 op,
		   bool jmp32, bool inv)
{
	*t = *reg;
	*f = *reg;
	if (inv)
		xbpf_reg_set_min_max_inv(t, f, val, (u32)val, op, jmp32);
	else
		xbpf_reg_set_min_max(t, f, val, (u32)val, op, jmp32);
}

static void set_min_max_table(void)
{
	struct xbpf_reg_state reg, t, f;

	/* the kernel log's "if r0 > 0x64" after r0 &= 255; r0 += 10 */
	reg = reg_urange(10, 265);
	reg.var_off = T(0, 0x1ff);
	refine(&t, &f, &reg, 100, BPF_JGT, false, false);
	reg_is(&t, "(0x0; 0x1ff) s=[101,265] u=[0x65,0x109] s32=[101,265] "
	       "u32=[0x65,0x109]", "[10,265] > 100: taken");
	reg_is(&f, "(0x0; 0x7f) s=[10,100] u=[0xa,0x64] s32=[10,100] "
	       "u32=[0xa,0x64]", "[10,265] > 100: not taken");

	reg = reg_unknown();
	refine(&t, &f, &reg, -1, BPF_JSGT, false, false);
	reg_is(&t, "(0x0; 0x7fffffffffffffff) s=[0,9223372036854775807] "
	       "u=[0x0,0x7fffffffffffffff] " S32_FULL " " U32_FULL,
	       "unknown s> -1: taken, nonnegative");
	reg_is(&f, "(0x8000000000000000; 0x7fffffffffffffff) "
	       "s=[-9223372036854775808,-1] "
	       "u=[0x8000000000000000,0xffffffffffffffff] " S32_FULL " "
	       U32_FULL, "unknown s> -1: not taken, negative");

	reg = reg_unknown();
	reg.id = 6;
	refine(&t, &f, &reg, 42, BPF_JEQ, false, false);
	test_result(tnum_equals_const(t.var_off, 42) && t.umin_value == 42 &&
		    t.s32_max_value == 42 && t.id == 6 &&
		    tnum_is_unknown(f.var_off),
		    "unknown == 42: the taken side is 42 and keeps its id");
	refine(&t, &f, &reg, 42, BPF_JNE, false, false);
	test_result(tnum_equals_const(f.var_off, 42) && f.id == 6 &&
		    tnum_is_unknown(t.var_off),
		    "unknown != 42: the other side is 42");

	reg = reg_urange(0, 0xff);
	refine(&t, &f, &reg, 0x8, BPF_JSET, false, false);
	reg_is(&t, "(0x8; 0xf7) s=[8,255] u=[0x8,0xff] s32=[8,255] "
	       "u32=[0x8,0xff]", "[0,255] & 8: taken sets the bit");
	reg_is(&f, "(0x0; 0xf7) s=[0,247] u=[0x0,0xf7] s32=[0,247] "
	       "u32=[0x0,0xf7]", "[0,255] & 8: not taken clears it");
	refine(&t, &f, &reg, 0x9, BPF_JSET, false, false);
	reg_is(&t, "(0x0; 0xff) s=[0,255] u=[0x0,0xff] s32=[0,255] "
	       "u32=[0x0,0xff]", "[0,255] & 9: taken learns no bit");
	reg_is(&f, "(0x0; 0xf6) s=[0,246] u=[0x0,0xf6] s32=[0,246] "
	       "u32=[0x0,0xf6]", "[0,255] & 9: not taken clears both");

	/* jmp32 on a value with an unknown upper half */
	reg = reg_unknown();
	refine(&t, &f, &reg, 5, BPF_JGT, true, false);
	reg_is(&t, "(0x0; 0xffffffffffffffff) " S64_FULL " " U64_FULL " "
	       S32_FULL " u32=[0x6,0xffffffff]", "w unknown > 5: taken");
	reg_is(&f, "(0x0; 0xffffffff00000007) s=[-9223372036854775808,"
	       "9223372032559808519] u=[0x0,0xffffffff00000007] s32=[0,5] "
	       "u32=[0x0,0x5]", "w unknown > 5: not taken");
	/* and on a zero-extended one: the 32-bit range is the 64-bit one */
	reg = reg_urange(0, 0xffff);
	refine(&t, &f, &reg, 0x100, BPF_JLT, true, false);
	reg_is(&t, "(0x0; 0xff) s=[0,255] u=[0x0,0xff] s32=[0,255] "
	       "u32=[0x0,0xff]", "w [0,0xffff] < 0x100: taken");
	reg_is(&f, "(0x0; 0xffff) s=[256,65535] u=[0x100,0xffff] "
	       "s32=[256,65535] u32=[0x100,0xffff]",
	       "w [0,0xffff] < 0x100: not taken");
	refine(&t, &f, &reg, 0x1234, BPF_JEQ, true, false);
	reg_is(&t, "(0x1234; 0x0) s=[4660,4660] u=[0x1234,0x1234] "
	       "s32=[4660,4660] u32=[0x1234,0x1234]",
	       "w [0,0xffff] == 0x1234: a constant");

	/* the constant on the left: 10 > r is r < 10 */
	reg = reg_urange(0, 100);
	refine(&t, &f, &reg, 10, BPF_JGT, false, true);
	reg_is(&t, "(0x0; 0xf) s=[0,9] u=[0x0,0x9] s32=[0,9] u32=[0x0,0x9]",
	       "10 > [0,100]: taken");
	reg_is(&f, "(0x0; 0x7f) s=[10,100] u=[0xa,0x64] s32=[10,100] "
	       "u32=[0xa,0x64]", "10 > [0,100]: not taken");
	refine(&t, &f, &reg, -3, BPF_JSLE, false, true);
	reg_is(&f, "(0x0; 0x7f) s=[0,100] u=[0x0,0x64] s32=[0,100] "
	       "u32=[0x0,0x64]", "-3 s<= [0,100]: not taken is dead, unchanged");
	refine(&t, &f, &reg, 0, BPF_JA, false, true);
	test_result(!memcmp(&t, &reg, sizeof(reg)) &&
		    !memcmp(&f, &reg, sizeof(reg)),
		    "set_min_max_inv: not a comparison, nothing changes");

	/* a pointer's offset learns nothing */
	reg = reg_unknown();
	xbpf_mark_reg_known_zero(&reg);
	reg.type = PTR_TO_MAP_VALUE;
	refine(&t, &f, &reg, 0, BPF_JEQ, false, false);
	test_result(!memcmp(&t, &reg, sizeof(reg)) &&
		    !memcmp(&f, &reg, sizeof(reg)),
		    "set_min_max: pointers are left alone");
}

static void combine_table(void)
{
	struct xbpf_reg_state a = reg_urange(0, 100), b = reg_srange(50, 200);
	struct xbpf_reg_state ta = a, tb = b, fa = a, fb = b;
	/* the 32-bit ranges are not intersected, only synced */
	const char *src = "(0x0; 0x7f) s=[50,100] u=[0x32,0x64] s32=[0,100] "
			  "u32=[0x0,0x64]";
	const char *dst = "(0x0; 0x7f) s=[50,100] u=[0x32,0x64] s32=[50,127] "
			  "u32=[0x32,0x7f]";

	xbpf_reg_combine_min_max(&ta, &tb, &fa, &fb, BPF_JEQ);
	reg_is(&ta, src, "[0,100] == [50,200]: taken, src");
	reg_is(&tb, dst, "[0,100] == [50,200]: taken, dst");
	test_result(!memcmp(&fa, &a, sizeof(a)) && !memcmp(&fb, &b, sizeof(b)),
		    "[0,100] == [50,200]: not taken, unchanged");
	ta = a, tb = b, fa = a, fb = b;
	xbpf_reg_combine_min_max(&ta, &tb, &fa, &fb, BPF_JNE);
	reg_is(&fa, src, "[0,100] != [50,200]: not taken, src");
	reg_is(&fb, dst, "[0,100] != [50,200]: not taken, dst");
	ta = a, tb = b, fa = a, fb = b;
	xbpf_reg_combine_min_max(&ta, &tb, &fa, &fb, BPF_JGT);
	test_result(!memcmp(&ta, &a, sizeof(a)) && !memcmp(&tb, &b, sizeof(b)) &&
		    !memcmp(&fa, &a, sizeof(a)) && !memcmp(&fb, &b, sizeof(b)),
		    "combine_min_max: only JEQ and JNE");
}

void test_bounds_tables(void)
{
	alu_table();
	alu_identity();
	mark_table();
	sync_table();
	conversion_table();
	taken_table();
	set_min_max_table();
	combine_table();
}
