// SPDX-License-Identifier: GPL-2.0
/*
 * Soundness, by random testing: whatever value a register can hold at run
 * time, its tracked state admits. For random states admitting chosen
 * values, every operation's concrete result must be admitted by its
 * abstract result, and a jump may only be called decided when it is.
 * Fixed seeds; ITERS cases per property.
 */
#include "vtest.h"

#define ITERS	200000

static struct xbpf_tnum rand_tnum(struct rng *r, u64 x)
{
	u64 m = rng_next(r) % 3 ? rng_value(r) : rng_next(r) & rng_next(r);

	return XBPF_TNUM(x & ~m, m);
}

/* one line per property, however many of its cases fail */
static void report(const char *what, unsigned long bad, unsigned long total)
{
	test_result(!bad, "%s: %lu of %lu unsound", what, bad, total);
}

static void tnum_sound(void)
{
	static const char *const names[] = {
		"add", "sub", "and", "or", "xor", "mul", "lshift", "rshift",
		"arshift32", "arshift64", "intersect", "range", "cast",
		"const_subreg",
	};
	unsigned long bad[ARRAY_SIZE(names)] = { 0 };
	struct rng r = { { 0x9e3779b97f4a7c15ULL, 0xbf58476d1ce4e5b9ULL } };
	unsigned long i;
	size_t k;

	for (i = 0; i < ITERS; i++) {
		u64 x = rng_value(&r), y = rng_value(&r);
		struct xbpf_tnum a = rand_tnum(&r, x), b = rand_tnum(&r, y);
		u8 sh = rng_next(&r) % 64, sh32 = sh % 32;
		u8 size = 1 << (rng_next(&r) % 4);
		u64 lo = x < y ? x : y, hi = x < y ? y : x;
		u64 mid = lo + (hi - lo) / 2;
		bool ok[ARRAY_SIZE(names)] = {
			tnum_has(tnum_add(a, b), x + y),
			tnum_has(tnum_sub(a, b), x - y),
			tnum_has(tnum_and(a, b), x & y),
			tnum_has(tnum_or(a, b), x | y),
			tnum_has(tnum_xor(a, b), x ^ y),
			tnum_has(tnum_mul(a, b), x * y),
			tnum_has(tnum_lshift(a, sh), x << sh),
			tnum_has(tnum_rshift(a, sh), x >> sh),
			tnum_has(tnum_arshift(a, sh32, 32),
				 (u32)((s32)(u32)x >> sh32)),
			tnum_has(tnum_arshift(a, sh, 64), (u64)((s64)x >> sh)),
			/* a tnum containing x, intersected with another */
			tnum_has(tnum_intersect(a, rand_tnum(&r, x)), x),
			tnum_has(tnum_range(lo, hi), lo) &&
			tnum_has(tnum_range(lo, hi), hi) &&
			tnum_has(tnum_range(lo, hi), mid),
			tnum_has(tnum_cast(a, size), size == 8 ? x :
				 x & ((1ULL << (size * 8)) - 1)),
			tnum_has(tnum_const_subreg(a, (u32)y),
				 (x & ~0xffffffffULL) | (u32)y),
		};

		for (k = 0; k < ARRAY_SIZE(names); k++)
			bad[k] += !ok[k];
	}
	for (k = 0; k < ARRAY_SIZE(names); k++) {
		char what[64];

		snprintf(what, sizeof(what), "sound: tnum_%s", names[k]);
		report(what, bad[k], ITERS);
	}
}

/* Also checks the sane test: a state that admits a value is sane. */
static bool admits(const struct xbpf_reg_state *reg, u64 x)
{
	return reg_has(reg, x) && xbpf_reg_bounds_sane(reg);
}

