/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The start of .text.xbpf_hot, the code every run of a program passes
 * through (__xbpf_hot in prog.h): page-aligned, and this object links
 * first, so the section's code (checked to stay within a page by
 * scripts/check-hot, a stage of make check) shares one page.
 *
 * Why: xbpf's benchmarks and selftests run under QEMU's TCG, which chains
 * a jump straight to its target only within one page of code; a run loop
 * that straddles a page boundary looks its target up on every pass, and
 * costs a short program more than the program itself. On hardware a loop
 * that stays in one page also stays in fewer iTLB entries.
 */
#include <asm/page_types.h>

	.section .text.xbpf_hot, "ax", @progbits
	.balign PAGE_SIZE
