// SPDX-License-Identifier: GPL-2.0
/*
 * An unmodified libbpf, the distribution's own, driving maps. libbpf sizes
 * its attrs per command (offsetofend of the last field it sets), probes
 * features, and returns -errno: if a libbpf program works here natively
 * and under the shim alike, real libbpf programs do too.
 */
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include <kselftest_harness.h>

#include "xbpf_test.h"

#define NR 100

static int quiet_print(enum libbpf_print_level level, const char *fmt,
		       va_list ap)
{
	if (level == LIBBPF_DEBUG)
		return 0;
	return vfprintf(stderr, fmt, ap);
}

/*
 * libbpf sends map names only if its probe load of a named program
 * works (FEAT_PROG_NAME); until xbpf loads programs, libbpf drops every
 * name on its side. The name assertions apply whenever the probe says
 * programs load, which is always the case natively.
 */
static bool libbpf_sends_names(void)
{
	return libbpf_probe_bpf_prog_type(BPF_PROG_TYPE_SOCKET_FILTER, NULL) == 1;
}

FIXTURE(libbpf) {
	int hash;
	int array;
};

FIXTURE_SETUP(libbpf)
{
	LIBBPF_OPTS(bpf_map_create_opts, opts, .map_flags = BPF_F_NO_PREALLOC);

	libbpf_set_print(quiet_print);
	self->hash = bpf_map_create(BPF_MAP_TYPE_HASH, "lb_hash", sizeof(__u64),
				    sizeof(__u64) * 2, NR, &opts);
	ASSERT_LE(0, self->hash) {
		TH_LOG("bpf_map_create(hash): %d", self->hash);
	}
	self->array = bpf_map_create(BPF_MAP_TYPE_ARRAY, "lb_array",
				     sizeof(__u32), sizeof(__u32), NR, NULL);
	ASSERT_LE(0, self->array) {
		TH_LOG("bpf_map_create(array): %d", self->array);
	}
}

FIXTURE_TEARDOWN(libbpf)
{
	close(self->hash);
	close(self->array);
}

TEST_F(libbpf, probe)
{
	EXPECT_EQ(1, libbpf_probe_bpf_map_type(BPF_MAP_TYPE_HASH, NULL));
	EXPECT_EQ(1, libbpf_probe_bpf_map_type(BPF_MAP_TYPE_ARRAY, NULL));
}

TEST_F(libbpf, fill_iterate_compare)
{
	int seen[NR] = { 0 };
	__u64 key, next, val[2];
	__u32 i, k, v;
	void *prev = NULL;
	int n = 0, err;

	for (i = 0; i < NR; i++) {
		key = 1000 + i;
		val[0] = i;
		val[1] = ~(__u64)i;
		ASSERT_EQ(0, bpf_map_update_elem(self->hash, &key, val,
						 BPF_NOEXIST));
		v = i * i;
		ASSERT_EQ(0, bpf_map_update_elem(self->array, &i, &v, BPF_ANY));
	}

	while (!(err = bpf_map_get_next_key(self->hash, prev, &next))) {
		ASSERT_LE(1000, next);
		ASSERT_GT(1000 + NR, next);
		seen[next - 1000]++;
		ASSERT_EQ(0, bpf_map_lookup_elem(self->hash, &next, val));
		EXPECT_EQ(next - 1000, val[0]);
		EXPECT_EQ(~(next - 1000), val[1]);
		ASSERT_GT(NR + 1, ++n);
		key = next;
		prev = &key;
	}
	EXPECT_EQ(-ENOENT, err);
	EXPECT_EQ(ENOENT, errno);
	EXPECT_EQ(NR, n);
	for (i = 0; i < NR; i++)
		EXPECT_EQ(1, seen[i]);

	prev = NULL;
	n = 0;
	while (!bpf_map_get_next_key(self->array, prev, &k)) {
		EXPECT_EQ((__u32)n, k);
		ASSERT_EQ(0, bpf_map_lookup_elem(self->array, &k, &v));
		EXPECT_EQ(k * k, v);
		n++;
		i = k;
		prev = &i;
	}
	EXPECT_EQ(NR, n);
}

