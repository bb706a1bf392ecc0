/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Declarations shared between the parts of the module. Each part has an
 * xbpf_<part>_init()/xbpf_<part>_uninit() pair called from main.c.
 */
#ifndef XBPF_XBPF_H
#define XBPF_XBPF_H

#include <linux/types.h>
#include <linux/compiler.h>

union bpf_attr;

int xbpf_object_init(void);
void xbpf_object_uninit(void);

int xbpf_dev_init(void);
void xbpf_dev_uninit(void);

/* The bpf(2) entry point behind /dev/xbpf; process context, may sleep. */
long xbpf_sys_bpf(int cmd, union bpf_attr __user *uattr, unsigned int size);

#endif /* XBPF_XBPF_H */
