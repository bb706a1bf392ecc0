// SPDX-License-Identifier: GPL-2.0
/*
 * A host-side program type and verifier host for testing the dual-build
 * verifier without a kernel: a 64-byte read/write context, the map
 * helpers, maps described by fd number.
 */
#include <stdio.h>
#include <string.h>

#include "host_progtype.h"

static u64 fake_helper(u64 a, u64 b, u64 c, u64 d, u64 e)
{
	return 0;
}

static const struct xbpf_func_proto protos[] = {
	{ .func_id = BPF_FUNC_map_lookup_elem, .func = fake_helper,
	  .ret_type = RET_PTR_TO_MAP_VALUE_OR_NULL,
	  .arg_type = { ARG_CONST_MAP_PTR, ARG_PTR_TO_MAP_KEY } },
	{ .func_id = BPF_FUNC_map_update_elem, .func = fake_helper,
	  .ret_type = RET_INTEGER,
	  .arg_type = { ARG_CONST_MAP_PTR, ARG_PTR_TO_MAP_KEY,
			ARG_PTR_TO_MAP_VALUE, ARG_ANYTHING } },
	{ .func_id = BPF_FUNC_map_delete_elem, .func = fake_helper,
	  .ret_type = RET_INTEGER,
	  .arg_type = { ARG_CONST_MAP_PTR, ARG_PTR_TO_MAP_KEY } },
	{ .func_id = BPF_FUNC_map_pop_elem, .func = fake_helper,
	  .ret_type = RET_INTEGER,
	  .arg_type = { ARG_CONST_MAP_PTR, ARG_PTR_TO_UNINIT_MAP_VALUE } },
	{ .func_id = BPF_FUNC_ktime_get_ns, .func = fake_helper,
	  .ret_type = RET_INTEGER },
	{ .func_id = BPF_FUNC_get_prandom_u32, .func = fake_helper,
	  .ret_type = RET_INTEGER },
	{ .func_id = BPF_FUNC_loop, .func = fake_helper,
	  .ret_type = RET_INTEGER,
	  .arg_type = { ARG_ANYTHING, ARG_PTR_TO_FUNC,
			ARG_PTR_TO_STACK_OR_NULL, ARG_ANYTHING } },
	{ .func_id = BPF_FUNC_for_each_map_elem, .func = fake_helper,
	  .ret_type = RET_INTEGER,
	  .arg_type = { ARG_CONST_MAP_PTR, ARG_PTR_TO_FUNC,
			ARG_PTR_TO_STACK_OR_NULL, ARG_ANYTHING } },
};

static const struct xbpf_func_proto *host_func_proto(u32 id,
					const struct xbpf_verifier_env *env)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(protos); i++)
		if (protos[i].func_id == id)
			return &protos[i];
	return NULL;
}

static bool host_valid_access(int off, int size, enum xbpf_access_type type,
			      const struct xbpf_verifier_env *env,
			      struct xbpf_insn_access_aux *info)
{
	return off >= 0 && off + size <= 64 && off % size == 0;
}

static bool host_helper_known(u32 id)
{
	return id < __BPF_FUNC_MAX_ID;
}

const struct xbpf_prog_type_ops host_prog_type = {
	.prog_type = BPF_PROG_TYPE_SOCKET_FILTER,
	.is_valid_access = host_valid_access,
	.get_func_proto = host_func_proto,
	.helper_known = host_helper_known,
	.may_access_skb = true,
};

struct xbpf_vmap host_maps[HOST_MAPS];

static int host_get_map(void *priv, s32 fd, const struct xbpf_vmap **map)
{
	if (fd < 100 || fd >= 100 + HOST_MAPS || !host_maps[fd - 100].map_type)
		return fd >= 0 && fd < 100 ? -EINVAL : -EBADF;
	*map = &host_maps[fd - 100];
	return 0;
}

static int host_fd_array_get(void *priv, u32 idx, s32 *fd)
{
	return -EPROTO;
}

static int host_direct_value_addr(void *priv, const struct xbpf_vmap *map,
				  u32 off, u64 *addr)
{
	if (map->map_type != BPF_MAP_TYPE_ARRAY || map->max_entries != 1)
		return -EOPNOTSUPP;
	if (off >= map->value_size)
		return -EINVAL;
	*addr = 0x1000 + off;
	return 0;
}

static int host_log_copy(void *priv, u32 off, const char *text, u32 len)
{
	struct host_log *log = priv;

	if (off + len > sizeof(log->buf))
		return -EFAULT;
	memcpy(log->buf + off, text, len);
	return 0;
}

int host_verify(const struct bpf_insn *insns, u32 cnt, u32 log_level,
		struct host_log *log, struct xbpf_verify_result *res)
{
	struct xbpf_verifier_host host = {
		.priv = log,
		.get_map = host_get_map,
		.fd_array_get = host_fd_array_get,
		.map_direct_value_addr = host_direct_value_addr,
		.log_copy = host_log_copy,
	};
	struct xbpf_verify_attr attr = {
		.insns = insns,
		.insn_cnt = cnt,
		.log_level = log_level,
		.log_size = log_level ? sizeof(log->buf) : 0,
		.log_buf = log_level != 0,
		.gpl_compatible = true,
		.bpf_capable = true,
		.perfmon_capable = true,
	};

	memset(log->buf, 0, sizeof(log->buf));
	memset(res, 0, sizeof(*res));
	return xbpf_verify(&attr, &host_prog_type, &host, res);
}

bool xbpf_host_step(const struct bpf_insn *insn)
{
	return true;
}

void xbpf_host_bug(const char *what, const struct bpf_insn *insn)
{
	fprintf(stderr, "BUG: %s\n", what);
}
