// SPDX-License-Identifier: GPL-2.0
/*
 * /dev/xbpf: the misc device whose one ioctl carries a bpf(2) command.
 */
#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/uaccess.h>
#include <linux/xbpf.h>

#include "attach/attach.h"
#include "maps/perf_buffer.h"
#include "xbpf.h"

static long xbpf_dev_ioctl(struct file *file, unsigned int cmd,
			   unsigned long arg)
{
	struct xbpf_call call;

	if (cmd == XBPF_IOC_PERF_EVENT_OPEN)
		return xbpf_event_open((void __user *)arg);
	if (cmd == XBPF_IOC_PERF_OUTPUT)
		return xbpf_perf_buf_create((void __user *)arg);
	if (cmd != XBPF_IOC_BPF)
		return -ENOTTY;
	if (copy_from_user(&call, (void __user *)arg, sizeof(call)))
		return -EFAULT;
	if (call.reserved)
		return -EINVAL;
	return xbpf_sys_bpf((int)call.cmd, u64_to_user_ptr(call.attr),
			    call.size);
}

static const struct file_operations xbpf_dev_fops = {
	.owner		= THIS_MODULE,
	.unlocked_ioctl	= xbpf_dev_ioctl,
	/* struct xbpf_call has the same layout for 32-bit callers. */
	.compat_ioctl	= compat_ptr_ioctl,
	.llseek		= noop_llseek,
};

static struct miscdevice xbpf_miscdev = {
	.minor	= MISC_DYNAMIC_MINOR,
	.name	= XBPF_DEVICE_NAME,
	.fops	= &xbpf_dev_fops,
	.mode	= 0600,
};

int xbpf_dev_init(void)
{
	return misc_register(&xbpf_miscdev);
}

void xbpf_dev_uninit(void)
{
	misc_deregister(&xbpf_miscdev);
}
