// SPDX-License-Identifier: GPL-2.0
/*
 * The module's side of a program load: what the dual-build verifier asks
 * of its host (maps behind fds, the user's log buffer, fd_array), the
 * program tag, and turning the verifier's result into a loaded program.
 */
#include <crypto/sha1.h>
#include <linux/file.h>
#include <linux/percpu.h>
#include <linux/smp.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>

#include "maps/map.h"
#include "object.h"
#include "prog.h"

struct verify_host {
	const union bpf_attr *attr;
	u32 map_cnt;
	struct xbpf_map *maps[XBPF_MAX_USED_MAPS];
	struct xbpf_vmap vmaps[XBPF_MAX_USED_MAPS];
	/* the inner map templates of maps of maps */
	struct xbpf_vmap inner_vmaps[XBPF_MAX_USED_MAPS];
};

static void fill_vmap(struct xbpf_vmap *v, struct xbpf_map *map)
{
	v->map_type = map->map_type;
	v->key_size = map->key_size;
	v->value_size = map->value_size;
	v->max_entries = map->max_entries;
	v->map_flags = map->map_flags;
	v->id = map->id;
	v->frozen = READ_ONCE(map->frozen);
	v->handle = map;
}

static int host_get_map(void *priv, s32 fd, const struct xbpf_vmap **vmap)
{
	struct verify_host *host = priv;
	struct xbpf_map *map;
	struct xbpf_vmap *v;
	struct fd f;
	u32 i;

	f = fdget(fd);
	map = xbpf_map_from_fd(f);
	if (IS_ERR(map))
		return PTR_ERR(map);
	for (i = 0; i < host->map_cnt; i++) {
		if (host->maps[i] == map) {
			*vmap = &host->vmaps[i];
			fdput(f);
			return 0;
		}
	}
	if (host->map_cnt >= XBPF_MAX_USED_MAPS) {
		fdput(f);
		return -E2BIG;
	}
	/* the program will hold the map; the fd may be closed meanwhile */
	atomic64_inc(&map->refcnt);
	fdput(f);

	v = &host->vmaps[host->map_cnt];
	fill_vmap(v, map);
	if (map->inner_meta) {
		fill_vmap(&host->inner_vmaps[host->map_cnt], map->inner_meta);
		v->inner = &host->inner_vmaps[host->map_cnt];
	}
	/* only a map the program names: an inner map may be any at run time */
	if (map->ops->inline_lookup)
		map->ops->inline_lookup(map, &v->inline_values,
					&v->inline_elem_size);
	v->lookup_call = xbpf_map_lookup_call(map);
	host->maps[host->map_cnt++] = map;
	*vmap = v;
	return 0;
}

static int host_fd_array_get(void *priv, u32 idx, s32 *fd)
{
	struct verify_host *host = priv;
	u32 __user *fd_array = u64_to_user_ptr(host->attr->fd_array);

	if (!fd_array)
		return -EPROTO;
	if (copy_from_user(fd, fd_array + idx, sizeof(*fd)))
		return -EFAULT;
	return 0;
}

static int host_map_direct_value_addr(void *priv, const struct xbpf_vmap *v,
				      u32 off, u64 *addr)
{
	struct xbpf_map *map = v->handle;

	if (!map->ops->direct_value_addr)
		return -EOPNOTSUPP;
	return map->ops->direct_value_addr(map, off, addr);
}

static int host_log_copy(void *priv, u32 off, const char *text, u32 len)
{
	struct verify_host *host = priv;
	char __user *buf = u64_to_user_ptr(host->attr->log_buf);

	return copy_to_user(buf + off, text, len) ? -EFAULT : 0;
}

/*
 * The tag: SHA-1 of the instructions with map fds zeroed (they differ from
 * load to load), first 8 bytes — what Linux reports, so tools that match
 * programs by tag agree.
 */
static int prog_calc_tag(struct xbpf_prog *prog, const struct bpf_insn *insns,
			 u32 len)
{
	u32 digest[SHA1_DIGEST_WORDS], ws[SHA1_WORKSPACE_WORDS];
	u32 psize = len * sizeof(*insns), bsize, i;
	bool was_ld_map = false;
	struct bpf_insn *dst;
	__be32 result[SHA1_DIGEST_WORDS];
	u8 *raw;

	bsize = round_up(psize + 1 + sizeof(__be64), SHA1_BLOCK_SIZE);
	raw = vzalloc(bsize);
	if (!raw)
		return -ENOMEM;
	dst = (struct bpf_insn *)raw;
	for (i = 0; i < len; i++) {
		dst[i] = insns[i];
		if (!was_ld_map &&
		    dst[i].code == (BPF_LD | BPF_IMM | BPF_DW) &&
		    (dst[i].src_reg == BPF_PSEUDO_MAP_FD ||
		     dst[i].src_reg == BPF_PSEUDO_MAP_VALUE)) {
			was_ld_map = true;
			dst[i].imm = 0;
		} else if (was_ld_map && dst[i].code == 0 &&
			   dst[i].dst_reg == 0 && dst[i].src_reg == 0 &&
			   dst[i].off == 0) {
			was_ld_map = false;
			dst[i].imm = 0;
		} else {
			was_ld_map = false;
		}
	}
	/* standard SHA-1 padding: 0x80, zeros, bit length */
	raw[psize] = 0x80;
	*(__be64 *)(raw + bsize - sizeof(__be64)) = cpu_to_be64((u64)psize << 3);

	sha1_init(digest);
	memset(ws, 0, sizeof(ws));
	for (i = 0; i < bsize; i += SHA1_BLOCK_SIZE)
		sha1_transform(digest, raw + i, ws);
	for (i = 0; i < SHA1_DIGEST_WORDS; i++)
		result[i] = cpu_to_be32(digest[i]);
	memcpy(prog->tag, result, sizeof(prog->tag));
	vfree(raw);
	return 0;
}

