// SPDX-License-Identifier: GPL-2.0
/*
 * Event objects: xbpf's perf events, as fds named "[perf_event]".
 *
 * XBPF_IOC_PERF_EVENT_OPEN checks its perf_event_attr as perf_event_open(2)
 * does and hands it to a hook kind by attr.type. The fd then takes
 * PERF_EVENT_IOC_SET_BPF, _ENABLE and _DISABLE; close() detaches. A perf
 * link (link.c) holds the event's file, so the program stays on until the
 * link goes too, as in Linux.
 *
 * Running: a hook's handler calls xbpf_event_run(), which reads the
 * event's program under RCU and runs it through xbpf_attach_run(): one
 * hooked program at a time per CPU (xbpf_trace_active, the counterpart of
 * Linux's bpf_prog_active), so a program never re-enters itself or another
 * hooked program on its CPU, whatever it calls; a run that would is skipped
 * and counted in the program's recursion_misses. Detaching unpublishes the
 * program, disarms the hook and waits for a grace period before the
 * program's reference is dropped.
 *
 * Every event and link fd pins the module (fops.owner): xbpf cannot be
 * unloaded while anything is attached.
 */
#include <linux/anon_inodes.h>
#include <linux/capability.h>
#include <linux/cpumask.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/kprobes.h>
#include <linux/module.h>
#include <linux/pid.h>
#include <linux/sched/task.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/xbpf.h>

#include "attach/attach.h"
#include "attach/internal.h"
#include "object.h"

/* perf_event_open(2)'s flags (kernel/events/core.c keeps the mask) */
#define XBPF_PERF_FLAGS	(PERF_FLAG_FD_NO_GROUP | PERF_FLAG_FD_OUTPUT | \
			 PERF_FLAG_PID_CGROUP | PERF_FLAG_FD_CLOEXEC)

static DEFINE_PER_CPU(int, xbpf_trace_active);
__xbpf_hot u32 xbpf_attach_run(struct xbpf_prog *prog, const void *ctx,
			       u64 cookie, u64 func_ip)
{
	struct xbpf_run_ctx run_ctx = { .cookie = cookie, .func_ip = func_ip };
	struct xbpf_run_ctx *old;
	u32 ret = 0;

	preempt_disable();
	if (unlikely(__this_cpu_inc_return(xbpf_trace_active) != 1)) {
		xbpf_prog_inc_misses(prog);
		goto out;
	}
	old = xbpf_run_ctx_set(&run_ctx);
	ret = xbpf_prog_run(prog, ctx);
	xbpf_run_ctx_set(old);
out:
	__this_cpu_dec(xbpf_trace_active);
	preempt_enable();
	return ret;
}
NOKPROBE_SYMBOL(xbpf_attach_run);

__xbpf_hot u32 xbpf_event_run(struct xbpf_event *ev, const void *ctx)
{
	struct xbpf_prog *prog;
	u32 ret = 1;

	rcu_read_lock();
	prog = rcu_dereference(ev->prog);
	if (prog)
		ret = xbpf_attach_run(prog, ctx, READ_ONCE(ev->cookie),
				      ev->func_ip);
	rcu_read_unlock();
	return ret;
}
NOKPROBE_SYMBOL(xbpf_event_run);

/*
 * Programs and the code they run: a kprobe there would recurse into the
 * program it interrupts. Handlers and helpers in other files list
 * themselves.
 */
NOKPROBE_SYMBOL(xbpf_prog_run);
NOKPROBE_SYMBOL(xbpf_interp_run);
NOKPROBE_SYMBOL(xbpf_prog_inc_misses);
NOKPROBE_SYMBOL(xbpf_stats_span_end);
NOKPROBE_SYMBOL(xbpf_run_ctx_set);
NOKPROBE_SYMBOL(xbpf_run_cookie);
NOKPROBE_SYMBOL(xbpf_run_func_ip);

/* Attach prog; the event takes over the caller's reference. */
int xbpf_event_attach(struct xbpf_event *ev, struct xbpf_prog *prog,
		      u64 cookie, bool linked)
{
	int err;

	mutex_lock(&ev->lock);
	err = -EEXIST;
	if (rcu_access_pointer(ev->prog))
		goto out;
	err = ev->kind->check_prog(ev, prog);
	if (err)
		goto out;
	WRITE_ONCE(ev->cookie, cookie);
	ev->linked = linked;
	rcu_assign_pointer(ev->prog, prog);
	err = ev->kind->arm(ev);
	if (err) {
		RCU_INIT_POINTER(ev->prog, NULL);
		/* a handler may have seen it: the caller's put must wait */
		synchronize_rcu();
	}
out:
	mutex_unlock(&ev->lock);
	return err;
}

