// SPDX-License-Identifier: GPL-2.0
/*
 * xbpf: a BPF subsystem in a module, beside the kernel's own.
 *
 * Module init and exit only: each part is brought up in order and torn
 * down in reverse.
 */
#include <linux/module.h>

#include "attach/attach.h"
#include "prog.h"
#include "xbpf.h"

static int __init xbpf_init(void)
{
	int err;

	err = xbpf_object_init();
	if (err)
		return err;
	err = xbpf_jit_init();
	if (err)
		goto err_object;
	err = xbpf_run_init();
	if (err)
		goto err_jit;
	err = xbpf_progs_init();
	if (err)
		goto err_run;
	err = xbpf_printk_init();
	if (err)
		goto err_run;
	err = xbpf_stackmap_init();
	if (err)
		goto err_printk;
	err = xbpf_task_helpers_init();
	if (err)
		goto err_stackmap;
	err = xbpf_attach_init();
	if (err)
		goto err_task;
	err = xbpf_dev_init();
	if (err)
		goto err_attach;
	pr_info("loaded\n");
	return 0;

err_attach:
	xbpf_attach_uninit();
err_task:
	xbpf_task_helpers_uninit();
err_stackmap:
	xbpf_stackmap_uninit();
err_printk:
	xbpf_printk_uninit();
err_run:
	xbpf_run_uninit();
err_jit:
	xbpf_jit_uninit();
err_object:
	xbpf_object_uninit();
	return err;
}

static void __exit xbpf_exit(void)
{
	xbpf_dev_uninit();
	xbpf_attach_uninit();
	xbpf_task_helpers_uninit();
	xbpf_object_uninit();
	xbpf_stackmap_uninit();
	xbpf_printk_uninit();
	xbpf_run_uninit();
	xbpf_jit_uninit();
}

module_init(xbpf_init);
module_exit(xbpf_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("xbpf: a BPF subsystem behind /dev/xbpf");
MODULE_AUTHOR("xbpf developers");
