// SPDX-License-Identifier: GPL-2.0
/*
 * The verifier log: how text reaches the loader's buffer, and how registers,
 * stack slots and instructions are written into it.
 *
 * Loaders and tests read this log the way they read Linux 6.1's, so the text
 * and its truncation follow Linux 6.1 to the byte: a message that does not
 * fit is cut where the buffer ends, after which nothing more is written and
 * the load fails with -ENOSPC.
 */
#include "vfuncs.h"
#include "../disasm.h"

/* The column the register state is aligned to after an instruction. */
#define XBPF_LOG_MIN_ALIGNMENT	8U
#define XBPF_LOG_ALIGNMENT	40U

bool xbpf_log_full(const struct xbpf_verifier_log *log)
{
	return log->len_used >= log->len_total - 1;
}

bool xbpf_log_needed(const struct xbpf_verifier_log *log)
{
	return log->level && log->ubuf && !xbpf_log_full(log);
}

/*
 * Append to the user's buffer, always NUL-terminated, so that a loader
 * sees a proper string whenever the load stops. A fault in the buffer
 * silences the log for good; the load then fails with -EFAULT.
 */
static __printf(2, 0) void log_vwrite(struct xbpf_verifier_env *env,
				      const char *fmt, va_list args)
{
	struct xbpf_verifier_log *log = &env->log;
	u32 n;

	n = xbpf_vscnprintf(log->kbuf, sizeof(log->kbuf), fmt, args);
	n = min_t(u32, log->len_total - log->len_used - 1, n);
	log->kbuf[n] = '\0';
	if (env->host->log_copy(env->host->priv, log->len_used, log->kbuf,
				n + 1))
		log->ubuf = false;
	else
		log->len_used += n;
}

void verbose(struct xbpf_verifier_env *env, const char *fmt, ...)
{
	va_list args;

	if (!xbpf_log_needed(&env->log))
		return;
	va_start(args, fmt);
	log_vwrite(env, fmt, args);
	va_end(args);
}

void xbpf_verbose(struct xbpf_verifier_env *env, const char *fmt, ...)
{
	va_list args;

	if (!xbpf_log_needed(&env->log))
		return;
	va_start(args, fmt);
	log_vwrite(env, fmt, args);
	va_end(args);
}

/*
 * Drop everything past new_pos, e.g. the trace of a path that turned out
 * fine. A full log is left alone, so that it still ends in -ENOSPC.
 */
void xbpf_log_reset(struct xbpf_verifier_env *env, u32 new_pos)
{
	struct xbpf_verifier_log *log = &env->log;
	char zero = '\0';

	if (!xbpf_log_needed(log))
		return;
	log->len_used = new_pos;
	if (env->host->log_copy(env->host->priv, new_pos, &zero, 1))
		log->ubuf = false;
}

static __printf(3, 4) int log_scnprintf(char *buf, size_t size,
					const char *fmt, ...)
{
	va_list args;
	int n;

	va_start(args, fmt);
	n = xbpf_vscnprintf(buf, size, fmt, args);
	va_end(args);
	return n;
}

/*
 * The name of a register type in messages. The result lives in env, so one
 * message can name only one type.
 */
const char *reg_type_str(struct xbpf_verifier_env *env, u32 type)
{
	static const char *const names[] = {
		[NOT_INIT]		= "?",
		[SCALAR_VALUE]		= "scalar",
		[PTR_TO_CTX]		= "ctx",
		[CONST_PTR_TO_MAP]	= "map_ptr",
		[PTR_TO_MAP_VALUE]	= "map_value",
		[PTR_TO_STACK]		= "fp",
		[PTR_TO_PACKET]		= "pkt",
		[PTR_TO_PACKET_META]	= "pkt_meta",
		[PTR_TO_PACKET_END]	= "pkt_end",
		[PTR_TO_FLOW_KEYS]	= "flow_keys",
		[PTR_TO_SOCKET]		= "sock",
		[PTR_TO_SOCK_COMMON]	= "sock_common",
		[PTR_TO_TCP_SOCK]	= "tcp_sock",
		[PTR_TO_TP_BUFFER]	= "tp_buffer",
		[PTR_TO_XDP_SOCK]	= "xdp_sock",
		[PTR_TO_BTF_ID]		= "ptr_",
		[PTR_TO_MEM]		= "mem",
		[PTR_TO_BUF]		= "buf",
		[PTR_TO_FUNC]		= "func",
		[PTR_TO_MAP_KEY]	= "map_key",
		[PTR_TO_DYNPTR]		= "dynptr_ptr",
	};
	const char *prefix = "", *postfix = "", *name = "?";

	if (base_type(type) < ARRAY_SIZE(names))
		name = names[base_type(type)];

	/* "ptr_" is completed by a type name, so the suffix goes before it */
	if (type & PTR_MAYBE_NULL)
		postfix = base_type(type) == PTR_TO_BTF_ID ? "or_null_" :
							      "_or_null";

	/* one prefix only; where flags combine, the last listed wins */
	if (type & MEM_RDONLY)
		prefix = "rdonly_";
	if (type & MEM_ALLOC)
		prefix = "alloc_";
	if (type & MEM_USER)
		prefix = "user_";
	if (type & MEM_PERCPU)
		prefix = "percpu_";
	if (type & PTR_UNTRUSTED)
		prefix = "untrusted_";

	log_scnprintf(env->type_str_buf, sizeof(env->type_str_buf), "%s%s%s",
		      prefix, name, postfix);
	return env->type_str_buf;
}

