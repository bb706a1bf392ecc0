// SPDX-License-Identifier: GPL-2.0
/*
 * BPF_PROG_TYPE_SOCKET_FILTER: programs that look at a packet as a socket
 * receiving it does, a struct sk_buff whose MAC header has been pulled.
 *
 * Their context is struct __sk_buff. Which of its bytes a program may
 * touch, what each field becomes in the real sk_buff, how LD_ABS/LD_IND
 * reach the packet and what BPF_PROG_TEST_RUN builds, returns and refuses
 * all follow Linux 6.1, so that the same programs load, read the same
 * values and return the same results under xbpf.
 *
 * The kernel's <linux/bpf.h> and <linux/filter.h> must stay out of this
 * file: they name the verifier's register and argument types as xbpf's
 * verifier headers do.
 */
#include <linux/etherdevice.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/log2.h>
#include <linux/netdevice.h>
#include <linux/nsproxy.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/skbuff.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/timekeeping.h>
#include <linux/uaccess.h>
#include <net/busy_poll.h>
#include <net/net_namespace.h>
#include <net/sch_generic.h>
#include <net/sock.h>
#include <uapi/linux/bpf.h>
#include <uapi/linux/filter.h>

#include "prog.h"

/*
 * Linux's BPF_REG_AX: the register after R10 that rewritten code may use
 * as scratch and that no program can name, so it is free to clobber.
 */
#define SF_REG_AX	MAX_BPF_REG

static inline struct bpf_insn sf_insn(u8 code, u8 dst, u8 src, s16 off,
				      s32 imm)
{
	struct bpf_insn insn = {
		.code = code,
		.dst_reg = dst,
		.src_reg = src,
		.off = off,
		.imm = imm,
	};

	return insn;
}

static inline struct bpf_insn sf_ldx(u8 size, u8 dst, u8 src, s16 off)
{
	return sf_insn(BPF_LDX | BPF_MEM | size, dst, src, off, 0);
}

static inline struct bpf_insn sf_stx(u8 size, u8 dst, u8 src, s16 off)
{
	return sf_insn(BPF_STX | BPF_MEM | size, dst, src, off, 0);
}

static inline struct bpf_insn sf_alu32_imm(u8 op, u8 dst, s32 imm)
{
	return sf_insn(BPF_ALU | op | BPF_K, dst, 0, 0, imm);
}

static inline struct bpf_insn sf_alu64_reg(u8 op, u8 dst, u8 src)
{
	return sf_insn(BPF_ALU64 | op | BPF_X, dst, src, 0, 0);
}

static inline struct bpf_insn sf_mov64_imm(u8 dst, s32 imm)
{
	return sf_insn(BPF_ALU64 | BPF_MOV | BPF_K, dst, 0, 0, imm);
}

static inline struct bpf_insn sf_jmp_imm(u8 op, u8 dst, s32 imm, s16 off)
{
	return sf_insn(BPF_JMP | op | BPF_K, dst, 0, off, imm);
}

/* The load size code for a kernel field of 1, 2, 4 or 8 bytes. */
static inline u8 sf_size_code(size_t bytes)
{
	return bytes == 8 ? BPF_DW : bytes == 4 ? BPF_W :
	       bytes == 2 ? BPF_H : BPF_B;
}

#define SF_SIZEOF(TYPE, MEMBER)	sf_size_code(sizeof_field(TYPE, MEMBER))

/*
 * Offset of a kernel field the rewrite loads with a fixed size; the size
 * is what a narrow load of the __sk_buff field then shifts and masks.
 */
#define SF_TARGET_OFF(TYPE, MEMBER, SIZE, target_size)			\
	({								\
		BUILD_BUG_ON(sizeof_field(TYPE, MEMBER) != (SIZE));	\
		*(target_size) = (SIZE);				\
		offsetof(TYPE, MEMBER);					\
	})

/* Where a field of struct __sk_buff starts, and where it ends. */
#define SKB_OFF(M)	offsetof(struct __sk_buff, M)
#define SKB_END(M)	offsetofend(struct __sk_buff, M)

