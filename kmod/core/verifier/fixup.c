// SPDX-License-Identifier: GPL-2.0
/*
 * Rewrites of a verified program into what runs: context accesses turned
 * into accesses of the kernel's objects. Helper calls keep their Linux
 * helper id, which indexes the program type's function table at run time.
 * Patching keeps jumps, per-insn data and subprogram starts
 * pointing where they pointed.
 */
#include "../insn.h"
#include "vfuncs.h"
#include "fixup.h"

static bool insn_is_jump(const struct bpf_insn *insn)
{
	u8 class = BPF_CLASS(insn->code), op = BPF_OP(insn->code);

	if (class != BPF_JMP && class != BPF_JMP32)
		return false;
	return op != BPF_EXIT && op != BPF_CALL;
}

static bool insn_is_pseudo_call(const struct bpf_insn *insn)
{
	return insn->code == (BPF_JMP | BPF_CALL) &&
	       insn->src_reg == BPF_PSEUDO_CALL;
}

/* New index of old insn i when insn pos became delta + 1 insns. */
static s64 moved(s64 i, u32 pos, u32 delta)
{
	return i > pos ? i + delta : i;
}

/*
 * Replace insn pos by the cnt insns of patch. Jumps into pos land on the
 * first insn of the patch; jumps inside the patch are the patch's own.
 */
int xbpf_patch_insns(struct xbpf_verifier_env *env, u32 pos,
		     const struct bpf_insn *patch, u32 cnt)
{
	u32 delta = cnt - 1, new_len = env->len + delta, i;
	struct xbpf_insn_aux_data *aux;
	struct bpf_insn *insns;

	if (cnt == 1) {
		env->insns[pos] = patch[0];
		return 0;
	}
	insns = xbpf_core_zalloc(sizeof(*insns) * new_len);
	aux = xbpf_core_zalloc(sizeof(*aux) * new_len);
	if (!insns || !aux) {
		xbpf_core_free(insns);
		xbpf_core_free(aux);
		return -ENOMEM;
	}
	memcpy(insns, env->insns, sizeof(*insns) * pos);
	memcpy(insns + pos, patch, sizeof(*insns) * cnt);
	memcpy(insns + pos + cnt, env->insns + pos + 1,
	       sizeof(*insns) * (env->len - pos - 1));

	for (i = 0; i < env->len; i++) {
		struct bpf_insn *insn;
		s64 target, off;

		if (i == pos)
			continue;
		insn = &insns[moved(i, pos, delta)];
		if (insn->code == (BPF_JMP32 | BPF_JA)) {
			/* gotol: the offset is in imm */
			target = (s64)i + insn->imm + 1;
			insn->imm = moved(target, pos, delta) -
				    moved(i, pos, delta) - 1;
		} else if (insn_is_jump(insn)) {
			target = (s64)i + insn->off + 1;
			off = moved(target, pos, delta) - moved(i, pos, delta) - 1;
			if (off != (s16)off)
				goto err_range;
			insn->off = off;
		} else if (insn_is_pseudo_call(insn) ||
			   (insn->code == (BPF_LD | BPF_IMM | BPF_DW) &&
			    insn->src_reg == BPF_PSEUDO_FUNC)) {
			/* a call's or a callback's target, relative to it */
			target = (s64)i + insn->imm + 1;
			insn->imm = moved(target, pos, delta) -
				    moved(i, pos, delta) - 1;
		}
	}

	/* the patch inherits what the verifier learned about pos */
	memcpy(aux, env->insn_aux_data, sizeof(*aux) * pos);
	for (i = 0; i < cnt; i++) {
		aux[pos + i] = env->insn_aux_data[pos];
		if (i != delta)
			aux[pos + i].zext_dst = false;
	}
	memcpy(aux + pos + cnt, env->insn_aux_data + pos + 1,
	       sizeof(*aux) * (env->len - pos - 1));

	for (i = 0; i <= env->subprog_cnt; i++)
		if (env->subprog_info[i].start > pos)
			env->subprog_info[i].start += delta;

	xbpf_core_free(env->insns);
	xbpf_core_free(env->insn_aux_data);
	env->insns = insns;
	env->insn_aux_data = aux;
	env->len = new_len;
	return 0;

err_range:
	verbose(env, "insn %d cannot be patched due to 16-bit range\n", pos);
	xbpf_core_free(insns);
	xbpf_core_free(aux);
	return -ERANGE;
}

