// SPDX-License-Identifier: GPL-2.0
/*
 * kprobe_multi links: BPF_LINK_CREATE with BPF_TRACE_KPROBE_MULTI puts one
 * program on many functions at once, given by name (syms) or address
 * (addrs), each with an optional cookie. Linux 6.1 builds these on fprobe
 * and answers EOPNOTSUPP without CONFIG_FPROBE (Debian's 6.1); fprobe is
 * not exported to modules, so xbpf builds them on one kprobe (or
 * kretprobe, with BPF_F_KPROBE_MULTI_RETURN) per function and has them
 * whatever the kernel's configuration: xbpf goes beyond Debian's kernel.
 *
 * Checks and errnos are those of Linux 6.1 with CONFIG_FPROBE=y, in its
 * order: kprobe_multi.flags other than BPF_F_KPROBE_MULTI_RETURN, both or
 * neither of syms and addrs, and cnt 0 are EINVAL; a name of KSYM_NAME_LEN
 * bytes or more is E2BIG; a name not found (or named twice) is ESRCH; an
 * address that is not a function's entry is EINVAL. Like later kernels
 * (6.1 would try the allocation), cnt above XBPF_KPROBE_MULTI_MAX is
 * E2BIG. Any probe that fails to register takes back those registered
 * before it and fails the link.
 *
 * As in Linux, bpf_get_attach_cookie() gives the cookie of the function
 * whose probe fired and bpf_get_func_ip() that function's address, for
 * return probes too. Runs share the single kprobes' path (one hooked
 * program per CPU at a time, run statistics). Closing the last link fd
 * unregisters every probe in one batch (one grace period).
 *
 * Not as in Linux: functions kprobes refuse (its blacklist) are refused
 * here, with ESRCH by name and EINVAL by address, while Linux's refuses
 * only functions ftrace cannot trace (xbpf cannot ask ftrace); two names
 * of one address get two probes, so the program runs twice there.
 */
#include <linux/kprobes.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "attach/attach.h"
#include "attach/internal.h"
#include "link.h"
#include "object.h"

#define XBPF_KPROBE_MULTI_MAX	(1U << 20)

struct kmulti_link;

struct kmulti_probe {
	union {
		struct kprobe kp;
		struct kretprobe rp;
	};
	struct kmulti_link *kl;
	u64 cookie;
	unsigned long func_ip;
};

struct kmulti_link {
	struct xbpf_link link;
	bool is_ret;
	u32 cnt;			/* probes registered */
	struct kmulti_probe *probes;
	void **batch;			/* kprobe or kretprobe pointers */
};

static __xbpf_hot int kmulti_pre(struct kprobe *kp, struct pt_regs *regs)
{
	struct kmulti_probe *mp = container_of(kp, struct kmulti_probe, kp);

	xbpf_attach_run(mp->kl->link.prog, regs, mp->cookie, mp->func_ip);
	return 0;
}
NOKPROBE_SYMBOL(kmulti_pre);

static __xbpf_hot int kmulti_ret(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct kretprobe *rp = get_kretprobe(ri);
	struct kmulti_probe *mp;

	if (!rp)
		return 0;
	mp = container_of(rp, struct kmulti_probe, rp);
	xbpf_attach_run(mp->kl->link.prog, regs, mp->cookie, mp->func_ip);
	return 0;
}
NOKPROBE_SYMBOL(kmulti_ret);

static void kmulti_unregister(struct kmulti_link *kl, u32 n)
{
	if (!n)
		return;
	/* one batch: waits once for running handlers */
	if (kl->is_ret)
		unregister_kretprobes((struct kretprobe **)kl->batch, n);
	else
		unregister_kprobes((struct kprobe **)kl->batch, n);
}

static void kmulti_release(struct xbpf_link *link)
{
	struct kmulti_link *kl = container_of(link, struct kmulti_link, link);

	kmulti_unregister(kl, kl->cnt);
	kl->cnt = 0;
}

static void kmulti_free(struct kmulti_link *kl)
{
	kvfree(kl->probes);
	kvfree(kl->batch);
	kfree(kl);
}

static void kmulti_dealloc(struct xbpf_link *link)
{
	kmulti_free(container_of(link, struct kmulti_link, link));
}

static const struct xbpf_link_ops kmulti_link_ops = {
	.release	= kmulti_release,
	.dealloc	= kmulti_dealloc,
};

/* Sorting (name or address, cookie) pairs, to find twins. */
struct kmulti_ent {
	unsigned long addr;
	const char *sym;
	u64 cookie;
};

static int ent_sym_cmp(const void *a, const void *b)
{
	return strcmp(((const struct kmulti_ent *)a)->sym,
		      ((const struct kmulti_ent *)b)->sym);
}

static int ent_addr_cmp(const void *a, const void *b)
{
	unsigned long x = ((const struct kmulti_ent *)a)->addr;
	unsigned long y = ((const struct kmulti_ent *)b)->addr;

	return x < y ? -1 : x > y;
}

/* The names, into buf (cnt * KSYM_NAME_LEN bytes), as Linux copies them. */
static int copy_syms(struct kmulti_ent *ents, char *buf,
		     const unsigned long __user *usyms, u32 cnt)
{
	unsigned long uname;
	char *p = buf;
	long n;
	u32 i;

	for (i = 0; i < cnt; i++) {
		if (get_user(uname, usyms + i))
			return -EFAULT;
		n = strncpy_from_user(p, (const char __user *)uname,
				      KSYM_NAME_LEN);
		if (n == KSYM_NAME_LEN)
			return -E2BIG;
		if (n < 0)
			return n;
		ents[i].sym = p;
		p += n + 1;
	}
	return 0;
}