void xbpf_event_detach(struct xbpf_event *ev)
{
	struct xbpf_prog *prog;

	mutex_lock(&ev->lock);
	prog = rcu_dereference_protected(ev->prog, lockdep_is_held(&ev->lock));
	if (prog) {
		RCU_INIT_POINTER(ev->prog, NULL);
		ev->kind->disarm(ev);
		ev->linked = false;
	}
	mutex_unlock(&ev->lock);
	if (prog) {
		/* handlers read the program under RCU, preemption disabled */
		synchronize_rcu();
		xbpf_prog_put(prog);
	}
}

static int event_release(struct inode *inode, struct file *file)
{
	struct xbpf_event *ev = file->private_data;

	xbpf_event_detach(ev);
	ev->kind->free(ev);
	kfree(ev);
	return 0;
}

static long event_set_bpf(struct xbpf_event *ev, unsigned long arg)
{
	struct xbpf_prog *prog;
	struct fd f;
	int err;

	f = fdget((int)arg);
	prog = xbpf_prog_from_fd(f);
	if (IS_ERR(prog)) {
		fdput(f);
		return PTR_ERR(prog);
	}
	atomic64_inc(&prog->refcnt);
	fdput(f);
	err = xbpf_event_attach(ev, prog, 0, false);
	if (err)
		xbpf_prog_put(prog);
	return err;
}

static long event_set_enabled(struct xbpf_event *ev, bool on)
{
	int err = 0;

	mutex_lock(&ev->lock);
	if (ev->kind->set_enabled)
		err = ev->kind->set_enabled(ev, on);
	if (!err)
		ev->enabled = on;
	mutex_unlock(&ev->lock);
	return err;
}

static long event_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	struct xbpf_event *ev = file->private_data;

	switch (cmd) {
	case PERF_EVENT_IOC_ENABLE:
		return event_set_enabled(ev, true);
	case PERF_EVENT_IOC_DISABLE:
		return event_set_enabled(ev, false);
	case PERF_EVENT_IOC_SET_BPF:
		return event_set_bpf(ev, arg);
	default:
		return -ENOTTY;
	}
}

static ssize_t event_read(struct file *file, char __user *buf, size_t count,
			  loff_t *ppos)
{
	struct xbpf_event *ev = file->private_data;

	if (!ev->kind->read)
		return -EINVAL;
	return ev->kind->read(ev, buf, count);
}

static const struct file_operations xbpf_event_fops = {
	.owner		= THIS_MODULE,
	.release	= event_release,
	.unlocked_ioctl	= event_ioctl,
	.compat_ioctl	= event_ioctl,
	.read		= event_read,
	.llseek		= no_llseek,
};

int xbpf_attach_init(void)
{
	return xbpf_tracepoint_init();
}

void xbpf_attach_uninit(void)
{
	xbpf_raw_tp_uninit();
	xbpf_tracepoint_uninit();
}

struct xbpf_event *xbpf_event_from_file(struct file *file)
{
	if (!file || file->f_op != &xbpf_event_fops)
		return ERR_PTR(-EBADF);
	return file->private_data;
}

/* perf_event_open(2)'s copy of the attr, with its size rules. */
static int copy_attr(struct perf_event_attr __user *uattr,
		     struct perf_event_attr *attr)
{
	u32 size;
	int err;

	memset(attr, 0, sizeof(*attr));
	if (get_user(size, &uattr->size))
		return -EFAULT;
	if (!size)
		size = PERF_ATTR_SIZE_VER0;
	if (size < PERF_ATTR_SIZE_VER0 || size > PAGE_SIZE)
		goto err_size;
	err = copy_struct_from_user(attr, sizeof(*attr), uattr, size);
	if (err == -E2BIG)
		goto err_size;
	if (err)
		return err;
	attr->size = size;
	if (attr->__reserved_1 || attr->__reserved_2 || attr->__reserved_3)
		return -EINVAL;
	if (attr->sample_type & ~(PERF_SAMPLE_MAX - 1))
		return -EINVAL;
	if (attr->read_format & ~(PERF_FORMAT_MAX - 1))
		return -EINVAL;
	return 0;

err_size:
	put_user(sizeof(*attr), &uattr->size);
	return -E2BIG;
}

/* A short sysfs file of a PMU into buf; false if it cannot be read. */
static bool pmu_read(const char *pmu, const char *file, char *buf,
		     size_t size)
{
	char path[96];
	struct file *f;
	loff_t pos = 0;
	ssize_t n;

	snprintf(path, sizeof(path), "/sys/bus/event_source/devices/%s/%s",
		 pmu, file);
	f = filp_open(path, O_RDONLY, 0);
	if (IS_ERR(f))
		return false;
	n = kernel_read(f, buf, size - 1, &pos);
	filp_close(f, NULL);
	if (n <= 0)
		return false;
	buf[n] = '\0';
	return true;
}

