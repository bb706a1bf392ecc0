// SPDX-License-Identifier: GPL-2.0
/*
 * The program type table, and the helper call tables built from each
 * type's prototypes at module init.
 */
#include <linux/kernel.h>
#include <linux/nospec.h>

#include "maps/map.h"
#include "prog.h"

#define XBPF_PROG_TYPE(type, ptype) extern struct xbpf_prog_type ptype;
#include "progs/prog_types.h"
#undef XBPF_PROG_TYPE

static struct xbpf_prog_type *const xbpf_prog_types[] = {
#define XBPF_PROG_TYPE(type, ptype) [type] = &ptype,
#include "progs/prog_types.h"
#undef XBPF_PROG_TYPE
};

const struct xbpf_prog_type *xbpf_prog_type_get(u32 prog_type)
{
	if (prog_type >= ARRAY_SIZE(xbpf_prog_types))
		return NULL;
	return xbpf_prog_types[array_index_nospec(prog_type,
						  ARRAY_SIZE(xbpf_prog_types))];
}

int xbpf_progs_init(void)
{
	struct xbpf_prog_type *pt;
	size_t t;
	u32 id;

	xbpf_helpers_init();
	for (t = 0; t < ARRAY_SIZE(xbpf_prog_types); t++) {
		pt = xbpf_prog_types[t];
		if (!pt)
			continue;
		for (id = 0; id < __BPF_FUNC_MAX_ID; id++) {
			const struct xbpf_func_proto *fn;

			fn = xbpf_helper_impl(pt->vops.prog_type, id);
			pt->helpers[id] = fn ? fn->func : NULL;
		}
		xbpf_map_direct_calls(pt->helpers + XBPF_FUNC_DIRECT,
				      XBPF_NR_DIRECT);
	}
	return 0;
}