static bool sf_is_valid_access(int off, int size, enum xbpf_access_type type,
			       const struct xbpf_verifier_env *env,
			       struct xbpf_insn_access_aux *info)
{
	switch (off) {
	/* what only other skb program types are given */
	case SKB_OFF(tc_classid) ... SKB_END(tc_classid) - 1:
	case SKB_OFF(data) ... SKB_END(data) - 1:
	case SKB_OFF(data_meta) ... SKB_END(data_meta) - 1:
	case SKB_OFF(data_end) ... SKB_END(data_end) - 1:
	case SKB_OFF(family) ... SKB_END(local_port) - 1:
	case SKB_OFF(flow_keys) ... SKB_END(flow_keys) - 1:
	case SKB_OFF(tstamp) ... SKB_END(tstamp) - 1:
	case SKB_OFF(wire_len) ... SKB_END(wire_len) - 1:
	case SKB_OFF(hwtstamp) ... SKB_END(hwtstamp) - 1:
	case SKB_OFF(tstamp_type):
	/* padding, kept for fields to come */
	case SKB_END(tstamp_type) ... SKB_OFF(hwtstamp) - 1:
		return false;
	}

	if (off < 0 || off >= (int)sizeof(struct __sk_buff) || off % size)
		return false;

	info->reg_type = SCALAR_VALUE;
	switch (off) {
	case SKB_OFF(cb[0]) ... SKB_END(cb[4]) - 1:
		/* scratch space the program owns: any size, read or written */
		return off + size <= SKB_END(cb[4]);
	case SKB_OFF(sk) ... SKB_END(sk) - 1:
		if (type == XBPF_WRITE || size != sizeof(__u64))
			return false;
		info->reg_type = PTR_TO_SOCK_COMMON | PTR_MAYBE_NULL;
		return true;
	}

	/*
	 * Everything else is a __u32 the program may only read, whole or in
	 * a power-of-2 part the rewrite then shifts and masks out.
	 */
	if (type == XBPF_WRITE)
		return false;
	info->ctx_field_size = sizeof(__u32);
	return size <= sizeof(__u32) && is_power_of_2(size);
}

/* dst = skb_shinfo(src); dst and src may be the same register. */
static struct bpf_insn *sf_load_shinfo(const struct bpf_insn *si,
				       struct bpf_insn *insn)
{
#ifdef NET_SKBUFF_DATA_USES_OFFSET
	*insn++ = sf_ldx(SF_SIZEOF(struct sk_buff, end), SF_REG_AX,
			 si->src_reg, offsetof(struct sk_buff, end));
	*insn++ = sf_ldx(SF_SIZEOF(struct sk_buff, head), si->dst_reg,
			 si->src_reg, offsetof(struct sk_buff, head));
	*insn++ = sf_alu64_reg(BPF_ADD, si->dst_reg, SF_REG_AX);
#else
	*insn++ = sf_ldx(SF_SIZEOF(struct sk_buff, end), si->dst_reg,
			 si->src_reg, offsetof(struct sk_buff, end));
#endif
	return insn;
}

/*
 * Only the fields sf_is_valid_access() lets through arrive here, and only
 * cb[] as a store. The instructions are those Linux 6.1 emits, so that a
 * dump of the rewritten program reads the same.
 */
static u32 sf_convert_ctx_access(enum xbpf_access_type type,
				 const struct bpf_insn *si,
				 struct bpf_insn *insn_buf, u32 *target_size)
{
	struct bpf_insn *insn = insn_buf;
	u8 dst = si->dst_reg, src = si->src_reg;
	int off;

