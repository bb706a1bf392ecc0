// SPDX-License-Identifier: GPL-2.0
/*
 * LPM_TRIE: creation checks, longest prefix lookups from userspace and
 * from a program, delete, the full trie, and get_next_key's postorder.
 */
#include <arpa/inet.h>

#include <kselftest_harness.h>

#include "map_prog.h"

struct key4 {
	__u32 prefixlen;
	__u8 data[4];
};

static struct key4 k4(const char *addr, __u32 len)
{
	struct key4 k = { .prefixlen = len };

	inet_pton(AF_INET, addr, k.data);
	return k;
}

static int lpm_create(__u32 key_size, __u32 value_size, __u32 max,
		      __u32 flags)
{
	return sys_map_create(BPF_MAP_TYPE_LPM_TRIE, key_size, value_size, max,
			      flags);
}

TEST(create_checks)
{
	EXPECT_ERRNO(EINVAL, lpm_create(8, 8, 16, 0));
	EXPECT_ERRNO(EINVAL, lpm_create(4, 8, 16, BPF_F_NO_PREALLOC));
	EXPECT_ERRNO(EINVAL, lpm_create(4 + 257, 8, 16, BPF_F_NO_PREALLOC));
	EXPECT_ERRNO(EINVAL, lpm_create(8, 0, 16, BPF_F_NO_PREALLOC));
	EXPECT_ERRNO(EINVAL, lpm_create(8, 8, 0, BPF_F_NO_PREALLOC));
	EXPECT_ERRNO(EINVAL, lpm_create(8, 8, 16, BPF_F_NO_PREALLOC |
					BPF_F_MMAPABLE));
}

static const struct {
	const char *addr;
	__u32 len;
	__u64 val;
} prefixes[] = {
	{ "192.168.0.0", 16, 1 },
	{ "192.168.1.0", 24, 2 },
	{ "10.0.0.0", 8, 3 },
	{ "192.168.0.0", 24, 4 },
	{ "192.168.128.0", 24, 5 },
};

FIXTURE(trie) {
	int fd;
};

FIXTURE_SETUP(trie)
{
	struct key4 k;
	size_t i;

	ASSERT_FD(self->fd, lpm_create(8, 8, 5, BPF_F_NO_PREALLOC));
	for (i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++) {
		k = k4(prefixes[i].addr, prefixes[i].len);
		ASSERT_OK(sys_map_update(self->fd, &k, &prefixes[i].val,
					 BPF_ANY));
	}
}

FIXTURE_TEARDOWN(trie)
{
	close(self->fd);
}

static __u64 lookup(int fd, const char *addr)
{
	struct key4 k = k4(addr, 32);
	__u64 v = 0;

	if (sys_map_lookup(fd, &k, &v, 0))
		return errno == ENOENT ? 0 : (__u64)-1;
	return v;
}

TEST_F(trie, longest_prefix)
{
	EXPECT_EQ(2, lookup(self->fd, "192.168.1.5"));
	EXPECT_EQ(4, lookup(self->fd, "192.168.0.9"));
	EXPECT_EQ(1, lookup(self->fd, "192.168.2.1"));
	EXPECT_EQ(5, lookup(self->fd, "192.168.128.7"));
	EXPECT_EQ(3, lookup(self->fd, "10.1.1.1"));
	EXPECT_EQ(0, lookup(self->fd, "11.0.0.1"));
}

TEST_F(trie, full_and_bad_updates)
{
	struct key4 k = k4("172.16.0.0", 12);
	__u64 v = 9;

	EXPECT_ERRNO(ENOSPC, sys_map_update(self->fd, &k, &v, BPF_ANY));
	EXPECT_ERRNO(ENOENT, sys_map_update(self->fd, &k, &v, BPF_EXIST));
	/* a full trie still takes a replacement */
	k = k4("10.0.0.0", 8);
	EXPECT_ERRNO(EEXIST, sys_map_update(self->fd, &k, &v, BPF_NOEXIST));
	ASSERT_OK(sys_map_update(self->fd, &k, &v, BPF_EXIST));
	EXPECT_ERRNO(EINVAL, sys_map_update(self->fd, &k, &v, BPF_EXIST + 1));
	k.prefixlen = 33;
	EXPECT_ERRNO(EINVAL, sys_map_update(self->fd, &k, &v, BPF_ANY));
	EXPECT_ERRNO(EINVAL, sys_map_delete(self->fd, &k));
	EXPECT_EQ(9, lookup(self->fd, "10.1.1.1"));
}

