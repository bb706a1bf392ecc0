/* SPDX-License-Identifier: GPL-2.0 */
/* The event events.bpf.c emits, as libbpf_events.c reads it. */
#ifndef XBPF_SELFTESTS_EVENTS_H
#define XBPF_SELFTESTS_EVENTS_H

struct event {
	__u64 seq;
	__u32 pid;
	__u32 tid;
	char comm[16];
};

#endif
