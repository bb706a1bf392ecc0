// SPDX-License-Identifier: GPL-2.0
/*
 * The host kernel's verifier as a second opinion, where bpf(2) is allowed
 * (root): small socket filters are loaded with log_level 2, and the
 * register bounds its log prints after each instruction, and at the start
 * of each jump target, are compared with what bounds.c computes for the
 * same instructions.
 *
 * The host kernel is newer than 6.1 and tracks some things more tightly
 * (e.g. 64-bit bounds from 32-bit ones); the programs here stay where the
 * two agree. Where they differ, 6.1 is the specification, not the host.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "vtest.h"

#define LOG_SIZE	(1 << 20)
#define MAX_INSNS	32

#define INSN(c, d, s, o, i)						\
	((struct bpf_insn){ .code = (c), .dst_reg = (d), .src_reg = (s),	\
			    .off = (o), .imm = (i) })
#define ALU64_K(op, d, imm)	INSN(BPF_ALU64 | (op) | BPF_K, d, 0, 0, imm)
#define ALU32_K(op, d, imm)	INSN(BPF_ALU | (op) | BPF_K, d, 0, 0, imm)
#define ALU64_X(op, d, s)	INSN(BPF_ALU64 | (op) | BPF_X, d, s, 0, 0)
#define ALU32_X(op, d, s)	INSN(BPF_ALU | (op) | BPF_X, d, s, 0, 0)
#define JMP_K(op, d, imm, off)	INSN(BPF_JMP | (op) | BPF_K, d, 0, off, imm)
#define JMP32_K(op, d, imm, off) INSN(BPF_JMP32 | (op) | BPF_K, d, 0, off, imm)
#define RANDOM			INSN(BPF_JMP | BPF_CALL, 0, 0, 0,	\
				     BPF_FUNC_get_prandom_u32)
#define EXIT			INSN(BPF_JMP | BPF_EXIT, 0, 0, 0, 0)

/*
 * host_differs: bit i means the host prints a different state after insn
 * i (and on the taken side, for a jump), by a rule newer than 6.1; there
 * the host's state need only be within ours. The rules so far: since 6.8 the host derives
 * 32-bit ranges from 64-bit ones, and 64-bit ones from the 32-bit ranges
 * of a value whose upper half is not known to be zero. 6.1 does neither.
 */
#define DIFFERS(i)	(1U << (i))

