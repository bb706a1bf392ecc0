// SPDX-License-Identifier: GPL-2.0
/*
 * The host environment of the core's fuzzers: see host_env.h, and
 * selftests/core/fuzz_verifier/README.md for what the program type, maps
 * and helpers offer and how an input becomes a program.
 */
#include "host_env.h"

bool verbose_mode;

/* ---------------------------------------------------------------------- */
/* Maps: real host memory behind every handle the verifier hands out.     */

struct host_map maps[NR_MAPS];

/*
 * Hash values deleted during a run. Linux frees them after an RCU grace
 * period, so a program may still use a pointer it looked up before the
 * delete: they are freed after the last run.
 */
static void **graveyard;
static size_t graveyard_len, graveyard_cap;

void *xmalloc(size_t size)
{
	void *p = malloc(size);

	if (!p)
		abort();
	return p;
}

static void bury(void *value)
{
	if (graveyard_len == graveyard_cap) {
		graveyard_cap = graveyard_cap ? graveyard_cap * 2 : 64;
		graveyard = realloc(graveyard,
				    graveyard_cap * sizeof(*graveyard));
		if (!graveyard)
			abort();
	}
	graveyard[graveyard_len++] = value;
}

static const struct {
	u32 type, key_size, value_size, max_entries, flags;
} map_defs[NR_MAPS] = {
	/* 100: values separately allocated, direct access refused */
	{ BPF_MAP_TYPE_ARRAY, 4, 16, 4, 0 },
	/* 101 */
	{ BPF_MAP_TYPE_HASH, 8, 8, 4, 0 },
	/* 102: direct value access */
	{ BPF_MAP_TYPE_ARRAY, 4, 16, 1, 0 },
	/* 103: read-only to programs, odd value size, direct access */
	{ BPF_MAP_TYPE_ARRAY, 4, 12, 1, BPF_F_RDONLY_PROG },
};

u64 rnd_state;

static u64 rnd(void)
{
	rnd_state = rnd_state * 6364136223846793005ULL + 1442695040888963407ULL;
	return rnd_state >> 11 ^ rnd_state << 29;
}

/* Values at the edges of what the bounds code reasons about. */
static u64 interesting(void)
{
	static const u64 vals[] = {
		0, 1, 2, 7, 8, 15, 16, 63, 64, 255, 256, 0x7fff, 0x8000,
		0xffff, 0x7fffffff, 0x80000000, 0xffffffff, 0x100000000ULL,
		0x7fffffffffffffffULL, 0x8000000000000000ULL, ~0ULL, ~0ULL - 1,
		-8ULL, -512ULL, 0xffffffff80000000ULL,
	};
	u64 r = rnd();

	return r & 1 ? vals[(r >> 1) % ARRAY_SIZE(vals)] : rnd();
}

void fill(void *p, size_t size)
{
	u8 *b = p;
	size_t i;

	for (i = 0; i < size; i += 8) {
		u64 v = interesting();

		memcpy(b + i, &v, size - i < 8 ? size - i : 8);
	}
}

void maps_init(void)
{
	u32 i, j;

	memset(maps, 0, sizeof(maps));
	for (i = 0; i < NR_MAPS; i++) {
		struct host_map *m = &maps[i];

		m->v.map_type = map_defs[i].type;
		m->v.key_size = map_defs[i].key_size;
		m->v.value_size = map_defs[i].value_size;
		m->v.max_entries = map_defs[i].max_entries;
		m->v.map_flags = map_defs[i].flags;
		m->v.id = i + 1;
		m->v.frozen = !!(map_defs[i].flags & BPF_F_RDONLY_PROG);
		m->v.handle = m;
		if (m->v.map_type != BPF_MAP_TYPE_ARRAY)
			continue;
		for (j = 0; j < m->v.max_entries; j++) {
			m->values[j] = xmalloc(m->v.value_size);
			fill(m->values[j], m->v.value_size);
		}
		if (m->v.map_flags & BPF_F_RDONLY_PROG)
			memcpy(m->snapshot, m->values[0], m->v.value_size);
	}
	/* two keys present in the hash: 0 and 1 */
	for (j = 0; j < 2; j++) {
		struct host_map *m = &maps[1];
		u64 key = j;

		m->used[j] = true;
		memcpy(m->keys[j], &key, 8);
		m->values[j] = xmalloc(m->v.value_size);
		fill(m->values[j], m->v.value_size);
	}
}

