// SPDX-License-Identifier: GPL-2.0
/*
 * Host tests of the verifier's scalar tracking (kmod/core/verifier/tnum.c
 * and bounds.c): the driver, the result printer, and tables of exact
 * results. The expected values are Linux 6.1's, where the kernel log
 * shows them, and otherwise worked out by hand from 6.1's rules.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "vtest.h"

static unsigned int nr_tests, nr_passed, nr_failed;

static void vresult(const char *status, const char *directive,
		    const char *fmt, va_list ap)
{
	printf("%s %u - ", status, ++nr_tests);
	vprintf(fmt, ap);
	printf("%s\n", directive);
	fflush(stdout);
}

void test_result(bool ok, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vresult(ok ? "ok" : "not ok", "", fmt, ap);
	va_end(ap);
	if (ok)
		nr_passed++;
	else
		nr_failed++;
}

void test_skip(const char *why, const char *fmt, ...)
{
	char directive[256];
	va_list ap;

	snprintf(directive, sizeof(directive), " # SKIP %s", why);
	va_start(ap, fmt);
	vresult("ok", directive, fmt, ap);
	va_end(ap);
}

void test_diag(const char *fmt, ...)
{
	va_list ap;

	printf("# ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
}

/* As a 64-bit jump would leave it: 32-bit ranges where the 64-bit fit. */
struct xbpf_reg_state reg_urange(u64 umin, u64 umax)
{
	struct xbpf_reg_state reg = reg_unknown();

	reg.umin_value = umin;
	reg.umax_value = umax;
	if (umax <= U32_MAX) {
		reg.u32_min_value = (u32)umin;
		reg.u32_max_value = (u32)umax;
	}
	xbpf_reg_bounds_sync(&reg);
	return reg;
}

struct xbpf_reg_state reg_srange(s64 smin, s64 smax)
{
	struct xbpf_reg_state reg = reg_unknown();

	reg.smin_value = smin;
	reg.smax_value = smax;
	if (smin >= S32_MIN && smax <= S32_MAX) {
		reg.s32_min_value = (s32)smin;
		reg.s32_max_value = (s32)smax;
	}
	xbpf_reg_bounds_sync(&reg);
	return reg;
}

int main(void)
{
	test_tnum_tables();
	test_bounds_tables();
	test_soundness();
	test_kernel();
	printf("%u passed, %u failed\n", nr_passed, nr_failed);
	return nr_failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