static int ldst_bytes(const struct bpf_insn *insn)
{
	static const int bytes[] = { 4, 2, 1, 8 };

	return bytes[BPF_SIZE(insn->code) >> 3];
}

static u8 size_code_of(int bytes)
{
	switch (bytes) {
	case 1:
		return BPF_B;
	case 2:
		return BPF_H;
	case 4:
		return BPF_W;
	default:
		return BPF_DW;
	}
}

/* Bytes into the (size_default-sized) field where a narrow load starts. */
static u8 narrow_access_offset(u32 off, u32 size, u32 size_default)
{
	u8 access_off = off & (size_default - 1);

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	return size_default - (access_off + size);
#else
	(void)size;
	return access_off;
#endif
}

static struct bpf_insn alu_imm(u8 class, u8 op, u8 dst, s32 imm)
{
	struct bpf_insn insn = {
		.code = class | op | BPF_K,
		.dst_reg = dst,
		.imm = imm,
	};

	return insn;
}

int convert_ctx_accesses(struct xbpf_verifier_env *env)
{
	struct bpf_insn insn_buf[16];
	u32 i;

	for (i = 0; i < env->len; i++) {
		struct bpf_insn *insn = &env->insns[i];
		u32 target_size = 0, size_default, off, cnt;
		int size, ctx_field_size, err;
		enum xbpf_access_type type;
		bool is_narrower_load;

		if (BPF_CLASS(insn->code) == BPF_LDX &&
		    BPF_MODE(insn->code) == BPF_MEM)
			type = XBPF_READ;
		else if (BPF_CLASS(insn->code) == BPF_STX &&
			 BPF_MODE(insn->code) == BPF_MEM)
			type = XBPF_WRITE;
		else
			continue;
		if (env->insn_aux_data[i].ptr_type != PTR_TO_CTX ||
		    !env->ops->convert_ctx_access)
			continue;

		ctx_field_size = env->insn_aux_data[i].ctx_field_size;
		size = ldst_bytes(insn);
		/* a narrow load reads the whole field, then shifts and masks */
		is_narrower_load = size < ctx_field_size;
		size_default = ctx_field_size > 0 ? ctx_field_size : 8;
		if (size_default < 8 && size_default > 4)
			size_default = 8;
		off = insn->off;
		if (is_narrower_load) {
			if (type == XBPF_WRITE) {
				verbose(env, "bpf verifier narrow ctx access misconfigured\n");
				return -EINVAL;
			}
			insn->off = off & ~(size_default - 1);
			insn->code = BPF_LDX | BPF_MEM |
				     size_code_of(ctx_field_size);
		}

		cnt = env->ops->convert_ctx_access(type, insn, insn_buf,
						   &target_size);
		if (cnt == 0 || cnt >= ARRAY_SIZE(insn_buf) ||
		    (ctx_field_size && !target_size)) {
			verbose(env, "bpf verifier is misconfigured\n");
			return -EINVAL;
		}
		if (is_narrower_load && size < (int)target_size) {
			u8 shift = narrow_access_offset(off, size,
							size_default) * 8;
			u8 class = ctx_field_size <= 4 ? BPF_ALU : BPF_ALU64;

			if (shift && cnt + 1 >= ARRAY_SIZE(insn_buf)) {
				verbose(env, "bpf verifier narrow ctx load misconfigured\n");
				return -EINVAL;
			}
			if (shift)
				insn_buf[cnt++] = alu_imm(class, BPF_RSH,
							  insn->dst_reg, shift);
			insn_buf[cnt++] = alu_imm(BPF_ALU, BPF_AND,
						  insn->dst_reg,
						  (u32)((1ULL << size * 8) - 1));
		}
		err = xbpf_patch_insns(env, i, insn_buf, cnt);
		if (err)
			return err;
		i += cnt - 1;
	}
	return 0;
}

