/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Table-driven verifier tests: one binary per topic (alu.c, jumps.c, ...),
 * each a table of rows that this header turns into one kselftest test per
 * row, named by the row's description.
 *
 * A row is a program, the maps it refers to, its type, the verdict Linux
 * 6.1 gives it (errno and a substring of the log for a rejection) and, for
 * a socket filter or raw tracepoint it accepts, optionally the value
 * BPF_PROG_TEST_RUN returns. Programs are loaded at log_level 4 (stats),
 * the level at which the verifier still prints its error but not the
 * instruction trace, so that a huge program cannot overflow the log.
 *
 * Every row is checked natively first: the kernel is the reference, and a
 * row that fails natively is a wrong row. VT_VERBOSE=1 in the environment
 * prints every row's log, not only those of failing rows.
 */
#ifndef XBPF_VERIFIER_TEST_H
#define XBPF_VERIFIER_TEST_H

#include <linux/bpf.h>
#include <linux/if_ether.h>

#include <kselftest_harness.h>

#include "xbpf_test.h"
#include "insn.h"

/*
 * r0 = bpf_map_lookup_elem(map, &key) with a zero key at fp-8 (8 bytes,
 * so that it serves 4-byte array keys too); the map's fd goes into the
 * ld_imm64 at VT_LOOKUP_MAP_AT from where the sequence starts.
 */
#define VT_LOOKUP_KEY0()						\
	BPF_ST_MEM(BPF_DW, BPF_REG_10, -8, 0),				\
	BPF_MOV64_REG(BPF_REG_2, BPF_REG_10),				\
	BPF_ALU64_IMM(BPF_ADD, BPF_REG_2, -8),				\
	BPF_LD_MAP_FD(BPF_REG_1),					\
	BPF_EMIT_CALL(BPF_FUNC_map_lookup_elem)
#define VT_LOOKUP_MAP_AT 3

/* The u64 arguments a raw tracepoint program is run with. */
#define CTX(...)							\
	.ctx = (const __u64[]){ __VA_ARGS__ },				\
	.ctx_size = sizeof((const __u64[]){ __VA_ARGS__ })
#define RETVAL(v)	.has_retval = true, .retval = (v)

enum vt_result { ACCEPT = 1, REJECT };

/*
 * The maps a row can ask for. Each is created afresh for the row with key
 * 0 (all zero bytes) present, its value holding the u32 words 1, 2, 3, ...,
 * so that programs have something known to read back.
 */
enum vt_map_kind {
	VT_HASH_8B = 1,		/* hash, 8-byte key, 8-byte value */
	VT_HASH_48B,		/* hash, 8-byte key, 48-byte value */
	VT_ARRAY_48B,		/* array of 4, 48-byte value */
	VT_ARRAY_RO,		/* VT_ARRAY_48B, BPF_F_RDONLY_PROG */
	VT_ARRAY_WO,		/* VT_ARRAY_48B, BPF_F_WRONLY_PROG */
	VT_ARRAY_1,		/* array of 1, 48-byte value */
};

#define VT_MAX_MAPS	3
#define VT_MAX_FIXUPS	6
#define VT_MAX_INSNS	65536
#define VT_ROW_INSNS	32
#define VT_VALUE_SIZE	48

struct vt_map {
	enum vt_map_kind kind;
	/* Indexes of the ld_imm64 insns that get the fd; index 0 ends. */
	int at[VT_MAX_FIXUPS];
};

struct vt_row {
	const char *descr;
	/*
	 * The program: as long as up to its last instruction that is not all
	 * zero, which an exit or a jump never is.
	 */
	struct bpf_insn insns[VT_ROW_INSNS];
	/* For programs too long to write out: fills @insns, returns the count. */
	int (*fill)(struct bpf_insn *insns);
	struct vt_map maps[VT_MAX_MAPS];
	__u32 prog_type;		/* SOCKET_FILTER when 0 */
	enum vt_result result;
	int err;			/* errno of a rejection; EACCES when 0 */
	/* Must occur in the log: the error, or stats of an accepted load. */
	const char *errstr;
	bool has_retval;
	__u32 retval;
	const __u64 *ctx;
	__u32 ctx_size;
	__u32 prog_flags;		/* BPF_F_* of the load */
	/*
	 * Where xbpf deliberately differs from Linux 6.1 (a soundness fix):
	 * why, and the row is checked in the xbpf pass only.
	 */
	const char *xbpf_only;
};

/* Generous: the tests also run under TCG emulation. */
#define VT_TIMEOUT	300
#define VT_LOG_SIZE	(1024 * 1024)
#define VT_LOG_TAIL	60