/*
 * The type number Linux gave its kprobe or uprobe PMU at boot and the
 * config bit that makes a return probe ("config:0" in format/retprobe),
 * as userspace learns them.
 */
struct probe_pmu {
	const char *name;
	int type;		/* -2: not read yet, -1: none */
	u64 retprobe;
};

static struct probe_pmu pmu_kprobe = { "kprobe", -2, 1 };
static struct probe_pmu pmu_uprobe = { "uprobe", -2, 1 };

static bool pmu_is(struct probe_pmu *pmu, u32 type)
{
	char buf[32];
	unsigned int bit;

	if (READ_ONCE(pmu->type) == -2) {
		if (pmu_read(pmu->name, "format/retprobe", buf, sizeof(buf)) &&
		    sscanf(buf, "config:%u", &bit) == 1 && bit < 64)
			pmu->retprobe = 1ULL << bit;
		if (!pmu_read(pmu->name, "type", buf, sizeof(buf)) ||
		    kstrtoint(strim(buf), 10, &pmu->type))
			pmu->type = -1;
	}
	return pmu->type >= 0 && type == pmu->type;
}

static int open_kind(struct xbpf_event *ev, struct task_struct *task)
{
	u32 type = ev->attr.type;

	if (pmu_is(&pmu_kprobe, type))
		return xbpf_kprobe_open(ev, ev->attr.config & pmu_kprobe.retprobe);
	if (pmu_is(&pmu_uprobe, type))
		return xbpf_uprobe_open(ev, ev->attr.config & pmu_uprobe.retprobe);
	switch (type) {
	case PERF_TYPE_TRACEPOINT:
		return xbpf_tracepoint_open(ev);
	case PERF_TYPE_SOFTWARE:
		/*
		 * PERF_COUNT_SW_BPF_OUTPUT events are perf buffers for
		 * bpf_perf_event_output(), not hooks: they belong here
		 * once xbpf has them.
		 */
		if (ev->attr.config == PERF_COUNT_SW_BPF_OUTPUT)
			return -EOPNOTSUPP;
		fallthrough;
	case PERF_TYPE_HARDWARE:
	case PERF_TYPE_HW_CACHE:
		return xbpf_perf_sample_open(ev, task);
	default:
		/* perf_event_open(2): no PMU of that type */
		return -ENOENT;
	}
}

long xbpf_event_open(struct xbpf_perf_event_open __user *ureq)
{
	struct xbpf_perf_event_open req;
	struct task_struct *task = NULL;
	struct xbpf_event *ev;
	int err, fd;

	if (copy_from_user(&req, ureq, sizeof(req)))
		return -EFAULT;
	if (req.reserved)
		return -EINVAL;
	if (req.flags & ~XBPF_PERF_FLAGS)
		return -EINVAL;

	ev = kzalloc(sizeof(*ev), GFP_KERNEL_ACCOUNT);
	if (!ev)
		return -ENOMEM;
	mutex_init(&ev->lock);
	err = copy_attr(u64_to_user_ptr(req.attr), &ev->attr);
	if (err)
		goto err_free;
	err = -EINVAL;
	if (!ev->attr.freq && (ev->attr.sample_period & (1ULL << 63)))
		goto err_free;
	/* no groups, no cgroup events, and an event needs a task or CPU */
	if (req.group_fd != -1 || (req.flags & PERF_FLAG_PID_CGROUP))
		goto err_free;
	if (req.pid == -1 && req.cpu == -1)
		goto err_free;
	if (req.cpu < -1 || req.cpu >= (int)nr_cpu_ids)
		goto err_free;
	err = -ENODEV;
	if (req.cpu >= 0 && !cpu_online(req.cpu))
		goto err_free;
	if (req.pid != -1) {
		err = -ESRCH;
		if (req.pid == 0) {
			task = current;
			get_task_struct(task);
		} else {
			rcu_read_lock();
			task = get_pid_task(find_vpid(req.pid), PIDTYPE_PID);
			rcu_read_unlock();
		}
		if (!task)
			goto err_free;
	}
	ev->pid = task ? task_tgid_nr(task) : -1;
	ev->cpu = req.cpu;
	ev->enabled = !ev->attr.disabled;

	err = open_kind(ev, task);
	if (task)
		put_task_struct(task);
	if (err)
		goto err_free;

	fd = anon_inode_getfd("[perf_event]", &xbpf_event_fops, ev,
			      O_RDWR | (req.flags & PERF_FLAG_FD_CLOEXEC ?
					O_CLOEXEC : 0));
	if (fd < 0) {
		ev->kind->free(ev);
		kfree(ev);
	}
	return fd;

err_free:
	kfree(ev);
	return err;
}
