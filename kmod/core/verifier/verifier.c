// SPDX-License-Identifier: GPL-2.0
/*
 * xbpf_verify(): one program load from start to finish, in Linux 6.1's
 * order — log setup, subprograms, map references, control flow, path
 * exploration, stack depth, rewrites, statistics — so that a program with
 * several faults is refused for the same one Linux names.
 */
#include "../insn.h"
#include "fixup.h"
#include "vfuncs.h"

#define BPF_MAX_VAR_OFF	(1 << 29)

static bool log_attr_valid(const struct xbpf_verify_attr *attr)
{
	return attr->log_size >= 128 && attr->log_size <= U32_MAX >> 2 &&
	       attr->log_level && attr->log_buf &&
	       !(attr->log_level & ~XBPF_LOG_MASK);
}

/* The map an ld_imm64 names, by fd or through fd_array. */
static int ldimm64_map(struct xbpf_verifier_env *env, struct bpf_insn *insn,
		       const struct xbpf_vmap **map)
{
	s32 fd = insn->imm;
	int err;

	if (insn->src_reg == BPF_PSEUDO_MAP_IDX_VALUE ||
	    insn->src_reg == BPF_PSEUDO_MAP_IDX) {
		err = env->host->fd_array_get(env->host->priv, insn->imm, &fd);
		if (err == -EPROTO)
			verbose(env, "fd_idx without fd_array is invalid\n");
		if (err)
			return err;
	}
	err = env->host->get_map(env->host->priv, fd, map);
	if (err)
		verbose(env, "fd %d is not pointing to valid bpf_map\n", fd);
	return err;
}

/*
 * Check every ld_imm64 and every opcode, and turn map references into the
 * maps' addresses (or their values' addresses) before the main pass.
 */
static int resolve_pseudo_ldimm64(struct xbpf_verifier_env *env)
{
	struct bpf_insn *insn = env->insns;
	u32 insn_cnt = env->len, i, j;
	int err;

	for (i = 0; i < insn_cnt; i++, insn++) {
		struct xbpf_insn_aux_data *aux;
		const struct xbpf_vmap *map;
		u64 addr;

		if (BPF_CLASS(insn->code) == BPF_LDX &&
		    (BPF_MODE(insn->code) != BPF_MEM || insn->imm != 0)) {
			verbose(env, "BPF_LDX uses reserved fields\n");
			return -EINVAL;
		}
		if (insn[0].code != (BPF_LD | BPF_IMM | BPF_DW)) {
			if (!xbpf_insn_opcode_valid(insn->code)) {
				verbose(env, "unknown opcode %02x\n", insn->code);
				return -EINVAL;
			}
			continue;
		}
		if (i == insn_cnt - 1 || insn[1].code != 0 ||
		    insn[1].dst_reg != 0 || insn[1].src_reg != 0 ||
		    insn[1].off != 0) {
			verbose(env, "invalid bpf_ld_imm64 insn\n");
			return -EINVAL;
		}
		if (insn[0].src_reg == 0)
			goto next_insn;
		if (insn[0].src_reg == BPF_PSEUDO_BTF_ID) {
			verbose(env, "xbpf: BTF objects are not supported\n");
			return -ENOTSUPP;
		}
		if (insn[0].src_reg == BPF_PSEUDO_FUNC) {
			env->insn_aux_data[i].ptr_type = PTR_TO_FUNC;
			goto next_insn;
		}
		switch (insn[0].src_reg) {
		case BPF_PSEUDO_MAP_VALUE:
		case BPF_PSEUDO_MAP_IDX_VALUE:
			break;
		case BPF_PSEUDO_MAP_FD:
		case BPF_PSEUDO_MAP_IDX:
			if (insn[1].imm == 0)
				break;
			fallthrough;
		default:
			verbose(env, "unrecognized bpf_ld_imm64 insn\n");
			return -EINVAL;
		}

		err = ldimm64_map(env, insn, &map);
		if (err)
			return err;

		aux = &env->insn_aux_data[i];
		if (insn[0].src_reg == BPF_PSEUDO_MAP_FD ||
		    insn[0].src_reg == BPF_PSEUDO_MAP_IDX) {
			addr = (unsigned long)map->handle;
		} else {
			u32 off = insn[1].imm;

			if (off >= BPF_MAX_VAR_OFF) {
				verbose(env, "direct value offset of %u is not allowed\n",
					off);
				return -EINVAL;
			}
			if (!env->host->map_direct_value_addr) {
				verbose(env, "no direct value access support for this map type\n");
				return -EINVAL;
			}
			err = env->host->map_direct_value_addr(env->host->priv,
							       map, off, &addr);
			if (err == -EOPNOTSUPP) {
				verbose(env, "no direct value access support for this map type\n");
				return -EINVAL;
			}
			if (err) {
				verbose(env, "invalid access to map value pointer, value_size=%u off=%u\n",
					map->value_size, off);
				return err;
			}
			aux->map_off = off;
		}
		insn[0].imm = (u32)addr;
		insn[1].imm = addr >> 32;

		for (j = 0; j < env->used_map_cnt; j++) {
			if (env->used_maps[j] == map) {
				aux->map_index = j;
				goto next_insn;
			}
		}
		if (env->used_map_cnt >= XBPF_MAX_USED_MAPS)
			return -E2BIG;
		aux->map_index = env->used_map_cnt;
		env->used_maps[env->used_map_cnt++] = map;
next_insn:
		insn++;
		i++;
	}
	return 0;
}

