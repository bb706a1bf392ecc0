/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The verifier's interface to its host (the module, or a host test).
 *
 * xbpf_verify() takes a program as userspace sent it, proves it safe the
 * way Linux 6.1 does — or explains in the log why not, with Linux's
 * messages — and rewrites it into the form the interpreter and the JIT
 * run: context accesses converted, helper calls resolved, map references
 * turned into pointers.
 */
#ifndef XBPF_CORE_VERIFIER_VERIFIER_H
#define XBPF_CORE_VERIFIER_VERIFIER_H

#include "vstate.h"

struct xbpf_verifier_env;

/* Helper argument and return types, as Linux 6.1 numbers them. */
enum xbpf_arg_type {
	ARG_DONTCARE = 0,
	ARG_CONST_MAP_PTR,
	ARG_PTR_TO_MAP_KEY,
	ARG_PTR_TO_MAP_VALUE,
	ARG_PTR_TO_MEM,
	ARG_CONST_SIZE,
	ARG_CONST_SIZE_OR_ZERO,
	ARG_PTR_TO_CTX,
	ARG_ANYTHING,
	ARG_PTR_TO_SPIN_LOCK,
	ARG_PTR_TO_SOCK_COMMON,
	ARG_PTR_TO_SOCKET,
	ARG_PTR_TO_BTF_ID,
	ARG_PTR_TO_ALLOC_MEM,
	ARG_CONST_ALLOC_SIZE_OR_ZERO,
	ARG_PTR_TO_BTF_ID_SOCK_COMMON,
	ARG_PTR_TO_PERCPU_BTF_ID,
	ARG_PTR_TO_FUNC,
	ARG_PTR_TO_STACK,
	ARG_PTR_TO_CONST_STR,
	ARG_PTR_TO_TIMER,
	ARG_PTR_TO_KPTR,
	ARG_PTR_TO_DYNPTR,
	__ARG_TYPE_MAX,

	ARG_PTR_TO_MAP_VALUE_OR_NULL	= PTR_MAYBE_NULL | ARG_PTR_TO_MAP_VALUE,
	ARG_PTR_TO_MEM_OR_NULL		= PTR_MAYBE_NULL | ARG_PTR_TO_MEM,
	ARG_PTR_TO_CTX_OR_NULL		= PTR_MAYBE_NULL | ARG_PTR_TO_CTX,
	ARG_PTR_TO_ALLOC_MEM_OR_NULL	= PTR_MAYBE_NULL | ARG_PTR_TO_ALLOC_MEM,
	ARG_PTR_TO_STACK_OR_NULL	= PTR_MAYBE_NULL | ARG_PTR_TO_STACK,
	ARG_PTR_TO_UNINIT_MEM		= MEM_UNINIT | MEM_WRITE | ARG_PTR_TO_MEM,
	ARG_PTR_TO_FIXED_SIZE_MEM	= MEM_FIXED_SIZE | ARG_PTR_TO_MEM,
	/* pop/peek: the helper fills a value-sized buffer */
	ARG_PTR_TO_UNINIT_MAP_VALUE	= MEM_UNINIT | MEM_WRITE |
					  ARG_PTR_TO_MAP_VALUE,
};

enum xbpf_return_type {
	RET_INTEGER,
	RET_VOID,
	RET_PTR_TO_MAP_VALUE,
	RET_PTR_TO_SOCKET,
	RET_PTR_TO_TCP_SOCK,
	RET_PTR_TO_SOCK_COMMON,
	RET_PTR_TO_ALLOC_MEM,
	RET_PTR_TO_MEM_OR_BTF_ID,
	RET_PTR_TO_BTF_ID,
	__RET_TYPE_MAX,

	RET_PTR_TO_MAP_VALUE_OR_NULL	= PTR_MAYBE_NULL | RET_PTR_TO_MAP_VALUE,
	RET_PTR_TO_ALLOC_MEM_OR_NULL	= PTR_MAYBE_NULL | MEM_ALLOC |
					  RET_PTR_TO_ALLOC_MEM,
};