static void sync_sound(void)
{
	struct rng r = { { 0x1234567, 0x89abcdef } };
	unsigned long bad = 0, i;

	for (i = 0; i < ITERS; i++) {
		u64 x = rng_value(&r);
		struct xbpf_reg_state reg = reg_around(&r, x, true);
		struct xbpf_reg_state c = reg;
		int size = 1 << (rng_next(&r) % 4);
		u64 trunc = size == 8 ? x : x & ((1ULL << (size * 8)) - 1);

		xbpf_reg_bounds_sync(&reg);
		bad += !admits(&reg, x);
		xbpf_coerce_reg_to_size(&c, size);
		if (size < 4)
			bad += !admits(&c, trunc);
		c = reg;
		xbpf_coerce_reg_to_size(&c, size);
		bad += !admits(&c, trunc);
		c = reg;
		xbpf_zext_32_to_64(&c);
		xbpf_reg_bounds_sync(&c);
		bad += !admits(&c, (u32)x);
	}
	report("sound: bounds_sync, coerce_reg_to_size, zext_32_to_64", bad,
	       ITERS);
}

/* Anything learnt at all: not the state of a value nothing is known of. */
static bool tracked(const struct xbpf_reg_state *reg)
{
	return !tnum_is_unknown(reg->var_off) || reg->umin_value ||
	       reg->umax_value != U64_MAX || reg->smin_value != S64_MIN ||
	       reg->smax_value != S64_MAX;
}

static void alu_sound(bool alu32)
{
	struct rng r = { { 0xdeadbeef + alu32, 0xfeedface } };
	size_t k;

	for (k = 0; k < ARRAY_SIZE(alu_ops); k++) {
		unsigned long bad = 0, total = 0, known = 0, i;
		u8 op = alu_ops[k];
		char what[64];

		for (i = 0; i < ITERS; i++) {
			u64 x = rng_value(&r), y = rng_value(&r), z;
			struct xbpf_reg_state dst, src;

			/* shifts mostly in range, to be tracked at all */
			if ((op == BPF_LSH || op == BPF_RSH ||
			     op == BPF_ARSH) && rng_next(&r) % 4)
				y %= alu32 ? 32 : 64;
			if (!alu_concrete(op, alu32, x, y, &z))
				continue;
			dst = reg_around(&r, x, false);
			src = rng_next(&r) % 2 ? reg_const(y) :
						 reg_around(&r, y, false);
			xbpf_scalar_alu(&dst, src, op, alu32, rng_next(&r) % 2);
			total++;
			known += tracked(&dst);
			if (admits(&dst, z))
				continue;
			if (!bad++) {
				char buf[256];

				reg_str(buf, sizeof(buf), &dst);
				test_diag("0x%llx op 0x%02x 0x%llx = 0x%llx: %s",
					  (unsigned long long)x, op,
					  (unsigned long long)y,
					  (unsigned long long)z, buf);
			}
		}
		snprintf(what, sizeof(what),
			 "sound: scalar_alu op 0x%02x %s (%lu tracked)", op,
			 alu32 ? "alu32" : "alu64", known);
		report(what, bad, total);
	}
}

static void branch_sound(bool jmp32)
{
	struct rng r = { { 0xabad1dea + jmp32, 0x5eed } };
	unsigned long bad_taken = 0, bad_refine = 0, bad_inv = 0, i;
	unsigned long decided = 0;

	for (i = 0; i < ITERS; i++) {
		u8 op = jmp_ops[rng_next(&r) % ARRAY_SIZE(jmp_ops)];
		u64 x = rng_value(&r);
		/* near x, to make both outcomes common */
		u64 val = rng_next(&r) % 2 ? x + rng_next(&r) % 5 - 2 :
					     rng_value(&r);
		struct xbpf_reg_state reg = reg_around(&r, x, false);
		struct xbpf_reg_state t = reg, f = reg;
		bool holds = jmp_concrete(op, jmp32, x, val);
		int pred = xbpf_is_branch_taken(&reg, val, op, jmp32);

		decided += pred >= 0;
		if (pred >= 0 && pred != holds)
			bad_taken++;
		xbpf_reg_set_min_max(&t, &f, val, (u32)val, op, jmp32);
		if (!admits(holds ? &t : &f, x))
			bad_refine++;

		/* val op x, the constant on the left */
		t = reg;
		f = reg;
		holds = jmp_concrete(op, jmp32, val, x);
		xbpf_reg_set_min_max_inv(&t, &f, val, (u32)val, op, jmp32);
		if (!admits(holds ? &t : &f, x))
			bad_inv++;
	}
	test_diag("%s: %lu of %u jumps decided", jmp32 ? "jmp32" : "jmp",
		  decided, ITERS);
	report(jmp32 ? "sound: is_branch_taken jmp32" :
		       "sound: is_branch_taken jmp", bad_taken, ITERS);
	report(jmp32 ? "sound: reg_set_min_max jmp32" :
		       "sound: reg_set_min_max jmp", bad_refine, ITERS);
	report(jmp32 ? "sound: reg_set_min_max_inv jmp32" :
		       "sound: reg_set_min_max_inv jmp", bad_inv, ITERS);
}