	switch (si->off) {
	case SKB_OFF(len):
		*insn++ = sf_ldx(BPF_W, dst, src,
				 SF_TARGET_OFF(struct sk_buff, len, 4,
					       target_size));
		break;
	case SKB_OFF(pkt_type):
		*target_size = 1;
		*insn++ = sf_ldx(BPF_B, dst, src, PKT_TYPE_OFFSET);
		*insn++ = sf_alu32_imm(BPF_AND, dst, PKT_TYPE_MAX);
#ifdef __BIG_ENDIAN_BITFIELD
		*insn++ = sf_alu32_imm(BPF_RSH, dst, 5);
#endif
		break;
	case SKB_OFF(mark):
		*insn++ = sf_ldx(BPF_W, dst, src,
				 SF_TARGET_OFF(struct sk_buff, mark, 4,
					       target_size));
		break;
	case SKB_OFF(queue_mapping):
		*insn++ = sf_ldx(BPF_H, dst, src,
				 SF_TARGET_OFF(struct sk_buff, queue_mapping, 2,
					       target_size));
		break;
	case SKB_OFF(protocol):
		*insn++ = sf_ldx(BPF_H, dst, src,
				 SF_TARGET_OFF(struct sk_buff, protocol, 2,
					       target_size));
		break;
	case SKB_OFF(vlan_present):
		*target_size = 1;
		*insn++ = sf_ldx(BPF_B, dst, src, PKT_VLAN_PRESENT_OFFSET);
		if (PKT_VLAN_PRESENT_BIT)
			*insn++ = sf_alu32_imm(BPF_RSH, dst,
					       PKT_VLAN_PRESENT_BIT);
		if (PKT_VLAN_PRESENT_BIT < 7)
			*insn++ = sf_alu32_imm(BPF_AND, dst, 1);
		break;
	case SKB_OFF(vlan_tci):
		*insn++ = sf_ldx(BPF_H, dst, src,
				 SF_TARGET_OFF(struct sk_buff, vlan_tci, 2,
					       target_size));
		break;
	case SKB_OFF(vlan_proto):
		*insn++ = sf_ldx(BPF_H, dst, src,
				 SF_TARGET_OFF(struct sk_buff, vlan_proto, 2,
					       target_size));
		break;
	case SKB_OFF(priority):
		*insn++ = sf_ldx(BPF_W, dst, src,
				 SF_TARGET_OFF(struct sk_buff, priority, 4,
					       target_size));
		break;
	case SKB_OFF(ingress_ifindex):
		*insn++ = sf_ldx(BPF_W, dst, src,
				 SF_TARGET_OFF(struct sk_buff, skb_iif, 4,
					       target_size));
		break;
	case SKB_OFF(ifindex):
		/* a packet without a device reads ifindex 0 */
		*insn++ = sf_ldx(SF_SIZEOF(struct sk_buff, dev), dst, src,
				 offsetof(struct sk_buff, dev));
		*insn++ = sf_jmp_imm(BPF_JEQ, dst, 0, 1);
		*insn++ = sf_ldx(BPF_W, dst, dst,
				 SF_TARGET_OFF(struct net_device, ifindex, 4,
					       target_size));
		break;
	case SKB_OFF(tc_index):
#ifdef CONFIG_NET_SCHED
		*insn++ = sf_ldx(BPF_H, dst, src,
				 SF_TARGET_OFF(struct sk_buff, tc_index, 2,
					       target_size));
#else
		*target_size = 2;
		*insn++ = sf_mov64_imm(dst, 0);
#endif
		break;
	case SKB_OFF(cb[0]) ... SKB_END(cb[4]) - 1:
		/* 8-byte accesses must land on 8-byte aligned kernel memory */
		BUILD_BUG_ON(sizeof_field(struct qdisc_skb_cb, data) <
			     sizeof_field(struct __sk_buff, cb));
		BUILD_BUG_ON((offsetof(struct sk_buff, cb) +
			      offsetof(struct qdisc_skb_cb, data)) %
			     sizeof(__u64));
		off = si->off - SKB_OFF(cb[0]) +
		      offsetof(struct sk_buff, cb) +
		      offsetof(struct qdisc_skb_cb, data);
		if (type == XBPF_WRITE)
			*insn++ = sf_stx(BPF_SIZE(si->code), dst, src, off);
		else
			*insn++ = sf_ldx(BPF_SIZE(si->code), dst, src, off);
		break;
	case SKB_OFF(hash):
		*insn++ = sf_ldx(BPF_W, dst, src,
				 SF_TARGET_OFF(struct sk_buff, hash, 4,
					       target_size));
		break;
	case SKB_OFF(napi_id):
#ifdef CONFIG_NET_RX_BUSY_POLL
		/* below MIN_NAPI_ID the field holds a sender CPU, not an id */
		*insn++ = sf_ldx(BPF_W, dst, src,
				 SF_TARGET_OFF(struct sk_buff, napi_id, 4,
					       target_size));
		*insn++ = sf_jmp_imm(BPF_JGE, dst, MIN_NAPI_ID, 1);
		*insn++ = sf_mov64_imm(dst, 0);
#else
		*target_size = 4;
		*insn++ = sf_mov64_imm(dst, 0);
#endif
		break;
	case SKB_OFF(gso_segs):
		insn = sf_load_shinfo(si, insn);
		*insn++ = sf_ldx(BPF_H, dst, dst,
				 SF_TARGET_OFF(struct skb_shared_info, gso_segs,
					       2, target_size));
		break;
	case SKB_OFF(sk):
		*insn++ = sf_ldx(SF_SIZEOF(struct sk_buff, sk), dst, src,
				 offsetof(struct sk_buff, sk));
		break;
	case SKB_OFF(gso_size):
		insn = sf_load_shinfo(si, insn);
		*insn++ = sf_ldx(BPF_H, dst, dst,
				 SF_TARGET_OFF(struct skb_shared_info, gso_size,
					       2, target_size));
		break;
	}