/*
 * The kernel types xbpf knows by name without BTF: what a PTR_TO_BTF_ID
 * register points to, and what a helper's ARG_PTR_TO_BTF_ID argument or
 * RET_PTR_TO_BTF_ID result is. Programs get such pointers only from
 * helpers, and may pass them to helpers but not read through them.
 */
enum xbpf_btf_type {
	XBPF_BTF_NONE,
	XBPF_BTF_TASK_STRUCT,
	XBPF_BTF_PT_REGS,
};

/* A helper as the verifier checks calls to it. */
struct xbpf_func_proto {
	u32 func_id;
	bool gpl_only;
	bool pkt_access;
	/* may sleep: refused to programs that must not (all of xbpf's) */
	bool might_sleep;
	u32 ret_type;			/* enum xbpf_return_type | flags */
	u32 arg_type[5];		/* enum xbpf_arg_type | flags */
	u32 arg_size[5];		/* MEM_FIXED_SIZE arguments */
	u32 arg_btf_id[5];		/* ARG_PTR_TO_BTF_ID: enum xbpf_btf_type */
	u32 ret_btf_id;			/* RET_PTR_TO_BTF_ID: enum xbpf_btf_type */
	/* the function; a verified call's imm (the helper id) finds it */
	u64 (*func)(u64 r1, u64 r2, u64 r3, u64 r4, u64 r5);
};

enum xbpf_access_type {
	XBPF_READ = 1,
	XBPF_WRITE = 2,
};

/* What a program type says about one context access it allows. */
struct xbpf_insn_access_aux {
	u32 reg_type;		/* type the loaded register gets */
	int ctx_field_size;	/* the field's real size, for narrow loads */
};

/* A program type: its context and the helpers it may call. */
struct xbpf_prog_type_ops {
	u32 prog_type;
	/* may the program access ctx bytes [off, off + size)? */
	bool (*is_valid_access)(int off, int size, enum xbpf_access_type type,
				const struct xbpf_verifier_env *env,
				struct xbpf_insn_access_aux *info);
	/* the helper func_id as this type offers it, or NULL */
	const struct xbpf_func_proto *(*get_func_proto)(u32 func_id,
					const struct xbpf_verifier_env *env);
	/*
	 * Linux 6.1 offers helper func_id to this program type, though
	 * get_func_proto() has nothing for it yet: the call is refused as
	 * not supported rather than as an unknown function.
	 */
	bool (*helper_known)(u32 func_id);
	/*
	 * If set, replaces helper_known: Linux 6.1 offers func_id to this
	 * program type and this loader (capabilities, lockdown), though
	 * get_func_proto() has nothing for it.
	 */
	bool (*helper_offered)(u32 func_id,
			       const struct xbpf_verifier_env *env);
	/*
	 * Rewrite one verified ctx access into accesses of the kernel's
	 * object; fill insn_buf, return the number of insns (0: unchanged).
	 * *target_size gets the size of the field really read.
	 */
	u32 (*convert_ctx_access)(enum xbpf_access_type type,
				  const struct bpf_insn *si,
				  struct bpf_insn *insn_buf, u32 *target_size);
	/* LD_ABS/LD_IND are allowed (an skb context) */
	bool may_access_skb;
};

/* What the verifier asks of its host. */
struct xbpf_verifier_host {
	void *priv;
	/*
	 * The map behind fd for an ld_imm64. The host keeps a reference for
	 * as long as the program lives (or until the load fails); the same
	 * map may be asked for more than once. Returns 0 or a negative
	 * errno (-EBADF, -EINVAL as Linux).
	 */
	int (*get_map)(void *priv, s32 fd, const struct xbpf_vmap **map);
	/*
	 * fd_array[idx] of the load request, for BPF_PSEUDO_MAP_IDX:
	 * -EPROTO if the request has no fd_array, -EFAULT if unreadable.
	 */
	int (*fd_array_get)(void *priv, u32 idx, s32 *fd);
	/*
	 * Address of byte off of the map's single value, for direct value
	 * access (BPF_PSEUDO_MAP_VALUE); -EINVAL if the map has none.
	 */
	int (*map_direct_value_addr)(void *priv, const struct xbpf_vmap *map,
				     u32 off, u64 *addr);
	/* Copy len bytes of log text to offset off of the user's buffer. */
	int (*log_copy)(void *priv, u32 off, const char *text, u32 len);
	/*
	 * The per-CPU address of the host's CPU number (a u32), which
	 * XBPF_PERCPU makes the running CPU's: get_smp_processor_id() is
	 * then read in line. 0: the helper is called.
	 */
	u64 cpu_number;
	/*
	 * Check bpf_snprintf()'s constant, NUL-terminated format for
	 * num_args arguments with the rules of bpf_bprintf_prepare(): 0 or
	 * a negative errno. Without it, every format passes.
	 */
	int (*bprintf_check)(const char *fmt, u32 num_args);
};

