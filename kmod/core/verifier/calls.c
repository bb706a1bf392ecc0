// SPDX-License-Identifier: GPL-2.0
/*
 * Calls and exits: a helper call checked argument by argument against the
 * helper's prototype, a bpf-to-bpf call entering a new frame, and BPF_EXIT
 * returning from a frame or ending the program.
 *
 * Callbacks (bpf_loop(), bpf_for_each_map_elem()) are verified as 6.1
 * does it: the helper call enters the callback's frame once, with the
 * arguments the helper will pass, and its exit returns to after the call.
 *
 * Linux 6.1's rules and messages throughout. What xbpf does not have
 * (BTF, kfuncs, async callbacks, spin locks, timers, kptrs, dynptrs, sockets)
 * is refused with -ENOTSUPP where a program could reach it; where only a
 * program type or helper outside xbpf's scope could, the code is left out.
 */
#include "../disasm.h"
#include "vfuncs.h"

#define XBPF_FUNC_REG_ARGS	5
/* helpers returning a length return at least -MAX_ERRNO */
#define XBPF_MAX_ERRNO		4095

/* Helper ids Linux 6.1 knows: [0, XBPF_FUNC_MAX_ID). */
#define XBPF_FUNC_MAX_ID	__BPF_FUNC_MAX_ID

static const char *func_id_name(int id)
{
	return xbpf_helper_name(id) ?: "unknown";
}

static bool arg_type_is_mem_size(u32 type)
{
	return type == ARG_CONST_SIZE || type == ARG_CONST_SIZE_OR_ZERO;
}

static bool arg_type_is_raw_mem(u32 type)
{
	return base_type(type) == ARG_PTR_TO_MEM && (type & MEM_UNINIT);
}

static bool arg_type_is_release(u32 type)
{
	return type & OBJ_RELEASE;
}

static enum xbpf_access_type arg_access_type(u32 type)
{
	return type & MEM_WRITE ? XBPF_WRITE : XBPF_READ;
}

/*
 * Argument kinds whose checks need what xbpf does not have. A register of
 * the wrong type is still refused with Linux's message first.
 */
static const char *arg_type_unsupported(u32 type)
{
	switch (base_type(type)) {
	case ARG_PTR_TO_SPIN_LOCK:
		return "bpf_spin_lock is";
	case ARG_PTR_TO_TIMER:
		return "bpf_timer is";
	case ARG_PTR_TO_KPTR:
		return "kptrs are";
	case ARG_PTR_TO_DYNPTR:
		return "dynptrs are";
	default:
		return NULL;
	}
}

/* The register types each argument type accepts, in Linux's order. */
struct reg_types {
	u32 types[8];
};

static const struct reg_types map_key_value_types = { {
	PTR_TO_STACK, PTR_TO_PACKET, PTR_TO_PACKET_META, PTR_TO_MAP_KEY,
	PTR_TO_MAP_VALUE,
} };
static const struct reg_types sock_types = { {
	PTR_TO_SOCK_COMMON, PTR_TO_SOCKET, PTR_TO_TCP_SOCK, PTR_TO_XDP_SOCK,
} };
static const struct reg_types btf_id_sock_common_types = { {
	PTR_TO_SOCK_COMMON, PTR_TO_SOCKET, PTR_TO_TCP_SOCK, PTR_TO_XDP_SOCK,
	PTR_TO_BTF_ID,
} };
static const struct reg_types mem_types = { {
	PTR_TO_STACK, PTR_TO_PACKET, PTR_TO_PACKET_META, PTR_TO_MAP_KEY,
	PTR_TO_MAP_VALUE, PTR_TO_MEM, PTR_TO_MEM | MEM_ALLOC, PTR_TO_BUF,
} };
static const struct reg_types fullsock_types = { { PTR_TO_SOCKET } };
static const struct reg_types scalar_types = { { SCALAR_VALUE } };
static const struct reg_types context_types = { { PTR_TO_CTX } };
static const struct reg_types alloc_mem_types = { { PTR_TO_MEM | MEM_ALLOC } };
static const struct reg_types const_map_ptr_types = { { CONST_PTR_TO_MAP } };
static const struct reg_types btf_ptr_types = { { PTR_TO_BTF_ID } };
static const struct reg_types map_value_types = { { PTR_TO_MAP_VALUE } };
static const struct reg_types percpu_btf_ptr_types = {
	{ PTR_TO_BTF_ID | MEM_PERCPU }
};
static const struct reg_types func_ptr_types = { { PTR_TO_FUNC } };
static const struct reg_types stack_ptr_types = { { PTR_TO_STACK } };
static const struct reg_types dynptr_types = { { PTR_TO_STACK, PTR_TO_DYNPTR } };

static const struct reg_types *const compatible_reg_types[__ARG_TYPE_MAX] = {
	[ARG_PTR_TO_MAP_KEY]		= &map_key_value_types,
	[ARG_PTR_TO_MAP_VALUE]		= &map_key_value_types,
	[ARG_CONST_SIZE]		= &scalar_types,
	[ARG_CONST_SIZE_OR_ZERO]	= &scalar_types,
	[ARG_CONST_ALLOC_SIZE_OR_ZERO]	= &scalar_types,
	[ARG_CONST_MAP_PTR]		= &const_map_ptr_types,
	[ARG_PTR_TO_CTX]		= &context_types,
	[ARG_PTR_TO_SOCK_COMMON]	= &sock_types,
	[ARG_PTR_TO_BTF_ID_SOCK_COMMON]	= &btf_id_sock_common_types,
	[ARG_PTR_TO_SOCKET]		= &fullsock_types,
	[ARG_PTR_TO_BTF_ID]		= &btf_ptr_types,
	[ARG_PTR_TO_SPIN_LOCK]		= &map_value_types,
	[ARG_PTR_TO_MEM]		= &mem_types,
	[ARG_PTR_TO_ALLOC_MEM]		= &alloc_mem_types,
	[ARG_PTR_TO_PERCPU_BTF_ID]	= &percpu_btf_ptr_types,
	[ARG_PTR_TO_FUNC]		= &func_ptr_types,
	[ARG_PTR_TO_STACK]		= &stack_ptr_types,
	[ARG_PTR_TO_CONST_STR]		= &map_value_types,
	[ARG_PTR_TO_TIMER]		= &map_value_types,
	[ARG_PTR_TO_KPTR]		= &map_value_types,
	[ARG_PTR_TO_DYNPTR]		= &dynptr_types,
};

static int check_reg_type(struct xbpf_verifier_env *env, u32 regno,
			  u32 arg_type)
{
	const struct xbpf_reg_state *reg = reg_state(env, regno);
	const struct reg_types *compatible = NULL;
	u32 type = reg->type;
	int i, j;

	if (base_type(arg_type) < __ARG_TYPE_MAX)
		compatible = compatible_reg_types[base_type(arg_type)];
	if (!compatible) {
		verbose(env, "verifier internal error: unsupported arg type %d\n",
			arg_type);
		return -EFAULT;
	}

	/*
	 * An argument that may be read-only (or NULL) memory takes memory
	 * that is; one that may not, does not: fold the register's flag
	 * only where the argument allows it.
	 */
	if (arg_type & MEM_RDONLY)
		type &= ~MEM_RDONLY;
	if (arg_type & PTR_MAYBE_NULL)
		type &= ~PTR_MAYBE_NULL;

	for (i = 0; i < (int)ARRAY_SIZE(compatible->types); i++) {
		if (compatible->types[i] == NOT_INIT)
			break;
		if (type == compatible->types[i])
			return 0;
	}

	/* one call per type: reg_type_str() reuses one buffer */
	verbose(env, "R%d type=%s expected=", regno,
		reg_type_str(env, reg->type));
	for (j = 0; j + 1 < i; j++)
		verbose(env, "%s, ", reg_type_str(env, compatible->types[j]));
	verbose(env, "%s\n", reg_type_str(env, compatible->types[j]));
	return -EACCES;
}