/*
 * What socket filters run on: Ethernet, IPv4 10.0.0.1 -> 10.0.0.2, UDP
 * 4660 -> 22136 and 22 bytes of payload, 64 bytes in all. The kernel
 * pulls the Ethernet header before the program runs, so skb->len is 50 and
 * packet offset 0 is the IP header's first byte.
 */
static const __u8 vt_packet[64] = {
	/* Ethernet: dst, src, type */
	0, 0, 0, 0, 0, 0,  0x02, 0, 0, 0, 0, 0x01,  0x08, 0x00,
	/* IPv4: ver/ihl, tos, tot_len 50, id, frag, ttl, UDP, csum */
	0x45, 0x00, 0x00, 0x32, 0x12, 0x34, 0x40, 0x00, 0x40, 0x11, 0x00, 0x00,
	10, 0, 0, 1,  10, 0, 0, 2,
	/* UDP: sport, dport, len 30, csum */
	0x12, 0x34, 0x56, 0x78, 0x00, 0x1e, 0x00, 0x00,
	/* payload */
	0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xaa,
	0xbb, 0xcc, 0xdd, 0xee, 0xff, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06,
};

static char vt_log[VT_LOG_SIZE];

static int vt_map_create(enum vt_map_kind kind)
{
	__u32 type = BPF_MAP_TYPE_ARRAY, key_size = 4, value_size = 48;
	__u32 max_entries = 4, flags = 0, words[VT_VALUE_SIZE / 4];
	__u64 key = 0;
	int fd, i;

	switch (kind) {
	case VT_HASH_8B:
		type = BPF_MAP_TYPE_HASH;
		key_size = 8;
		value_size = 8;
		break;
	case VT_HASH_48B:
		type = BPF_MAP_TYPE_HASH;
		key_size = 8;
		break;
	case VT_ARRAY_48B:
		break;
	case VT_ARRAY_RO:
		flags = BPF_F_RDONLY_PROG;
		break;
	case VT_ARRAY_WO:
		flags = BPF_F_WRONLY_PROG;
		break;
	case VT_ARRAY_1:
		max_entries = 1;
		break;
	default:
		errno = EINVAL;
		return -1;
	}
	fd = sys_map_create(type, key_size, value_size, max_entries, flags);
	if (fd < 0)
		return -1;
	for (i = 0; i < VT_VALUE_SIZE / 4; i++)
		words[i] = i + 1;
	if (sys_map_update(fd, &key, words, BPF_ANY)) {
		close(fd);
		return -1;
	}
	return fd;
}

static int vt_prog_load(__u32 type, const struct bpf_insn *insns, int cnt,
			__u32 flags)
{
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.prog_type = type;
	attr.insns = ptr_to_u64(insns);
	attr.insn_cnt = cnt;
	attr.license = ptr_to_u64("GPL");
	attr.log_buf = ptr_to_u64(vt_log);
	attr.log_size = sizeof(vt_log);
	attr.log_level = 4;
	attr.prog_flags = flags;
	return sys_bpf(BPF_PROG_LOAD, &attr, sizeof(attr));
}

static int vt_test_run(int fd, const struct vt_row *t, __u32 *retval)
{
	union bpf_attr attr;
	int err;

	memset(&attr, 0, sizeof(attr));
	attr.test.prog_fd = fd;
	if (t->ctx) {
		attr.test.ctx_in = ptr_to_u64(t->ctx);
		attr.test.ctx_size_in = t->ctx_size;
	} else {
		attr.test.data_in = ptr_to_u64(vt_packet);
		attr.test.data_size_in = sizeof(vt_packet);
	}
	err = sys_bpf(BPF_PROG_TEST_RUN, &attr, sizeof(attr));
	*retval = attr.test.retval;
	return err;
}

/* The log's last VT_LOG_TAIL lines, where the verdict is. */
static void vt_dump_log(void)
{
	char *p = vt_log + strlen(vt_log), *end = p;
	int lines = 0;

	while (p > vt_log && lines <= VT_LOG_TAIL)
		if (*--p == '\n')
			lines++;
	if (p > vt_log) {
		p++;
		fprintf(TH_LOG_STREAM, "# [log: last %d lines]\n", VT_LOG_TAIL);
	}
	while (p < end) {
		int n = strcspn(p, "\n");

		fprintf(TH_LOG_STREAM, "#   %.*s\n", n, p);
		p += n + (p[n] == '\n');
	}
}