void maps_check(void)
{
	u32 i;

	for (i = 0; i < NR_MAPS; i++) {
		struct host_map *m = &maps[i];

		if ((m->v.map_flags & BPF_F_RDONLY_PROG) &&
		    memcmp(m->snapshot, m->values[0], m->v.value_size))
			finding("program wrote into BPF_F_RDONLY_PROG map %d",
				MAP_FD0 + i);
	}
}

void maps_free(void)
{
	u32 i, j;

	for (i = 0; i < NR_MAPS; i++)
		for (j = 0; j < MAX_SLOTS; j++)
			free(maps[i].values[j]);
	for (i = 0; i < graveyard_len; i++)
		free(graveyard[i]);
	free(graveyard);
	graveyard = NULL;
	graveyard_len = graveyard_cap = 0;
}

#define SLOT_IMAGE	(1 + 8 + 16)

void maps_save(u8 *image)
{
	u32 i, j;

	memset(image, 0, MAPS_IMAGE_SIZE);
	for (i = 0; i < NR_MAPS; i++) {
		struct host_map *m = &maps[i];

		for (j = 0; j < MAX_SLOTS; j++, image += SLOT_IMAGE) {
			if (!m->values[j])
				continue;
			image[0] = 1;
			memcpy(image + 1, m->keys[j], 8);
			memcpy(image + 9, m->values[j], m->v.value_size);
		}
	}
}

void maps_load(const u8 *image)
{
	u32 i, j;

	for (i = 0; i < NR_MAPS; i++) {
		struct host_map *m = &maps[i];

		for (j = 0; j < MAX_SLOTS; j++, image += SLOT_IMAGE) {
			if (!image[0]) {
				if (m->values[j])
					bury(m->values[j]);
				m->values[j] = NULL;
				m->used[j] = false;
				continue;
			}
			if (!m->values[j])
				m->values[j] = xmalloc(m->v.value_size);
			memcpy(m->keys[j], image + 1, 8);
			memcpy(m->values[j], image + 9, m->v.value_size);
			m->used[j] = m->v.map_type == BPF_MAP_TYPE_HASH;
		}
	}
}

static struct host_map *map_of(u64 handle, const char *helper)
{
	u32 i;

	for (i = 0; i < NR_MAPS; i++)
		if (handle == (unsigned long)&maps[i])
			return &maps[i];
	finding("%s: R1 0x%llx is not a map", helper,
		(unsigned long long)handle);
}

/* Copies the key, so that ASan checks all key_size bytes are there. */
static int hash_find(struct host_map *m, u64 key_ptr, u8 *key)
{
	int i;

	memcpy(key, (void *)(unsigned long)key_ptr, m->v.key_size);
	for (i = 0; i < MAX_SLOTS; i++)
		if (m->used[i] && !memcmp(m->keys[i], key, m->v.key_size))
			return i;
	return -1;
}

static u32 array_index(struct host_map *m, u64 key_ptr)
{
	u32 idx;

	memcpy(&idx, (void *)(unsigned long)key_ptr, sizeof(idx));
	return idx;
}

/* ---------------------------------------------------------------------- */
/* Helpers, with Linux 6.1's prototypes and real effects.                 */

struct helper_trace helper_trace;

/* FNV-1a over what a helper read. */
static u64 digest(u64 h, const void *p, size_t n)
{
	const u8 *b = p;

	while (n--)
		h = (h ^ *b++) * 0x100000001b3ULL;
	return h;
}

static void trace(u32 func_id, const struct host_map *m, const void *key,
		  const void *value, u64 flags, u64 ret)
{
	struct helper_call *c;
	u64 h = 0xcbf29ce484222325ULL;

	if (!helper_trace.on || helper_trace.len++ >= MAX_TRACE)
		return;
	c = &helper_trace.calls[helper_trace.len - 1];
	if (m) {
		h = digest(h, &m->v.id, sizeof(m->v.id));
		h = digest(h, key, m->v.key_size);
		if (value)
			h = digest(h, value, m->v.value_size);
	}
	c->func_id = func_id;
	c->args = digest(h, &flags, sizeof(flags));
	c->ret = ret;
}