/* Which pointers may reach a helper with a fixed or variable offset. */
static int check_func_arg_reg_off(struct xbpf_verifier_env *env,
				  const struct xbpf_reg_state *reg, int regno,
				  u32 arg_type)
{
	switch (reg->type) {
	case PTR_TO_STACK:
	case PTR_TO_PACKET:
	case PTR_TO_PACKET_META:
	case PTR_TO_MAP_KEY:
	case PTR_TO_MAP_VALUE:
	case PTR_TO_MEM:
	case PTR_TO_MEM | MEM_RDONLY:
	case PTR_TO_MEM | MEM_ALLOC:
	case PTR_TO_BUF:
	case PTR_TO_BUF | MEM_RDONLY:
	case SCALAR_VALUE:
		/* memory to be released must be passed as it was returned */
		if (base_type(arg_type) != ARG_PTR_TO_ALLOC_MEM)
			return 0;
		break;
	default:
		break;
	}
	return check_ptr_off_reg(env, reg, regno);
}

/*
 * A helper argument marked MEM_ALIGNED (bpf_strtol()'s result, say) must
 * be aligned to its size, whatever the program's alignment mode. Linux's
 * check_ptr_alignment() in strict mode, for the pointers such an argument
 * accepts (packet pointers do not exist in xbpf's program types).
 */
static int check_arg_alignment(struct xbpf_verifier_env *env,
			       const struct xbpf_reg_state *reg, int size)
{
	const char *pointer_desc = "";
	char tn_buf[48];

	switch (reg->type) {
	case PTR_TO_MAP_KEY:
		pointer_desc = "key ";
		break;
	case PTR_TO_MAP_VALUE:
		pointer_desc = "value ";
		break;
	case PTR_TO_STACK:
		pointer_desc = "stack ";
		break;
	default:
		break;
	}
	if (size == 1 ||
	    tnum_is_aligned(tnum_add(reg->var_off, tnum_const(reg->off)), size))
		return 0;

	tnum_strn(tn_buf, sizeof(tn_buf), reg->var_off);
	verbose(env, "misaligned %saccess off %s+%d+%d size %d\n",
		pointer_desc, tn_buf, reg->off, 0, size);
	return -EACCES;
}

/*
 * A NUL-terminated string at a constant place in a frozen, read-only map
 * value (bpf_strncmp()'s s2, bpf_snprintf()'s format): its bytes are
 * fixed, so the verifier reads them now.
 */
static int check_const_str_arg(struct xbpf_verifier_env *env, u32 regno,
			       const struct xbpf_reg_state *reg)
{
	const struct xbpf_vmap *map = reg->map_ptr;
	u64 map_addr;
	int map_off, err;

	if (!(map->map_flags & BPF_F_RDONLY_PROG) || !map->frozen) {
		verbose(env, "R%d does not point to a readonly map'\n", regno);
		return -EACCES;
	}
	if (!tnum_is_const(reg->var_off)) {
		verbose(env, "R%d is not a constant address'\n", regno);
		return -EACCES;
	}
	err = check_map_access(env, regno, reg->off,
			       map->value_size - reg->off, false);
	if (err)
		return err;
	map_off = reg->off + reg->var_off.value;
	/* the host has values to address directly for array maps only */
	if (!env->host->map_direct_value_addr ||
	    env->host->map_direct_value_addr(env->host->priv, map, map_off,
					     &map_addr)) {
		verbose(env, "no direct value access support for this map type\n");
		return -EACCES;
	}
	if (!memchr((const char *)(unsigned long)map_addr, 0,
		    map->value_size - map_off)) {
		verbose(env, "string is not zero-terminated\n");
		return -EINVAL;
	}
	return 0;
}

/*
 * bpf_snprintf(): the data is an array of u64 and the constant format
 * (R3, already checked as a string in a frozen read-only map) may convert
 * no more of them than there are, with bpf_bprintf_prepare()'s rules.
 */
static int check_snprintf_call(struct xbpf_verifier_env *env,
			       const struct xbpf_reg_state *regs)
{
	const struct xbpf_reg_state *fmt_reg = &regs[BPF_REG_3];
	const struct xbpf_reg_state *data_len_reg = &regs[BPF_REG_5];
	u32 num_args, fmt_off;
	u64 fmt_addr;
	int err;

	if (data_len_reg->var_off.value % 8)
		return -EINVAL;
	num_args = data_len_reg->var_off.value / 8;

	fmt_off = fmt_reg->off + fmt_reg->var_off.value;
	if (env->host->map_direct_value_addr(env->host->priv,
					     fmt_reg->map_ptr, fmt_off,
					     &fmt_addr)) {
		verbose(env, "verifier bug\n");
		return -EFAULT;
	}
	if (!env->host->bprintf_check)
		return 0;
	err = env->host->bprintf_check((const char *)(unsigned long)fmt_addr,
				       num_args);
	if (err < 0)
		verbose(env, "Invalid format string\n");
	return err;
}

/*
 * A kernel object of the type the helper takes. Linux also accepts a
 * pointer to a member whose type matches, which needs BTF to find.
 */
static int check_btf_id_arg(struct xbpf_verifier_env *env,
			    const struct xbpf_reg_state *reg, u32 regno,
			    u32 arg_btf_id)
{
	if (reg->off) {
		verbose(env, "xbpf: R%d points into a %s, which needs BTF; not supported\n",
			regno, btf_type_name(reg->btf_id));
		return -ENOTSUPP;
	}
	if (reg->btf_id != arg_btf_id) {
		verbose(env, "R%d is of type %s but %s is expected\n", regno,
			btf_type_name(reg->btf_id), btf_type_name(arg_btf_id));
		return -EACCES;
	}
	return 0;
}

/* Map-type specific argument types (the value of a sockmap is a socket). */
static int resolve_map_arg_type(struct xbpf_verifier_env *env,
				const struct xbpf_call_arg_meta *meta,
				u32 *arg_type)
{
	if (!meta->map_ptr) {
		/* the map argument comes first in every map helper */
		verbose(env, "invalid map_ptr to access map->type\n");
		return -EACCES;
	}

	switch (meta->map_ptr->map_type) {
	case BPF_MAP_TYPE_SOCKMAP:
	case BPF_MAP_TYPE_SOCKHASH:
		if (*arg_type == ARG_PTR_TO_MAP_VALUE) {
			*arg_type = ARG_PTR_TO_BTF_ID_SOCK_COMMON;
		} else {
			verbose(env, "invalid arg_type for sockmap/sockhash\n");
			return -EINVAL;
		}
		break;
	case BPF_MAP_TYPE_BLOOM_FILTER:
		if (meta->func_id == BPF_FUNC_map_peek_elem)
			*arg_type = ARG_PTR_TO_MAP_VALUE;
		break;
	default:
		break;
	}
	return 0;
}