TEST_F(trie, delete)
{
	struct key4 k = k4("192.168.1.0", 24);
	__u64 v = 7;

	ASSERT_OK(sys_map_delete(self->fd, &k));
	EXPECT_ERRNO(ENOENT, sys_map_delete(self->fd, &k));
	EXPECT_EQ(1, lookup(self->fd, "192.168.1.5"));
	k = k4("192.168.0.0", 23);
	EXPECT_ERRNO(ENOENT, sys_map_delete(self->fd, &k));
	k = k4("192.168.0.0", 16);
	ASSERT_OK(sys_map_delete(self->fd, &k));
	EXPECT_EQ(0, lookup(self->fd, "192.168.2.1"));
	EXPECT_EQ(4, lookup(self->fd, "192.168.0.9"));
	/* room again for a new prefix */
	k = k4("10.1.0.0", 16);
	ASSERT_OK(sys_map_update(self->fd, &k, &v, BPF_NOEXIST));
	EXPECT_EQ(7, lookup(self->fd, "10.1.9.9"));
	EXPECT_EQ(3, lookup(self->fd, "10.9.9.9"));
}

TEST_F(trie, next_key_postorder)
{
	static const struct { const char *addr; __u32 len; } order[] = {
		{ "10.0.0.0", 8 }, { "192.168.0.0", 24 }, { "192.168.1.0", 24 },
		{ "192.168.128.0", 24 }, { "192.168.0.0", 16 },
	};
	struct key4 k, next, want;
	void *prev = NULL;
	size_t i;

	for (i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
		ASSERT_OK(sys_map_next_key(self->fd, prev, &next));
		want = k4(order[i].addr, order[i].len);
		EXPECT_EQ(want.prefixlen, next.prefixlen);
		EXPECT_EQ(0, memcmp(want.data, next.data, 4));
		k = next;
		prev = &k;
	}
	EXPECT_ERRNO(ENOENT, sys_map_next_key(self->fd, prev, &next));
	/* a key not in the trie starts over */
	k = k4("1.2.3.4", 32);
	ASSERT_OK(sys_map_next_key(self->fd, &k, &next));
	EXPECT_EQ(8, next.prefixlen);
}

TEST_F(trie, prog_lookup)
{
	__u32 ret;
	int prog;
	struct key4 k = k4("192.168.1.77", 32);
	__u32 word;

	memcpy(&word, k.data, 4);
	struct bpf_insn insns[] = {
		BPF_ST_MEM(BPF_W, BPF_REG_10, -8, 32),
		BPF_ST_MEM(BPF_W, BPF_REG_10, -4, word),
		BPF_MOV64_REG(BPF_REG_2, BPF_REG_10),
		BPF_ALU64_IMM(BPF_ADD, BPF_REG_2, -8),
		BPF_LD_MAP_FD_N(BPF_REG_1, self->fd),
		BPF_EMIT_CALL(BPF_FUNC_map_lookup_elem),
		BPF_JMP_IMM(BPF_JNE, BPF_REG_0, 0, 2),
		BPF_MOV64_IMM(BPF_REG_0, 100),
		BPF_EXIT_INSN(),
		BPF_LDX_MEM(BPF_DW, BPF_REG_0, BPF_REG_0, 0),
		BPF_EXIT_INSN(),
	};
	ASSERT_FD(prog, prog_load(BPF_PROG_TYPE_SOCKET_FILTER, insns,
				  sizeof(insns) / sizeof(insns[0])));
	ASSERT_OK(prog_run(prog, 1, &ret));
	EXPECT_EQ(2, ret);
	close(prog);
}

TEST_HARNESS_MAIN
