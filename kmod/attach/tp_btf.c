// SPDX-License-Identifier: GPL-2.0
/*
 * A raw tracepoint's arguments from vmlinux's BTF.
 *
 * Linux knows each tracepoint's arity from its generated struct
 * bpf_raw_event_map (which modules cannot reach) and refuses programs
 * that read past the last argument; its generated thunk widens each
 * argument to u64 as C converts it (signed types sign-extended, unsigned
 * ones zero-extended). vmlinux's BTF, in /sys/kernel/btf/vmlinux, has a
 * typedef btf_trace_<name> for every core tracepoint: a pointer to the
 * prototype void (*)(void *, <the tracepoint's arguments>). xbpf reads it
 * once per tracepoint (raw_tp.c caches the answer) and learns both the
 * count and how to widen each argument.
 */
#include <linux/fs.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/vmalloc.h>
#include <uapi/linux/btf.h>

#include "attach/internal.h"

#define VMLINUX_BTF	"/sys/kernel/btf/vmlinux"
#define BTF_TRACE	"btf_trace_"

struct btf_blob {
	void *data;
	u32 size;
	const char *strs;
	u32 str_len;
	const u32 *offs;	/* type id -> offset in the type section */
	const void *types;
	u32 nr_types;		/* ids 1 .. nr_types - 1 */
};

static void *btf_read_file(u32 *size)
{
	struct file *f;
	loff_t pos = 0, len;
	void *buf;
	ssize_t n;

	f = filp_open(VMLINUX_BTF, O_RDONLY, 0);
	if (IS_ERR(f))
		return ERR_CAST(f);
	len = i_size_read(file_inode(f));
	buf = ERR_PTR(-EINVAL);
	if (len <= (loff_t)sizeof(struct btf_header) || len > SZ_64M)
		goto out;
	buf = vmalloc(len);
	if (!buf) {
		buf = ERR_PTR(-ENOMEM);
		goto out;
	}
	while (pos < len) {
		n = kernel_read(f, buf + pos, len - pos, &pos);
		if (n <= 0)
			break;
	}
	if (pos != len) {
		vfree(buf);
		buf = ERR_PTR(-EIO);
		goto out;
	}
	*size = len;
out:
	filp_close(f, NULL);
	return buf;
}

/* Bytes that follow struct btf_type for t; -1 for an unknown kind. */
static long btf_type_extra(const struct btf_type *t)
{
	u32 vlen = BTF_INFO_VLEN(t->info);

	switch (BTF_INFO_KIND(t->info)) {
	case BTF_KIND_INT:
	case BTF_KIND_VAR:
	case BTF_KIND_DECL_TAG:
		return sizeof(u32);
	case BTF_KIND_PTR:
	case BTF_KIND_FWD:
	case BTF_KIND_TYPEDEF:
	case BTF_KIND_VOLATILE:
	case BTF_KIND_CONST:
	case BTF_KIND_RESTRICT:
	case BTF_KIND_FUNC:
	case BTF_KIND_FLOAT:
	case BTF_KIND_TYPE_TAG:
		return 0;
	case BTF_KIND_ARRAY:
		return sizeof(struct btf_array);
	case BTF_KIND_STRUCT:
	case BTF_KIND_UNION:
		return (long)vlen * sizeof(struct btf_member);
	case BTF_KIND_ENUM:
		return (long)vlen * sizeof(struct btf_enum);
	case BTF_KIND_FUNC_PROTO:
		return (long)vlen * sizeof(struct btf_param);
	case BTF_KIND_DATASEC:
		return (long)vlen * sizeof(struct btf_var_secinfo);
	case BTF_KIND_ENUM64:
		return (long)vlen * sizeof(struct btf_enum64);
	default:
		return -1;
	}
}

static const char *btf_name(const struct btf_blob *b, u32 off)
{
	return off < b->str_len ? b->strs + off : "";
}

static const struct btf_type *btf_type(const struct btf_blob *b, u32 id)
{
	if (!id || id >= b->nr_types)
		return NULL;
	return b->types + b->offs[id];
}