static int check_func_arg(struct xbpf_verifier_env *env, u32 arg,
			  struct xbpf_call_arg_meta *meta,
			  const struct xbpf_func_proto *fn)
{
	u32 regno = BPF_REG_1 + arg;
	struct xbpf_reg_state *reg = reg_state(env, regno);
	u32 arg_type = fn->arg_type[arg];
	const char *unsupported;
	int err;

	if (arg_type == ARG_DONTCARE)
		return 0;

	err = check_reg_arg(env, regno, SRC_OP);
	if (err)
		return err;

	if (arg_type == ARG_ANYTHING) {
		if (is_pointer_value(env, regno)) {
			verbose(env, "R%d leaks addr into helper function\n",
				regno);
			return -EACCES;
		}
		return 0;
	}

	if (base_type(arg_type) == ARG_PTR_TO_MAP_VALUE) {
		err = resolve_map_arg_type(env, meta, &arg_type);
		if (err)
			return err;
	}

	/* NULL is a scalar: there is no pointer type to check */
	if (!(register_is_null(reg) && type_may_be_null(arg_type))) {
		err = check_reg_type(env, regno, arg_type);
		if (err)
			return err;

		unsupported = arg_type_unsupported(arg_type);
		if (unsupported) {
			verbose(env, "xbpf: %s not supported\n", unsupported);
			return -ENOTSUPP;
		}

		err = check_func_arg_reg_off(env, reg, regno, arg_type);
		if (err)
			return err;

		if (base_type(arg_type) == ARG_PTR_TO_BTF_ID) {
			err = check_btf_id_arg(env, reg, regno,
					       fn->arg_btf_id[arg]);
			if (err)
				return err;
		}
	}

	if (arg_type_is_release(arg_type)) {
		if (!reg->ref_obj_id && !register_is_null(reg)) {
			verbose(env, "R%d must be referenced when passed to release function\n",
				regno);
			return -EINVAL;
		}
		if (meta->release_regno) {
			verbose(env, "verifier internal error: more than one release argument\n");
			return -EFAULT;
		}
		meta->release_regno = regno;
	}

	if (reg->ref_obj_id) {
		if (meta->ref_obj_id) {
			verbose(env, "verifier internal error: more than one arg with ref_obj_id R%d %u %u\n",
				regno, reg->ref_obj_id, meta->ref_obj_id);
			return -EFAULT;
		}
		meta->ref_obj_id = reg->ref_obj_id;
	}

	switch (base_type(arg_type)) {
	case ARG_CONST_MAP_PTR:
		meta->map_ptr = reg->map_ptr;
		meta->map_uid = reg->map_uid;
		break;
	case ARG_PTR_TO_FUNC:
		meta->subprogno = reg->subprogno;
		break;
	case ARG_PTR_TO_MAP_KEY:
		if (!meta->map_ptr) {
			verbose(env, "invalid map_ptr to access map->key\n");
			return -EACCES;
		}
		err = check_helper_mem_access(env, regno,
					      meta->map_ptr->key_size,
					      XBPF_READ, false, NULL);
		break;
	case ARG_PTR_TO_MAP_VALUE:
		if (type_may_be_null(arg_type) && register_is_null(reg))
			return 0;
		if (!meta->map_ptr) {
			verbose(env, "invalid map_ptr to access map->value\n");
			return -EACCES;
		}
		meta->raw_mode = arg_type & MEM_UNINIT;
		err = check_helper_mem_access(env, regno,
					      meta->map_ptr->value_size,
					      arg_access_type(arg_type), false,
					      meta);
		break;
	case ARG_PTR_TO_MEM:
		/* without a fixed size, the size argument that follows checks it */
		meta->raw_mode = arg_type & MEM_UNINIT;
		if (arg_type & MEM_FIXED_SIZE) {
			err = check_helper_mem_access(env, regno,
						      fn->arg_size[arg],
						      arg_access_type(arg_type),
						      false, meta);
			if (err)
				return err;
			if (arg_type & MEM_ALIGNED)
				err = check_arg_alignment(env, reg,
							  fn->arg_size[arg]);
		}
		break;
	case ARG_CONST_SIZE:
	case ARG_CONST_SIZE_OR_ZERO:
		err = check_mem_size_reg(env, reg, regno,
					 arg_access_type(fn->arg_type[arg - 1]),
					 base_type(arg_type) ==
					 ARG_CONST_SIZE_OR_ZERO,
					 meta);
		break;
	case ARG_PTR_TO_CONST_STR:
		err = check_const_str_arg(env, regno, reg);
		break;
	case ARG_CONST_ALLOC_SIZE_OR_ZERO:
		if (!tnum_is_const(reg->var_off)) {
			verbose(env, "R%d is not a known constant'\n", regno);
			return -EACCES;
		}
		meta->mem_size = reg->var_off.value;
		err = mark_chain_precision(env, regno);
		break;
	default:
		break;
	}
	return err;
}

/*
 * A sockmap or sockhash may be changed only where no socket can be held
 * locked by the program's caller.
 */
static bool may_update_sockmap(struct xbpf_verifier_env *env, int func_id)
{
	if (func_id != BPF_FUNC_map_update_elem &&
	    func_id != BPF_FUNC_map_delete_elem)
		return false;

	switch (env->prog_type) {
	case BPF_PROG_TYPE_TRACING:
		if (env->expected_attach_type == BPF_TRACE_ITER)
			return true;
		break;
	case BPF_PROG_TYPE_SOCK_OPS:
		/* updates only through the helpers that check the event */
		if (func_id == BPF_FUNC_map_delete_elem)
			return true;
		break;
	case BPF_PROG_TYPE_SOCKET_FILTER:
	case BPF_PROG_TYPE_SCHED_CLS:
	case BPF_PROG_TYPE_SCHED_ACT:
	case BPF_PROG_TYPE_XDP:
	case BPF_PROG_TYPE_SK_REUSEPORT:
	case BPF_PROG_TYPE_FLOW_DISSECTOR:
	case BPF_PROG_TYPE_SK_LOOKUP:
		return true;
	default:
		break;
	}

	verbose(env, "cannot update sockmap in this context\n");
	return false;
}

/*
 * Which helpers a map type may be passed to, and which map types a helper
 * takes: each side has its own list, so both are checked.
 */
static bool map_allows_func(struct xbpf_verifier_env *env,
			    const struct xbpf_vmap *map, int func_id)
{
	switch (map->map_type) {
	case BPF_MAP_TYPE_PROG_ARRAY:
		return func_id == BPF_FUNC_tail_call;
	case BPF_MAP_TYPE_PERF_EVENT_ARRAY:
		return func_id == BPF_FUNC_perf_event_read ||
		       func_id == BPF_FUNC_perf_event_output ||
		       func_id == BPF_FUNC_skb_output ||
		       func_id == BPF_FUNC_perf_event_read_value ||
		       func_id == BPF_FUNC_xdp_output;
	case BPF_MAP_TYPE_RINGBUF:
		return func_id == BPF_FUNC_ringbuf_output ||
		       func_id == BPF_FUNC_ringbuf_reserve ||
		       func_id == BPF_FUNC_ringbuf_query ||
		       func_id == BPF_FUNC_ringbuf_reserve_dynptr ||
		       func_id == BPF_FUNC_ringbuf_submit_dynptr ||
		       func_id == BPF_FUNC_ringbuf_discard_dynptr;
	case BPF_MAP_TYPE_USER_RINGBUF:
		return func_id == BPF_FUNC_user_ringbuf_drain;
	case BPF_MAP_TYPE_STACK_TRACE:
		return func_id == BPF_FUNC_get_stackid;
	case BPF_MAP_TYPE_CGROUP_ARRAY:
		return func_id == BPF_FUNC_skb_under_cgroup ||
		       func_id == BPF_FUNC_current_task_under_cgroup;
	case BPF_MAP_TYPE_CGROUP_STORAGE:
	case BPF_MAP_TYPE_PERCPU_CGROUP_STORAGE:
		return func_id == BPF_FUNC_get_local_storage;
	case BPF_MAP_TYPE_DEVMAP:
	case BPF_MAP_TYPE_DEVMAP_HASH:
		return func_id == BPF_FUNC_redirect_map ||
		       func_id == BPF_FUNC_map_lookup_elem;
	case BPF_MAP_TYPE_CPUMAP:
		return func_id == BPF_FUNC_redirect_map;
	case BPF_MAP_TYPE_XSKMAP:
		return func_id == BPF_FUNC_redirect_map ||
		       func_id == BPF_FUNC_map_lookup_elem;
	case BPF_MAP_TYPE_ARRAY_OF_MAPS:
	case BPF_MAP_TYPE_HASH_OF_MAPS:
		return func_id == BPF_FUNC_map_lookup_elem;
	case BPF_MAP_TYPE_SOCKMAP:
		return func_id == BPF_FUNC_sk_redirect_map ||
		       func_id == BPF_FUNC_sock_map_update ||
		       func_id == BPF_FUNC_msg_redirect_map ||
		       func_id == BPF_FUNC_sk_select_reuseport ||
		       func_id == BPF_FUNC_map_lookup_elem ||
		       may_update_sockmap(env, func_id);
	case BPF_MAP_TYPE_SOCKHASH:
		return func_id == BPF_FUNC_sk_redirect_hash ||
		       func_id == BPF_FUNC_sock_hash_update ||
		       func_id == BPF_FUNC_msg_redirect_hash ||
		       func_id == BPF_FUNC_sk_select_reuseport ||
		       func_id == BPF_FUNC_map_lookup_elem ||
		       may_update_sockmap(env, func_id);
	case BPF_MAP_TYPE_REUSEPORT_SOCKARRAY:
		return func_id == BPF_FUNC_sk_select_reuseport;
	case BPF_MAP_TYPE_QUEUE:
	case BPF_MAP_TYPE_STACK:
		return func_id == BPF_FUNC_map_peek_elem ||
		       func_id == BPF_FUNC_map_pop_elem ||
		       func_id == BPF_FUNC_map_push_elem;
	case BPF_MAP_TYPE_SK_STORAGE:
		return func_id == BPF_FUNC_sk_storage_get ||
		       func_id == BPF_FUNC_sk_storage_delete;
	case BPF_MAP_TYPE_INODE_STORAGE:
		return func_id == BPF_FUNC_inode_storage_get ||
		       func_id == BPF_FUNC_inode_storage_delete;
	case BPF_MAP_TYPE_TASK_STORAGE:
		return func_id == BPF_FUNC_task_storage_get ||
		       func_id == BPF_FUNC_task_storage_delete;
	case BPF_MAP_TYPE_BLOOM_FILTER:
		return func_id == BPF_FUNC_map_peek_elem ||
		       func_id == BPF_FUNC_map_push_elem;
	default:
		return true;
	}
}