static const struct kprog {
	const char *name;
	struct bpf_insn insns[MAX_INSNS];
	u32 host_differs;
} kprogs[] = {
	{ .name = "and, add, jgt, mul", .insns = {
		RANDOM,
		ALU64_K(BPF_AND, 0, 0xff),
		ALU64_K(BPF_ADD, 0, 10),
		JMP_K(BPF_JGT, 0, 100, 1),
		ALU64_K(BPF_MUL, 0, 3),
		EXIT } },
	{ .name = "shifts, or, xor", .insns = {
		RANDOM,
		ALU64_K(BPF_AND, 0, 0xffff),
		ALU64_K(BPF_LSH, 0, 8),
		ALU64_K(BPF_RSH, 0, 4),
		ALU64_K(BPF_OR, 0, 3),
		ALU64_K(BPF_XOR, 0, 0x100),
		ALU64_K(BPF_AND, 0, 0xff0f),
		EXIT } },
	{ .name = "signed: sub, jsgt, arsh", .insns = {
		RANDOM,
		ALU64_K(BPF_AND, 0, 0xff),
		ALU64_K(BPF_SUB, 0, 128),
		JMP_K(BPF_JSGT, 0, 10, 2),
		ALU64_K(BPF_ARSH, 0, 2),
		ALU64_K(BPF_ADD, 0, 1),
		EXIT }, .host_differs = DIFFERS(4) | DIFFERS(5) },
	{ .name = "alu32: and, sub, add, shifts", .insns = {
		RANDOM,
		ALU32_K(BPF_AND, 0, 0xf0),
		ALU32_K(BPF_SUB, 0, 1),
		ALU32_K(BPF_AND, 0, 0xfff),
		ALU32_K(BPF_ADD, 0, 7),
		ALU32_K(BPF_LSH, 0, 4),
		ALU32_K(BPF_RSH, 0, 2),
		ALU32_K(BPF_ARSH, 0, 1),
		EXIT } },
	{ .name = "jmp32 on an unknown value", .insns = {
		RANDOM,
		JMP32_K(BPF_JGT, 0, 1000, 3),
		JMP32_K(BPF_JLT, 0, 16, 2),
		ALU32_K(BPF_ADD, 0, 1),
		ALU64_K(BPF_AND, 0, 0xfff),
		EXIT }, .host_differs = DIFFERS(1) | DIFFERS(2) },
	{ .name = "jmp32 on a zero-extended value", .insns = {
		RANDOM,
		ALU32_K(BPF_ADD, 0, 0),
		JMP32_K(BPF_JGT, 0, 1000, 4),
		JMP32_K(BPF_JLT, 0, 16, 3),
		JMP32_K(BPF_JSGT, 0, 500, 2),
		ALU64_K(BPF_ADD, 0, 1),
		ALU64_K(BPF_AND, 0, 0xfff),
		EXIT } },
	{ .name = "jset", .insns = {
		RANDOM,
		ALU64_K(BPF_AND, 0, 0xff),
		JMP_K(BPF_JSET, 0, 0x8, 2),
		JMP_K(BPF_JSET, 0, 0x3, 1),
		ALU64_K(BPF_ADD, 0, 1),
		EXIT } },
	{ .name = "two registers: add, sub, and", .insns = {
		RANDOM,
		ALU64_X(BPF_MOV, 6, 0),
		RANDOM,
		ALU64_K(BPF_AND, 0, 0xf),
		ALU64_K(BPF_AND, 6, 0xf0),
		ALU64_X(BPF_ADD, 0, 6),
		ALU64_X(BPF_SUB, 0, 6),
		ALU64_X(BPF_AND, 0, 6),
		ALU32_X(BPF_ADD, 6, 6),
		EXIT } },
	{ .name = "signed ranges: jslt, jsgt", .insns = {
		RANDOM,
		JMP_K(BPF_JSLT, 0, -5, 3),
		JMP_K(BPF_JSGT, 0, 5, 2),
		ALU64_K(BPF_ADD, 0, 5),
		ALU64_K(BPF_MUL, 0, 7),
		EXIT } },
	{ .name = "jge, jlt, jle, jsge", .insns = {
		RANDOM,
		ALU64_K(BPF_AND, 0, 0x3ff),
		JMP_K(BPF_JGE, 0, 0x100, 4),
		JMP_K(BPF_JLT, 0, 0x10, 3),
		JMP_K(BPF_JLE, 0, 0x20, 2),
		JMP_K(BPF_JSGE, 0, 0x80, 1),
		ALU64_K(BPF_SUB, 0, 0x10),
		EXIT } },
	{ .name = "jeq, jne", .insns = {
		RANDOM,
		ALU64_K(BPF_AND, 0, 0xff),
		JMP_K(BPF_JEQ, 0, 0x42, 2),
		JMP_K(BPF_JNE, 0, 5, 1),
		ALU64_K(BPF_ADD, 0, 1),
		EXIT } },
	{ .name = "sign extension: << 32, s>> 32", .insns = {
		RANDOM,
		ALU64_K(BPF_AND, 0, 0xff),
		ALU64_K(BPF_SUB, 0, 100),
		ALU64_K(BPF_LSH, 0, 32),
		ALU64_K(BPF_ARSH, 0, 32),
		EXIT }, .host_differs = DIFFERS(4) },
	{ .name = "alu32 on a 64-bit range", .insns = {
		RANDOM,
		ALU64_K(BPF_LSH, 0, 20),
		ALU64_K(BPF_OR, 0, 0x3),
		ALU32_K(BPF_ADD, 0, 5),
		ALU32_K(BPF_XOR, 0, 0x10),
		ALU32_K(BPF_OR, 0, 0x7),
		EXIT } },
};

static char *log_buf;

static int prog_load(const struct bpf_insn *insns, size_t n)
{
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.prog_type = BPF_PROG_TYPE_SOCKET_FILTER;
	attr.insns = (unsigned long)insns;
	attr.insn_cnt = n;
	attr.license = (unsigned long)"GPL";
	log_buf[0] = 0;
	attr.log_buf = (unsigned long)log_buf;
	attr.log_size = LOG_SIZE;
	attr.log_level = 2;
	return syscall(__NR_bpf, BPF_PROG_LOAD, &attr, sizeof(attr));
}

static size_t prog_len(const struct kprog *p)
{
	size_t n = 0;

	while (p->insns[n].code != (BPF_JMP | BPF_EXIT))
		n++;
	return n + 1;
}

/*
 * Parse the state the host log prints for a register: "scalar(...)" with
 * the bounds that differ from unbounded, several names sharing a value
 * ("smin=umin=3"), or a bare number for a constant.
 */