static void vt_run(struct __test_metadata *_metadata, const struct vt_row *t)
{
	__u32 type = t->prog_type ?: BPF_PROG_TYPE_SOCKET_FILTER;
	int want_err = t->err ?: EACCES;
	int map_fds[VT_MAX_MAPS], i, j, cnt, fd, err;
	struct bpf_insn *insns;
	bool bad = false;
	__u32 retval;

	if (t->xbpf_only && !running_under_xbpf())
		SKIP(return, "xbpf differs deliberately: %s", t->xbpf_only);
	insns = calloc(VT_MAX_INSNS, sizeof(*insns));
	ASSERT_NE(NULL, insns);
	if (t->fill) {
		cnt = t->fill(insns);
	} else {
		static const struct bpf_insn zero;

		for (cnt = VT_ROW_INSNS; cnt > 0; cnt--)
			if (memcmp(&t->insns[cnt - 1], &zero, sizeof(zero)))
				break;
		memcpy(insns, t->insns, sizeof(t->insns));
	}
	for (i = 0; i < VT_MAX_MAPS && t->maps[i].kind; i++) {
		map_fds[i] = vt_map_create(t->maps[i].kind);
		ASSERT_LE(0, map_fds[i]) {
			TH_LOG("creating map %d: %s", i, errno_str(errno));
		}
		for (j = 0; j < VT_MAX_FIXUPS && t->maps[i].at[j]; j++)
			insns[t->maps[i].at[j]].imm = map_fds[i];
	}

	vt_log[0] = '\0';
	errno = 0;
	fd = vt_prog_load(type, insns, cnt, t->prog_flags);
	err = errno;
	if (t->result == REJECT) {
		if (fd >= 0) {
			TH_LOG("loaded, expected rejection with %s",
			       errno_str(want_err));
			bad = true;
		} else {
			if (err != want_err) {
				TH_LOG("rejected with %s, expected %s",
				       errno_str(err), errno_str(want_err));
				bad = true;
			}
			if (t->errstr && !strstr(vt_log, t->errstr)) {
				TH_LOG("log lacks \"%s\"", t->errstr);
				bad = true;
			}
		}
	} else if (fd < 0) {
		TH_LOG("rejected with %s, expected to load", errno_str(err));
		bad = true;
	} else if (t->errstr && !strstr(vt_log, t->errstr)) {
		TH_LOG("log lacks \"%s\"", t->errstr);
		bad = true;
	} else if (t->has_retval) {
		if (vt_test_run(fd, t, &retval)) {
			TH_LOG("BPF_PROG_TEST_RUN: %s", errno_str(errno));
			bad = true;
		} else if (retval != t->retval) {
			TH_LOG("returned %u (%#x), expected %u (%#x)",
			       retval, retval, t->retval, t->retval);
			bad = true;
		}
	}
	if (bad || getenv("VT_VERBOSE"))
		vt_dump_log();
	EXPECT_FALSE(bad);
	if (fd >= 0)
		close(fd);
	free(insns);
}

/*
 * The harness has no tables of its own, so each row is registered the way
 * TEST() registers a test, in a fixture named after the topic, with the
 * metadata embedded in a case that remembers its row.
 */
struct vt_case {
	struct __test_metadata md;
	const struct vt_row *row;
};

static void vt_wrapper(struct __test_metadata *md,
		       struct __fixture_variant_metadata *variant)
{
	struct vt_case *c = (struct vt_case *)((char *)md -
					       offsetof(struct vt_case, md));

	(void)variant;
	md->setup_completed = true;
	if (setjmp(md->env) == 0)
		vt_run(md, c->row);
	__test_check_assert(md);
}

/*
 * Constructors may run in either order, and __LIST_APPEND prepends until
 * the harness has seen which; registering back to front in that case keeps
 * the rows in table order.
 */
#define VT_TABLE(topic, table)						\
	static struct __fixture_metadata vt_fixture = { .name = #topic }; \
	static struct vt_case vt_cases[ARRAY_SIZE(table)];		\
	static void __attribute__((constructor)) vt_register(void)	\
	{								\
		int n = ARRAY_SIZE(table), i, k;			\
									\
		__register_fixture(&vt_fixture);			\
		for (k = 0; k < n; k++) {				\
			i = __constructor_order == _CONSTRUCTOR_ORDER_FORWARD ? \
			    k : n - 1 - k;				\
			vt_cases[i].row = &table[i];			\
			vt_cases[i].md.name = table[i].descr;		\
			vt_cases[i].md.fn = vt_wrapper;			\
			vt_cases[i].md.fixture = &vt_fixture;		\
			vt_cases[i].md.termsig = -1;			\
			vt_cases[i].md.timeout = VT_TIMEOUT;		\
			__register_test(&vt_cases[i].md);		\
		}							\
	}								\
	TEST_HARNESS_MAIN

#endif /* XBPF_VERIFIER_TEST_H */