TEST_F(libbpf, errors_are_negative_errno)
{
	__u64 key = 1, val[2] = { 1, 2 };
	__u32 idx = NR;

	ASSERT_EQ(0, bpf_map_update_elem(self->hash, &key, val, BPF_ANY));
	EXPECT_EQ(-EEXIST, bpf_map_update_elem(self->hash, &key, val,
					       BPF_NOEXIST));
	key = 2;
	EXPECT_EQ(-ENOENT, bpf_map_lookup_elem(self->hash, &key, val));
	EXPECT_EQ(-ENOENT, bpf_map_update_elem(self->hash, &key, val,
					       BPF_EXIST));
	EXPECT_EQ(-ENOENT, bpf_map_delete_elem(self->hash, &key));
	EXPECT_EQ(-EINVAL, bpf_map_update_elem(self->hash, &key, val,
					       BPF_F_LOCK));
	EXPECT_EQ(-EINVAL, bpf_map_lookup_elem_flags(self->hash, &key, val,
						     BPF_F_LOCK));
	EXPECT_EQ(-E2BIG, bpf_map_update_elem(self->array, &idx, val, BPF_ANY));
	EXPECT_EQ(-ENOENT, bpf_map_lookup_elem(self->array, &idx, val));
	EXPECT_EQ(-EINVAL, bpf_map_delete_elem(self->array, &idx));
	EXPECT_EQ(-ENOTSUPP, bpf_map_lookup_and_delete_elem(self->array, &idx,
							    val));
	EXPECT_EQ(-EBADF, bpf_map_lookup_elem(-1, &key, val));
	EXPECT_EQ(-EINVAL, bpf_map_create(BPF_MAP_TYPE_ARRAY, "bad", 8, 4, 1,
					  NULL));
	if (libbpf_sends_names())
		EXPECT_EQ(-EINVAL, bpf_map_create(BPF_MAP_TYPE_HASH, "bad-name",
						  8, 4, 1, NULL));
}

TEST_F(libbpf, lookup_and_delete)
{
	__u64 key = 7, val[2] = { 70, 71 }, out[2] = { 0, 0 };

	ASSERT_EQ(0, bpf_map_update_elem(self->hash, &key, val, BPF_ANY));
	ASSERT_EQ(0, bpf_map_lookup_and_delete_elem(self->hash, &key, out));
	EXPECT_EQ(70, out[0]);
	EXPECT_EQ(71, out[1]);
	EXPECT_EQ(-ENOENT, bpf_map_lookup_elem(self->hash, &key, out));
}

TEST_F(libbpf, info_and_ids)
{
	struct bpf_map_info hinfo, ainfo, info2;
	__u32 len = sizeof(hinfo), id = 0, next;
	bool found_hash = false, found_array = false;
	int fd, steps = 0;

	memset(&hinfo, 0, sizeof(hinfo));
	ASSERT_EQ(0, bpf_obj_get_info_by_fd(self->hash, &hinfo, &len));
	EXPECT_EQ(sizeof(hinfo), len);
	EXPECT_EQ(BPF_MAP_TYPE_HASH, hinfo.type);
	EXPECT_EQ(sizeof(__u64), hinfo.key_size);
	EXPECT_EQ(2 * sizeof(__u64), hinfo.value_size);
	EXPECT_EQ(NR, hinfo.max_entries);
	EXPECT_EQ(BPF_F_NO_PREALLOC, hinfo.map_flags);
	if (libbpf_sends_names())
		EXPECT_STREQ("lb_hash", hinfo.name);
	EXPECT_LT(0, hinfo.id);

	len = sizeof(ainfo);
	memset(&ainfo, 0, sizeof(ainfo));
	ASSERT_EQ(0, bpf_obj_get_info_by_fd(self->array, &ainfo, &len));
	EXPECT_EQ(BPF_MAP_TYPE_ARRAY, ainfo.type);
	if (libbpf_sends_names())
		EXPECT_STREQ("lb_array", ainfo.name);
	EXPECT_NE(hinfo.id, ainfo.id);

	while (!bpf_map_get_next_id(id, &next)) {
		EXPECT_LT(id, next);
		found_hash |= next == hinfo.id;
		found_array |= next == ainfo.id;
		id = next;
		ASSERT_GT(100000, ++steps);
	}
	EXPECT_EQ(ENOENT, errno);
	EXPECT_TRUE(found_hash);
	EXPECT_TRUE(found_array);

	fd = bpf_map_get_fd_by_id(hinfo.id);
	ASSERT_LE(0, fd);
	len = sizeof(info2);
	memset(&info2, 0, sizeof(info2));
	ASSERT_EQ(0, bpf_obj_get_info_by_fd(fd, &info2, &len));
	EXPECT_EQ(0, memcmp(&hinfo, &info2, sizeof(info2)));
	close(fd);

	{
		LIBBPF_OPTS(bpf_get_fd_by_id_opts, ro,
			    .open_flags = BPF_F_RDONLY);
		__u64 key = 1, val[2] = { 0, 0 };

		fd = bpf_map_get_fd_by_id_opts(ainfo.id, &ro);
		ASSERT_LE(0, fd);
		EXPECT_EQ(-EPERM, bpf_map_update_elem(fd, &key, val, BPF_ANY));
		close(fd);
	}
	EXPECT_EQ(-ENOENT, bpf_map_get_fd_by_id(0));
}

TEST_F(libbpf, freeze)
{
	__u32 k = 1, v = 5;

	ASSERT_EQ(0, bpf_map_update_elem(self->array, &k, &v, BPF_ANY));
	ASSERT_EQ(0, bpf_map_freeze(self->array));
	EXPECT_EQ(-EPERM, bpf_map_update_elem(self->array, &k, &v, BPF_ANY));
	EXPECT_EQ(-EBUSY, bpf_map_freeze(self->array));
	v = 0;
	ASSERT_EQ(0, bpf_map_lookup_elem(self->array, &k, &v));
	EXPECT_EQ(5, v);
}

TEST_HARNESS_MAIN