static bool func_allows_map(const struct xbpf_vmap *map, int func_id)
{
	u32 t = map->map_type;

	switch (func_id) {
	case BPF_FUNC_tail_call:
		/*
		 * Linux refuses tail calls in programs with bpf-to-bpf calls
		 * only without a JIT that supports them; xbpf's does.
		 */
		return t == BPF_MAP_TYPE_PROG_ARRAY;
	case BPF_FUNC_perf_event_read:
	case BPF_FUNC_perf_event_output:
	case BPF_FUNC_perf_event_read_value:
	case BPF_FUNC_skb_output:
	case BPF_FUNC_xdp_output:
		return t == BPF_MAP_TYPE_PERF_EVENT_ARRAY;
	case BPF_FUNC_ringbuf_output:
	case BPF_FUNC_ringbuf_reserve:
	case BPF_FUNC_ringbuf_query:
	case BPF_FUNC_ringbuf_reserve_dynptr:
	case BPF_FUNC_ringbuf_submit_dynptr:
	case BPF_FUNC_ringbuf_discard_dynptr:
		return t == BPF_MAP_TYPE_RINGBUF;
	case BPF_FUNC_user_ringbuf_drain:
		return t == BPF_MAP_TYPE_USER_RINGBUF;
	case BPF_FUNC_get_stackid:
		return t == BPF_MAP_TYPE_STACK_TRACE;
	case BPF_FUNC_current_task_under_cgroup:
	case BPF_FUNC_skb_under_cgroup:
		return t == BPF_MAP_TYPE_CGROUP_ARRAY;
	case BPF_FUNC_redirect_map:
		return t == BPF_MAP_TYPE_DEVMAP ||
		       t == BPF_MAP_TYPE_DEVMAP_HASH ||
		       t == BPF_MAP_TYPE_CPUMAP ||
		       t == BPF_MAP_TYPE_XSKMAP;
	case BPF_FUNC_sk_redirect_map:
	case BPF_FUNC_msg_redirect_map:
	case BPF_FUNC_sock_map_update:
		return t == BPF_MAP_TYPE_SOCKMAP;
	case BPF_FUNC_sk_redirect_hash:
	case BPF_FUNC_msg_redirect_hash:
	case BPF_FUNC_sock_hash_update:
		return t == BPF_MAP_TYPE_SOCKHASH;
	case BPF_FUNC_get_local_storage:
		return t == BPF_MAP_TYPE_CGROUP_STORAGE ||
		       t == BPF_MAP_TYPE_PERCPU_CGROUP_STORAGE;
	case BPF_FUNC_sk_select_reuseport:
		return t == BPF_MAP_TYPE_REUSEPORT_SOCKARRAY ||
		       t == BPF_MAP_TYPE_SOCKMAP ||
		       t == BPF_MAP_TYPE_SOCKHASH;
	case BPF_FUNC_map_pop_elem:
		return t == BPF_MAP_TYPE_QUEUE || t == BPF_MAP_TYPE_STACK;
	case BPF_FUNC_map_peek_elem:
	case BPF_FUNC_map_push_elem:
		return t == BPF_MAP_TYPE_QUEUE || t == BPF_MAP_TYPE_STACK ||
		       t == BPF_MAP_TYPE_BLOOM_FILTER;
	case BPF_FUNC_map_lookup_percpu_elem:
		return t == BPF_MAP_TYPE_PERCPU_ARRAY ||
		       t == BPF_MAP_TYPE_PERCPU_HASH ||
		       t == BPF_MAP_TYPE_LRU_PERCPU_HASH;
	case BPF_FUNC_sk_storage_get:
	case BPF_FUNC_sk_storage_delete:
		return t == BPF_MAP_TYPE_SK_STORAGE;
	case BPF_FUNC_inode_storage_get:
	case BPF_FUNC_inode_storage_delete:
		return t == BPF_MAP_TYPE_INODE_STORAGE;
	case BPF_FUNC_task_storage_get:
	case BPF_FUNC_task_storage_delete:
		return t == BPF_MAP_TYPE_TASK_STORAGE;
	default:
		return true;
	}
}

static int check_map_func_compatibility(struct xbpf_verifier_env *env,
					const struct xbpf_vmap *map,
					int func_id)
{
	if (!map)
		return 0;
	if (map_allows_func(env, map, func_id) && func_allows_map(map, func_id))
		return 0;

	verbose(env, "cannot pass map_type %d into func %s#%d\n",
		map->map_type, func_id_name(func_id), func_id);
	return -EINVAL;
}

/* Only one argument may be uninitialised memory the helper fills. */
static bool check_raw_mode_ok(const struct xbpf_func_proto *fn)
{
	int i, count = 0;

	for (i = 0; i < XBPF_FUNC_REG_ARGS; i++)
		if (arg_type_is_raw_mem(fn->arg_type[i]))
			count++;
	return count <= 1;
}

static bool check_args_pair_invalid(const struct xbpf_func_proto *fn,
				    int arg)
{
	bool is_fixed = fn->arg_type[arg] & MEM_FIXED_SIZE;
	bool has_size = fn->arg_size[arg] != 0;
	bool is_next_size = false;

	if (arg + 1 < XBPF_FUNC_REG_ARGS)
		is_next_size = arg_type_is_mem_size(fn->arg_type[arg + 1]);

	if (base_type(fn->arg_type[arg]) != ARG_PTR_TO_MEM)
		return is_next_size;

	return has_size == is_next_size || is_next_size == is_fixed;
}

/* Memory comes with its size: fixed, or the argument right after it. */
static bool check_arg_pair_ok(const struct xbpf_func_proto *fn)
{
	int i;

	if (arg_type_is_mem_size(fn->arg_type[0]))
		return false;
	for (i = 0; i < XBPF_FUNC_REG_ARGS; i++)
		if (check_args_pair_invalid(fn, i))
			return false;
	return true;
}

