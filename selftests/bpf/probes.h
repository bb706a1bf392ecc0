/* SPDX-License-Identifier: GPL-2.0 */
/* What probes.bpf.c records, as attach_libbpf.c reads it. */
#ifndef XBPF_SELFTESTS_PROBES_H
#define XBPF_SELFTESTS_PROBES_H

/* one element of the "seen" array per program */
enum probe_slot { SLOT_UPROBE, SLOT_URETPROBE, SLOT_PERF, SLOT_MAX };

struct probe_seen {
	__u64 hits;
	__u64 value;	/* first argument, return value, or sample period */
};

#endif
