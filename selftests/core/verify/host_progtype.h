/* SPDX-License-Identifier: GPL-2.0 */
#ifndef HOST_PROGTYPE_H
#define HOST_PROGTYPE_H

#include "verifier.h"

#define HOST_MAPS 4

struct host_log {
	char buf[1 << 16];
};

/* maps 100..103: fill map_type etc. before use */
extern struct xbpf_vmap host_maps[HOST_MAPS];

int host_verify(const struct bpf_insn *insns, u32 cnt, u32 log_level,
		struct host_log *log, struct xbpf_verify_result *res);

#endif
