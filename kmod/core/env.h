/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The one seam between kmod/core/ and the world around it.
 *
 * Everything in kmod/core/ is built twice: into the module, and into host
 * test and fuzz binaries. The core therefore includes no header but this one
 * (and its own), and uses only what this file provides. In a kernel build it
 * maps onto kernel facilities; in a host build it supplies userspace
 * equivalents, plus two functions the host program must define:
 *
 *   bool xbpf_host_step(const struct bpf_insn *insn);
 *	Called before the interpreter executes each instruction; returning
 *	false stops the program, which then returns 0. Tests record opcode
 *	coverage here, the fuzzer enforces an instruction budget.
 *   void xbpf_host_bug(const char *what, const struct bpf_insn *insn);
 *	Called where the kernel build warns about a state a verified program
 *	cannot reach.
 */
#ifndef XBPF_CORE_ENV_H
#define XBPF_CORE_ENV_H

#ifdef __KERNEL__

#include <linux/atomic.h>
#include <linux/bug.h>
#include <linux/compiler.h>
#include <linux/kernel.h>
#include <linux/kprobes.h>
#include <linux/math64.h>
#include <linux/types.h>
#include <asm/byteorder.h>
#include <uapi/linux/bpf.h>

/* Code programs run: a kprobe there would recurse into the program. */
#define XBPF_NOKPROBE(sym)	NOKPROBE_SYMBOL(sym)

/* Lets objtool follow the interpreter's computed gotos. */
#define XBPF_JUMP_TABLE		__annotate_jump_table

static inline bool xbpf_core_step(const struct bpf_insn *insn)
{
	return true;
}

#define xbpf_core_bug(what, insn)					\
	WARN_ONCE(1, "xbpf: %s (code %02x imm %d)\n", what,		\
		  (insn)->code, (insn)->imm)

static inline u64 xbpf_div64(u64 a, u64 b)
{
	return div64_u64(a, b);
}

static inline u64 xbpf_mod64(u64 a, u64 b)
{
	u64 rem;

	div64_u64_rem(a, b, &rem);
	return rem;
}

