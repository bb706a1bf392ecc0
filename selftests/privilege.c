// SPDX-License-Identifier: GPL-2.0
/*
 * Capabilities. The tests stay uid 0 and drop capabilities with capset(),
 * so nothing but the capability checks can explain a refusal.
 *
 * With kernel.unprivileged_bpf_disabled set, a task without CAP_BPF or
 * CAP_SYS_ADMIN cannot create maps, and walking or opening ids always
 * needs CAP_SYS_ADMIN. A map fd already held is a different matter: it was
 * handed over by someone privileged, and element access through it is
 * governed by the fd's mode alone, exactly as for any other file. Freezing
 * asks for CAP_BPF again.
 */
#include <sys/wait.h>
#include <linux/capability.h>

#include <kselftest_harness.h>

#include "xbpf_test.h"

/* Keep exactly the capabilities in @keep (a mask of CAP_* bit numbers). */
static int set_caps(__u64 keep)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3,
		.pid = 0,
	};
	struct __user_cap_data_struct data[2];

	memset(data, 0, sizeof(data));
	data[0].effective = data[0].permitted = (__u32)keep;
	data[1].effective = data[1].permitted = (__u32)(keep >> 32);
	return syscall(SYS_capset, &hdr, data);
}

#define CAPBIT(c) (1ULL << (c))

static long unpriv_bpf_disabled(void)
{
	return read_long_file("/proc/sys/kernel/unprivileged_bpf_disabled");
}

/*
 * The tests assume the sysctl is set, as it is on the test VM.
 * The check sits in each test: a SKIP in the 6.1 harness's setup would
 * still run the test body.
 */
#define REQUIRE_UNPRIV_BPF_DISABLED() do {				\
	if (unpriv_bpf_disabled() <= 0)					\
		SKIP(return, "kernel.unprivileged_bpf_disabled is 0");	\
} while (0)

FIXTURE(privilege) {
	int hash;
	int array;
	__u32 hash_id;
};

FIXTURE_SETUP(privilege)
{
	__u32 k = 1;
	__u64 v = 100;

	/* Made while still privileged, as a daemon would hand them out. */
	ASSERT_FD(self->hash, sys_map_create(BPF_MAP_TYPE_HASH, 4, 8, 8, 0));
	ASSERT_FD(self->array, sys_map_create(BPF_MAP_TYPE_ARRAY, 4, 8, 2, 0));
	ASSERT_OK(sys_map_update(self->hash, &k, &v, BPF_ANY));
	self->hash_id = map_id_of(self->hash);
	ASSERT_LT(0, self->hash_id);
}

FIXTURE_TEARDOWN(privilege)
{
	close(self->hash);
	close(self->array);
}

TEST_F(privilege, no_caps_create_and_ids)
{
	union bpf_attr attr;
	__u32 next;

	REQUIRE_UNPRIV_BPF_DISABLED();
	ASSERT_OK(set_caps(0));
	EXPECT_ERRNO(EPERM, sys_map_create(BPF_MAP_TYPE_HASH, 4, 8, 8, 0));
	EXPECT_ERRNO(EPERM, sys_map_create(BPF_MAP_TYPE_ARRAY, 4, 8, 8, 0));
	/* Refused before the attributes are even read. */
	EXPECT_ERRNO(EPERM, sys_bpf(BPF_MAP_CREATE, NULL,
				    sizeof(union bpf_attr)));
	EXPECT_ERRNO(EPERM, sys_map_create(9999, 0, 0, 0, 0));
	memset(&attr, 0, sizeof(attr));
	EXPECT_ERRNO(EPERM, sys_bpf(BPF_MAP_CREATE, &attr, PAGE_SIZE + 1));

	EXPECT_ERRNO(EPERM, sys_map_next_id(0, &next));
	EXPECT_ERRNO(EPERM, sys_map_fd_by_id(self->hash_id, 0));
	EXPECT_ERRNO(EPERM, sys_map_fd_by_id(self->hash_id, BPF_F_RDONLY));
	/* Malformed requests are still malformed first. */
	EXPECT_ERRNO(EINVAL, sys_map_next_id(INT_MAX, &next));
	EXPECT_ERRNO(EINVAL, sys_map_fd_by_id(self->hash_id, 1U << 7));
	/* Other commands reach their usual size checks and dispatch. */
	EXPECT_ERRNO(EINVAL, sys_bpf(9999, &attr, sizeof(attr)));
	EXPECT_ERRNO(EFAULT, sys_bpf(BPF_MAP_LOOKUP_ELEM, NULL, 32));
}

