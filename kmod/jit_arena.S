/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The JIT's executable memory: a region of xbpf.ko's own text, so that the
 * module loader maps it read-only and executable (and makes the kernel's
 * linear-map alias of its pages read-only too), and so that the kernel's
 * text is within rel32 reach of every image. NOBITS: it costs nothing in
 * the .ko file; the loader zeroes it. kmod/jit.c hands it out.
 */
#include <linux/linkage.h>
#include <asm/page_types.h>

	.section .xbpf_jit_arena, "ax", @nobits
	.balign PAGE_SIZE
SYM_DATA_START(xbpf_jit_arena)
	.skip XBPF_JIT_ARENA_SIZE
SYM_DATA_END(xbpf_jit_arena)