/* BPF_END: the byte order conversions, as plain integers. */
#define XBPF_BYTEORDER(n)						\
static inline u##n xbpf_to_be##n(u##n v)				\
{									\
	return (__force u##n)cpu_to_be##n(v);				\
}									\
static inline u##n xbpf_to_le##n(u##n v)				\
{									\
	return (__force u##n)cpu_to_le##n(v);				\
}

/*
 * BPF atomics on memory the program owns. The kernel's atomic_t API gives
 * the ordering Linux gives BPF programs: none for the plain ops, full for
 * those that return a value.
 */
#define XBPF_ATOMIC_ALU(op)						\
static inline void xbpf_atomic32_##op(u32 *p, u32 v)			\
{									\
	atomic_##op((int)v, (atomic_t *)p);				\
}									\
static inline u32 xbpf_atomic32_fetch_##op(u32 *p, u32 v)		\
{									\
	return (u32)atomic_fetch_##op((int)v, (atomic_t *)p);		\
}									\
static inline void xbpf_atomic64_##op(u64 *p, u64 v)			\
{									\
	atomic64_##op((s64)v, (atomic64_t *)p);				\
}									\
static inline u64 xbpf_atomic64_fetch_##op(u64 *p, u64 v)		\
{									\
	return (u64)atomic64_fetch_##op((s64)v, (atomic64_t *)p);	\
}

static inline u32 xbpf_atomic32_xchg(u32 *p, u32 v)
{
	return (u32)atomic_xchg((atomic_t *)p, (int)v);
}

static inline u64 xbpf_atomic64_xchg(u64 *p, u64 v)
{
	return (u64)atomic64_xchg((atomic64_t *)p, (s64)v);
}

static inline u32 xbpf_atomic32_cmpxchg(u32 *p, u32 old, u32 new)
{
	return (u32)atomic_cmpxchg((atomic_t *)p, (int)old, (int)new);
}

static inline u64 xbpf_atomic64_cmpxchg(u64 *p, u64 old, u64 new)
{
	return (u64)atomic64_cmpxchg((atomic64_t *)p, (s64)old, (s64)new);
}

#else /* !__KERNEL__ */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <linux/bpf.h>

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
typedef int8_t s8;
typedef int16_t s16;
typedef int32_t s32;
typedef int64_t s64;

#define likely(x)		__builtin_expect(!!(x), 1)
#define unlikely(x)		__builtin_expect(!!(x), 0)
#define noinline		__attribute__((__noinline__))
#define XBPF_NOKPROBE(sym)
#define ARRAY_SIZE(a)		(sizeof(a) / sizeof((a)[0]))
#define __printf(a, b)		__attribute__((format(printf, a, b)))
#define XBPF_JUMP_TABLE

bool xbpf_host_step(const struct bpf_insn *insn);
void xbpf_host_bug(const char *what, const struct bpf_insn *insn);

#define xbpf_core_step(insn)		xbpf_host_step(insn)
#define xbpf_core_bug(what, insn)	xbpf_host_bug(what, insn)

static inline u64 xbpf_div64(u64 a, u64 b)
{
	return a / b;
}

static inline u64 xbpf_mod64(u64 a, u64 b)
{
	return a % b;
}

#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define XBPF_HOST_BE(n, v)	__builtin_bswap##n(v)
#define XBPF_HOST_LE(n, v)	(v)
#else
#define XBPF_HOST_BE(n, v)	(v)
#define XBPF_HOST_LE(n, v)	__builtin_bswap##n(v)
#endif

#define XBPF_BYTEORDER(n)						\
static inline u##n xbpf_to_be##n(u##n v)				\
{									\
	return XBPF_HOST_BE(n, v);					\
}									\
static inline u##n xbpf_to_le##n(u##n v)				\
{									\
	return XBPF_HOST_LE(n, v);					\
}

/* Same orderings as the kernel's atomic_t API: see the kernel half. */
#define XBPF_ATOMIC_ALU(op)						\
static inline void xbpf_atomic32_##op(u32 *p, u32 v)			\
{									\
	__atomic_fetch_##op(p, v, __ATOMIC_RELAXED);			\
}									\
static inline u32 xbpf_atomic32_fetch_##op(u32 *p, u32 v)		\
{									\
	return __atomic_fetch_##op(p, v, __ATOMIC_SEQ_CST);		\
}									\
static inline void xbpf_atomic64_##op(u64 *p, u64 v)			\
{									\
	__atomic_fetch_##op(p, v, __ATOMIC_RELAXED);			\
}									\
static inline u64 xbpf_atomic64_fetch_##op(u64 *p, u64 v)		\
{									\
	return __atomic_fetch_##op(p, v, __ATOMIC_SEQ_CST);		\
}

static inline u32 xbpf_atomic32_xchg(u32 *p, u32 v)
{
	return __atomic_exchange_n(p, v, __ATOMIC_SEQ_CST);
}

static inline u64 xbpf_atomic64_xchg(u64 *p, u64 v)
{
	return __atomic_exchange_n(p, v, __ATOMIC_SEQ_CST);
}

static inline u32 xbpf_atomic32_cmpxchg(u32 *p, u32 old, u32 new)
{
	__atomic_compare_exchange_n(p, &old, new, false, __ATOMIC_SEQ_CST,
				    __ATOMIC_SEQ_CST);
	return old;
}

static inline u64 xbpf_atomic64_cmpxchg(u64 *p, u64 old, u64 new)
{
	__atomic_compare_exchange_n(p, &old, new, false, __ATOMIC_SEQ_CST,
				    __ATOMIC_SEQ_CST);
	return old;
}

#endif /* __KERNEL__ */

XBPF_BYTEORDER(16)
XBPF_BYTEORDER(32)
XBPF_BYTEORDER(64)
#undef XBPF_BYTEORDER

XBPF_ATOMIC_ALU(add)
XBPF_ATOMIC_ALU(and)
XBPF_ATOMIC_ALU(or)
XBPF_ATOMIC_ALU(xor)
#undef XBPF_ATOMIC_ALU

/*
 * For the verifier: memory (process context, may sleep), formatting, and
 * the limits and helpers every C environment spells differently.
 */
#ifdef __KERNEL__
#include <linux/errno.h>
#include <linux/limits.h>
#include <linux/minmax.h>
#include <linux/mm.h>
#include <linux/percpu.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/timekeeping.h>
#include <linux/string.h>

static inline void *xbpf_core_zalloc(size_t size)
{
	return kvzalloc(size, GFP_KERNEL_ACCOUNT | __GFP_NOWARN);
}

/* Bytes past the old size are not zeroed. */
static inline void *xbpf_core_realloc(void *p, size_t old, size_t size)
{
	return kvrealloc(p, old, size, GFP_KERNEL_ACCOUNT | __GFP_NOWARN);
}

static inline void xbpf_core_free(const void *p)
{
	kvfree(p);
}

#define xbpf_vscnprintf(buf, size, fmt, args) \
	vscnprintf(buf, size, fmt, args)
#define xbpf_cond_resched()	cond_resched()
#define xbpf_core_now_ns()	ktime_get_ns()
/* A per-CPU variable's address for the CPU running: preemption is off. */
#define xbpf_core_this_cpu_ptr(p) \
	((u64)(unsigned long)raw_cpu_ptr((void __percpu *)(unsigned long)(p)))
#else
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#ifndef U8_MAX
#define U8_MAX		((u8)~0U)
#define U16_MAX		((u16)~0U)
#define U32_MAX		((u32)~0U)
#define U64_MAX		((u64)~0ULL)
#define S8_MAX		((s8)(U8_MAX >> 1))
#define S8_MIN		((s8)(-S8_MAX - 1))
#define S16_MAX		((s16)(U16_MAX >> 1))
#define S16_MIN		((s16)(-S16_MAX - 1))
#define S32_MAX		((s32)(U32_MAX >> 1))
#define S32_MIN		((s32)(-S32_MAX - 1))
#define S64_MAX		((s64)(U64_MAX >> 1))
#define S64_MIN		((s64)(-S64_MAX - 1))
#endif
#define min_t(type, a, b)	((type)(a) < (type)(b) ? (type)(a) : (type)(b))
#define max_t(type, a, b)	((type)(a) > (type)(b) ? (type)(a) : (type)(b))
#define min(a, b)		((a) < (b) ? (a) : (b))
#define max(a, b)		((a) > (b) ? (a) : (b))
#define BIT(n)			(1UL << (n))
#define BIT_ULL(n)		(1ULL << (n))
#define round_up(x, y)		((((x) - 1) | ((__typeof__(x))((y) - 1))) + 1)
#define round_down(x, y)	((x) & ~((__typeof__(x))((y) - 1)))
#define IS_ALIGNED(x, a)	(((x) & ((__typeof__(x))(a) - 1)) == 0)
#ifndef offsetof
#define offsetof(t, m)		__builtin_offsetof(t, m)
#endif
#define container_of(p, t, m)	((t *)((char *)(p) - offsetof(t, m)))
#define fallthrough		__attribute__((__fallthrough__))
#define WARN_ON_ONCE(c)		({ bool __c = !!(c); if (__c) xbpf_host_bug(#c, NULL); __c; })
#define WARN_ON(c)		WARN_ON_ONCE(c)
#define ENOTSUPP		524

static inline void *xbpf_core_zalloc(size_t size)
{
	return calloc(1, size ? size : 1);
}

static inline void *xbpf_core_realloc(void *p, size_t old, size_t size)
{
	(void)old;
	return realloc(p, size ? size : 1);
}

static inline void xbpf_core_free(const void *p)
{
	free((void *)p);
}

static inline int xbpf_vscnprintf(char *buf, size_t size, const char *fmt,
				  va_list args)
{
	int n = vsnprintf(buf, size, fmt, args);

	if (n < 0)
		return 0;
	return (size_t)n >= size ? (int)(size ? size - 1 : 0) : n;
}

#define xbpf_cond_resched()	do { } while (0)
/* On the host there is one "CPU", and its variables are where they are. */
#define xbpf_core_this_cpu_ptr(p)	((u64)(p))

#include <time.h>

static inline u64 xbpf_core_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (u64)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}
#endif /* __KERNEL__ */

#endif /* XBPF_CORE_ENV_H */
