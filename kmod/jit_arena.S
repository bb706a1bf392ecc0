/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The JIT's executable memory: a region of xbpf.ko's own text, so that the
 * module loader maps it read-only and executable (and makes the kernel's
 * linear-map alias of its pages read-only too), and so that the kernel's
 * text is within rel32 reach of every image. NOBITS: it costs nothing in
 * the .ko file; the loader zeroes it. kmod/jit.c hands it out.
 *
 * The ORC unwinder learns one entry for the whole arena: "frame pointer",
 * the same guess it makes for code it has no entry for, such as the
 * kernel's own BPF images. JITed code keeps rbp frames, so stack walks
 * (bpf_get_stackid, oops reports) go through JIT frames; without the
 * entry, the unwinder would apply the entry of the code before the arena
 * and stop there. The module loader sorts the module's ORC tables.
 */
#include <linux/linkage.h>
#include <asm/orc_types.h>
#include <asm/page_types.h>

	.section .xbpf_jit_arena, "ax", @nobits
	.balign PAGE_SIZE
SYM_DATA_START(xbpf_jit_arena)
	.skip XBPF_JIT_ARENA_SIZE
SYM_DATA_END(xbpf_jit_arena)

	.pushsection .orc_unwind_ip, "a"
	.balign 4
	.long xbpf_jit_arena - .
	.popsection

	/* struct orc_entry, as the unwinder's orc_fp_entry */
	.pushsection .orc_unwind, "a"
	.short 16				/* sp_offset */
	.short -16				/* bp_offset */
	.byte ORC_REG_BP | ORC_REG_PREV_SP << 4	/* sp_reg, bp_reg */
	.byte 0					/* type CALL, not the end */
	.popsection