/* The kernel type's name, as Linux prints it after "ptr_". */
const char *btf_type_name(u32 btf_id)
{
	switch (btf_id) {
	case XBPF_BTF_TASK_STRUCT:
		return "task_struct";
	case XBPF_BTF_PT_REGS:
		return "pt_regs";
	default:
		return "?";
	}
}

/*
 * At log level 1 only the registers and slots an instruction touched are
 * printed after it; these record which.
 */
void mark_reg_scratched(struct xbpf_verifier_env *env, u32 regno)
{
	env->scratched_regs |= 1U << regno;
}

void mark_stack_slot_scratched(struct xbpf_verifier_env *env, u32 spi)
{
	env->scratched_stack_slots |= 1ULL << spi;
}

void mark_verifier_state_clean(struct xbpf_verifier_env *env)
{
	env->scratched_regs = 0U;
	env->scratched_stack_slots = 0ULL;
}

/* For printing the whole state. */
void mark_verifier_state_scratched(struct xbpf_verifier_env *env)
{
	env->scratched_regs = ~0U;
	env->scratched_stack_slots = ~0ULL;
}

static bool reg_scratched(const struct xbpf_verifier_env *env, u32 regno)
{
	return (env->scratched_regs >> regno) & 1;
}

static bool stack_slot_scratched(const struct xbpf_verifier_env *env, u32 spi)
{
	return (env->scratched_stack_slots >> spi) & 1;
}

static void print_liveness(struct xbpf_verifier_env *env, u8 live)
{
	if (live & (REG_LIVE_READ | REG_LIVE_WRITTEN | REG_LIVE_DONE))
		verbose(env, "_");
	if (live & REG_LIVE_READ)
		verbose(env, "r");
	if (live & REG_LIVE_WRITTEN)
		verbose(env, "w");
	if (live & REG_LIVE_DONE)
		verbose(env, "D");
}

/* Types whose registers may carry a reference to be released. */
static bool reg_type_may_be_refcounted_or_null(u32 type)
{
	type = base_type(type);
	return type == PTR_TO_SOCKET || type == PTR_TO_TCP_SOCK ||
	       type == PTR_TO_MEM || type == PTR_TO_BTF_ID;
}

/* One item of a comma-separated list; *sep is "" before the first. */
static __printf(3, 4) void verbose_item(struct xbpf_verifier_env *env,
					const char **sep, const char *fmt, ...)
{
	va_list args;

	verbose(env, "%s", *sep);
	*sep = ",";
	if (!xbpf_log_needed(&env->log))
		return;
	va_start(args, fmt);
	log_vwrite(env, fmt, args);
	va_end(args);
}

/*
 * What is known of a register that is neither a known constant scalar
 * nor a stack pointer at a known offset: "type(attr,attr,...)". A bound
 * is left out when it says nothing or repeats another.
 */