	return insn - insn_buf;
}

/*
 * LD_ABS/LD_IND. Negative offsets count from the network header
 * (SKF_NET_OFF) or the MAC header (SKF_LL_OFF); what lies beyond the
 * linear data is copied out of the fragments, and a load past the end
 * fails.
 */
static int sf_ld_abs(void *cookie, u64 ctx, s32 off, void *to, u32 size)
{
	const struct sk_buff *skb = (const struct sk_buff *)(unsigned long)ctx;

	if (off < 0) {
		if (off >= SKF_NET_OFF)
			off = off - SKF_NET_OFF + skb_network_offset(skb);
		else if (off >= SKF_LL_OFF && skb_mac_header_was_set(skb))
			off = off - SKF_LL_OFF + skb_mac_offset(skb);
		else
			return -EFAULT;
	}

	/* a header offset may be negative: it still lies in the head */
	if ((int)skb_headlen(skb) - off >= (int)size) {
		memcpy(to, skb->data + off, size);
		return 0;
	}
	return skb_copy_bits(skb, off, to, size);
}

static const struct xbpf_interp_ops sf_interp_ops = {
	.ld_abs = sf_ld_abs,
	/* the JIT reads the linear data in line, as sf_ld_abs() would */
	.skb_inline = true,
	.skb_data = offsetof(struct sk_buff, data),
	.skb_len = offsetof(struct sk_buff, len),
	.skb_data_len = offsetof(struct sk_buff, data_len),
};

/* The owner of the socket a test packet is given, as a receiver's is. */
static struct proto sf_test_proto = {
	.name = "xbpf_test",
	.owner = THIS_MODULE,
	.obj_size = sizeof(struct sock),
};

/* The packet: data_in behind headroom, with room for skb_shared_info. */
static void *sf_test_data(const union bpf_attr *kattr, u32 headroom,
			  u32 tailroom)
{
	void __user *data_in = u64_to_user_ptr(kattr->test.data_in);
	u32 size = kattr->test.data_size_in;
	void *data;

	if (size > PAGE_SIZE - headroom - tailroom)
		return ERR_PTR(-EINVAL);

	data = kzalloc(SKB_DATA_ALIGN(size) + headroom + tailroom, GFP_USER);
	if (!data)
		return ERR_PTR(-ENOMEM);
	if (copy_from_user(data + headroom, data_in, size)) {
		kfree(data);
		return ERR_PTR(-EFAULT);
	}
	return data;
}

/*
 * A user struct of actual bytes where xbpf knows expected: a longer one is
 * accepted only if the part xbpf does not know is zero.
 */
static int sf_check_tail_zero(void __user *uaddr, size_t expected,
			      size_t actual)
{
	int res;

	if (actual > PAGE_SIZE)
		return -E2BIG;
	if (actual <= expected)
		return 0;
	res = check_zeroed_user(uaddr + expected, actual - expected);
	if (res < 0)
		return res;
	return res ? 0 : -E2BIG;
}

/* ctx_in, or a zeroed context if only ctx_out is given; NULL if neither. */
static struct __sk_buff *sf_test_ctx(const union bpf_attr *kattr)
{
	void __user *ctx_in = u64_to_user_ptr(kattr->test.ctx_in);
	void __user *ctx_out = u64_to_user_ptr(kattr->test.ctx_out);
	u32 size = kattr->test.ctx_size_in;
	struct __sk_buff *ctx;
	int err;

	if (!ctx_in && !ctx_out)
		return NULL;

	ctx = kzalloc(sizeof(*ctx), GFP_USER);
	if (!ctx)
		return ERR_PTR(-ENOMEM);
	if (!ctx_in)
		return ctx;

	err = sf_check_tail_zero(ctx_in, sizeof(*ctx), size);
	if (!err && copy_from_user(ctx, ctx_in,
				   min_t(u32, size, sizeof(*ctx))))
		err = -EFAULT;
	if (err) {
		kfree(ctx);
		return ERR_PTR(err);
	}
	return ctx;
}

/* The __sk_buff fields a test run may set: all other bytes must be 0. */
static const struct {
	u16 from;
	u16 to;
} sf_ctx_zero[] = {
	{ 0, SKB_OFF(mark) },
	{ SKB_END(mark), SKB_OFF(priority) },
	{ SKB_END(ifindex), SKB_OFF(cb) },
	{ SKB_END(cb), SKB_OFF(tstamp) },
	{ SKB_END(gso_segs), SKB_OFF(gso_size) },
	{ SKB_END(gso_size), SKB_OFF(hwtstamp) },
	{ SKB_END(hwtstamp), sizeof(struct __sk_buff) },
};

