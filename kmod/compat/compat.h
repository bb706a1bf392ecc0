/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Every difference between kernel versions that xbpf cares about lives here.
 * This header is force-included before any other (see kmod/Kbuild), so the
 * rest of the module is written against one API and never tests a version.
 */
#ifndef XBPF_COMPAT_H
#define XBPF_COMPAT_H

/* Prefix every message with the module name; must precede printk.h. */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/version.h>
#include <linux/mm.h>

/* vm_flags became write-protected behind accessors in 6.3. */
#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 3, 0)
static inline void xbpf_vm_flags_clear(struct vm_area_struct *vma,
				       unsigned long flags)
{
	vma->vm_flags &= ~flags;
}
#else
static inline void xbpf_vm_flags_clear(struct vm_area_struct *vma,
				       unsigned long flags)
{
	vm_flags_clear(vma, flags);
}
#endif

#endif /* XBPF_COMPAT_H */
