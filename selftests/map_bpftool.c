// SPDX-License-Identifier: GPL-2.0
/*
 * bpftool shows the map types added for tracing correctly: the same
 * `bpftool map show` and `bpftool map dump` natively and through xbpf (the
 * shim's LD_PRELOAD reaches the bpftool child).
 */
#include <kselftest_harness.h>

#include "map_prog.h"

static int bpftool_out(const char *args, char *buf, size_t len)
{
	char cmd[256];
	FILE *p;
	size_t n;

	snprintf(cmd, sizeof(cmd), "bpftool %s 2>&1", args);
	p = popen(cmd, "r");
	if (!p)
		return -1;
	n = fread(buf, 1, len - 1, p);
	buf[n] = 0;
	return pclose(p);
}

static void show(struct __test_metadata *_metadata, int fd, const char *type)
{
	char args[64], out[4096];

	snprintf(args, sizeof(args), "map show id %u", map_id_of(fd));
	ASSERT_EQ(0, bpftool_out(args, out, sizeof(out))) TH_LOG("%s", out);
	EXPECT_NE(NULL, strstr(out, type)) TH_LOG("%s", out);
}

TEST(show_types)
{
	int fds[8], i = 0;

	ASSERT_FD(fds[i], sys_map_create(BPF_MAP_TYPE_PERCPU_HASH, 4, 8, 4, 0));
	show(_metadata, fds[i++], ": percpu_hash ");
	ASSERT_FD(fds[i], sys_map_create(BPF_MAP_TYPE_PERCPU_ARRAY, 4, 8, 4, 0));
	show(_metadata, fds[i++], ": percpu_array ");
	ASSERT_FD(fds[i], sys_map_create(BPF_MAP_TYPE_LRU_HASH, 4, 8, 4, 0));
	show(_metadata, fds[i++], ": lru_hash ");
	ASSERT_FD(fds[i], sys_map_create(BPF_MAP_TYPE_LRU_PERCPU_HASH, 4, 8, 4,
					 0));
	show(_metadata, fds[i++], ": lru_percpu_hash ");
	ASSERT_FD(fds[i], sys_map_create(BPF_MAP_TYPE_PROG_ARRAY, 4, 4, 4, 0));
	show(_metadata, fds[i++], ": prog_array ");
	ASSERT_FD(fds[i], sys_map_create(BPF_MAP_TYPE_QUEUE, 0, 8, 4, 0));
	show(_metadata, fds[i++], ": queue ");
	ASSERT_FD(fds[i], sys_map_create(BPF_MAP_TYPE_STACK, 0, 8, 4, 0));
	show(_metadata, fds[i++], ": stack ");
	ASSERT_FD(fds[i], sys_map_create(BPF_MAP_TYPE_BLOOM_FILTER, 0, 8, 4, 0));
	show(_metadata, fds[i++], ": bloom_filter ");
	while (i--)
		close(fds[i]);
}

TEST(dump_percpu)
{
	int fd, ncpu = nr_cpus(), cpu;
	__u64 v[64] = { 0 };
	char args[64], out[8192];
	__u32 key = 1;

	ASSERT_LT(0, ncpu);
	ASSERT_GE(64, ncpu);
	ASSERT_FD(fd, sys_map_create(BPF_MAP_TYPE_PERCPU_ARRAY, 4, 8, 2, 0));
	for (cpu = 0; cpu < ncpu; cpu++)
		v[cpu] = 0x1100 + cpu;
	ASSERT_OK(sys_map_update(fd, &key, v, BPF_ANY));
	snprintf(args, sizeof(args), "map dump id %u", map_id_of(fd));
	ASSERT_EQ(0, bpftool_out(args, out, sizeof(out))) TH_LOG("%s", out);
	/* one "value (CPU NN)" line per CPU; CPU 1's value is 0x1101 */
	EXPECT_NE(NULL, strstr(out, "value (CPU 00): 00 11 00 00 00 00 00 00"))
		TH_LOG("%s", out);
	if (ncpu > 1)
		EXPECT_NE(NULL, strstr(out, "value (CPU 01): 01 11 00 00"))
			TH_LOG("%s", out);
	close(fd);
}

TEST_HARNESS_MAIN