/*
 * Only fixed-size memory arguments carry a size. (In Linux the size
 * shares its slot with a BTF id, which xbpf's prototypes do not have.)
 */
static bool check_arg_size_ok(const struct xbpf_func_proto *fn)
{
	int i;

	for (i = 0; i < XBPF_FUNC_REG_ARGS; i++)
		if (fn->arg_size[i] &&
		    (base_type(fn->arg_type[i]) != ARG_PTR_TO_MEM ||
		     !(fn->arg_type[i] & MEM_FIXED_SIZE)))
			return false;
	return true;
}

static int check_func_proto(const struct xbpf_func_proto *fn)
{
	return check_raw_mode_ok(fn) && check_arg_pair_ok(fn) &&
	       check_arg_size_ok(fn) ? 0 : -EINVAL;
}

/* The helpers that may move packet data (Linux matches their functions). */
static bool helper_changes_pkt_data(int func_id)
{
	switch (func_id) {
	case BPF_FUNC_skb_vlan_push:
	case BPF_FUNC_skb_vlan_pop:
	case BPF_FUNC_skb_store_bytes:
	case BPF_FUNC_skb_change_proto:
	case BPF_FUNC_skb_change_head:
	case BPF_FUNC_skb_change_tail:
	case BPF_FUNC_skb_adjust_room:
	case BPF_FUNC_skb_pull_data:
	case BPF_FUNC_clone_redirect:
	case BPF_FUNC_l3_csum_replace:
	case BPF_FUNC_l4_csum_replace:
	case BPF_FUNC_xdp_adjust_head:
	case BPF_FUNC_xdp_adjust_meta:
	case BPF_FUNC_msg_pull_data:
	case BPF_FUNC_msg_push_data:
	case BPF_FUNC_msg_pop_data:
	case BPF_FUNC_xdp_adjust_tail:
	case BPF_FUNC_lwt_seg6_store_bytes:
	case BPF_FUNC_lwt_seg6_adjust_srh:
	case BPF_FUNC_lwt_seg6_action:
	case BPF_FUNC_store_hdr_opt:
	case BPF_FUNC_lwt_push_encap:
		return true;
	default:
		return false;
	}
}

static void clear_pkt_pointer(struct xbpf_verifier_env *env,
			      struct xbpf_func_state *state,
			      struct xbpf_reg_state *reg)
{
	if (type_is_pkt_pointer(reg->type) ||
	    base_type(reg->type) == PTR_TO_PACKET_END)
		__mark_reg_unknown(env, reg);
}

/* The packet may have moved: no pointer into it stays valid. */
static void clear_all_pkt_pointers(struct xbpf_verifier_env *env)
{
	struct xbpf_reg_state *reg;

	for_each_reg_in_vstate(env->cur_state, reg, clear_pkt_pointer, env);
}

/*
 * Helpers whose result holds a reference the program must release. The
 * others Linux lists return sockets or kptrs, which xbpf refuses first.
 */
static bool is_acquire_function(int func_id, const struct xbpf_vmap *map)
{
	u32 map_type = map ? map->map_type : BPF_MAP_TYPE_UNSPEC;

	if (func_id == BPF_FUNC_ringbuf_reserve)
		return true;
	return func_id == BPF_FUNC_map_lookup_elem &&
	       (map_type == BPF_MAP_TYPE_SOCKMAP ||
		map_type == BPF_MAP_TYPE_SOCKHASH);
}

/*
 * Helpers that return how much of a buffer they filled: R0 is at most the
 * buffer's size, or a negative error.
 */
static void do_refine_retval_range(struct xbpf_reg_state *regs, u32 ret_type,
				   int func_id,
				   const struct xbpf_call_arg_meta *meta)
{
	struct xbpf_reg_state *ret_reg = &regs[BPF_REG_0];

	if (ret_type != RET_INTEGER ||
	    (func_id != BPF_FUNC_get_stack &&
	     func_id != BPF_FUNC_get_task_stack &&
	     func_id != BPF_FUNC_probe_read_str &&
	     func_id != BPF_FUNC_probe_read_kernel_str &&
	     func_id != BPF_FUNC_probe_read_user_str))
		return;

	ret_reg->smax_value = meta->msize_max_value;
	ret_reg->s32_max_value = meta->msize_max_value;
	ret_reg->smin_value = -XBPF_MAX_ERRNO;
	ret_reg->s32_min_value = -XBPF_MAX_ERRNO;
	xbpf_reg_bounds_sync(ret_reg);
}

/*
 * Remember the map a map helper (or tail call) is called with; the
 * rewrites inline the call for that map unless paths disagree.
 */
static int record_func_map(struct xbpf_verifier_env *env,
			   const struct xbpf_call_arg_meta *meta, int func_id,
			   int insn_idx)
{
	struct xbpf_insn_aux_data *aux = &env->insn_aux_data[insn_idx];
	const struct xbpf_vmap *map = meta->map_ptr;

	switch (func_id) {
	case BPF_FUNC_tail_call:
	case BPF_FUNC_map_lookup_elem:
	case BPF_FUNC_map_update_elem:
	case BPF_FUNC_map_delete_elem:
	case BPF_FUNC_map_push_elem:
	case BPF_FUNC_map_pop_elem:
	case BPF_FUNC_map_peek_elem:
	case BPF_FUNC_for_each_map_elem:
	case BPF_FUNC_redirect_map:
	case BPF_FUNC_map_lookup_percpu_elem:
		break;
	default:
		return 0;
	}

	if (!map) {
		verbose(env, "kernel subsystem misconfigured verifier\n");
		return -EINVAL;
	}

	/* a map read-only to programs must not change through helpers either */
	if ((map->map_flags & BPF_F_RDONLY_PROG) &&
	    (func_id == BPF_FUNC_map_delete_elem ||
	     func_id == BPF_FUNC_map_update_elem ||
	     func_id == BPF_FUNC_map_push_elem ||
	     func_id == BPF_FUNC_map_pop_elem)) {
		verbose(env, "write into map forbidden\n");
		return -EACCES;
	}

	/*
	 * Linux also marks calls whose map an unprivileged user created, for
	 * Spectre hardening; xbpf's loaders are privileged.
	 */
	if (!aux->map_ptr_state)
		aux->map_ptr_state = (unsigned long)map;
	else if (bpf_map_ptr(aux) != map)
		aux->map_ptr_state = XBPF_MAP_PTR_POISON;
	return 0;
}

static void bpf_map_key_store(struct xbpf_insn_aux_data *aux, u64 state)
{
	bool poisoned = bpf_map_key_poisoned(aux);

	aux->map_key_state = state | XBPF_MAP_KEY_SEEN |
			     (poisoned ? XBPF_MAP_KEY_POISON : 0);
}

/*
 * Remember a tail call's index when it is the same in-range constant on
 * every path: the rewrite then jumps to that program directly.
 */
static int record_func_key(struct xbpf_verifier_env *env,
			   const struct xbpf_call_arg_meta *meta, int func_id,
			   int insn_idx)
{
	struct xbpf_insn_aux_data *aux = &env->insn_aux_data[insn_idx];
	const struct xbpf_vmap *map = meta->map_ptr;
	struct xbpf_reg_state *reg;
	u64 val;
	int err;

	if (func_id != BPF_FUNC_tail_call)
		return 0;
	if (!map || map->map_type != BPF_MAP_TYPE_PROG_ARRAY) {
		verbose(env, "kernel subsystem misconfigured verifier\n");
		return -EINVAL;
	}

	reg = reg_state(env, BPF_REG_3);
	val = reg->var_off.value;
	if (!(register_is_const(reg) && val < map->max_entries)) {
		bpf_map_key_store(aux, XBPF_MAP_KEY_POISON);
		return 0;
	}

	err = mark_chain_precision(env, BPF_REG_3);
	if (err)
		return err;
	if (bpf_map_key_unseen(aux))
		bpf_map_key_store(aux, val);
	else if (!bpf_map_key_poisoned(aux) &&
		 bpf_map_key_immediate(aux) != val)
		bpf_map_key_store(aux, XBPF_MAP_KEY_POISON);
	return 0;
}