static void print_verification_stats(struct xbpf_verifier_env *env,
				     u64 time_ns)
{
	u32 i;

	if (env->log.level & XBPF_LOG_STATS) {
		verbose(env, "verification time %llu usec\n",
			(unsigned long long)(time_ns / 1000));
		verbose(env, "stack depth ");
		for (i = 0; i < env->subprog_cnt; i++) {
			verbose(env, "%d", env->subprog_info[i].stack_depth);
			if (i + 1 < env->subprog_cnt)
				verbose(env, "+");
		}
		verbose(env, "\n");
	}
	verbose(env, "processed %d insns (limit %d) max_states_per_insn %d total_states %d peak_states %d mark_read %d\n",
		env->insn_processed, XBPF_COMPLEXITY_LIMIT_INSNS,
		env->max_states_per_insn, env->total_states,
		env->peak_states, env->longest_mark_read_walk);
}

/*
 * Without BTF, subprograms are static: they must return to their caller,
 * which LD_ABS (a failed load returns from the program) and tail calls
 * do not.
 */
static int check_abnormal_return(struct xbpf_verifier_env *env)
{
	u32 i;

	for (i = 1; i < env->subprog_cnt; i++) {
		if (env->subprog_info[i].has_ld_abs) {
			verbose(env, "LD_ABS is not allowed in subprogs without BTF\n");
			return -EINVAL;
		}
		if (env->subprog_info[i].has_tail_call) {
			verbose(env, "tail_call is not allowed in subprogs without BTF\n");
			return -EINVAL;
		}
	}
	return 0;
}

static int verify(struct xbpf_verifier_env *env)
{
	int ret;

	ret = add_subprogs(env);
	if (ret < 0)
		return ret;
	ret = check_subprogs(env);
	if (ret < 0)
		return ret;
	ret = check_abnormal_return(env);
	if (ret < 0)
		return ret;
	ret = resolve_pseudo_ldimm64(env);
	if (ret < 0)
		return ret;
	ret = check_cfg(env);
	if (ret < 0)
		return ret;
	ret = do_check_main(env);
	if (ret)
		return ret;
	ret = check_max_stack_depth(env);
	if (ret)
		return ret;
	ret = optimize_bpf_loop(env);
	if (ret)
		return ret;
	sanitize_dead_code(env);
	ret = convert_ctx_accesses(env);
	if (ret)
		return ret;
	return inline_helper_calls(env);
}

int xbpf_verify(const struct xbpf_verify_attr *attr,
		const struct xbpf_prog_type_ops *ops,
		const struct xbpf_verifier_host *host,
		struct xbpf_verify_result *res)
{
	u64 start_time = xbpf_core_now_ns();
	struct xbpf_verifier_env *env;
	u32 i;
	int ret;