static void print_reg_details(struct xbpf_verifier_env *env,
			      const struct xbpf_reg_state *reg)
{
	u32 t = reg->type;
	const char *sep = "";
	char tn_buf[48];

	verbose(env, "%s", reg_type_str(env, t));
	if (base_type(t) == PTR_TO_BTF_ID)
		verbose(env, "%s", btf_type_name(reg->btf_id));
	verbose(env, "(");
	if (reg->id)
		verbose_item(env, &sep, "id=%d", reg->id);
	if (reg_type_may_be_refcounted_or_null(t) && reg->ref_obj_id)
		verbose_item(env, &sep, "ref_obj_id=%d", reg->ref_obj_id);
	if (t != SCALAR_VALUE)
		verbose_item(env, &sep, "off=%d", reg->off);
	if (type_is_pkt_pointer(t))
		verbose_item(env, &sep, "r=%d", reg->range);
	else if (base_type(t) == CONST_PTR_TO_MAP ||
		 base_type(t) == PTR_TO_MAP_KEY ||
		 base_type(t) == PTR_TO_MAP_VALUE)
		verbose_item(env, &sep, "ks=%d,vs=%d", reg->map_ptr->key_size,
			     reg->map_ptr->value_size);

	if (tnum_is_const(reg->var_off)) {
		/* a pointer whose offset did not fit in off */
		verbose_item(env, &sep, "imm=%llx",
			     (unsigned long long)reg->var_off.value);
	} else {
		if (reg->smin_value != reg->umin_value &&
		    reg->smin_value != S64_MIN)
			verbose_item(env, &sep, "smin=%lld",
				     (long long)reg->smin_value);
		if (reg->smax_value != reg->umax_value &&
		    reg->smax_value != S64_MAX)
			verbose_item(env, &sep, "smax=%lld",
				     (long long)reg->smax_value);
		if (reg->umin_value != 0)
			verbose_item(env, &sep, "umin=%llu",
				     (unsigned long long)reg->umin_value);
		if (reg->umax_value != U64_MAX)
			verbose_item(env, &sep, "umax=%llu",
				     (unsigned long long)reg->umax_value);
		if (!tnum_is_unknown(reg->var_off)) {
			tnum_strn(tn_buf, sizeof(tn_buf), reg->var_off);
			verbose_item(env, &sep, "var_off=%s", tn_buf);
		}
		if (reg->s32_min_value != reg->smin_value &&
		    reg->s32_min_value != S32_MIN)
			verbose_item(env, &sep, "s32_min=%d",
				     (int)reg->s32_min_value);
		if (reg->s32_max_value != reg->smax_value &&
		    reg->s32_max_value != S32_MAX)
			verbose_item(env, &sep, "s32_max=%d",
				     (int)reg->s32_max_value);
		/* Linux prints the unsigned 32-bit bounds signed */
		if (reg->u32_min_value != reg->umin_value &&
		    reg->u32_min_value != 0)
			verbose_item(env, &sep, "u32_min=%d",
				     (int)reg->u32_min_value);
		if (reg->u32_max_value != reg->umax_value &&
		    reg->u32_max_value != U32_MAX)
			verbose_item(env, &sep, "u32_max=%d",
				     (int)reg->u32_max_value);
	}
	verbose(env, ")");
}

static void print_reg_state(struct xbpf_verifier_env *env,
			    const struct xbpf_reg_state *reg)
{
	u32 t = reg->type;

	if (t == SCALAR_VALUE && reg->precise)
		verbose(env, "P");
	if ((t == SCALAR_VALUE || t == PTR_TO_STACK) &&
	    tnum_is_const(reg->var_off)) {
		/* off is 0 for scalars */
		verbose(env, "%s", t == SCALAR_VALUE ? "" : reg_type_str(env, t));
		verbose(env, "%lld", (long long)(reg->var_off.value + reg->off));
	} else {
		print_reg_details(env, reg);
	}
}

static void print_stack_slot(struct xbpf_verifier_env *env,
			     const struct xbpf_stack_state *slot)
{
	static const char slot_type_char[] = {
		[STACK_INVALID]	= '?',
		[STACK_SPILL]	= 'r',
		[STACK_MISC]	= 'm',
		[STACK_ZERO]	= '0',
		[STACK_DYNPTR]	= 'd',
	};
	const struct xbpf_reg_state *reg = &slot->spilled_ptr;
	char types_buf[XBPF_REG_SIZE + 1];
	int j;

	if (is_spilled_reg(slot)) {
		verbose(env, "=%s",
			reg->type == SCALAR_VALUE ? "" :
						    reg_type_str(env, reg->type));
		if (reg->type == SCALAR_VALUE && reg->precise)
			verbose(env, "P");
		if (reg->type == SCALAR_VALUE && tnum_is_const(reg->var_off))
			verbose(env, "%lld",
				(long long)(reg->var_off.value + reg->off));
		return;
	}
	for (j = 0; j < XBPF_REG_SIZE; j++)
		types_buf[j] = slot_type_char[slot->slot_type[j]];
	types_buf[XBPF_REG_SIZE] = '\0';
	verbose(env, "=%s", types_buf);
}

/*
 * One frame's registers, stack slots and references on one line. Unless
 * print_all, only what was scratched since the last print is shown, and the
 * marks are cleared.
 */