TEST_F(privilege, no_caps_held_fds)
{
	struct bpf_map_info info;
	__u32 k = 1, next;
	__u64 v = 0, out;

	REQUIRE_UNPRIV_BPF_DISABLED();
	ASSERT_OK(set_caps(0));
	ASSERT_OK(sys_map_lookup(self->hash, &k, &out, 0));
	EXPECT_EQ(100, out);
	v = 101;
	ASSERT_OK(sys_map_update(self->hash, &k, &v, BPF_EXIST));
	ASSERT_OK(sys_map_next_key(self->hash, NULL, &next));
	EXPECT_EQ(1, next);
	ASSERT_OK(sys_map_lookup_and_delete(self->hash, &k, &out, 0));
	EXPECT_EQ(101, out);
	EXPECT_ERRNO(ENOENT, sys_map_delete(self->hash, &k));
	ASSERT_OK(sys_map_info(self->hash, &info));
	EXPECT_EQ(self->hash_id, info.id);

	k = 0;
	ASSERT_OK(sys_map_update(self->array, &k, &v, BPF_ANY));
	EXPECT_ERRNO(EBADF, sys_map_lookup(-1, &k, &out, 0));
}

TEST_F(privilege, no_caps_freeze)
{
	char buf[8];

	REQUIRE_UNPRIV_BPF_DISABLED();
	ASSERT_OK(set_caps(0));
	EXPECT_ERRNO(EPERM, sys_map_freeze(self->array));
	ASSERT_OK(fdinfo_get(self->array, "frozen", buf, sizeof(buf)));
	EXPECT_STREQ("0", buf);
	EXPECT_ERRNO(EBADF, sys_map_freeze(-1));
}

TEST_F(privilege, no_caps_freeze_busy_first)
{
	REQUIRE_UNPRIV_BPF_DISABLED();
	ASSERT_OK(sys_map_freeze(self->array));
	ASSERT_OK(set_caps(0));
	/* An already frozen map is reported busy before caps are looked at. */
	EXPECT_ERRNO(EBUSY, sys_map_freeze(self->array));
}

TEST_F(privilege, cap_bpf_only)
{
	__u32 next;
	int fd;

	REQUIRE_UNPRIV_BPF_DISABLED();
	ASSERT_OK(set_caps(CAPBIT(CAP_BPF)));
	ASSERT_FD(fd, sys_map_create(BPF_MAP_TYPE_HASH, 4, 8, 8, 0));
	ASSERT_OK(sys_map_freeze(fd));
	/* The zero hash seed is a debugging aid reserved to the admin. */
	EXPECT_ERRNO(EPERM, sys_map_create(BPF_MAP_TYPE_HASH, 4, 8, 8,
					   BPF_F_ZERO_SEED));
	EXPECT_ERRNO(EPERM, sys_map_next_id(0, &next));
	EXPECT_ERRNO(EPERM, sys_map_fd_by_id(map_id_of(fd), 0));
	close(fd);
}

/*
 * Without CAP_PERFMON the array size is rounded up to a power of two to
 * contain speculation, and a max_entries near 2^32 then overflows: E2BIG
 * rather than the ENOMEM a root caller gets.
 */
TEST_F(privilege, cap_bpf_array_rounding_overflow)
{
	REQUIRE_UNPRIV_BPF_DISABLED();
	ASSERT_OK(set_caps(CAPBIT(CAP_BPF)));
	EXPECT_ERRNO(E2BIG, sys_map_create(BPF_MAP_TYPE_ARRAY, 4, 8,
					   0xffffffffU, 0));
}

TEST_F(privilege, cap_sys_admin_only)
{
	__u32 next;
	int fd, fd2;

	REQUIRE_UNPRIV_BPF_DISABLED();
	ASSERT_OK(set_caps(CAPBIT(CAP_SYS_ADMIN)));
	ASSERT_FD(fd, sys_map_create(BPF_MAP_TYPE_HASH, 4, 8, 8,
				     BPF_F_ZERO_SEED));
	ASSERT_OK(sys_map_next_id(0, &next));
	ASSERT_FD(fd2, sys_map_fd_by_id(map_id_of(fd), 0));
	ASSERT_OK(sys_map_freeze(fd2));
	close(fd2);
	close(fd);
}

/* Dropping capabilities later does not revoke an fd's access mode. */
TEST_F(privilege, no_caps_fd_modes_still_apply)
{
	__u32 k = 0;
	__u64 v = 1;
	int ro;

	REQUIRE_UNPRIV_BPF_DISABLED();
	ASSERT_FD(ro, sys_map_fd_by_id(map_id_of(self->array), BPF_F_RDONLY));
	ASSERT_OK(set_caps(0));
	EXPECT_ERRNO(EPERM, sys_map_update(ro, &k, &v, BPF_ANY));
	ASSERT_OK(sys_map_lookup(ro, &k, &v, 0));
	close(ro);
}

TEST_HARNESS_MAIN