	env = xbpf_core_zalloc(sizeof(*env));
	if (!env)
		return -ENOMEM;
	ret = -ENOMEM;
	env->len = attr->insn_cnt;
	env->insns = xbpf_core_zalloc(sizeof(*env->insns) * env->len);
	env->insn_aux_data = xbpf_core_zalloc(sizeof(*env->insn_aux_data) *
					      env->len);
	if (!env->insns || !env->insn_aux_data)
		goto out;
	memcpy(env->insns, attr->insns, sizeof(*env->insns) * env->len);
	for (i = 0; i < env->len; i++)
		env->insn_aux_data[i].orig_idx = i;
	env->ops = ops;
	env->host = host;
	env->prog_type = ops->prog_type;
	env->expected_attach_type = attr->expected_attach_type;
	env->gpl_compatible = attr->gpl_compatible;

	if (attr->log_level || attr->log_buf || attr->log_size) {
		env->log.level = attr->log_level;
		env->log.ubuf = attr->log_buf;
		env->log.len_total = attr->log_size;
		if (!log_attr_valid(attr)) {
			ret = -EINVAL;
			goto out;
		}
	}
	mark_verifier_state_clean(env);

	/* x86-64 handles unaligned accesses: only the flag asks for checks */
	env->strict_alignment = attr->prog_flags & BPF_F_STRICT_ALIGNMENT;
	if (attr->prog_flags & BPF_F_ANY_ALIGNMENT)
		env->strict_alignment = false;
	env->allow_ptr_leaks = attr->perfmon_capable;
	env->allow_uninit_stack = attr->perfmon_capable;
	env->allow_ptr_to_map_access = attr->perfmon_capable;
	/* xbpf does not sanitize for Spectre: loaders must be trusted */
	env->bypass_spec_v1 = true;
	env->bypass_spec_v4 = true;
	env->bpf_capable = attr->bpf_capable;
	if (attr->bpf_capable)
		env->test_state_freq = attr->prog_flags & BPF_F_TEST_STATE_FREQ;

	ret = verify(env);

	print_verification_stats(env, xbpf_core_now_ns() - start_time);
	res->verified_insns = env->insn_processed;
	res->log_end = env->log.len_used;
	res->log_open = env->log.level && env->log.ubuf &&
			!xbpf_log_full(&env->log);
	if (env->log.level && xbpf_log_full(&env->log))
		ret = -ENOSPC;
	if (env->log.level && !env->log.ubuf)
		ret = -EFAULT;
	if (ret)
		goto out;

	res->insns = env->insns;
	res->insn_cnt = env->len;
	env->insns = NULL;
	res->stack_depth = env->subprog_info[0].stack_depth;
	res->max_ctx_offset = env->max_ctx_offset;
	for (i = 0; i < env->subprog_cnt; i++) {
		res->has_ld_abs |= env->subprog_info[i].has_ld_abs;
		res->has_tail_call |= env->subprog_info[i].has_tail_call;
		res->stack_depth = max_t(u32, res->stack_depth,
					 env->subprog_info[i].stack_depth);
		res->func_start[i] = env->subprog_info[i].start;
		res->func_stack_depth[i] = env->subprog_info[i].stack_depth;
	}
	res->func_cnt = env->subprog_cnt;
	memcpy(res->used_maps, env->used_maps, sizeof(env->used_maps));
	res->used_map_cnt = env->used_map_cnt;
out:
	xbpf_core_free(env->insns);
	xbpf_core_free(env->insn_aux_data);
	xbpf_core_free(env);
	return ret;
}

bool xbpf_env_bpf_capable(const struct xbpf_verifier_env *env)
{
	return !env || env->bpf_capable;
}

bool xbpf_env_perfmon_capable(const struct xbpf_verifier_env *env)
{
	/* allow_ptr_leaks is perfmon_capable(), as in Linux */
	return !env || env->allow_ptr_leaks;
}

u32 xbpf_env_prog_type(const struct xbpf_verifier_env *env)
{
	return env ? env->prog_type : BPF_PROG_TYPE_UNSPEC;
}