static u64 h_map_lookup_elem(u64 map, u64 key, u64 r3, u64 r4, u64 r5)
{
	struct host_map *m = map_of(map, "map_lookup_elem");
	u8 k[8];
	int i;

	if (m->v.map_type == BPF_MAP_TYPE_ARRAY) {
		u32 idx = array_index(m, key);

		trace(BPF_FUNC_map_lookup_elem, m, &idx, NULL, 0,
		      idx < m->v.max_entries ? idx + 1 : 0);
		return idx < m->v.max_entries ?
			(unsigned long)m->values[idx] : 0;
	}
	i = hash_find(m, key, k);
	trace(BPF_FUNC_map_lookup_elem, m, k, NULL, 0, i + 1);
	return i < 0 ? 0 : (unsigned long)m->values[i];
}

static u64 map_update(u64 map, u64 key, u64 value, u64 flags);

static u64 h_map_update_elem(u64 map, u64 key, u64 value, u64 flags, u64 r5)
{
	struct host_map *m = map_of(map, "map_update_elem");
	u64 ret;
	u8 k[8];

	/* read before the update, which may overwrite the key */
	memcpy(k, (void *)(unsigned long)key, m->v.key_size);
	ret = map_update(map, key, value, flags);
	trace(BPF_FUNC_map_update_elem, m, k,
	      (const void *)(unsigned long)value, flags, ret);
	return ret;
}

static u64 map_update(u64 map, u64 key, u64 value, u64 flags)
{
	struct host_map *m = map_of(map, "map_update_elem");
	const void *val = (const void *)(unsigned long)value;
	u8 k[8];
	int i;

	if (m->v.map_flags & BPF_F_RDONLY_PROG)
		finding("map_update_elem on BPF_F_RDONLY_PROG map");
	if (flags > BPF_EXIST)
		return (u64)-EINVAL;
	if (m->v.map_type == BPF_MAP_TYPE_ARRAY) {
		u32 idx = array_index(m, key);

		if (idx >= m->v.max_entries)
			return (u64)-E2BIG;
		if (flags == BPF_NOEXIST)
			return (u64)-EEXIST;
		memmove(m->values[idx], val, m->v.value_size);
		return 0;
	}
	i = hash_find(m, key, k);
	if (i >= 0) {
		if (flags == BPF_NOEXIST)
			return (u64)-EEXIST;
		memmove(m->values[i], val, m->v.value_size);
		return 0;
	}
	if (flags == BPF_EXIST)
		return (u64)-ENOENT;
	for (i = 0; i < MAX_SLOTS; i++) {
		if (m->used[i])
			continue;
		m->values[i] = xmalloc(m->v.value_size);
		memcpy(m->values[i], val, m->v.value_size);
		memcpy(m->keys[i], k, m->v.key_size);
		m->used[i] = true;
		return 0;
	}
	return (u64)-E2BIG;
}

static u64 h_map_delete_elem(u64 map, u64 key, u64 r3, u64 r4, u64 r5)
{
	struct host_map *m = map_of(map, "map_delete_elem");
	u8 k[8];
	u32 idx;
	int i;

	if (m->v.map_flags & BPF_F_RDONLY_PROG)
		finding("map_delete_elem on BPF_F_RDONLY_PROG map");
	if (m->v.map_type == BPF_MAP_TYPE_ARRAY) {
		idx = array_index(m, key);
		trace(BPF_FUNC_map_delete_elem, m, &idx, NULL, 0,
		      (u64)-EINVAL);
		return (u64)-EINVAL;
	}
	i = hash_find(m, key, k);
	trace(BPF_FUNC_map_delete_elem, m, k, NULL, 0, i < 0 ? -ENOENT : 0);
	if (i < 0)
		return (u64)-ENOENT;
	bury(m->values[i]);
	m->values[i] = NULL;
	m->used[i] = false;
	return 0;
}

u64 ktime;

static u64 h_ktime_get_ns(u64 r1, u64 r2, u64 r3, u64 r4, u64 r5)
{
	ktime += 1000 + (rnd() & 0xfff);
	trace(BPF_FUNC_ktime_get_ns, NULL, NULL, NULL, 0, ktime);
	return ktime;
}

static u64 h_get_prandom_u32(u64 r1, u64 r2, u64 r3, u64 r4, u64 r5)
{
	u32 r = interesting();

	trace(BPF_FUNC_get_prandom_u32, NULL, NULL, NULL, 0, r);
	return r;
}