static int sf_ctx_to_skb(struct sk_buff *skb, const struct __sk_buff *ctx)
{
	struct qdisc_skb_cb *cb = (struct qdisc_skb_cb *)skb->cb;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(sf_ctx_zero); i++)
		if (memchr_inv((const u8 *)ctx + sf_ctx_zero[i].from, 0,
			       sf_ctx_zero[i].to - sf_ctx_zero[i].from))
			return -EINVAL;

	skb->mark = ctx->mark;
	skb->priority = ctx->priority;
	skb->skb_iif = ctx->ingress_ifindex;
	skb->tstamp = ctx->tstamp;
	memcpy(cb->data, ctx->cb, QDISC_CB_PRIV_LEN);

	if (!ctx->wire_len) {
		cb->pkt_len = skb->len;
	} else {
		if (ctx->wire_len < skb->len ||
		    ctx->wire_len > GSO_LEGACY_MAX_SIZE)
			return -EINVAL;
		cb->pkt_len = ctx->wire_len;
	}

	if (ctx->gso_segs > GSO_MAX_SEGS)
		return -EINVAL;
	skb_shinfo(skb)->gso_segs = ctx->gso_segs;
	skb_shinfo(skb)->gso_size = ctx->gso_size;
	skb_shinfo(skb)->hwtstamps.hwtstamp = ctx->hwtstamp;
	return 0;
}

/* What the run left; Linux reports no gso_size back, and neither do we. */
static void sf_skb_to_ctx(const struct sk_buff *skb, struct __sk_buff *ctx)
{
	const struct qdisc_skb_cb *cb = (const struct qdisc_skb_cb *)skb->cb;

	ctx->mark = skb->mark;
	ctx->priority = skb->priority;
	ctx->ingress_ifindex = skb->skb_iif;
	ctx->ifindex = skb->dev->ifindex;
	ctx->tstamp = skb->tstamp;
	memcpy(ctx->cb, cb->data, QDISC_CB_PRIV_LEN);
	ctx->wire_len = cb->pkt_len;
	ctx->gso_segs = skb_shinfo(skb)->gso_segs;
	ctx->hwtstamp = skb_shinfo(skb)->hwtstamps.hwtstamp;
}

/*
 * Copy out the packet, clamped to a nonzero data_size_out (then -ENOSPC,
 * which even a later fault does not turn into -EFAULT, as in Linux), and
 * its full size, retval and duration.
 */
static int sf_test_finish(const union bpf_attr *kattr,
			  union bpf_attr __user *uattr, const void *data,
			  u32 size, u32 retval, u32 duration)
{
	void __user *data_out = u64_to_user_ptr(kattr->test.data_out);
	u32 copy_size = size;
	int err = -EFAULT;

	if (kattr->test.data_size_out && copy_size > kattr->test.data_size_out) {
		copy_size = kattr->test.data_size_out;
		err = -ENOSPC;
	}

	if (data_out && copy_to_user(data_out, data, copy_size))
		return err;
	if (copy_to_user(&uattr->test.data_size_out, &size, sizeof(size)) ||
	    copy_to_user(&uattr->test.retval, &retval, sizeof(retval)) ||
	    copy_to_user(&uattr->test.duration, &duration, sizeof(duration)))
		return err;
	return err == -ENOSPC ? err : 0;
}

static int sf_test_ctx_finish(const union bpf_attr *kattr,
			      union bpf_attr __user *uattr,
			      const struct __sk_buff *ctx)
{
	void __user *ctx_out = u64_to_user_ptr(kattr->test.ctx_out);
	u32 size = sizeof(*ctx), copy_size = size;
	int err = -EFAULT;

	if (!ctx || !ctx_out)
		return 0;

	if (copy_size > kattr->test.ctx_size_out) {
		copy_size = kattr->test.ctx_size_out;
		err = -ENOSPC;
	}

	if (copy_to_user(ctx_out, ctx, copy_size) ||
	    copy_to_user(&uattr->test.ctx_size_out, &size, sizeof(size)))
		return err;
	return err == -ENOSPC ? err : 0;
}