void print_verifier_state(struct xbpf_verifier_env *env,
			  const struct xbpf_func_state *state, bool print_all)
{
	const struct xbpf_reg_state *reg;
	int i, j;

	if (state->frameno)
		verbose(env, " frame%d:", state->frameno);
	for (i = 0; i < XBPF_MAX_BPF_REG; i++) {
		reg = &state->regs[i];
		if (reg->type == NOT_INIT)
			continue;
		if (!print_all && !reg_scratched(env, i))
			continue;
		verbose(env, " R%d", i);
		print_liveness(env, reg->live);
		verbose(env, "=");
		print_reg_state(env, reg);
	}
	for (i = 0; i < state->allocated_stack / XBPF_REG_SIZE; i++) {
		const struct xbpf_stack_state *slot = &state->stack[i];
		bool valid = false;

		for (j = 0; j < XBPF_REG_SIZE; j++)
			if (slot->slot_type[j] != STACK_INVALID)
				valid = true;
		if (!valid)
			continue;
		if (!print_all && !stack_slot_scratched(env, i))
			continue;
		verbose(env, " fp%d", (-i - 1) * XBPF_REG_SIZE);
		print_liveness(env, slot->spilled_ptr.live);
		print_stack_slot(env, slot);
	}
	if (state->acquired_refs && state->refs[0].id) {
		verbose(env, " refs=%d", state->refs[0].id);
		for (i = 1; i < state->acquired_refs; i++)
			if (state->refs[i].id)
				verbose(env, ",%d", state->refs[i].id);
	}
	if (state->in_callback_fn)
		verbose(env, " cb");
	verbose(env, "\n");
	if (!print_all)
		mark_verifier_state_clean(env);
}

/* Spaces that take a line of pos characters to the state column. */
static u32 vlog_alignment(u32 pos)
{
	return round_up(max(pos + XBPF_LOG_MIN_ALIGNMENT / 2,
			    XBPF_LOG_ALIGNMENT),
			XBPF_LOG_MIN_ALIGNMENT) - pos - 1;
}

/*
 * The state after an instruction: appended to the instruction's own line
 * when nothing was logged since it, else on a line of its own.
 */
void print_insn_state(struct xbpf_verifier_env *env,
		      const struct xbpf_func_state *state)
{
	if (env->prev_log_len && env->prev_log_len == env->log.len_used) {
		/* take back the instruction line's newline */
		xbpf_log_reset(env, env->prev_log_len - 1);
		verbose(env, "%*c;", (int)vlog_alignment(env->prev_insn_print_len),
			' ');
	} else {
		verbose(env, "%d:", env->insn_idx);
	}
	print_verifier_state(env, state, false);
}

/*
 * The value an ld_imm64 of a map loads, once the map is resolved: the
 * pointer it becomes, shown only to a loader allowed to see pointers.
 */
static const char *ld_imm64_name(void *priv, const struct bpf_insn *insn,
				 u64 imm, char *buf, size_t size)
{
	struct xbpf_verifier_env *env = priv;
	const struct xbpf_insn_aux_data *aux;
	const struct xbpf_vmap *map;
	u64 addr;

	if (!env->allow_ptr_leaks || !env->insn_aux_data)
		return NULL;
	if (insn->src_reg != BPF_PSEUDO_MAP_FD &&
	    insn->src_reg != BPF_PSEUDO_MAP_IDX &&
	    insn->src_reg != BPF_PSEUDO_MAP_VALUE &&
	    insn->src_reg != BPF_PSEUDO_MAP_IDX_VALUE)
		return NULL;
	aux = &env->insn_aux_data[insn - env->insns];
	if (aux->map_index >= env->used_map_cnt)
		return NULL;
	map = env->used_maps[aux->map_index];

	if (insn->src_reg == BPF_PSEUDO_MAP_VALUE ||
	    insn->src_reg == BPF_PSEUDO_MAP_IDX_VALUE) {
		if (env->host->map_direct_value_addr(env->host->priv, map,
						     aux->map_off, &addr))
			return NULL;
	} else {
		addr = (u64)(unsigned long)map->handle;
	}
	log_scnprintf(buf, size, "0x%llx", (unsigned long long)addr);
	return buf;
}

/* "idx: " and the instruction, as the trace shows each one. */
void print_bpf_insn_log(struct xbpf_verifier_env *env,
			const struct bpf_insn *insn)
{
	const struct xbpf_disasm_cbs cbs = {
		.imm_name	= ld_imm64_name,
		.priv		= env,
	};
	char line[128];

	if (!xbpf_log_needed(&env->log))
		return;
	xbpf_disasm_insn(insn, &cbs, env->allow_ptr_leaks, line, sizeof(line));
	verbose(env, "%d: %s", (int)(insn - env->insns), line);
}