static const struct xbpf_func_proto protos[] = {
	{ .func_id = BPF_FUNC_map_lookup_elem, .func = h_map_lookup_elem,
	  .pkt_access = true, .ret_type = RET_PTR_TO_MAP_VALUE_OR_NULL,
	  .arg_type = { ARG_CONST_MAP_PTR, ARG_PTR_TO_MAP_KEY } },
	{ .func_id = BPF_FUNC_map_update_elem, .func = h_map_update_elem,
	  .pkt_access = true, .ret_type = RET_INTEGER,
	  .arg_type = { ARG_CONST_MAP_PTR, ARG_PTR_TO_MAP_KEY,
			ARG_PTR_TO_MAP_VALUE, ARG_ANYTHING } },
	{ .func_id = BPF_FUNC_map_delete_elem, .func = h_map_delete_elem,
	  .pkt_access = true, .ret_type = RET_INTEGER,
	  .arg_type = { ARG_CONST_MAP_PTR, ARG_PTR_TO_MAP_KEY } },
	{ .func_id = BPF_FUNC_ktime_get_ns, .func = h_ktime_get_ns,
	  .ret_type = RET_INTEGER },
	{ .func_id = BPF_FUNC_get_prandom_u32, .func = h_get_prandom_u32,
	  .ret_type = RET_INTEGER },
};

xbpf_helper_fn helpers[XBPF_HELPER_SLOTS];

/* ---------------------------------------------------------------------- */
/* The program type.                                                      */

static bool narrow_ctx;

static bool ctx_valid_access(int off, int size, enum xbpf_access_type type,
			     const struct xbpf_verifier_env *env,
			     struct xbpf_insn_access_aux *info)
{
	if (off < 0 || off + size > CTX_SIZE || off % size)
		return false;
	/* F_NARROW: bytes 0-31 are four u64 fields, narrow loads allowed */
	if (narrow_ctx && off < 32) {
		if (type == XBPF_WRITE && size != 8)
			return false;
		if (type == XBPF_READ)
			info->ctx_field_size = 8;
	}
	return true;
}

static const struct xbpf_func_proto *ctx_func_proto(u32 id,
					const struct xbpf_verifier_env *env)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(protos); i++)
		if (protos[i].func_id == id)
			return &protos[i];
	return NULL;
}

static bool ctx_helper_known(u32 id)
{
	return id < __BPF_FUNC_MAX_ID;
}

/* F_NARROW: the context is the real buffer, so the access stays itself. */
static u32 ctx_convert(enum xbpf_access_type type, const struct bpf_insn *si,
		       struct bpf_insn *insn_buf, u32 *target_size)
{
	static const u32 bytes[] = { 4, 2, 1, 8 };

	insn_buf[0] = *si;
	*target_size = bytes[BPF_SIZE(si->code) >> 3];
	return 1;
}

static const struct xbpf_prog_type_ops prog_type = {
	.prog_type = BPF_PROG_TYPE_SOCKET_FILTER,
	.is_valid_access = ctx_valid_access,
	.get_func_proto = ctx_func_proto,
	.helper_known = ctx_helper_known,
	.may_access_skb = false,
};

static const struct xbpf_prog_type_ops prog_type_narrow = {
	.prog_type = BPF_PROG_TYPE_SOCKET_FILTER,
	.is_valid_access = ctx_valid_access,
	.get_func_proto = ctx_func_proto,
	.helper_known = ctx_helper_known,
	.convert_ctx_access = ctx_convert,
	.may_access_skb = false,
};

/* ---------------------------------------------------------------------- */
/* The verifier's host, and the log checks.                               */

struct vlog {
	char *buf;
	u32 size;
	u32 len;		/* strlen of the text so far */
	u32 copies;
	int fail_after;		/* F_LOG_FAULT: -1 never */
};

static int host_get_map(void *priv, s32 fd, const struct xbpf_vmap **map)
{
	if (fd < MAP_FD0 || fd >= MAP_FD0 + NR_MAPS)
		return fd >= 0 && fd < MAP_FD0 ? -EINVAL : -EBADF;
	*map = &maps[fd - MAP_FD0].v;
	return 0;
}

static int host_fd_array_get(void *priv, u32 idx, s32 *fd)
{
	/* fd_array = { 100, 101, 102, 103 } */
	if (idx >= NR_MAPS)
		return -EFAULT;
	*fd = MAP_FD0 + idx;
	return 0;
}