/*
 * The packet as a socket receives it: on the loopback device (or
 * ctx_in's ifindex) of the caller's namespace, its Ethernet header pulled,
 * owned by a socket whose addresses are the packet's. Nothing a socket
 * filter can do reads or changes the checksum, or the headroom, so
 * BPF_F_TEST_SKB_CHECKSUM_COMPLETE is accepted with nothing to check, and
 * the pulled header always fits back in front.
 */
static int sf_test_run(struct xbpf_prog *prog, const union bpf_attr *kattr,
		       union bpf_attr __user *uattr)
{
	struct net *net = current->nsproxy->net_ns;
	struct net_device *dev = net->loopback_dev;
	u32 size = kattr->test.data_size_in;
	struct __sk_buff *ctx;
	u32 retval, duration;
	struct sk_buff *skb;
	struct sock *sk;
	void *data;
	int ret;

	if ((kattr->test.flags & ~BPF_F_TEST_SKB_CHECKSUM_COMPLETE) ||
	    kattr->test.cpu || kattr->test.batch_size)
		return -EINVAL;
	if (size < ETH_HLEN)
		return -EINVAL;

	data = sf_test_data(kattr, NET_SKB_PAD + NET_IP_ALIGN,
			    SKB_DATA_ALIGN(sizeof(struct skb_shared_info)));
	if (IS_ERR(data))
		return PTR_ERR(data);

	ctx = sf_test_ctx(kattr);
	if (IS_ERR(ctx)) {
		kfree(data);
		return PTR_ERR(ctx);
	}

	sk = sk_alloc(net, AF_UNSPEC, GFP_USER, &sf_test_proto, 1);
	if (!sk) {
		kfree(data);
		kfree(ctx);
		return -ENOMEM;
	}
	sock_init_data(NULL, sk);

	skb = build_skb(data, 0);
	if (!skb) {
		kfree(data);
		kfree(ctx);
		sk_free(sk);
		return -ENOMEM;
	}
	skb->sk = sk;

	skb_reserve(skb, NET_SKB_PAD + NET_IP_ALIGN);
	__skb_put(skb, size);

	if (ctx && ctx->ifindex > 1) {
		dev = dev_get_by_index(net, ctx->ifindex);
		if (!dev) {
			ret = -ENODEV;
			goto out;
		}
	}
	skb->protocol = eth_type_trans(skb, dev);
	skb_reset_network_header(skb);

	switch (skb->protocol) {
	case htons(ETH_P_IP):
		if (skb_headlen(skb) < sizeof(struct iphdr)) {
			ret = -EINVAL;
			goto out;
		}
		sk->sk_family = AF_INET;
		sk->sk_rcv_saddr = ip_hdr(skb)->saddr;
		sk->sk_daddr = ip_hdr(skb)->daddr;
		break;
#if IS_ENABLED(CONFIG_IPV6)
	case htons(ETH_P_IPV6):
		if (skb_headlen(skb) < sizeof(struct ipv6hdr)) {
			ret = -EINVAL;
			goto out;
		}
		sk->sk_family = AF_INET6;
		sk->sk_v6_rcv_saddr = ipv6_hdr(skb)->saddr;
		sk->sk_v6_daddr = ipv6_hdr(skb)->daddr;
		break;
#endif
	}

	if (ctx) {
		ret = sf_ctx_to_skb(skb, ctx);
		if (ret)
			goto out;
	}

	ret = xbpf_test_repeat(prog, skb, kattr->test.repeat, &retval,
			       &duration);
	if (ret)
		goto out;

	/* data_out starts at the MAC header, which comes back zeroed */
	memset(__skb_push(skb, ETH_HLEN), 0, ETH_HLEN);

	if (ctx)
		sf_skb_to_ctx(skb, ctx);

	ret = sf_test_finish(kattr, uattr, skb->data, skb->len, retval,
			     duration);
	if (!ret)
		ret = sf_test_ctx_finish(kattr, uattr, ctx);
out:
	if (dev != net->loopback_dev)
		dev_put(dev);
	kfree_skb(skb);
	sk_free(sk);
	kfree(ctx);
	return ret;
}

struct xbpf_prog_type xbpf_socket_filter_prog_type = {
	.vops = {
		.prog_type = BPF_PROG_TYPE_SOCKET_FILTER,
		.is_valid_access = sf_is_valid_access,
		.get_func_proto = xbpf_func_proto,
		.helper_offered = xbpf_helper_offered,
		.convert_ctx_access = sf_convert_ctx_access,
		.may_access_skb = true,
	},
	.test_run = sf_test_run,
	.interp_ops = &sf_interp_ops,
};