static int check_get_func_ip(struct xbpf_verifier_env *env)
{
	int func_id = BPF_FUNC_get_func_ip;

	if (env->prog_type == BPF_PROG_TYPE_KPROBE)
		return 0;

	verbose(env, "func %s#%d not supported for program type %d\n",
		func_id_name(func_id), func_id, env->prog_type);
	return -ENOTSUPP;
}

/* R0-R5 do not survive a call. */
static void clear_caller_saved_regs(struct xbpf_verifier_env *env,
				    struct xbpf_reg_state *regs)
{
	u32 i;

	for (i = BPF_REG_0; i < XBPF_CALLER_SAVED_REGS; i++) {
		mark_reg_not_init(env, regs, i);
		check_reg_arg(env, i, DST_OP_NO_MARK);
	}
}

/* R0 after a helper call, from the helper's return type. */
static int set_helper_retval(struct xbpf_verifier_env *env,
			     struct xbpf_reg_state *regs,
			     const struct xbpf_func_proto *fn,
			     const struct xbpf_call_arg_meta *meta,
			     int func_id)
{
	u32 ret_flag = type_flag(fn->ret_type);

	switch (base_type(fn->ret_type)) {
	case RET_INTEGER:
		mark_reg_unknown(env, regs, BPF_REG_0);
		break;
	case RET_VOID:
		regs[BPF_REG_0].type = NOT_INIT;
		break;
	case RET_PTR_TO_MAP_VALUE:
		/* no offset applied yet, neither fixed nor variable */
		mark_reg_known_zero(env, regs, BPF_REG_0);
		if (!meta->map_ptr) {
			verbose(env, "kernel subsystem misconfigured verifier\n");
			return -EINVAL;
		}
		regs[BPF_REG_0].map_ptr = meta->map_ptr;
		regs[BPF_REG_0].map_uid = meta->map_uid;
		regs[BPF_REG_0].type = PTR_TO_MAP_VALUE | ret_flag;
		break;
	case RET_PTR_TO_ALLOC_MEM:
		mark_reg_known_zero(env, regs, BPF_REG_0);
		regs[BPF_REG_0].type = PTR_TO_MEM | ret_flag;
		regs[BPF_REG_0].mem_size = meta->mem_size;
		break;
	case RET_PTR_TO_BTF_ID:
		/* only the kernel objects xbpf names without BTF */
		if (fn->ret_btf_id != XBPF_BTF_NONE) {
			mark_reg_known_zero(env, regs, BPF_REG_0);
			regs[BPF_REG_0].type = PTR_TO_BTF_ID | ret_flag;
			regs[BPF_REG_0].btf_id = fn->ret_btf_id;
			break;
		}
		fallthrough;
	case RET_PTR_TO_SOCKET:
	case RET_PTR_TO_TCP_SOCK:
	case RET_PTR_TO_SOCK_COMMON:
	case RET_PTR_TO_MEM_OR_BTF_ID:
		verbose(env, "xbpf: helper %s#%d returns a socket or BTF object, not supported\n",
			func_id_name(func_id), func_id);
		return -ENOTSUPP;
	default:
		verbose(env, "unknown return type %u of func %s#%d\n",
			base_type(fn->ret_type), func_id_name(func_id), func_id);
		return -EINVAL;
	}

	if (type_may_be_null(regs[BPF_REG_0].type))
		regs[BPF_REG_0].id = new_reg_id(env);
	return 0;
}

/* The prototype for func_id, or why the call is refused. */
static int find_func_proto(struct xbpf_verifier_env *env, int func_id,
			   const struct xbpf_func_proto **fnp)
{
	const struct xbpf_func_proto *fn = NULL;

	if (func_id < 0 || func_id >= XBPF_FUNC_MAX_ID) {
		verbose(env, "invalid func %s#%d\n", func_id_name(func_id),
			func_id);
		return -EINVAL;
	}

	if (env->ops->get_func_proto)
		fn = env->ops->get_func_proto(func_id, env);
	if (!fn) {
		/* Linux would check the call: the verdict is not known */
		bool known;

		if (env->ops->helper_offered)
			known = env->ops->helper_offered(func_id, env);
		else
			known = env->ops->helper_known &&
				env->ops->helper_known(func_id);
		if (known) {
			verbose(env, "xbpf: helper %s#%d is not supported yet\n",
				func_id_name(func_id), func_id);
			return -ENOTSUPP;
		}
		verbose(env, "unknown func %s#%d\n", func_id_name(func_id),
			func_id);
		return -EINVAL;
	}

	if (!env->gpl_compatible && fn->gpl_only) {
		verbose(env, "cannot call GPL-restricted function from non-GPL compatible program\n");
		return -EINVAL;
	}

	/* xbpf has no sleepable programs */
	if (fn->might_sleep) {
		verbose(env, "helper call might sleep in a non-sleepable prog\n");
		return -EINVAL;
	}

	*fnp = fn;
	return 0;
}

static int set_map_elem_callback_state(struct xbpf_verifier_env *env,
				       struct xbpf_func_state *caller,
				       struct xbpf_func_state *callee,
				       int insn_idx);
static int set_loop_callback_state(struct xbpf_verifier_env *env,
				   struct xbpf_func_state *caller,
				   struct xbpf_func_state *callee,
				   int insn_idx);
static int __check_func_call(struct xbpf_verifier_env *env,
			     struct bpf_insn *insn, int *insn_idx, int subprog,
			     int (*set_callee_state_cb)(struct xbpf_verifier_env *env,
							struct xbpf_func_state *caller,
							struct xbpf_func_state *callee,
							int insn_idx));

static bool loop_flag_is_zero(struct xbpf_verifier_env *env)
{
	struct xbpf_reg_state *reg = reg_state(env, BPF_REG_4);
	bool reg_is_null = register_is_null(reg);

	if (reg_is_null)
		mark_chain_precision(env, BPF_REG_4);
	return reg_is_null;
}

/* Can this bpf_loop() call become a loop in the program (fixup.c)? */
static void update_loop_inline_state(struct xbpf_verifier_env *env,
				     u32 subprogno)
{
	struct xbpf_insn_aux_data *aux = &env->insn_aux_data[env->insn_idx];

	if (!aux->loop_inline_initialized) {
		aux->loop_inline_initialized = true;
		aux->loop_fit_for_inline = loop_flag_is_zero(env);
		aux->loop_callback_subprogno = subprogno;
		return;
	}
	if (!aux->loop_fit_for_inline)
		return;
	aux->loop_fit_for_inline = loop_flag_is_zero(env) &&
				   aux->loop_callback_subprogno == subprogno;
}

