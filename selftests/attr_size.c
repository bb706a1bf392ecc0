// SPDX-License-Identifier: GPL-2.0
/*
 * How bpf(2) treats its attr pointer and size argument before any command
 * looks at the contents, and how each command rejects fields it does not
 * use. Callers built against older or newer headers than the running
 * system pass sizes that differ from sizeof(union bpf_attr), so these rules
 * are ABI that libraries depend on.
 */
#include <sys/mman.h>

#include <kselftest_harness.h>

#include "xbpf_test.h"

/* Two pages, the second unmapped: buffers that end exactly at a fault. */
static char *alloc_guarded(void)
{
	char *p = mmap(NULL, 2 * PAGE_SIZE, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return NULL;
	if (munmap(p + PAGE_SIZE, PAGE_SIZE))
		return NULL;
	memset(p, 0, PAGE_SIZE);
	return p;
}

static void fill_array_create(union bpf_attr *attr)
{
	memset(attr, 0, sizeof(*attr));
	attr->map_type = BPF_MAP_TYPE_ARRAY;
	attr->key_size = 4;
	attr->value_size = 8;
	attr->max_entries = 4;
}

TEST(size_zero)
{
	union bpf_attr attr;
	int fd;

	/* Nothing is copied, so the command sees map_type 0 (UNSPEC). */
	EXPECT_ERRNO(EINVAL, sys_bpf(BPF_MAP_CREATE, NULL, 0));
	fill_array_create(&attr);
	EXPECT_ERRNO(EINVAL, sys_bpf(BPF_MAP_CREATE, &attr, 0));

	/*
	 * An all-zero GET_NEXT_ID is valid and finds our map, but writing
	 * next_id back through the NULL attr pointer faults.
	 */
	ASSERT_FD(fd, sys_map_create(BPF_MAP_TYPE_ARRAY, 4, 8, 1, 0));
	EXPECT_ERRNO(EFAULT, sys_bpf(BPF_MAP_GET_NEXT_ID, NULL, 0));
	close(fd);
}

TEST(short_size_create)
{
	struct bpf_map_info info;
	union bpf_attr attr;
	int fd;

	/*
	 * An old caller that knows nothing past max_entries and map_flags:
	 * the rest, including the name, must read as zero even though our
	 * buffer holds an invalid name there.
	 */
	fill_array_create(&attr);
	strcpy(attr.map_name, "bad-name!");
	ASSERT_FD(fd, sys_bpf(BPF_MAP_CREATE, &attr,
			      offsetof(union bpf_attr, inner_map_fd)));
	ASSERT_OK(sys_map_info(fd, &info));
	EXPECT_EQ(BPF_MAP_TYPE_ARRAY, info.type);
	EXPECT_EQ(8, info.value_size);
	EXPECT_EQ(4, info.max_entries);
	EXPECT_EQ(0, info.name[0]);
	close(fd);

	ASSERT_FD(fd, sys_bpf(BPF_MAP_CREATE, &attr,
			      offsetof(union bpf_attr, map_name)));
	close(fd);

	/* A size cutting max_entries in half leaves it zero: rejected. */
	EXPECT_ERRNO(EINVAL, sys_bpf(BPF_MAP_CREATE, &attr,
				     offsetof(union bpf_attr, max_entries)));
}

TEST(short_size_lookup)
{
	__u32 key = 1;
	__u64 val = 0x1122334455667788ULL, out = 0;
	union bpf_attr attr;
	int fd;

	ASSERT_FD(fd, sys_map_create(BPF_MAP_TYPE_ARRAY, 4, 8, 4, 0));
	ASSERT_OK(sys_map_update(fd, &key, &val, BPF_ANY));

	/* map_fd, key, value and flags end at byte 32. */
	memset(&attr, 0, sizeof(attr));
	attr.map_fd = fd;
	attr.key = ptr_to_u64(&key);
	attr.value = ptr_to_u64(&out);
	ASSERT_OK(sys_bpf(BPF_MAP_LOOKUP_ELEM, &attr, 32));
	EXPECT_EQ(val, out);

	/* Garbage flags beyond a 24-byte size are never seen. */
	out = 0;
	attr.flags = 0xdead;
	ASSERT_OK(sys_bpf(BPF_MAP_LOOKUP_ELEM, &attr, 24));
	EXPECT_EQ(val, out);

	/* Sizes that cut off the value or key pointer leave them NULL. */
	attr.flags = 0;
	EXPECT_ERRNO(EFAULT, sys_bpf(BPF_MAP_LOOKUP_ELEM, &attr, 16));
	EXPECT_ERRNO(EFAULT, sys_bpf(BPF_MAP_LOOKUP_ELEM, &attr, 8));
	/* One byte is all of a small map_fd, and a NULL key. */
	ASSERT_GT(256, fd);
	EXPECT_ERRNO(EFAULT, sys_bpf(BPF_MAP_LOOKUP_ELEM, &attr, 1));
	close(fd);
}

TEST(long_size_zero_tail)
{
	char buf[2 * sizeof(union bpf_attr)];
	union bpf_attr *attr = (union bpf_attr *)buf;
	char *page;
	int fd;

	memset(buf, 0, sizeof(buf));
	fill_array_create(attr);
	ASSERT_FD(fd, sys_bpf(BPF_MAP_CREATE, attr, sizeof(buf)));
	close(fd);

	/* Up to a full page of zero tail is accepted. */
	page = mmap(NULL, PAGE_SIZE, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, page);
	fill_array_create((union bpf_attr *)page);
	ASSERT_FD(fd, sys_bpf(BPF_MAP_CREATE, page, PAGE_SIZE));
	close(fd);
	munmap(page, PAGE_SIZE);
}

TEST(long_size_nonzero_tail)
{
	char buf[2 * sizeof(union bpf_attr)];
	union bpf_attr *attr = (union bpf_attr *)buf;

	memset(buf, 0, sizeof(buf));
	fill_array_create(attr);
	buf[sizeof(union bpf_attr)] = 1;
	EXPECT_ERRNO(E2BIG, sys_bpf(BPF_MAP_CREATE, attr, sizeof(buf)));

	memset(buf, 0, sizeof(buf));
	fill_array_create(attr);
	buf[sizeof(buf) - 1] = 0x80;
	EXPECT_ERRNO(E2BIG, sys_bpf(BPF_MAP_CREATE, attr, sizeof(buf)));

	/* The tail check comes first, whatever the command. */
	memset(buf, 0, sizeof(buf));
	buf[sizeof(union bpf_attr) + 3] = 1;
	EXPECT_ERRNO(E2BIG, sys_bpf(BPF_MAP_GET_NEXT_ID, attr, sizeof(buf)));
	EXPECT_ERRNO(E2BIG, sys_bpf(9999, attr, sizeof(buf)));

	/* The same oversized buffer with its tail cleared is accepted. */
	memset(buf, 0, sizeof(buf));
	ASSERT_TRUE(sys_bpf(BPF_MAP_GET_NEXT_ID, attr, sizeof(buf)) == 0 ||
		    errno == ENOENT);
}

TEST(size_over_page)
{
	char *page = mmap(NULL, 2 * PAGE_SIZE, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	ASSERT_NE(MAP_FAILED, page);
	memset(page, 0, 2 * PAGE_SIZE);
	fill_array_create((union bpf_attr *)page);
	/* Rejected as silly before the tail is read, even if it is zero. */
	EXPECT_ERRNO(E2BIG, sys_bpf(BPF_MAP_CREATE, page, PAGE_SIZE + 1));
	EXPECT_ERRNO(E2BIG, sys_bpf(BPF_MAP_CREATE, page, 2 * PAGE_SIZE));
	EXPECT_ERRNO(E2BIG, sys_bpf(BPF_MAP_CREATE, NULL, UINT_MAX));
	EXPECT_ERRNO(E2BIG, sys_bpf(BPF_MAP_CREATE, NULL, 0x80000000U));
	EXPECT_ERRNO(E2BIG, sys_bpf(9999, NULL, PAGE_SIZE + 1));
	munmap(page, 2 * PAGE_SIZE);
}

TEST(bad_attr_pointer)
{
	char *guard = alloc_guarded();
	char *none;
	union bpf_attr *at_end;

	ASSERT_NE(NULL, guard);
	EXPECT_ERRNO(EFAULT, sys_bpf(BPF_MAP_CREATE, NULL,
				     sizeof(union bpf_attr)));
	EXPECT_ERRNO(EFAULT, sys_bpf(BPF_MAP_CREATE, (void *)1,
				     sizeof(union bpf_attr)));
	EXPECT_ERRNO(EFAULT, sys_bpf(BPF_MAP_LOOKUP_ELEM, NULL, 32));
	EXPECT_ERRNO(EFAULT, sys_bpf(BPF_MAP_GET_NEXT_ID, NULL, 8));
	/* Kernel addresses are as bad as unmapped ones. */
	EXPECT_ERRNO(EFAULT, sys_bpf(BPF_MAP_CREATE,
				     (void *)0xffff888000000000ULL,
				     sizeof(union bpf_attr)));
	/* Unknown commands are only recognised after the copy. */
	EXPECT_ERRNO(EFAULT, sys_bpf(9999, NULL, sizeof(union bpf_attr)));

	none = mmap(NULL, PAGE_SIZE, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS,
		    -1, 0);
	ASSERT_NE(MAP_FAILED, none);
	EXPECT_ERRNO(EFAULT, sys_bpf(BPF_MAP_CREATE, none,
				     sizeof(union bpf_attr)));
	munmap(none, PAGE_SIZE);

	/* The union straddles into the unmapped page. */
	at_end = (union bpf_attr *)(guard + PAGE_SIZE - 64);
	EXPECT_ERRNO(EFAULT, sys_bpf(BPF_MAP_CREATE, at_end,
				     sizeof(union bpf_attr)));
	munmap(guard, PAGE_SIZE);
}

TEST(unreadable_tail)
{
	char *guard = alloc_guarded();
	union bpf_attr *attr;
	int fd;

	ASSERT_NE(NULL, guard);
	/* The union itself is readable, the zero-check of the tail faults. */
	attr = (union bpf_attr *)(guard + PAGE_SIZE - sizeof(*attr));
	fill_array_create(attr);
	ASSERT_FD(fd, sys_bpf(BPF_MAP_CREATE, attr, sizeof(*attr)));
	close(fd);
	EXPECT_ERRNO(EFAULT, sys_bpf(BPF_MAP_CREATE, attr,
				     sizeof(*attr) + 8));
	munmap(guard, PAGE_SIZE);
}

TEST(unknown_command)
{
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	EXPECT_ERRNO(EINVAL, sys_bpf(9999, &attr, sizeof(attr)));
	EXPECT_ERRNO(EINVAL, sys_bpf(-1, &attr, sizeof(attr)));
	EXPECT_ERRNO(EINVAL, sys_bpf(INT_MIN, &attr, sizeof(attr)));
	EXPECT_ERRNO(EINVAL, sys_bpf(INT_MAX, &attr, sizeof(attr)));
	EXPECT_ERRNO(EINVAL, sys_bpf(9999, NULL, 0));
	memset(&attr, 0xff, sizeof(attr));
	EXPECT_ERRNO(EINVAL, sys_bpf(9999, &attr, sizeof(attr)));
}

/* Output fields are written back into the caller's buffer whatever size. */
TEST(short_size_writeback)
{
	union bpf_attr attr;
	__u32 first;
	int fd;

	ASSERT_FD(fd, sys_map_create(BPF_MAP_TYPE_ARRAY, 4, 8, 1, 0));
	ASSERT_OK(sys_map_next_id(0, &first));

	/* Only start_id is read; next_id still lands at its offset. */
	memset(&attr, 0, sizeof(attr));
	attr.next_id = 0xdeadbeef;
	ASSERT_OK(sys_bpf(BPF_MAP_GET_NEXT_ID, &attr, 4));
	EXPECT_EQ(first, attr.next_id);
	close(fd);
}

/*
 * Every command rejects a non-zero byte after the last field it uses, and
 * does so before looking at the fd. Offsets are into union bpf_attr.
 */
struct unused_field_case {
	const char *name;
	int cmd;
	size_t off;
};

static const struct unused_field_case unused_cases[] = {
	{ "create after map_extra", BPF_MAP_CREATE,
	  offsetof(union bpf_attr, map_extra) + 8 },
	{ "create last byte", BPF_MAP_CREATE, sizeof(union bpf_attr) - 1 },
	{ "lookup after flags", BPF_MAP_LOOKUP_ELEM,
	  offsetof(union bpf_attr, flags) + 8 },
	{ "update after flags", BPF_MAP_UPDATE_ELEM,
	  offsetof(union bpf_attr, flags) + 8 },
	{ "delete value", BPF_MAP_DELETE_ELEM,
	  offsetof(union bpf_attr, value) },
	{ "delete flags", BPF_MAP_DELETE_ELEM,
	  offsetof(union bpf_attr, flags) },
	{ "next_key flags", BPF_MAP_GET_NEXT_KEY,
	  offsetof(union bpf_attr, flags) },
	{ "lookup_and_delete after flags", BPF_MAP_LOOKUP_AND_DELETE_ELEM,
	  offsetof(union bpf_attr, flags) + 8 },
	{ "freeze key", BPF_MAP_FREEZE, offsetof(union bpf_attr, key) },
	{ "freeze pad", BPF_MAP_FREEZE, 4 },
	{ "next_id open_flags", BPF_MAP_GET_NEXT_ID,
	  offsetof(union bpf_attr, open_flags) },
	{ "fd_by_id after open_flags", BPF_MAP_GET_FD_BY_ID,
	  offsetof(union bpf_attr, open_flags) + 4 },
	{ "info after info ptr", BPF_OBJ_GET_INFO_BY_FD,
	  offsetof(union bpf_attr, info.info) + 8 },
};

TEST(unused_fields_rejected)
{
	__u32 key = 0;
	__u64 val = 0, next = 0;
	struct bpf_map_info info;
	unsigned int i;
	int fd;

	ASSERT_FD(fd, sys_map_create(BPF_MAP_TYPE_HASH, 4, 8, 4, 0));
	for (i = 0; i < ARRAY_SIZE(unused_cases); i++) {
		const struct unused_field_case *c = &unused_cases[i];
		union bpf_attr attr;

		memset(&attr, 0, sizeof(attr));
		switch (c->cmd) {
		case BPF_MAP_CREATE:
			fill_array_create(&attr);
			break;
		case BPF_MAP_GET_NEXT_ID:
		case BPF_MAP_GET_FD_BY_ID:
			break;
		case BPF_OBJ_GET_INFO_BY_FD:
			attr.info.bpf_fd = fd;
			attr.info.info_len = sizeof(info);
			attr.info.info = ptr_to_u64(&info);
			break;
		default:
			attr.map_fd = fd;
			attr.key = ptr_to_u64(&key);
			if (c->cmd == BPF_MAP_GET_NEXT_KEY)
				attr.next_key = ptr_to_u64(&next);
			else if (c->cmd != BPF_MAP_DELETE_ELEM)
				attr.value = ptr_to_u64(&val);
			break;
		}
		((char *)&attr)[c->off] = 1;
		errno = 0;
		EXPECT_EQ(-1, sys_bpf(c->cmd, &attr, sizeof(attr))) {
			TH_LOG("%s: accepted", c->name);
		}
		EXPECT_EQ(EINVAL, errno) {
			TH_LOG("%s: %s", c->name, errno_str(errno));
		}

		/* The same garbage with a bad fd still says EINVAL. */
		if (c->cmd != BPF_MAP_CREATE && c->cmd != BPF_MAP_GET_NEXT_ID &&
		    c->cmd != BPF_MAP_GET_FD_BY_ID) {
			if (c->cmd == BPF_OBJ_GET_INFO_BY_FD)
				attr.info.bpf_fd = -1;
			else
				attr.map_fd = -1;
			errno = 0;
			EXPECT_EQ(-1, sys_bpf(c->cmd, &attr, sizeof(attr)));
			EXPECT_EQ(EINVAL, errno) {
				TH_LOG("%s, bad fd: %s", c->name,
				       errno_str(errno));
			}
		}
	}
	close(fd);
}

TEST(fd_by_id_ignores_next_id)
{
	union bpf_attr attr;
	int fd, fd2;

	/* next_id sits before open_flags, so GET_FD_BY_ID reads past it. */
	ASSERT_FD(fd, sys_map_create(BPF_MAP_TYPE_ARRAY, 4, 8, 1, 0));
	memset(&attr, 0, sizeof(attr));
	attr.map_id = map_id_of(fd);
	attr.next_id = 0x12345678;
	ASSERT_FD(fd2, sys_bpf(BPF_MAP_GET_FD_BY_ID, &attr, sizeof(attr)));
	EXPECT_EQ(map_id_of(fd), map_id_of(fd2));
	close(fd2);
	close(fd);
}

TEST_HARNESS_MAIN
