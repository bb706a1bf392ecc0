// SPDX-License-Identifier: GPL-2.0
/*
 * Map memory: a map too big for the machine fails with ENOMEM and no
 * allocation-failure splat (run_all.sh fails on any kernel warning), and
 * xbpf's max_map_memory module parameter refuses maps past it with ENOMEM
 * without disturbing the maps that exist. The parameter is xbpf's own:
 * that test runs in the xbpf pass only.
 */
#include <kselftest_harness.h>

#include "map_prog.h"

#define PARAM "/sys/module/xbpf/parameters/max_map_memory"

static int set_limit(unsigned long bytes)
{
	FILE *f = fopen(PARAM, "w");
	int err;

	if (!f)
		return -1;
	err = fprintf(f, "%lu\n", bytes) < 0;
	return fclose(f) || err ? -1 : 0;
}

TEST(too_big_for_the_machine)
{
	/* 2^28 elements of 4 KiB: refused by size before any allocation */
	EXPECT_ERRNO(E2BIG, sys_map_create(BPF_MAP_TYPE_HASH, 4, 4096,
					   1U << 28, 0));
	/* 64 GiB of array values: more than the VM has */
	EXPECT_ERRNO(ENOMEM, sys_map_create(BPF_MAP_TYPE_ARRAY, 4, 1 << 20,
					    1U << 16, 0));
}

TEST(max_map_memory)
{
	int a, b, c;
	__u32 key = 3;
	__u64 v[75] = { 77 }, out[75] = { 0 };

	if (!running_under_xbpf())
		SKIP(return, "xbpf's module parameter");
	ASSERT_OK(set_limit(1 << 20));
	/* 600 KiB of values each: one fits, two do not */
	ASSERT_FD(a, sys_map_create(BPF_MAP_TYPE_ARRAY, 4, 600, 1024, 0));
	ASSERT_OK(sys_map_update(a, &key, v, BPF_ANY));
	EXPECT_ERRNO(ENOMEM, sys_map_create(BPF_MAP_TYPE_ARRAY, 4, 600, 1024,
					    0));
	EXPECT_ERRNO(ENOMEM, sys_map_create(BPF_MAP_TYPE_HASH, 4, 600, 1024,
					    0));
	/* small maps still fit, and the first map is untouched */
	ASSERT_FD(c, sys_map_create(BPF_MAP_TYPE_HASH, 4, 8, 16, 0));
	ASSERT_OK(sys_map_lookup(a, &key, out, 0));
	EXPECT_EQ(77, out[0]);
	close(c);
	/* freeing gives the budget back (after an RCU grace period) */
	close(a);
	b = -1;
	for (int i = 0; i < 100 && b < 0; i++) {
		b = sys_map_create(BPF_MAP_TYPE_ARRAY, 4, 600, 1024, 0);
		if (b < 0)
			usleep(20000);
	}
	EXPECT_LE(0, b);
	close(b);
	ASSERT_OK(set_limit(0));
}

TEST_HARNESS_MAIN
