/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Inside attach/: the event object every hook kind builds on, and running
 * a program from a hook.
 */
#ifndef XBPF_ATTACH_INTERNAL_H
#define XBPF_ATTACH_INTERNAL_H

#include <linux/mutex.h>
#include <linux/perf_event.h>
#include <linux/rcupdate.h>

#include "prog.h"

struct xbpf_event;

/*
 * A hook kind (kprobe.c, tracepoint.c, ...). Every callback but the
 * handlers runs in process context, under the event's mutex where noted.
 */
struct xbpf_event_kind {
	/* may prog run on this event? -EINVAL/-EACCES as Linux says */
	int (*check_prog)(struct xbpf_event *ev, struct xbpf_prog *prog);
	/* a program was attached / detached (mutex held) */
	int (*arm)(struct xbpf_event *ev);
	void (*disarm)(struct xbpf_event *ev);
	/* optional: PERF_EVENT_IOC_ENABLE/DISABLE (mutex held) */
	int (*set_enabled)(struct xbpf_event *ev, bool on);
	/* optional: read(2) of the event fd */
	ssize_t (*read)(struct xbpf_event *ev, char __user *buf, size_t count);
	/* undo open; no handler runs any more */
	void (*free)(struct xbpf_event *ev);
};

struct xbpf_event {
	const struct xbpf_event_kind *kind;
	struct perf_event_attr attr;
	pid_t pid;
	int cpu;
	struct mutex lock;		/* prog, enabled, arming */
	struct xbpf_prog __rcu *prog;	/* holds a reference */
	u64 cookie;			/* written before prog is published */
	u64 func_ip;			/* kprobes: the probed address */
	bool enabled;
	bool linked;			/* prog came with a perf link */
	void *data;			/* the kind's */
};

/* Kinds: each fills ev->kind and ev->data, or returns -errno. */
int xbpf_kprobe_open(struct xbpf_event *ev, bool is_ret);
int xbpf_uprobe_open(struct xbpf_event *ev, bool is_ret);
int xbpf_tracepoint_open(struct xbpf_event *ev);
int xbpf_perf_sample_open(struct xbpf_event *ev, struct task_struct *task);
/* syscalls:* events; call is the event, record_size its record's end */
struct trace_event_call;
int xbpf_syscall_tp_open(struct xbpf_event *ev, struct trace_event_call *call,
			 u32 record_size);

/*
 * A raw tracepoint's arguments (tp_btf.c): how many, and how each widens
 * to the u64 programs read: 0 as it came, else its size in bytes, with
 * XBPF_TP_ARG_SIGNED if it is sign-extended.
 */
#define XBPF_TP_MAX_ARGS	12
#define XBPF_TP_ARG_SIGNED	0x80
struct xbpf_tp_args {
	u8 nr;
	u8 ext[XBPF_TP_MAX_ARGS];
};

/* From vmlinux's BTF; -ENOENT if it does not say, or -errno. */
int xbpf_tp_btf_args(const char *tp_name, struct xbpf_tp_args *args);

/* raw_tp.c's cache of those */
void xbpf_raw_tp_uninit(void);

/* tracepoint.c's CPU hotplug state */
int xbpf_tracepoint_init(void);
void xbpf_tracepoint_uninit(void);

/*
 * Run ev's program, if any, on ctx; from the hook's handler, any context.
 * Returns the program's return value (1 if there is none).
 */
u32 xbpf_event_run(struct xbpf_event *ev, const void *ctx);

/*
 * Run prog with cookie as its run context, unless this CPU already runs a
 * hooked program: then the run is skipped and counted as a miss (0).
 */
u32 xbpf_attach_run(struct xbpf_prog *prog, const void *ctx, u64 cookie,
		    u64 func_ip);

/* The perf event behind an fd from fdget(): -EBADF if it is none. */
struct xbpf_event *xbpf_event_from_file(struct file *file);
/* Attach prog (a reference the event takes over) with cookie. */
int xbpf_event_attach(struct xbpf_event *ev, struct xbpf_prog *prog,
		      u64 cookie, bool linked);
/* Take the program off (if any); waits for running programs. */
void xbpf_event_detach(struct xbpf_event *ev);

/* bpf(2)'s CHECK_ATTR: a field past the command's last one is set. */
#define XBPF_ATTR_TAIL_SET(attr, last)					\
	(memchr_inv((void *)&(attr)->last + sizeof((attr)->last), 0,	\
		    sizeof(*(attr)) - offsetofend(union bpf_attr, last)) != NULL)

struct xbpf_link;
/*
 * Give an attached link an ID and an fd (returned). On failure the link is
 * detached and freed, and the caller still owns its program reference.
 */
int xbpf_link_publish(struct xbpf_link *link);

/* A new reference to the program behind a user fd, or ERR_PTR. */
struct xbpf_prog *xbpf_attach_prog_get(u32 ufd);

/* kprobe_multi.c: BPF_LINK_CREATE with BPF_TRACE_KPROBE_MULTI */
int xbpf_kprobe_multi_attach(const union bpf_attr *attr,
			     struct xbpf_prog *prog);

#endif /* XBPF_ATTACH_INTERNAL_H */