/*
 * map_lookup_elem on a map whose values form one flat array (the host
 * says so in the xbpf_vmap) becomes the index computation itself, as
 * Linux's array_map_gen_lookup() does: no call, R0 = the value or NULL.
 *
 *	r1 = values ll
 *	r0 = *(u32 *)(r2 + 0)
 *	if r0 >= max_entries goto +3
 *	r0 <<= log2(elem_size)		(or r0 *= elem_size)
 *	r0 += r1
 *	goto +1
 *	r0 = 0
 *
 * Only where every path calls with the same map. xbpf programs come from
 * trusted loaders (bypass_spec_v1), so the index is not masked.
 *
 * Beyond Linux: where the next insn tests R0, "if r0 == 0 goto L" or "if
 * r0 != 0 goto L" forward, the found value's "goto +1" goes straight on
 * to where that test would send a pointer, past the test.
 */
static u32 log2_exact(u32 x)
{
	u32 n = 0;

	while (x > 1) {
		x >>= 1;
		n++;
	}
	return n;
}

static int inline_array_lookup(const struct xbpf_vmap *map,
			       const struct bpf_insn *next,
			       struct bpf_insn *buf)
{
	u32 es = map->inline_elem_size;
	int n = 0;

	buf[n++] = (struct bpf_insn){ .code = BPF_LD | BPF_DW | BPF_IMM,
				      .dst_reg = BPF_REG_1,
				      .imm = (u32)map->inline_values };
	buf[n++] = (struct bpf_insn){ .imm = (u32)(map->inline_values >> 32) };
	buf[n++] = (struct bpf_insn){ .code = BPF_LDX | BPF_MEM | BPF_W,
				      .dst_reg = BPF_REG_0,
				      .src_reg = BPF_REG_2 };
	buf[n++] = (struct bpf_insn){ .code = BPF_JMP | BPF_JGE | BPF_K,
				      .dst_reg = BPF_REG_0, .off = 3,
				      .imm = map->max_entries };
	if (!(es & (es - 1)))
		buf[n++] = alu_imm(BPF_ALU64, BPF_LSH, BPF_REG_0,
				   log2_exact(es));
	else
		buf[n++] = alu_imm(BPF_ALU64, BPF_MUL, BPF_REG_0, es);
	buf[n++] = (struct bpf_insn){ .code = BPF_ALU64 | BPF_ADD | BPF_X,
				      .dst_reg = BPF_REG_0,
				      .src_reg = BPF_REG_1 };
	buf[n++] = (struct bpf_insn){ .code = BPF_JMP | BPF_JA, .off = 1 };
	buf[n++] = alu_imm(BPF_ALU64, BPF_MOV, BPF_REG_0, 0);
	/* the test follows the last insn: the ja is 2 insns before it */
	if (next && next->dst_reg == BPF_REG_0 && !next->src_reg &&
	    !next->imm) {
		if (next->code == (BPF_JMP | BPF_JEQ | BPF_K))
			buf[n - 2].off = 2;
		else if (next->code == (BPF_JMP | BPF_JNE | BPF_K) &&
			 next->off >= 0)
			buf[n - 2].off = 2 + next->off;
	}
	return n;
}

/*
 * get_smp_processor_id(), where the host gives the CPU number's per-CPU
 * address (beyond Linux 6.1, which calls the helper):
 *
 *	r0 = &cpu_number ll
 *	r0 = this_cpu_ptr(r0)
 *	r0 = *(u32 *)(r0 + 0)
 */
static int inline_cpu_number(u64 addr, struct bpf_insn *buf)
{
	int n = 0;

	buf[n++] = (struct bpf_insn){ .code = BPF_LD | BPF_DW | BPF_IMM,
				      .dst_reg = BPF_REG_0, .imm = (u32)addr };
	buf[n++] = (struct bpf_insn){ .imm = (u32)(addr >> 32) };
	buf[n++] = (struct bpf_insn){ .code = BPF_ALU64 | XBPF_PERCPU | BPF_K,
				      .dst_reg = BPF_REG_0 };
	buf[n++] = (struct bpf_insn){ .code = BPF_LDX | BPF_MEM | BPF_W,
				      .dst_reg = BPF_REG_0,
				      .src_reg = BPF_REG_0 };
	return n;
}