static void combine_sound(void)
{
	struct rng r = { { 0xc0ffee, 0x7ea } };
	unsigned long bad = 0, i;

	for (i = 0; i < ITERS; i++) {
		u64 x = rng_value(&r), y = rng_next(&r) % 2 ? x : rng_value(&r);
		struct xbpf_reg_state a = reg_around(&r, x, false);
		struct xbpf_reg_state b = reg_around(&r, y, false);
		struct xbpf_reg_state ta = a, tb = b, fa = a, fb = b;
		u8 op = rng_next(&r) % 2 ? BPF_JEQ : BPF_JNE;
		bool equal = x == y;
		/* the side on which the two are equal, or the other */
		bool taken = op == BPF_JEQ ? equal : !equal;

		xbpf_reg_combine_min_max(&ta, &tb, &fa, &fb, op);
		if (taken)
			bad += !admits(&ta, x) || !admits(&tb, y);
		else
			bad += !admits(&fa, x) || !admits(&fb, y);
	}
	report("sound: reg_combine_min_max", bad, ITERS);
}

/*
 * Programs, not single steps: chains of operations from an unknown
 * value, each following the path its concrete value takes, as the
 * verifier does.
 */
static void chain_sound(void)
{
	struct rng r = { { 0x600d, 0xf00d } };
	unsigned long bad = 0, steps = 0, i;

	for (i = 0; i < ITERS / 20; i++) {
		u64 x = rng_value(&r);
		struct xbpf_reg_state reg = reg_unknown();
		int n;

		for (n = 0; n < 20; n++) {
			u64 y = rng_value(&r), z;

			if (rng_next(&r) % 2) {
				u8 op = alu_ops[rng_next(&r) % ARRAY_SIZE(alu_ops)];
				bool alu32 = rng_next(&r) % 2;

				if (op == BPF_LSH || op == BPF_RSH ||
				    op == BPF_ARSH)
					y %= alu32 ? 32 : 64;
				if (!alu_concrete(op, alu32, x, y, &z))
					continue;
				xbpf_scalar_alu(&reg, reg_const(y), op, alu32,
						true);
				x = z;
			} else {
				u8 op = jmp_ops[rng_next(&r) % ARRAY_SIZE(jmp_ops)];
				bool jmp32 = rng_next(&r) % 2;
				struct xbpf_reg_state t = reg, f = reg;

				if (rng_next(&r) % 2)
					y = x + rng_next(&r) % 64 - 32;
				xbpf_reg_set_min_max(&t, &f, y, (u32)y, op,
						     jmp32);
				reg = jmp_concrete(op, jmp32, x, y) ? t : f;
			}
			steps++;
			if (!admits(&reg, x)) {
				bad++;
				break;
			}
		}
	}
	report("sound: chains of ALU ops and jumps", bad, steps);
}

void test_soundness(void)
{
	tnum_sound();
	sync_sound();
	alu_sound(false);
	alu_sound(true);
	branch_sound(false);
	branch_sound(true);
	combine_sound();
	chain_sound();
}
