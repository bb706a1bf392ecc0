/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Limits and min/max for the verifier's bounds code. The kernel build gets
 * them from <linux/limits.h> and <linux/minmax.h> through env.h; the host
 * build has no such headers, so they are defined here when absent.
 */
#ifndef XBPF_CORE_VERIFIER_VDEFS_H
#define XBPF_CORE_VERIFIER_VDEFS_H

#include "../env.h"

#ifndef U16_MAX
#define U16_MAX		((u16)~0U)
#endif
#ifndef U32_MAX
#define U32_MAX		((u32)~0U)
#endif
#ifndef U64_MAX
#define U64_MAX		((u64)~0ULL)
#endif
#ifndef S32_MAX
#define S32_MAX		((s32)(U32_MAX >> 1))
#endif
#ifndef S32_MIN
#define S32_MIN		((s32)(-S32_MAX - 1))
#endif
#ifndef S64_MAX
#define S64_MAX		((s64)(U64_MAX >> 1))
#endif
#ifndef S64_MIN
#define S64_MIN		((s64)(-S64_MAX - 1))
#endif

#ifndef min_t
#define min_t(type, a, b) ({			\
	type __a = (a);				\
	type __b = (b);				\
	__a < __b ? __a : __b; })
#endif
#ifndef max_t
#define max_t(type, a, b) ({			\
	type __a = (a);				\
	type __b = (b);				\
	__a > __b ? __a : __b; })
#endif

#endif /* XBPF_CORE_VERIFIER_VDEFS_H */
