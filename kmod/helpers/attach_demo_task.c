// SPDX-License-Identifier: GPL-2.0
/*
 * The current task, for tracing programs: bpf_get_current_pid_tgid() and
 * bpf_get_current_comm(), with Linux 6.1's prototypes and results. A
 * minimal pair for the attach demo; the full task helper family belongs
 * in helpers/task.c, which supersedes this file.
 */
#include <linux/kprobes.h>
#include <linux/sched.h>
#include <linux/string.h>

#include "prog.h"

static u64 helper_get_current_pid_tgid(u64 r1, u64 r2, u64 r3, u64 r4, u64 r5)
{
	struct task_struct *task = current;

	if (unlikely(!task))
		return -EINVAL;
	return (u64)task->tgid << 32 | task->pid;
}
NOKPROBE_SYMBOL(helper_get_current_pid_tgid);

static u64 helper_get_current_comm(u64 buf, u64 size, u64 r3, u64 r4, u64 r5)
{
	struct task_struct *task = current;
	char *dst = (char *)(unsigned long)buf;

	if (unlikely(!task)) {
		memset(dst, 0, size);
		return -EINVAL;
	}
	/* a NUL-terminated prefix, zero-padded, as Linux's strscpy_pad */
	strscpy_pad(dst, task->comm, size);
	return 0;
}
NOKPROBE_SYMBOL(helper_get_current_comm);

static const struct xbpf_func_proto task_protos[] = {
	{
		.func_id = BPF_FUNC_get_current_pid_tgid,
		.func = helper_get_current_pid_tgid,
		.ret_type = RET_INTEGER,
	}, {
		.func_id = BPF_FUNC_get_current_comm,
		.func = helper_get_current_comm,
		.ret_type = RET_INTEGER,
		.arg_type = { ARG_PTR_TO_UNINIT_MEM, ARG_CONST_SIZE },
	},
};

const struct xbpf_func_proto *xbpf_attach_demo_task_func_proto(u32 func_id)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(task_protos); i++)
		if (task_protos[i].func_id == func_id)
			return &task_protos[i];
	return NULL;
}