static void release_maps(struct verify_host *host)
{
	u32 i;

	for (i = 0; i < host->map_cnt; i++)
		xbpf_map_put(host->maps[i]);
}

int xbpf_prog_verify(struct xbpf_prog *prog, const union bpf_attr *attr)
{
	const struct xbpf_verifier_host vhost_ops_init = {
		.get_map = host_get_map,
		.fd_array_get = host_fd_array_get,
		.map_direct_value_addr = host_map_direct_value_addr,
		.log_copy = host_log_copy,
		.bprintf_check = xbpf_bprintf_check,
	};
	struct xbpf_verifier_host vhost = vhost_ops_init;

	vhost.cpu_number = (unsigned long)&cpu_number;
	struct xbpf_verify_result *res;
	struct xbpf_verify_attr vattr;
	struct verify_host *host;
	struct bpf_insn *insns;
	u32 i, j;
	int err;

	insns = kvmalloc_array(attr->insn_cnt, sizeof(*insns),
			       GFP_USER | __GFP_NOWARN);
	if (!insns)
		return -ENOMEM;
	err = -EFAULT;
	if (copy_from_user(insns, u64_to_user_ptr(attr->insns),
			   attr->insn_cnt * sizeof(*insns)))
		goto free_insns;
	err = -ENOMEM;
	host = kzalloc(sizeof(*host), GFP_KERNEL);
	res = kzalloc(sizeof(*res), GFP_KERNEL);
	if (!host || !res)
		goto free_host;
	err = prog_calc_tag(prog, insns, attr->insn_cnt);
	if (err)
		goto free_host;

	host->attr = attr;
	vhost.priv = host;
	memset(&vattr, 0, sizeof(vattr));
	vattr.insns = insns;
	vattr.insn_cnt = attr->insn_cnt;
	vattr.prog_flags = attr->prog_flags;
	vattr.log_level = attr->log_level;
	vattr.log_size = attr->log_size;
	vattr.log_buf = !!attr->log_buf;
	vattr.gpl_compatible = prog->gpl_compatible;
	vattr.expected_attach_type = attr->expected_attach_type;
	vattr.bpf_capable = bpf_capable();
	vattr.perfmon_capable = perfmon_capable();

	err = xbpf_verify(&vattr, &prog->ptype->vops, &vhost, res);
	prog->verified_insns = res->verified_insns;
	prog->log_end = res->log_end;
	prog->log_open = res->log_open;
	if (err)
		goto free_maps;

	prog->used_maps = kcalloc(res->used_map_cnt, sizeof(*prog->used_maps),
				  GFP_KERNEL);
	if (res->used_map_cnt && !prog->used_maps) {
		err = -ENOMEM;
		xbpf_core_free(res->insns);
		goto free_maps;
	}
	/* keep the maps the program uses; drop those it only named */
	for (i = 0; i < host->map_cnt; i++) {
		bool used = false;

		for (j = 0; j < res->used_map_cnt; j++)
			used |= res->used_maps[j] == &host->vmaps[i];
		if (used)
			prog->used_maps[prog->used_map_cnt++] = host->maps[i];
		else
			xbpf_map_put(host->maps[i]);
	}
	prog->func_start = kmemdup(res->func_start,
				   res->func_cnt * sizeof(u32), GFP_KERNEL);
	prog->func_stack_depth = kmemdup(res->func_stack_depth,
					 res->func_cnt * sizeof(u32),
					 GFP_KERNEL);
	if (!prog->func_start || !prog->func_stack_depth) {
		kfree(prog->func_start);
		kfree(prog->func_stack_depth);
		prog->func_start = prog->func_stack_depth = NULL;
		err = -ENOMEM;
		xbpf_core_free(res->insns);
		for (i = 0; i < prog->used_map_cnt; i++)
			xbpf_map_put(prog->used_maps[i]);
		kfree(prog->used_maps);
		prog->used_maps = NULL;
		prog->used_map_cnt = 0;
		goto free_host;
	}
	prog->func_cnt = res->func_cnt;
	prog->insns = res->insns;
	prog->len = res->insn_cnt;
	prog->stack_depth = res->stack_depth;
	prog->max_ctx_offset = res->max_ctx_offset;
	goto free_host;

free_maps:
	release_maps(host);
free_host:
	kfree(res);
	kfree(host);
free_insns:
	kvfree(insns);
	return err;
}