int check_helper_call(struct xbpf_verifier_env *env, struct bpf_insn *insn,
		      int *insn_idx_p)
{
	const struct xbpf_func_proto *fn = NULL;
	struct xbpf_call_arg_meta meta;
	struct xbpf_reg_state *regs;
	int insn_idx = *insn_idx_p;
	int func_id = insn->imm;
	bool changes_data;
	int i, err;

	err = find_func_proto(env, func_id, &fn);
	if (err)
		return err;

	/* with LD_ABS/LD_IND the skb must stay in R1 across the call */
	changes_data = helper_changes_pkt_data(func_id);
	if (changes_data && fn->arg_type[0] != ARG_PTR_TO_CTX) {
		verbose(env, "kernel subsystem misconfigured func %s#%d: r1 != ctx\n",
			func_id_name(func_id), func_id);
		return -EINVAL;
	}

	memset(&meta, 0, sizeof(meta));

	err = check_func_proto(fn);
	if (err) {
		verbose(env, "kernel subsystem misconfigured func %s#%d\n",
			func_id_name(func_id), func_id);
		return err;
	}

	meta.func_id = func_id;
	for (i = 0; i < XBPF_FUNC_REG_ARGS; i++) {
		err = check_func_arg(env, i, &meta, fn);
		if (err)
			return err;
	}

	err = record_func_map(env, &meta, func_id, insn_idx);
	if (err)
		return err;

	err = record_func_key(env, &meta, func_id, insn_idx);
	if (err)
		return err;

	/* the helper fills uninitialised stack: it is written now */
	for (i = 0; i < meta.access_size; i++) {
		err = check_mem_access(env, insn_idx, meta.regno, i, BPF_B,
				       XBPF_WRITE, -1, false);
		if (err)
			return err;
	}

	regs = cur_regs(env);

	if (meta.release_regno) {
		err = -EINVAL;
		if (meta.ref_obj_id)
			err = release_reference(env, meta.ref_obj_id);
		/* only NULL gets here without a reference */
		else if (register_is_null(&regs[meta.release_regno]))
			err = 0;
		if (err) {
			verbose(env, "func %s#%d reference has not been acquired before\n",
				func_id_name(func_id), func_id);
			return err;
		}
	}

	err = 0;
	switch (func_id) {
	case BPF_FUNC_tail_call:
		/* the program does not come back to release anything */
		err = check_reference_leak(env);
		if (err) {
			verbose(env, "tail_call would lead to reference leak\n");
			return err;
		}
		break;
	case BPF_FUNC_for_each_map_elem:
		err = __check_func_call(env, insn, insn_idx_p, meta.subprogno,
					set_map_elem_callback_state);
		break;
	case BPF_FUNC_loop:
		update_loop_inline_state(env, meta.subprogno);
		err = __check_func_call(env, insn, insn_idx_p, meta.subprogno,
					set_loop_callback_state);
		break;
	default:
		break;
	}
	if (err)
		return err;

	if (func_id == BPF_FUNC_snprintf) {
		err = check_snprintf_call(env, regs);
		if (err)
			return err;
	}

	clear_caller_saved_regs(env, regs);

	/* helpers return 64-bit values */
	regs[BPF_REG_0].subreg_def = DEF_NOT_SUBREG;

	/* after a callback's frame was entered, regs are still the caller's */
	err = set_helper_retval(env, regs, fn, &meta, func_id);
	if (err)
		return err;

	if (is_acquire_function(func_id, meta.map_ptr)) {
		int id = acquire_reference_state(env, insn_idx);

		if (id < 0)
			return id;
		/* id for the NULL check, ref_obj_id for the release */
		regs[BPF_REG_0].id = id;
		regs[BPF_REG_0].ref_obj_id = id;
	}

	do_refine_retval_range(regs, fn->ret_type, func_id, &meta);

	err = check_map_func_compatibility(env, meta.map_ptr, func_id);
	if (err)
		return err;

	if (func_id == BPF_FUNC_get_func_ip && check_get_func_ip(env))
		return -ENOTSUPP;

	if (changes_data)
		clear_all_pkt_pointers(env);
	return 0;
}

/* What the callee's frame starts with: R1-R5 of the call. */
static int set_callee_state(struct xbpf_verifier_env *env,
			    struct xbpf_func_state *caller,
			    struct xbpf_func_state *callee, int insn_idx)
{
	int i;

	/* parent pointers included: the arguments stay on the liveness chain */
	for (i = BPF_REG_1; i <= BPF_REG_5; i++)
		callee->regs[i] = caller->regs[i];
	return 0;
}

/* The map types whose elements bpf_for_each_map_elem() walks. */
static bool map_has_for_each(const struct xbpf_vmap *map)
{
	switch (map->map_type) {
	case BPF_MAP_TYPE_ARRAY:
	case BPF_MAP_TYPE_PERCPU_ARRAY:
	case BPF_MAP_TYPE_HASH:
	case BPF_MAP_TYPE_PERCPU_HASH:
	case BPF_MAP_TYPE_LRU_HASH:
	case BPF_MAP_TYPE_LRU_PERCPU_HASH:
		return true;
	default:
		return false;
	}
}

/*
 * callback_fn(map, key, value, callback_ctx) for each element of the map
 * of bpf_for_each_map_elem(map, callback_fn, callback_ctx, flags).
 */
static int set_map_elem_callback_state(struct xbpf_verifier_env *env,
				       struct xbpf_func_state *caller,
				       struct xbpf_func_state *callee,
				       int insn_idx)
{
	struct xbpf_insn_aux_data *insn_aux = &env->insn_aux_data[insn_idx];
	const struct xbpf_vmap *map;

	if (bpf_map_ptr_poisoned(insn_aux)) {
		verbose(env, "tail_call abusing map_ptr\n");
		return -EINVAL;
	}
	map = bpf_map_ptr(insn_aux);
	if (!map_has_for_each(map)) {
		verbose(env, "callback function not allowed for map\n");
		return -ENOTSUPP;
	}

	callee->regs[BPF_REG_1] = caller->regs[BPF_REG_1];

	callee->regs[BPF_REG_2].type = PTR_TO_MAP_KEY;
	mark_reg_known_zero(env, callee->regs, BPF_REG_2);
	callee->regs[BPF_REG_2].map_ptr = caller->regs[BPF_REG_1].map_ptr;

	callee->regs[BPF_REG_3].type = PTR_TO_MAP_VALUE;
	mark_reg_known_zero(env, callee->regs, BPF_REG_3);
	callee->regs[BPF_REG_3].map_ptr = caller->regs[BPF_REG_1].map_ptr;

	/* the stack pointer (or NULL) the caller passed */
	callee->regs[BPF_REG_4] = caller->regs[BPF_REG_3];
	__mark_reg_not_init(env, &callee->regs[BPF_REG_5]);

	callee->in_callback_fn = true;
	callee->callback_ret_range = tnum_range(0, 1);
	return 0;
}

/* callback_fn(index, callback_ctx) of bpf_loop(nr, callback_fn, ctx, flags) */
static int set_loop_callback_state(struct xbpf_verifier_env *env,
				   struct xbpf_func_state *caller,
				   struct xbpf_func_state *callee,
				   int insn_idx)
{
	callee->regs[BPF_REG_1].type = SCALAR_VALUE;
	callee->regs[BPF_REG_2] = caller->regs[BPF_REG_3];

	__mark_reg_not_init(env, &callee->regs[BPF_REG_3]);
	__mark_reg_not_init(env, &callee->regs[BPF_REG_4]);
	__mark_reg_not_init(env, &callee->regs[BPF_REG_5]);

	callee->in_callback_fn = true;
	callee->callback_ret_range = tnum_range(0, 1);
	return 0;
}

/*
 * Enter subprog's frame: for a bpf-to-bpf call, or for the callback a
 * helper will call (set_callee_state_cb says with which arguments).
 */