static int host_direct_value_addr(void *priv, const struct xbpf_vmap *v,
				  u32 off, u64 *addr)
{
	const struct host_map *m = v->handle;

	if (v->map_type != BPF_MAP_TYPE_ARRAY || v->max_entries != 1)
		return -EOPNOTSUPP;
	if (off >= v->value_size)
		return -EINVAL;
	*addr = (unsigned long)m->values[0] + off;
	return 0;
}

static int host_log_copy(void *priv, u32 off, const char *text, u32 len)
{
	struct vlog *log = priv;

	if (!log->buf)
		finding("log_copy without a log buffer");
	if (!len || (u64)off + len > log->size)
		finding("log_copy of %u bytes at %u outside the %u-byte buffer",
			len, off, log->size);
	if (text[len - 1] != '\0' || strnlen(text, len) != len - 1)
		finding("log_copy of %u bytes at %u not one NUL-terminated string",
			len, off);
	if (off > log->len)
		finding("log_copy at %u leaves a gap after the text's %u bytes",
			off, log->len);
	if (log->fail_after >= 0 && log->copies >= (u32)log->fail_after)
		return -EFAULT;
	log->copies++;
	memcpy(log->buf + off, text, len);
	log->len = off + len - 1;
	return 0;
}


static int no_tail_call(void *cookie, u64 map, u32 index,
			const struct xbpf_interp_prog **target)
{
	finding("tail call reached: the program type offers none");
}

static int no_ld_abs(void *cookie, u64 ctx, s32 off, void *to, u32 size)
{
	finding("LD_ABS/LD_IND reached: the program type has no skb");
}

static int no_probe_read(void *cookie, void *to, u64 from, u32 size)
{
	finding("PROBE_MEM load reached: the program type has no BTF");
}

const struct xbpf_interp_ops interp_ops = {
	.tail_call = no_tail_call,
	.ld_abs = no_ld_abs,
	.probe_read = no_probe_read,
};


/* ---------------------------------------------------------------------- */
/* Shaping: raw bytes into programs of which a useful fraction verifies.  */

static u8 valid_codes[256];
static u32 nr_valid_codes;
static const s32 helper_ids[] = {
	BPF_FUNC_map_lookup_elem, BPF_FUNC_map_update_elem,
	BPF_FUNC_map_delete_elem, BPF_FUNC_ktime_get_ns,
	BPF_FUNC_get_prandom_u32,
};
static const s32 atomic_ops[] = {
	BPF_ADD, BPF_AND, BPF_OR, BPF_XOR, BPF_ADD | BPF_FETCH,
	BPF_AND | BPF_FETCH, BPF_OR | BPF_FETCH, BPF_XOR | BPF_FETCH,
	BPF_XCHG, BPF_CMPXCHG,
};

/* Targets outside [lo, n) wrap into it. */
static s32 fold_target(s32 i, s32 rel, s32 lo, s32 n)
{
	s64 target = (s64)i + rel + 1;

	if (target >= lo && target < n)
		return rel;
	target = (target - lo) % (n - lo);
	if (target < 0)
		target += n - lo;
	return (s32)(lo + target - i - 1);
}

/*
 * Each rule only touches a field that is out of the range any valid
 * program has, so a valid program goes through unchanged:
 *  - an opcode Linux 6.1 does not know becomes a known one;
 *  - registers above R10 are taken modulo 11;
 *  - fields Linux requires to be zero (the "uses reserved fields" checks)
 *    are zeroed;
 *  - jump and call targets outside the program (after the prologue, if
 *    any) wrap around into it;
 *  - memory offsets outside [-1024, 1024) are taken modulo 1024;
 *  - immediate shift counts beyond the width are masked, byte swap widths
 *    other than 16/32/64 become one, atomic ops not in Linux's set become
 *    one;
 *  - helper ids the type does not offer become one it does;
 *  - an ld_imm64 of a map names one of fds 100-103, with offset 0 for a
 *    map (fd) and below 24 for a value (value size 16 or 12);
 *    its second half gets zero code, registers and offset;
 *  - the last insn is exit (an ld_imm64 that would not fit becomes a mov).
 */