static bool parse_reg(const char *s, struct xbpf_reg_state *reg)
{
	*reg = reg_unknown();
	if (*s == 'P')
		s++;
	if (strncmp(s, "scalar(", 7)) {
		char *end;
		u64 v = *s == '-' ? (u64)strtoll(s, &end, 0) :
				    strtoull(s, &end, 0);

		if (end == s)
			return false;
		xbpf_mark_reg_known(reg, v);
		return true;
	}
	s += 7;
	while (*s && *s != ')') {
		const char *names = s, *eq;
		char *end;
		u64 v;

		if (!strncmp(s, "var_off=(", 9)) {
			unsigned long long value, mask;

			if (sscanf(s, "var_off=(%llx; %llx)", &value, &mask) != 2)
				return false;
			reg->var_off = XBPF_TNUM(value, mask);
			s = strchr(s, ')') + 1;
		} else {
			while ((eq = strchr(s, '=')) && eq[1] >= 'a' &&
			       eq[1] <= 'z')
				s = eq + 1;
			eq = strchr(s, '=');
			if (!eq)
				return false;
			v = eq[1] == '-' ? (u64)strtoll(eq + 1, &end, 0) :
					   strtoull(eq + 1, &end, 0);
			for (s = names; s <= eq; s = strchr(s, '=') + 1) {
				size_t len = strcspn(s, "=");

#define FIELD(name, field, type)					\
				if (len == strlen(name) &&			\
				    !strncmp(s, name, len))			\
					reg->field = (type)v;
				FIELD("smin", smin_value, s64)
				FIELD("smax", smax_value, s64)
				FIELD("umin", umin_value, u64)
				FIELD("umax", umax_value, u64)
				FIELD("smin32", s32_min_value, s32)
				FIELD("smax32", s32_max_value, s32)
				FIELD("umin32", u32_min_value, u32)
				FIELD("umax32", u32_max_value, u32)
#undef FIELD
				if (s + len == eq)
					break;
			}
			s = end;
		}
		if (*s == ',')
			s++;
	}
	return true;
}

/* A scalar's state, precise or not, or a constant; not a pointer. */
static bool scalar_text(const char *s)
{
	if (*s == 'P')
		s++;
	return !strncmp(s, "scalar", 6) || *s == '-' ||
	       (*s >= '0' && *s <= '9');
}

/* "R<regno>=" or "R<regno>_w=" in line, followed by its state. */
static const char *find_reg(const char *line, int regno)
{
	char key[8], keyw[8];
	const char *p;

	snprintf(key, sizeof(key), "R%d=", regno);
	snprintf(keyw, sizeof(keyw), "R%d_w=", regno);
	for (p = line; *p; p++) {
		if (p != line && p[-1] != ' ' && p[-1] != ';')
			continue;
		if (!strncmp(p, key, strlen(key)))
			return p + strlen(key);
		if (!strncmp(p, keyw, strlen(keyw)))
			return p + strlen(keyw);
	}
	return NULL;
}

static bool same_bounds(const struct xbpf_reg_state *a,
			const struct xbpf_reg_state *b)
{
	return a->var_off.value == b->var_off.value &&
	       a->var_off.mask == b->var_off.mask &&
	       a->smin_value == b->smin_value && a->smax_value == b->smax_value &&
	       a->umin_value == b->umin_value && a->umax_value == b->umax_value &&
	       a->s32_min_value == b->s32_min_value &&
	       a->s32_max_value == b->s32_max_value &&
	       a->u32_min_value == b->u32_min_value &&
	       a->u32_max_value == b->u32_max_value;
}

/* Does a admit every value b does, going by each description alone? */
static bool wider(const struct xbpf_reg_state *a, const struct xbpf_reg_state *b)
{
	return tnum_in(a->var_off, b->var_off) &&
	       a->smin_value <= b->smin_value && a->smax_value >= b->smax_value &&
	       a->umin_value <= b->umin_value && a->umax_value >= b->umax_value &&
	       a->s32_min_value <= b->s32_min_value &&
	       a->s32_max_value >= b->s32_max_value &&
	       a->u32_min_value <= b->u32_min_value &&
	       a->u32_max_value >= b->u32_max_value;
}

/*
 * The model's registers after each instruction, and for a jump, on its
 * taken side.
 */
struct model {
	struct xbpf_reg_state after[MAX_INSNS][XBPF_MAX_BPF_REG];
	struct xbpf_reg_state taken[MAX_INSNS][XBPF_MAX_BPF_REG];
	bool has_after[MAX_INSNS], has_taken[MAX_INSNS];
};

/*
 * Run the model along the fall-through path (every jump in these
 * programs targets code the path reaches too, or the exit), keeping the
 * taken side of each jump for its target.
 */