/* Register every probe, or none: the first failure takes the rest back. */
static int kmulti_register(struct kmulti_link *kl, struct kmulti_ent *ents,
			   u32 cnt, bool by_sym)
{
	struct kmulti_probe *mp;
	struct kprobe *kp;
	u32 i;
	int err = 0;

	for (i = 0; i < cnt; i++) {
		mp = &kl->probes[i];
		mp->kl = kl;
		mp->cookie = ents[i].cookie;
		kp = kl->is_ret ? &mp->rp.kp : &mp->kp;
		if (by_sym)
			kp->symbol_name = ents[i].sym;
		else
			kp->addr = (kprobe_opcode_t *)ents[i].addr;
		if (kl->is_ret) {
			mp->rp.handler = kmulti_ret;
			kl->batch[i] = &mp->rp;
			err = register_kretprobe(&mp->rp);
		} else {
			mp->kp.pre_handler = kmulti_pre;
			kl->batch[i] = &mp->kp;
			err = register_kprobe(&mp->kp);
			/* Linux's takes only functions' entries */
			if (!err && !(kp->flags & KPROBE_FLAG_ON_FUNC_ENTRY)) {
				kl->cnt = i + 1;
				err = -EINVAL;
				break;
			}
		}
		/* the name is gone once this returns */
		kp->symbol_name = NULL;
		if (err)
			break;
		mp->func_ip = (unsigned long)kp->addr;
		kl->cnt = i + 1;
	}
	if (!err)
		return 0;
	kmulti_unregister(kl, kl->cnt);
	kl->cnt = 0;
	if (err == -ENOMEM)
		return err;
	/* Linux's: a name it cannot trace, an address not a function's */
	return by_sym ? -ESRCH : -EINVAL;
}

int xbpf_kprobe_multi_attach(const union bpf_attr *attr,
			     struct xbpf_prog *prog)
{
	const void __user *uaddrs, *usyms, *ucookies;
	struct kmulti_ent *ents = NULL;
	struct kmulti_link *kl = NULL;
	char *names = NULL;
	u32 flags, cnt, i, n;
	int err;

	flags = attr->link_create.kprobe_multi.flags;
	if (flags & ~BPF_F_KPROBE_MULTI_RETURN)
		return -EINVAL;
	uaddrs = u64_to_user_ptr(attr->link_create.kprobe_multi.addrs);
	usyms = u64_to_user_ptr(attr->link_create.kprobe_multi.syms);
	if (!!uaddrs == !!usyms)
		return -EINVAL;
	cnt = attr->link_create.kprobe_multi.cnt;
	if (!cnt)
		return -EINVAL;
	if (cnt > XBPF_KPROBE_MULTI_MAX)
		return -E2BIG;

	ents = kvcalloc(cnt, sizeof(*ents), GFP_KERNEL);
	if (!ents)
		return -ENOMEM;
	ucookies = u64_to_user_ptr(attr->link_create.kprobe_multi.cookies);
	if (ucookies) {
		for (i = 0; i < cnt; i++) {
			err = -EFAULT;
			if (get_user(ents[i].cookie,
				     (const u64 __user *)ucookies + i))
				goto out;
		}
	}
	if (uaddrs) {
		for (i = 0; i < cnt; i++) {
			err = -EFAULT;
			if (get_user(ents[i].addr,
				     (const unsigned long __user *)uaddrs + i))
				goto out;
		}
		/* one probe per address, as ftrace keeps one entry */
		sort(ents, cnt, sizeof(*ents), ent_addr_cmp, NULL);
		for (i = 1, n = 1; i < cnt; i++)
			if (ents[i].addr != ents[n - 1].addr)
				ents[n++] = ents[i];
		cnt = n;
	} else {
		err = -ENOMEM;
		names = kvmalloc_array(cnt, KSYM_NAME_LEN, GFP_KERNEL);
		if (!names)
			goto out;
		err = copy_syms(ents, names, usyms, cnt);
		if (err)
			goto out;
		/* a name twice: Linux's lookup finds it once, ESRCH */
		sort(ents, cnt, sizeof(*ents), ent_sym_cmp, NULL);
		err = -ESRCH;
		for (i = 1; i < cnt; i++)
			if (!strcmp(ents[i].sym, ents[i - 1].sym))
				goto out;
	}

	err = -ENOMEM;
	kl = kzalloc(sizeof(*kl), GFP_KERNEL_ACCOUNT);
	if (!kl)
		goto out;
	kl->is_ret = flags & BPF_F_KPROBE_MULTI_RETURN;
	kl->probes = kvcalloc(cnt, sizeof(*kl->probes), GFP_KERNEL_ACCOUNT);
	kl->batch = kvcalloc(cnt, sizeof(*kl->batch), GFP_KERNEL_ACCOUNT);
	if (!kl->probes || !kl->batch)
		goto out;
	xbpf_link_init(&kl->link, BPF_LINK_TYPE_KPROBE_MULTI, &kmulti_link_ops,
		       prog);
	err = kmulti_register(kl, ents, cnt, !uaddrs);
	if (err)
		goto out;
	kvfree(names);
	kvfree(ents);
	/* on failure the link is gone and the caller keeps its reference */
	return xbpf_link_publish(&kl->link);

out:
	if (kl)
		kmulti_free(kl);
	kvfree(names);
	kvfree(ents);
	return err;
}