/* The verifier log: Linux's levels, truncation and ENOSPC semantics. */
#define XBPF_LOG_LEVEL1		1
#define XBPF_LOG_LEVEL2		2
#define XBPF_LOG_STATS		4
#define XBPF_LOG_LEVEL		(XBPF_LOG_LEVEL1 | XBPF_LOG_LEVEL2)
#define XBPF_LOG_MASK		(XBPF_LOG_LEVEL | XBPF_LOG_STATS)

struct xbpf_verifier_log {
	u32 level;
	u32 len_used;
	u32 len_total;
	bool ubuf;		/* a buffer exists and is still writable */
	char kbuf[1024];
};

/* The load request. */
struct xbpf_verify_attr {
	const struct bpf_insn *insns;
	u32 insn_cnt;
	u32 prog_flags;
	u32 log_level;
	u32 log_size;
	bool log_buf;		/* the user passed a log buffer */
	bool gpl_compatible;
	u32 expected_attach_type;
	/* privileges of the loader, as Linux derives them */
	bool bpf_capable;
	bool perfmon_capable;	/* allow_ptr_leaks, bypass_spec_v1/v4 */
};

/* The verified, rewritten program. */
struct xbpf_verify_result {
	struct bpf_insn *insns;		/* free with xbpf_core_free() */
	u32 insn_cnt;
	u32 stack_depth;		/* main program */
	u32 verified_insns;		/* insns processed */
	u32 max_ctx_offset;		/* last ctx byte accessed + 1 */
	const struct xbpf_vmap *used_maps[XBPF_MAX_USED_MAPS];
	u32 used_map_cnt;
	bool has_ld_abs;
	bool has_tail_call;
	/* the functions: first insn (ascending, main's 0) and stack used */
	u32 func_cnt;
	u32 func_start[XBPF_MAX_SUBPROGS];
	u32 func_stack_depth[XBPF_MAX_SUBPROGS];
	/* where the log's text ends (its NUL), if there is a log to add to */
	u32 log_end;
	bool log_open;
};

/*
 * Verify and rewrite. Returns 0, or the errno Linux returns for the same
 * program (-EINVAL, -EACCES, -E2BIG, -ENOSPC for a full log, -EFAULT,
 * -ENOMEM, -ENOTSUPP for a feature xbpf does not have yet).
 */
int xbpf_verify(const struct xbpf_verify_attr *attr,
		const struct xbpf_prog_type_ops *ops,
		const struct xbpf_verifier_host *host,
		struct xbpf_verify_result *res);

/*
 * The loader's privileges, for prog-type callbacks (Linux gates helpers
 * on bpf_capable() and perfmon_capable()). env NULL: a caller outside a
 * verification (building call tables), which sees every helper.
 */
bool xbpf_env_bpf_capable(const struct xbpf_verifier_env *env);
/* The program type being verified; BPF_PROG_TYPE_UNSPEC for env NULL. */
u32 xbpf_env_prog_type(const struct xbpf_verifier_env *env);
bool xbpf_env_perfmon_capable(const struct xbpf_verifier_env *env);

/* Log text, printf-style, for prog-type callbacks. */
__printf(2, 3) void xbpf_verbose(struct xbpf_verifier_env *env,
				 const char *fmt, ...);

#endif /* XBPF_CORE_VERIFIER_VERIFIER_H */