int inline_helper_calls(struct xbpf_verifier_env *env)
{
	struct bpf_insn insn_buf[16];
	u32 i;
	int cnt, err;

	for (i = 0; i < env->len; i++) {
		const struct bpf_insn *insn = &env->insns[i];
		const struct xbpf_insn_aux_data *aux = &env->insn_aux_data[i];
		const struct xbpf_vmap *map;

		if (insn->code == (BPF_JMP | BPF_CALL) && !insn->src_reg &&
		    insn->imm == BPF_FUNC_get_smp_processor_id &&
		    env->host->cpu_number) {
			cnt = inline_cpu_number(env->host->cpu_number,
						insn_buf);
			err = xbpf_patch_insns(env, i, insn_buf, cnt);
			if (err)
				return err;
			i += cnt - 1;
			continue;
		}
		if (insn->code != (BPF_JMP | BPF_CALL) || insn->src_reg ||
		    insn->imm != BPF_FUNC_map_lookup_elem)
			continue;
		if (!aux->map_ptr_state || bpf_map_ptr_poisoned(aux))
			continue;
		map = bpf_map_ptr(aux);
		if (!map->inline_values || !map->inline_elem_size) {
			/* no wrapper, no indirect call: the map's lookup */
			if (map->lookup_call)
				env->insns[i].imm = map->lookup_call;
			continue;
		}
		cnt = inline_array_lookup(map, i + 1 < env->len ?
					  &env->insns[i + 1] : NULL, insn_buf);
		err = xbpf_patch_insns(env, i, insn_buf, cnt);
		if (err)
			return err;
		i += cnt - 1;
	}
	return 0;
}

/* Linux's BPF_MAX_LOOPS */
#define XBPF_MAX_LOOPS	(8 * 1024 * 1024)

#define MOV64_REG(d, s)	((struct bpf_insn){ .code = BPF_ALU64 | BPF_MOV | BPF_X, \
				    .dst_reg = d, .src_reg = s })
#define STX_DW(d, s, o)	((struct bpf_insn){ .code = BPF_STX | BPF_MEM | BPF_DW, \
				    .dst_reg = d, .src_reg = s, .off = o })
#define LDX_DW(d, s, o)	((struct bpf_insn){ .code = BPF_LDX | BPF_MEM | BPF_DW, \
				    .dst_reg = d, .src_reg = s, .off = o })
#define JMP_IMM(op, d, i, o) ((struct bpf_insn){ .code = BPF_JMP | (op) | BPF_K, \
					 .dst_reg = d, .off = o, .imm = i })

/*
 * bpf_loop(nr, callback, ctx, 0) as a loop in the program calling the
 * callback as a subprogram, which is what makes it fast; the same code
 * as Linux 6.1's inline_bpf_loop(), so the same results (nr is compared
 * in 64 bits here, where the helper takes a u32). R6-R8 hold the loop's
 * bound, count and ctx, saved below the function's stack at stack_base.
 */