/* Index the types of b->data; the id of the typedef named want, or 0. */
static u32 btf_index(struct btf_blob *b, const char *want)
{
	const struct btf_header *h = b->data;
	u32 off = 0, id = 1, found = 0, max;
	u32 *offs;

	if (h->magic != BTF_MAGIC || h->hdr_len > b->size ||
	    h->type_off > b->size - h->hdr_len ||
	    h->type_len > b->size - h->hdr_len - h->type_off ||
	    h->str_off > b->size - h->hdr_len ||
	    h->str_len > b->size - h->hdr_len - h->str_off || !h->str_len)
		return 0;
	b->types = b->data + h->hdr_len + h->type_off;
	b->strs = b->data + h->hdr_len + h->str_off;
	b->str_len = h->str_len;
	if (b->strs[b->str_len - 1])
		return 0;
	max = h->type_len / sizeof(struct btf_type) + 1;
	offs = vmalloc(array_size(max, sizeof(u32)));
	if (!offs)
		return 0;
	while (off + sizeof(struct btf_type) <= h->type_len && id < max) {
		const struct btf_type *t = b->types + off;
		long extra = btf_type_extra(t);

		if (extra < 0 || off + sizeof(*t) + extra > h->type_len)
			break;
		offs[id] = off;
		if (!found && BTF_INFO_KIND(t->info) == BTF_KIND_TYPEDEF &&
		    !strcmp(btf_name(b, t->name_off), want))
			found = id;
		off += sizeof(*t) + extra;
		id++;
	}
	b->offs = offs;
	b->nr_types = id;
	return found;
}

/* How a parameter of type id widens to u64, as a cast in C does. */
static u8 btf_param_ext(const struct btf_blob *b, u32 id)
{
	const struct btf_type *t = btf_type(b, id);
	int depth;

	for (depth = 0; t && depth < 16; depth++) {
		switch (BTF_INFO_KIND(t->info)) {
		case BTF_KIND_TYPEDEF:
		case BTF_KIND_CONST:
		case BTF_KIND_VOLATILE:
		case BTF_KIND_RESTRICT:
		case BTF_KIND_TYPE_TAG:
			t = btf_type(b, t->type);
			continue;
		case BTF_KIND_INT: {
			u32 enc = BTF_INT_ENCODING(*(const u32 *)(t + 1));

			if (t->size >= 8)
				return 0;
			return t->size |
			       (enc & BTF_INT_SIGNED ? XBPF_TP_ARG_SIGNED : 0);
		}
		case BTF_KIND_ENUM:
			if (t->size >= 8)
				return 0;
			return t->size |
			       (BTF_INFO_KFLAG(t->info) ? XBPF_TP_ARG_SIGNED : 0);
		default:
			/* pointers, 64-bit types; aggregates as they came */
			return 0;
		}
	}
	return 0;
}

int xbpf_tp_btf_args(const char *tp_name, struct xbpf_tp_args *args)
{
	const struct btf_param *params;
	const struct btf_type *t;
	struct btf_blob b = { };
	char want[128];
	u32 id, vlen, i;
	int err;

	if (snprintf(want, sizeof(want), BTF_TRACE "%s", tp_name) >=
	    sizeof(want))
		return -ENOENT;
	b.data = btf_read_file(&b.size);
	if (IS_ERR(b.data))
		return PTR_ERR(b.data);
	err = -ENOENT;
	id = btf_index(&b, want);
	t = btf_type(&b, id);
	if (!t)
		goto out;
	t = btf_type(&b, t->type);
	if (!t || BTF_INFO_KIND(t->info) != BTF_KIND_PTR)
		goto out;
	t = btf_type(&b, t->type);
	if (!t || BTF_INFO_KIND(t->info) != BTF_KIND_FUNC_PROTO)
		goto out;
	vlen = BTF_INFO_VLEN(t->info);
	/* the first parameter is the probe's data pointer */
	if (!vlen || vlen - 1 > XBPF_TP_MAX_ARGS)
		goto out;
	params = (const struct btf_param *)(t + 1);
	memset(args, 0, sizeof(*args));
	args->nr = vlen - 1;
	for (i = 1; i < vlen; i++)
		args->ext[i - 1] = btf_param_ext(&b, params[i].type);
	err = 0;
out:
	vfree(b.offs);
	vfree(b.data);
	return err;
}