static void shape_prog(struct bpf_insn *insns, s32 lo, s32 n)
{
	s32 i;

	insns[n - 1] = (struct bpf_insn){ .code = BPF_JMP | BPF_EXIT };
	for (i = lo; i < n - 1; i++) {
		struct bpf_insn *insn = &insns[i];
		u8 class, op;

		if (!xbpf_insn_opcode_valid(insn->code))
			insn->code = valid_codes[insn->code % nr_valid_codes];
		if (insn->dst_reg > 10)
			insn->dst_reg %= 11;
		if (insn->src_reg > 10)
			insn->src_reg %= 11;
		class = BPF_CLASS(insn->code);
		op = BPF_OP(insn->code);

		switch (class) {
		case BPF_ALU:
		case BPF_ALU64:
			insn->off = 0;
			if (op == BPF_NEG) {
				insn->src_reg = 0;
				insn->imm = 0;
			} else if (op == BPF_END) {
				insn->src_reg = 0;
				if (insn->imm != 16 && insn->imm != 32 &&
				    insn->imm != 64)
					insn->imm = 16 << ((u32)insn->imm % 3);
			} else if (BPF_SRC(insn->code) == BPF_X) {
				insn->imm = 0;
			} else {
				insn->src_reg = 0;
				if (op == BPF_LSH || op == BPF_RSH ||
				    op == BPF_ARSH)
					insn->imm &= class == BPF_ALU64 ? 63 : 31;
			}
			break;
		case BPF_JMP:
		case BPF_JMP32:
			if (op == BPF_EXIT) {
				*insn = (struct bpf_insn){ .code = insn->code };
			} else if (op == BPF_CALL) {
				insn->dst_reg = 0;
				insn->off = 0;
				if (insn->src_reg == BPF_PSEUDO_CALL) {
					insn->imm = fold_target(i, insn->imm, lo, n);
				} else if (insn->src_reg == 0) {
					u32 k;

					for (k = 0; k < ARRAY_SIZE(helper_ids); k++)
						if (insn->imm == helper_ids[k])
							break;
					if (k == ARRAY_SIZE(helper_ids))
						insn->imm = helper_ids[(u32)insn->imm %
								ARRAY_SIZE(helper_ids)];
				}
			} else if (op == BPF_JA) {
				insn->dst_reg = insn->src_reg = 0;
				if (class == BPF_JMP32) {
					insn->off = 0;
					insn->imm = fold_target(i, insn->imm, lo, n);
				} else {
					insn->imm = 0;
					insn->off = fold_target(i, insn->off, lo, n);
				}
			} else {
				if (BPF_SRC(insn->code) == BPF_X)
					insn->imm = 0;
				else
					insn->src_reg = 0;
				insn->off = fold_target(i, insn->off, lo, n);
			}
			break;
		case BPF_LDX:
		case BPF_STX:
		case BPF_ST:
			if (insn->off < -1024 || insn->off >= 1024)
				insn->off %= 1024;
			if (class == BPF_LDX)
				insn->imm = 0;
			else if (class == BPF_ST)
				insn->src_reg = 0;
			else if (BPF_MODE(insn->code) == BPF_MEM)
				insn->imm = 0;
			else if (!xbpf_insn_atomic_valid(insn->imm))
				insn->imm = atomic_ops[(u32)insn->imm %
						       ARRAY_SIZE(atomic_ops)];
			break;
		case BPF_LD:
			if (insn->code != (BPF_LD | BPF_IMM | BPF_DW))
				break;
			if (i + 1 >= n - 1) {
				insn->code = BPF_ALU64 | BPF_MOV | BPF_K;
				insn->src_reg = 0;
				insn->off = 0;
				break;
			}
			insn->off = 0;
			if (insn->src_reg > BPF_PSEUDO_MAP_IDX_VALUE)
				insn->src_reg %= BPF_PSEUDO_MAP_IDX_VALUE + 1;
			insn[1].code = insn[1].dst_reg = insn[1].src_reg = 0;
			insn[1].off = 0;
			switch (insn->src_reg) {
			case BPF_PSEUDO_MAP_FD:
			case BPF_PSEUDO_MAP_VALUE:
				if (insn->imm < MAP_FD0 ||
				    insn->imm >= MAP_FD0 + NR_MAPS)
					insn->imm = MAP_FD0 +
						    (u32)insn->imm % NR_MAPS;
				break;
			case BPF_PSEUDO_MAP_IDX:
			case BPF_PSEUDO_MAP_IDX_VALUE:
				if ((u32)insn->imm >= NR_MAPS)
					insn->imm = (u32)insn->imm % NR_MAPS;
				break;
			}
			if (insn->src_reg == BPF_PSEUDO_MAP_FD ||
			    insn->src_reg == BPF_PSEUDO_MAP_IDX)
				insn[1].imm = 0;
			else if (insn->src_reg == BPF_PSEUDO_MAP_VALUE ||
				 insn->src_reg == BPF_PSEUDO_MAP_IDX_VALUE)
				insn[1].imm = (u32)insn[1].imm % 24;
			else if (insn->src_reg == BPF_PSEUDO_FUNC)
				insn->imm = fold_target(i, insn->imm, lo, n);
			i++;
			break;
		}
	}
}