static int __check_func_call(struct xbpf_verifier_env *env,
			     struct bpf_insn *insn, int *insn_idx, int subprog,
			     int (*set_callee_state_cb)(struct xbpf_verifier_env *env,
							struct xbpf_func_state *caller,
							struct xbpf_func_state *callee,
							int insn_idx))
{
	struct xbpf_verifier_state *state = env->cur_state;
	struct xbpf_func_state *caller, *callee;
	int err;

	if (state->curframe + 1 >= XBPF_MAX_FRAMES) {
		verbose(env, "the call stack of %d frames is too deep\n",
			state->curframe + 2);
		return -E2BIG;
	}

	caller = state->frame[state->curframe];
	if (state->frame[state->curframe + 1]) {
		verbose(env, "verifier bug. Frame %d already allocated\n",
			state->curframe + 1);
		return -EFAULT;
	}

	if (set_callee_state_cb != set_callee_state &&
	    !(insn->src_reg == 0 && (insn->imm == BPF_FUNC_loop ||
				     insn->imm == BPF_FUNC_for_each_map_elem))) {
		verbose(env, "verifier bug: helper %s#%d is not marked as callback-calling\n",
			func_id_name(insn->imm), insn->imm);
		return -EFAULT;
	}

	callee = xbpf_core_zalloc(sizeof(*callee));
	if (!callee)
		return -ENOMEM;
	state->frame[state->curframe + 1] = callee;

	/*
	 * The callee starts with only its arguments (and its own empty
	 * stack); the callsite is where its exit returns to.
	 */
	init_func_state(env, callee, *insn_idx, state->curframe + 1, subprog);

	err = copy_reference_state(callee, caller);
	if (err)
		goto err_out;

	err = set_callee_state_cb(env, caller, callee, *insn_idx);
	if (err)
		goto err_out;

	/* while the caller is still the current frame, for check_reg_arg() */
	clear_caller_saved_regs(env, caller->regs);
	state->curframe++;

	/* the main loop's increment lands on the callee's first insn */
	*insn_idx = env->subprog_info[subprog].start - 1;

	if (env->log.level & XBPF_LOG_LEVEL) {
		verbose(env, "caller:\n");
		print_verifier_state(env, caller, true);
		verbose(env, "callee:\n");
		print_verifier_state(env, callee, true);
	}
	return 0;

err_out:
	free_func_state(callee);
	state->frame[state->curframe + 1] = NULL;
	return err;
}

int check_func_call(struct xbpf_verifier_env *env, struct bpf_insn *insn,
		    int *insn_idx)
{
	int subprog, target_insn;

	target_insn = *insn_idx + insn->imm + 1;
	subprog = find_subprog(env, target_insn);
	if (subprog < 0) {
		verbose(env, "verifier bug. No program starts at insn %d\n",
			target_insn);
		return -EFAULT;
	}
	return __check_func_call(env, insn, insn_idx, subprog,
				 set_callee_state);
}

/* Linux's message for a scalar outside the range a context allows. */
static void verbose_invalid_scalar(struct xbpf_verifier_env *env,
				   const struct xbpf_reg_state *reg,
				   const struct xbpf_tnum *range,
				   const char *ctx, const char *reg_name)
{
	char tn_buf[48];

	verbose(env, "At %s the register %s ", ctx, reg_name);
	if (!tnum_is_unknown(reg->var_off)) {
		tnum_strn(tn_buf, sizeof(tn_buf), reg->var_off);
		verbose(env, "has value %s", tn_buf);
	} else {
		verbose(env, "has unknown scalar value");
	}
	tnum_strn(tn_buf, sizeof(tn_buf), *range);
	verbose(env, " should have been in %s\n", tn_buf);
}

int prepare_func_exit(struct xbpf_verifier_env *env, int *insn_idx)
{
	struct xbpf_verifier_state *state = env->cur_state;
	struct xbpf_func_state *caller, *callee;
	struct xbpf_reg_state *r0;
	int err;

	callee = state->frame[state->curframe];
	r0 = &callee->regs[BPF_REG_0];
	if (r0->type == PTR_TO_STACK) {
		/*
		 * Only the callee's own stack dies here, but pointers into
		 * the caller's are refused as well.
		 */
		verbose(env, "cannot return stack pointer to the caller\n");
		return -EINVAL;
	}

	caller = state->frame[state->curframe - 1];
	if (callee->in_callback_fn) {
		/* the helper reads R0: 0 goes on, 1 stops */
		struct xbpf_tnum range = callee->callback_ret_range;

		if (r0->type != SCALAR_VALUE) {
			verbose(env, "R0 not a scalar value\n");
			return -EACCES;
		}
		err = mark_reg_read(env, r0, r0->parent, REG_LIVE_READ64);
		err = err ?: mark_chain_precision(env, BPF_REG_0);
		if (err)
			return err;
		if (!tnum_in(range, r0->var_off)) {
			verbose_invalid_scalar(env, r0, &range,
					       "callback return", "R0");
			return -EINVAL;
		}
	} else {
		caller->regs[BPF_REG_0] = *r0;
		/* references acquired or released in the callee are the caller's */
		err = copy_reference_state(caller, callee);
		if (err)
			return err;
	}

	*insn_idx = callee->callsite + 1;
	if (env->log.level & XBPF_LOG_LEVEL) {
		verbose(env, "returning from callee:\n");
		print_verifier_state(env, callee, true);
		verbose(env, "to caller at %d:\n", *insn_idx);
		print_verifier_state(env, caller, true);
	}

	free_func_state(callee);
	state->frame[state->curframe--] = NULL;
	return 0;
}

/*
 * The program's R0 at its exit. Linux 6.1 restricts the value only for
 * program types outside xbpf's (and for BTF-typed raw tracepoints): here
 * R0 must just be set, and not leak a pointer.
 */
int check_return_code(struct xbpf_verifier_env *env)
{
	int err;

	err = check_reg_arg(env, BPF_REG_0, SRC_OP);
	if (err)
		return err;

	if (is_pointer_value(env, BPF_REG_0)) {
		verbose(env, "R0 leaks addr as return value\n");
		return -EACCES;
	}
	return 0;
}

int check_call(struct xbpf_verifier_env *env, struct bpf_insn *insn,
	       int *insn_idx)
{
	if (BPF_SRC(insn->code) != BPF_K ||
	    (insn->src_reg != BPF_PSEUDO_KFUNC_CALL && insn->off != 0) ||
	    (insn->src_reg != BPF_REG_0 &&
	     insn->src_reg != BPF_PSEUDO_CALL &&
	     insn->src_reg != BPF_PSEUDO_KFUNC_CALL) ||
	    insn->dst_reg != BPF_REG_0 ||
	    BPF_CLASS(insn->code) == BPF_JMP32) {
		verbose(env, "BPF_CALL uses reserved fields\n");
		return -EINVAL;
	}

	if (env->cur_state->active_spin_lock &&
	    (insn->src_reg == BPF_PSEUDO_CALL ||
	     insn->imm != BPF_FUNC_spin_unlock)) {
		verbose(env, "function calls are not allowed while holding a lock\n");
		return -EINVAL;
	}

	if (insn->src_reg == BPF_PSEUDO_CALL)
		return check_func_call(env, insn, insn_idx);
	if (insn->src_reg == BPF_PSEUDO_KFUNC_CALL) {
		verbose(env, "xbpf: kfunc calls are not supported\n");
		return -ENOTSUPP;
	}
	return check_helper_call(env, insn, insn_idx);
}

int process_exit(struct xbpf_verifier_env *env, int *insn_idx,
		 bool *do_print_state)
{
	const struct bpf_insn *insn = &env->insns[*insn_idx];
	int err;

	if (BPF_SRC(insn->code) != BPF_K ||
	    insn->imm != 0 ||
	    insn->src_reg != BPF_REG_0 ||
	    insn->dst_reg != BPF_REG_0 ||
	    BPF_CLASS(insn->code) == BPF_JMP32) {
		verbose(env, "BPF_EXIT uses reserved fields\n");
		return -EINVAL;
	}

	if (env->cur_state->active_spin_lock) {
		verbose(env, "bpf_spin_unlock is missing\n");
		return -EINVAL;
	}

	/* before leaving the frame: a callback's references must balance */
	err = check_reference_leak(env);
	if (err)
		return err;

	if (env->cur_state->curframe) {
		err = prepare_func_exit(env, insn_idx);
		if (err)
			return err;
		*do_print_state = true;
		return 1;
	}

	return check_return_code(env);
}