static void model_run(const struct kprog *p, size_t n, struct model *m)
{
	struct xbpf_reg_state regs[XBPF_MAX_BPF_REG];
	size_t i;
	int r;

	memset(m, 0, sizeof(*m));
	for (r = 0; r < XBPF_MAX_BPF_REG; r++)
		regs[r] = reg_unknown();
	for (i = 0; i < n; i++) {
		const struct bpf_insn *insn = &p->insns[i];
		u8 cls = BPF_CLASS(insn->code), op = BPF_OP(insn->code);
		struct xbpf_reg_state *dst = &regs[insn->dst_reg];
		struct xbpf_reg_state src = BPF_SRC(insn->code) == BPF_X ?
			regs[insn->src_reg] : reg_const((u64)(s64)insn->imm);

		if (cls == BPF_JMP && op == BPF_EXIT)
			break;
		if (cls == BPF_JMP && op == BPF_CALL) {
			regs[0] = reg_unknown();
		} else if ((cls == BPF_ALU || cls == BPF_ALU64) &&
			   op == BPF_MOV) {
			*dst = src;
		} else if (cls == BPF_ALU || cls == BPF_ALU64) {
			xbpf_scalar_alu(dst, src, op, cls == BPF_ALU, true);
		} else {
			struct xbpf_reg_state t = *dst;

			xbpf_reg_set_min_max(&t, dst, (u64)(s64)insn->imm,
					     (u32)insn->imm, op,
					     cls == BPF_JMP32);
			memcpy(m->taken[i], regs, sizeof(regs));
			m->taken[i][insn->dst_reg] = t;
			m->has_taken[i] = true;
		}
		memcpy(m->after[i], regs, sizeof(regs));
		m->has_after[i] = true;
	}
}

static void check_prog(const struct kprog *p)
{
	static struct model m;
	size_t n = prog_len(p);
	unsigned int compared = 0, wrong = 0, tighter = 0;
	char *line, *save = NULL;
	int fd = prog_load(p->insns, n);

	if (fd < 0) {
		test_result(false, "kernel: %s: load failed (%s)", p->name,
			    strerror(errno));
		return;
	}
	close(fd);
	model_run(p, n, &m);
	for (line = strtok_r(log_buf, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		const struct xbpf_reg_state *want = NULL;
		unsigned int idx, to;
		int regno;

		/* "from 3 to 5: R0=..." and "3: (25) if ... ; R0=..." */
		if (sscanf(line, "from %u to %u:", &idx, &to) == 2) {
			if (idx >= MAX_INSNS || !m.has_taken[idx])
				continue;
		} else if (sscanf(line, "%u: (", &idx) == 1 &&
			   strstr(line, "; ")) {
			if (idx >= MAX_INSNS || !m.has_after[idx])
				continue;
		} else {
			continue;
		}
		for (regno = 0; regno < XBPF_MAX_BPF_REG; regno++) {
			struct xbpf_reg_state got;
			const char *s = find_reg(line, regno);

			if (!s || !scalar_text(s))
				continue;
			want = line[0] == 'f' ? &m.taken[idx][regno] :
						&m.after[idx][regno];
			/* where the host knows more, it knows no less */
			if (p->host_differs & DIFFERS(idx)) {
				tighter++;
				if (parse_reg(s, &got) && wider(want, &got))
					continue;
			} else {
				compared++;
				if (parse_reg(s, &got) && same_bounds(&got, want))
					continue;
			}
			if (!wrong++) {
				char buf[256];

				reg_str(buf, sizeof(buf), want);
				test_diag("kernel: %s", line);
				test_diag("ours:   R%d %s", regno, buf);
			}
		}
	}
	test_result(compared && !wrong,
		    "kernel: %s: %u states the same, %u tighter in the host, %u wrong",
		    p->name, compared, tighter, wrong);
}

void test_kernel(void)
{
	size_t i;
	int fd;

	log_buf = malloc(LOG_SIZE);
	if (!log_buf)
		return;
	/* probe: can this process load programs at all? */
	fd = prog_load(kprogs[0].insns, prog_len(&kprogs[0]));
	if (fd < 0) {
		int err = errno;

		for (i = 0; i < ARRAY_SIZE(kprogs); i++)
			test_skip(strerror(err), "kernel: %s", kprogs[i].name);
		free(log_buf);
		return;
	}
	close(fd);
	for (i = 0; i < ARRAY_SIZE(kprogs); i++)
		check_prog(&kprogs[i]);
	free(log_buf);
}