/*
 * Unless F2_NO_PROLOGUE: the program starts with pointers of every kind
 * the fuzzed body can then use at once. R1 and R6 are the context, R7 a
 * value of array 100 (looked up, null-checked), R8 the value of array 102
 * (direct access), R9 the frame pointer; fp-8 holds the key 0.
 */
static const struct bpf_insn prologue[PROLOGUE_LEN] = {
	{ BPF_ALU64 | BPF_MOV | BPF_X, 6, 1, 0, 0 },
	{ BPF_ST | BPF_MEM | BPF_DW, 10, 0, -8, 0 },
	{ BPF_ALU64 | BPF_MOV | BPF_X, 2, 10, 0, 0 },
	{ BPF_ALU64 | BPF_ADD | BPF_K, 2, 0, 0, -8 },
	{ BPF_LD | BPF_IMM | BPF_DW, 1, BPF_PSEUDO_MAP_FD, 0, MAP_FD0 },
	{ 0, 0, 0, 0, 0 },
	{ BPF_JMP | BPF_CALL, 0, 0, 0, BPF_FUNC_map_lookup_elem },
	{ BPF_JMP | BPF_JNE | BPF_K, 0, 0, 2, 0 },
	{ BPF_ALU64 | BPF_MOV | BPF_K, 0, 0, 0, 0 },
	{ BPF_JMP | BPF_EXIT, 0, 0, 0, 0 },
	{ BPF_ALU64 | BPF_MOV | BPF_X, 7, 0, 0, 0 },
	{ BPF_LD | BPF_IMM | BPF_DW, 8, BPF_PSEUDO_MAP_VALUE, 0, MAP_FD0 + 2 },
	{ 0, 0, 0, 0, 0 },
	{ BPF_ALU64 | BPF_MOV | BPF_X, 9, 10, 0, 0 },
	{ BPF_ALU64 | BPF_MOV | BPF_X, 1, 6, 0, 0 },
};


/* ---------------------------------------------------------------------- */
/* Programs and their verification.                                       */

void dump_prog(const char *what, const struct bpf_insn *insns, u32 n)
{
	char buf[256];
	u32 i;

	if (!insns)
		return;
	fprintf(stderr, "%s (%u insns):\n", what, n);
	for (i = 0; i < n; i++) {
		bool wide = insns[i].code == (BPF_LD | BPF_IMM | BPF_DW) &&
			    i + 1 < n;

		if (wide)
			xbpf_disasm_insn(&insns[i], NULL, true, buf, sizeof(buf));
		else {
			struct bpf_insn one[2] = { insns[i] };

			xbpf_disasm_insn(one, NULL, true, buf, sizeof(buf));
		}
		fprintf(stderr, "  %4u: %02x %x %x %6d %11d  %s", i,
			insns[i].code, insns[i].dst_reg, insns[i].src_reg,
			insns[i].off, insns[i].imm, buf);
		if (wide) {
			i++;
			fprintf(stderr, "  %4u: %02x %x %x %6d %11d\n", i,
				insns[i].code, insns[i].dst_reg,
				insns[i].src_reg, insns[i].off, insns[i].imm);
		}
	}
}

int verify(const struct bpf_insn *insns, u32 n, u8 flags, const u8 *hdr,
	   bool bpf_capable, bool perfmon_capable,
	   struct xbpf_verify_result *res)
{
	struct vlog vlog, *log = &vlog;
	struct xbpf_verifier_host host = {
		.priv = log,
		.get_map = host_get_map,
		.fd_array_get = host_fd_array_get,
		.map_direct_value_addr = host_direct_value_addr,
		.log_copy = host_log_copy,
	};
	struct xbpf_verify_attr attr = {
		.insns = insns,
		.insn_cnt = n,
		.gpl_compatible = true,
		.bpf_capable = bpf_capable && !(flags & F_UNPRIV),
		.perfmon_capable = perfmon_capable && !(flags & F_UNPRIV),
	};
	int err;