static int inline_bpf_loop(struct xbpf_verifier_env *env, u32 pos,
			   s32 stack_base, u32 callback_subprogno, u32 *cnt)
{
	s16 r6_off = stack_base, r7_off = stack_base + 8,
	    r8_off = stack_base + 16;
	const struct bpf_insn patch[] = {
		/* too many iterations: -E2BIG, to the end of the patch */
		JMP_IMM(BPF_JLE, BPF_REG_1, XBPF_MAX_LOOPS, 2),
		alu_imm(BPF_ALU, BPF_MOV, BPF_REG_0, -E2BIG),
		JMP_IMM(BPF_JA, 0, 0, 16),
		STX_DW(BPF_REG_10, BPF_REG_6, r6_off),
		STX_DW(BPF_REG_10, BPF_REG_7, r7_off),
		STX_DW(BPF_REG_10, BPF_REG_8, r8_off),
		MOV64_REG(BPF_REG_6, BPF_REG_1),
		alu_imm(BPF_ALU, BPF_MOV, BPF_REG_7, 0),
		MOV64_REG(BPF_REG_8, BPF_REG_3),
		/* loop header: count >= bound ends it */
		((struct bpf_insn){ .code = BPF_JMP | BPF_JGE | BPF_X,
				    .dst_reg = BPF_REG_7,
				    .src_reg = BPF_REG_6, .off = 5 }),
		MOV64_REG(BPF_REG_1, BPF_REG_7),
		MOV64_REG(BPF_REG_2, BPF_REG_8),
		/* the callback: its offset is known after patching */
		((struct bpf_insn){ .code = BPF_JMP | BPF_CALL,
				    .src_reg = BPF_PSEUDO_CALL }),
		alu_imm(BPF_ALU64, BPF_ADD, BPF_REG_7, 1),
		/* 0: next iteration */
		JMP_IMM(BPF_JEQ, BPF_REG_0, 0, -6),
		MOV64_REG(BPF_REG_0, BPF_REG_7),
		LDX_DW(BPF_REG_6, BPF_REG_10, r6_off),
		LDX_DW(BPF_REG_7, BPF_REG_10, r7_off),
		LDX_DW(BPF_REG_8, BPF_REG_10, r8_off),
	};
	u32 call = pos + 12;
	int err;

	*cnt = ARRAY_SIZE(patch);
	err = xbpf_patch_insns(env, pos, patch, *cnt);
	if (err)
		return err;
	env->insns[call].imm = env->subprog_info[callback_subprogno].start -
			       call - 1;
	return 0;
}

int optimize_bpf_loop(struct xbpf_verifier_env *env)
{
	struct xbpf_subprog_info *subprogs = env->subprog_info;
	u32 i, cur_subprog = 0, cnt;
	u16 stack_depth = subprogs[0].stack_depth;
	u16 roundup = round_up(stack_depth, 8) - stack_depth;
	u16 extra = 0;
	int err;

	for (i = 0; i < env->len; i++) {
		const struct bpf_insn *insn = &env->insns[i];
		const struct xbpf_insn_aux_data *aux = &env->insn_aux_data[i];

		/*
		 * xbpf's frames are 512 bytes at most (Linux's JIT has no
		 * such bound): a function with no room for the three slots
		 * keeps calling the helper.
		 */
		if (insn->code == (BPF_JMP | BPF_CALL) && !insn->src_reg &&
		    insn->imm == BPF_FUNC_loop && aux->loop_fit_for_inline &&
		    stack_depth + 3 * 8 + roundup <= XBPF_MAX_STACK) {
			extra = 3 * 8 + roundup;
			err = inline_bpf_loop(env, i, -(stack_depth + extra),
					      aux->loop_callback_subprogno,
					      &cnt);
			if (err)
				return err;
			i += cnt - 1;
		}
		if (subprogs[cur_subprog + 1].start == i + 1) {
			subprogs[cur_subprog].stack_depth += extra;
			cur_subprog++;
			stack_depth = subprogs[cur_subprog].stack_depth;
			roundup = round_up(stack_depth, 8) - stack_depth;
			extra = 0;
		}
	}
	return 0;
}

/*
 * Insns no path reached: whatever they hold (the verifier never checked
 * them) becomes "ja -1", as Linux does for unprivileged loaders. Linux
 * removes them for privileged ones; xbpf traps them for all, so that
 * nothing unchecked is left for the JIT or a dump to read.
 */
void sanitize_dead_code(struct xbpf_verifier_env *env)
{
	const struct bpf_insn trap = { .code = BPF_JMP | BPF_JA, .off = -1 };
	u32 i;

	for (i = 0; i < env->len; i++) {
		if (env->insn_aux_data[i].seen)
			continue;
		env->insns[i] = trap;
		env->insn_aux_data[i].zext_dst = false;
	}
}
