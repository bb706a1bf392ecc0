// SPDX-License-Identifier: GPL-2.0
/*
 * bpf_probe_read_{kernel,user}[_str] and the older bpf_probe_read[_str]:
 * copy memory the program names by address, never faulting. A failed read
 * zeroes the destination, so a program cannot see stale stack bytes.
 *
 * Kernel reads are refused, at load time, under confidentiality lockdown,
 * as Linux refuses them.
 */
#include <linux/mm.h>
#include <linux/security.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "prog.h"

typedef long (*nofault_copy_fn)(void *dst, const void *src, size_t size);

static long kernel_copy(void *dst, const void *src, size_t size)
{
	return copy_from_kernel_nofault(dst, src, size);
}

static long user_copy(void *dst, const void *src, size_t size)
{
	return copy_from_user_nofault(dst, (const void __user *)src, size);
}

static long probe_read(nofault_copy_fn copy, void *dst, u32 size,
		       const void *src)
{
	long ret = copy(dst, src, size);

	if (unlikely(ret < 0))
		memset(dst, 0, size);
	return ret;
}

/*
 * A NUL-terminated string of at most size bytes: the length copied with
 * its NUL, or size (truncated, NUL-terminated), or -EFAULT. Reads stay
 * within one page at a time so a string that ends just before an
 * unmapped page is read whole.
 */
static long probe_read_str(nofault_copy_fn copy, void *dst, u32 size,
			   const void *src)
{
	char *d = dst;
	const char *s = src;
	u32 done = 0;

	if (unlikely(!size))
		return 0;
	while (done < size) {
		u32 chunk = min_t(u32, size - done,
				  PAGE_SIZE - offset_in_page(s + done));
		char *nul;

		if (copy(d + done, s + done, chunk) < 0) {
			memset(dst, 0, size);
			return -EFAULT;
		}
		nul = memchr(d + done, '\0', chunk);
		if (nul)
			return nul - d + 1;
		done += chunk;
	}
	d[size - 1] = '\0';
	return size;
}

long xbpf_probe_read_str(bool user, void *dst, u32 size, const void *src)
{
	return probe_read_str(user ? user_copy : kernel_copy, dst, size, src);
}

static u64 helper_probe_read_kernel(u64 dst, u64 size, u64 src, u64 r4, u64 r5)
{
	return probe_read(kernel_copy, (void *)(unsigned long)dst, size,
			  (const void *)(unsigned long)src);
}

static u64 helper_probe_read_user(u64 dst, u64 size, u64 src, u64 r4, u64 r5)
{
	return probe_read(user_copy, (void *)(unsigned long)dst, size,
			  (const void *)(unsigned long)src);
}

static u64 helper_probe_read_kernel_str(u64 dst, u64 size, u64 src, u64 r4,
					u64 r5)
{
	return probe_read_str(kernel_copy, (void *)(unsigned long)dst, size,
			      (const void *)(unsigned long)src);
}

static u64 helper_probe_read_user_str(u64 dst, u64 size, u64 src, u64 r4,
				      u64 r5)
{
	return probe_read_str(user_copy, (void *)(unsigned long)dst, size,
			      (const void *)(unsigned long)src);
}

/* The old helpers tell user from kernel addresses by where they point. */
static u64 helper_probe_read_compat(u64 dst, u64 size, u64 src, u64 r4,
				    u64 r5)
{
	if (src < TASK_SIZE)
		return helper_probe_read_user(dst, size, src, r4, r5);
	return helper_probe_read_kernel(dst, size, src, r4, r5);
}

static u64 helper_probe_read_compat_str(u64 dst, u64 size, u64 src, u64 r4,
					u64 r5)
{
	if (src < TASK_SIZE)
		return helper_probe_read_user_str(dst, size, src, r4, r5);
	return helper_probe_read_kernel_str(dst, size, src, r4, r5);
}

#define PROBE_PROTO(id, fn)						\
	{								\
		.func_id = id,						\
		.func = fn,						\
		.gpl_only = true,					\
		.ret_type = RET_INTEGER,				\
		.arg_type = { ARG_PTR_TO_UNINIT_MEM,			\
			      ARG_CONST_SIZE_OR_ZERO, ARG_ANYTHING },	\
	}

static const struct xbpf_func_proto probe_protos[] = {
	PROBE_PROTO(BPF_FUNC_probe_read_user, helper_probe_read_user),
	PROBE_PROTO(BPF_FUNC_probe_read_user_str, helper_probe_read_user_str),
	PROBE_PROTO(BPF_FUNC_probe_read_kernel, helper_probe_read_kernel),
	PROBE_PROTO(BPF_FUNC_probe_read_kernel_str,
		    helper_probe_read_kernel_str),
	PROBE_PROTO(BPF_FUNC_probe_read, helper_probe_read_compat),
	PROBE_PROTO(BPF_FUNC_probe_read_str, helper_probe_read_compat_str),
};

static bool reads_kernel(u32 func_id)
{
	return func_id != BPF_FUNC_probe_read_user &&
	       func_id != BPF_FUNC_probe_read_user_str;
}

const struct xbpf_func_proto *xbpf_probe_func_proto(u32 func_id, bool compat)
{
	size_t i;

	if (!compat && (func_id == BPF_FUNC_probe_read ||
			func_id == BPF_FUNC_probe_read_str))
		return NULL;
	for (i = 0; i < ARRAY_SIZE(probe_protos); i++) {
		if (probe_protos[i].func_id != func_id)
			continue;
		if (reads_kernel(func_id) &&
		    security_locked_down(LOCKDOWN_BPF_READ_KERNEL) < 0)
			return NULL;
		return &probe_protos[i];
	}
	return NULL;
}