	if (flags & F_STRICT)
		attr.prog_flags |= BPF_F_STRICT_ALIGNMENT;
	if (flags & F_STATE_FREQ)
		attr.prog_flags |= BPF_F_TEST_STATE_FREQ;
	memset(log, 0, sizeof(*log));
	log->fail_after = -1;
	if (flags & F_LOG_SMALL) {
		attr.log_level = flags & F_LOG2 ? 2 : 1;
		log->size = 128 + 64 * hdr[1];
	} else if (flags & F_LOG2) {
		attr.log_level = 2;
		log->size = BIG_LOG;
	}
	if (log->size) {
		if (flags & F_LOG_FAULT)
			log->fail_after = hdr[3];
		attr.log_size = log->size;
		attr.log_buf = true;
		log->buf = xmalloc(log->size);
		memset(log->buf, 0xa5, log->size);
	}
	narrow_ctx = flags & F_NARROW;
	memset(res, 0, sizeof(*res));
	err = xbpf_verify(&attr, narrow_ctx ? &prog_type_narrow : &prog_type,
			  &host, res);

	if (err > 0)
		finding("xbpf_verify returned %d", err);
	if (err && res->insns)
		finding("xbpf_verify failed (%d) but returned insns", err);
	if (log->buf && log->copies) {
		if (log->len >= log->size || log->buf[log->len] != '\0' ||
		    strnlen(log->buf, log->size) != log->len)
			finding("log not NUL-terminated at its length %u (size %u)",
				log->len, log->size);
		if (!err && log->len >= log->size - 1)
			finding("accepted with a full log (%u of %u)", log->len,
				log->size);
	}
	if (verbose_mode && log->buf && log->copies)
		fprintf(stderr, "log (%u bytes):\n%s\n", log->len, log->buf);
	free(log->buf);
	log->buf = NULL;
	return err;
}

void host_env_init(void)
{
	u32 c, i;

	for (c = 0; c < 256; c++)
		if (xbpf_insn_opcode_valid(c))
			valid_codes[nr_valid_codes++] = c;
	for (i = 0; i < ARRAY_SIZE(protos); i++)
		helpers[protos[i].func_id] = protos[i].func;
}

u32 build_prog(const u8 *data, size_t size, u8 hdr[HDR_SIZE],
	       struct bpf_insn **insns_out, u8 ctx_init[CTX_SIZE])
{
	struct bpf_insn *insns;
	u32 n, i;

	if (size < HDR_SIZE + sizeof(struct bpf_insn))
		return 0;
	memcpy(hdr, data, HDR_SIZE);
	n = (size - HDR_SIZE) / sizeof(struct bpf_insn);
	if (n > MAX_INSNS - PROLOGUE_LEN)
		n = MAX_INSNS - PROLOGUE_LEN;
	insns = xmalloc((n + PROLOGUE_LEN) * sizeof(*insns));
	/* raw only with bits 0-1 of byte 4 clear too: 1 in 8 random headers */
	if ((hdr[0] & F_RAW) && !(hdr[4] & 3)) {
		memcpy(insns, data + HDR_SIZE, n * sizeof(*insns));
	} else if (hdr[5] & F2_NO_PROLOGUE) {
		memcpy(insns, data + HDR_SIZE, n * sizeof(*insns));
		shape_prog(insns, 0, n);
	} else {
		memcpy(insns, prologue, sizeof(prologue));
		memcpy(insns + PROLOGUE_LEN, data + HDR_SIZE,
		       n * sizeof(*insns));
		n += PROLOGUE_LEN;
		shape_prog(insns, PROLOGUE_LEN, n);
	}

	/* everything the runs see derives from the input */
	rnd_state = hdr[2] * 0x9e3779b97f4a7c15ULL ^ size;
	for (i = 0; i < size; i++)
		rnd_state = (rnd_state ^ data[i]) * 0x100000001b3ULL;
	fill(ctx_init, CTX_SIZE);
	ktime = 1000000;
	*insns_out = insns;
	return n;
}
