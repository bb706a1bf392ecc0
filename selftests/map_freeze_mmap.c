// SPDX-License-Identifier: GPL-2.0
/*
 * BPF_MAP_FREEZE and mmap() of BPF_F_MMAPABLE arrays, and how the two meet:
 * a frozen map refuses writable mappings, and a writable mapping keeps a
 * map from being frozen, since a frozen map's contents must never change
 * again from userspace.
 */
#include <signal.h>
#include <sys/mman.h>

#include <kselftest_harness.h>

#include "xbpf_test.h"

static void check_frozen(struct __test_metadata *_metadata, int fd,
			 const char *want)
{
	char buf[16];

	ASSERT_OK(fdinfo_get(fd, "frozen", buf, sizeof(buf)));
	EXPECT_STREQ(want, buf);
}

TEST(freeze_hash)
{
	__u32 k = 1, next;
	__u64 v = 10, out;
	int fd, fd2;

	ASSERT_FD(fd, sys_map_create(BPF_MAP_TYPE_HASH, 4, 8, 4, 0));
	ASSERT_OK(sys_map_update(fd, &k, &v, BPF_ANY));
	check_frozen(_metadata, fd, "0");
	ASSERT_OK(sys_map_freeze(fd));
	check_frozen(_metadata, fd, "1");

	v = 11;
	EXPECT_ERRNO(EPERM, sys_map_update(fd, &k, &v, BPF_ANY));
	EXPECT_ERRNO(EPERM, sys_map_delete(fd, &k));
	EXPECT_ERRNO(EPERM, sys_map_lookup_and_delete(fd, &k, &out, 0));
	ASSERT_OK(sys_map_lookup(fd, &k, &out, 0));
	EXPECT_EQ(10, out);
	ASSERT_OK(sys_map_next_key(fd, NULL, &next));
	EXPECT_EQ(1, next);

	EXPECT_ERRNO(EBUSY, sys_map_freeze(fd));

	/* Frozen is a property of the map: every fd sees it. */
	ASSERT_FD(fd2, sys_map_fd_by_id(map_id_of(fd), 0));
	check_frozen(_metadata, fd2, "1");
	EXPECT_ERRNO(EPERM, sys_map_update(fd2, &k, &v, BPF_ANY));
	EXPECT_ERRNO(EBUSY, sys_map_freeze(fd2));
	close(fd2);
	close(fd);
}

TEST(freeze_array)
{
	__u32 k = 0;
	__u64 v = 1, out;
	int fd;

	ASSERT_FD(fd, sys_map_create(BPF_MAP_TYPE_ARRAY, 4, 8, 2, 0));
	ASSERT_OK(sys_map_update(fd, &k, &v, BPF_ANY));
	ASSERT_OK(sys_map_freeze(fd));
	EXPECT_ERRNO(EPERM, sys_map_update(fd, &k, &v, BPF_ANY));
	/* The write check comes before the array's own delete refusal. */
	EXPECT_ERRNO(EPERM, sys_map_delete(fd, &k));
	ASSERT_OK(sys_map_lookup(fd, &k, &out, 0));
	EXPECT_EQ(1, out);
	close(fd);
}

TEST(freeze_fd_modes)
{
	int fd, ro, devnull;

	/* Freezing needs no write access through the fd used. */
	ASSERT_FD(fd, sys_map_create(BPF_MAP_TYPE_ARRAY, 4, 8, 1, 0));
	ASSERT_FD(ro, sys_map_fd_by_id(map_id_of(fd), BPF_F_RDONLY));
	ASSERT_OK(sys_map_freeze(ro));
	check_frozen(_metadata, fd, "1");
	close(ro);
	close(fd);

	ASSERT_FD(fd, sys_map_create(BPF_MAP_TYPE_HASH, 4, 8, 1, BPF_F_WRONLY));
	ASSERT_OK(sys_map_freeze(fd));
	close(fd);

	EXPECT_ERRNO(EBADF, sys_map_freeze(-1));
	devnull = open("/dev/null", O_RDONLY);
	ASSERT_LE(0, devnull);
	EXPECT_ERRNO(EINVAL, sys_map_freeze(devnull));
	close(devnull);
}

FIXTURE(mmapable) {
	int fd;
	void *mem;
	size_t len;
};

FIXTURE_SETUP(mmapable)
{
	/* 16 values of 8 bytes: the data fits in one page. */
	ASSERT_FD(self->fd, sys_map_create(BPF_MAP_TYPE_ARRAY, 4, 8, 16,
					   BPF_F_MMAPABLE));
	self->mem = MAP_FAILED;
	self->len = PAGE_SIZE;
}

FIXTURE_TEARDOWN(mmapable)
{
	if (self->mem != MAP_FAILED)
		munmap(self->mem, self->len);
	close(self->fd);
}

TEST_F(mmapable, shared_rw)
{
	volatile __u64 *data;
	__u64 v, out;
	__u32 k;

	self->mem = mmap(NULL, self->len, PROT_READ | PROT_WRITE, MAP_SHARED,
			 self->fd, 0);
	ASSERT_NE(MAP_FAILED, self->mem);
	data = self->mem;

	/* Stores through the mapping are the map's values... */
	for (k = 0; k < 16; k++)
		data[k] = 0xa0a0a0a000000000ULL | k;
	for (k = 0; k < 16; k++) {
		ASSERT_OK(sys_map_lookup(self->fd, &k, &out, 0));
		EXPECT_EQ(0xa0a0a0a000000000ULL | k, out);
	}
	/* ...and updates show up in the mapping. */
	k = 7;
	v = 0x1234;
	ASSERT_OK(sys_map_update(self->fd, &k, &v, BPF_ANY));
	EXPECT_EQ(0x1234, data[7]);

	/* The rest of the page, past the last value, reads as zero. */
	EXPECT_EQ(0, data[16]);
}

TEST_F(mmapable, private_refused)
{
	void *m = mmap(NULL, self->len, PROT_READ, MAP_PRIVATE, self->fd, 0);

	EXPECT_EQ(MAP_FAILED, m);
	EXPECT_EQ(EINVAL, errno);
	m = mmap(NULL, self->len, PROT_READ | PROT_WRITE, MAP_PRIVATE,
		 self->fd, 0);
	EXPECT_EQ(MAP_FAILED, m);
	EXPECT_EQ(EINVAL, errno);
}

TEST_F(mmapable, beyond_size)
{
	void *m;

	m = mmap(NULL, 2 * PAGE_SIZE, PROT_READ, MAP_SHARED, self->fd, 0);
	EXPECT_EQ(MAP_FAILED, m);
	EXPECT_EQ(EINVAL, errno);
	m = mmap(NULL, PAGE_SIZE, PROT_READ, MAP_SHARED, self->fd, PAGE_SIZE);
	EXPECT_EQ(MAP_FAILED, m);
	EXPECT_EQ(EINVAL, errno);
	/* Shorter than a page is rounded up to the page that exists. */
	m = mmap(NULL, 100, PROT_READ, MAP_SHARED, self->fd, 0);
	ASSERT_NE(MAP_FAILED, m);
	munmap(m, 100);
}

TEST_F(mmapable, freeze_with_writable_mapping)
{
	void *ro;

	self->mem = mmap(NULL, self->len, PROT_READ | PROT_WRITE, MAP_SHARED,
			 self->fd, 0);
	ASSERT_NE(MAP_FAILED, self->mem);
	EXPECT_ERRNO(EBUSY, sys_map_freeze(self->fd));
	check_frozen(_metadata, self->fd, "0");

	/* A read-only mapping next to it changes nothing. */
	ro = mmap(NULL, self->len, PROT_READ, MAP_SHARED, self->fd, 0);
	ASSERT_NE(MAP_FAILED, ro);
	EXPECT_ERRNO(EBUSY, sys_map_freeze(self->fd));

	/* Once the writable mapping is gone, freezing works. */
	ASSERT_OK(munmap(self->mem, self->len));
	self->mem = MAP_FAILED;
	ASSERT_OK(sys_map_freeze(self->fd));
	munmap(ro, self->len);
}

TEST(writable_mapping_split_still_counts)
{
	char *m;
	int fd;

	/* Unmapping part of a writable mapping leaves a writable part. */
	ASSERT_FD(fd, sys_map_create(BPF_MAP_TYPE_ARRAY, 4, 4096, 3,
				     BPF_F_MMAPABLE));
	m = mmap(NULL, 3 * PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED,
		 fd, 0);
	ASSERT_NE(MAP_FAILED, m);
	ASSERT_OK(munmap(m + PAGE_SIZE, PAGE_SIZE));
	EXPECT_ERRNO(EBUSY, sys_map_freeze(fd));
	ASSERT_OK(munmap(m, PAGE_SIZE));
	EXPECT_ERRNO(EBUSY, sys_map_freeze(fd));
	ASSERT_OK(munmap(m + 2 * PAGE_SIZE, PAGE_SIZE));
	ASSERT_OK(sys_map_freeze(fd));
	close(fd);
}

TEST_F(mmapable, frozen_map)
{
	volatile __u64 *data;
	__u64 v = 77;
	__u32 k = 2;
	void *m;

	ASSERT_OK(sys_map_update(self->fd, &k, &v, BPF_ANY));
	ASSERT_OK(sys_map_freeze(self->fd));
	m = mmap(NULL, self->len, PROT_READ | PROT_WRITE, MAP_SHARED,
		 self->fd, 0);
	EXPECT_EQ(MAP_FAILED, m);
	EXPECT_EQ(EPERM, errno);

	self->mem = mmap(NULL, self->len, PROT_READ, MAP_SHARED, self->fd, 0);
	ASSERT_NE(MAP_FAILED, self->mem);
	data = self->mem;
	EXPECT_EQ(77, data[2]);
	/* And it cannot be made writable after the fact. */
	EXPECT_ERRNO(EACCES, mprotect(self->mem, self->len,
				      PROT_READ | PROT_WRITE));
}

TEST_F(mmapable, readonly_mapping_stays_readonly)
{
	self->mem = mmap(NULL, self->len, PROT_READ, MAP_SHARED, self->fd, 0);
	ASSERT_NE(MAP_FAILED, self->mem);
	EXPECT_ERRNO(EACCES, mprotect(self->mem, self->len,
				      PROT_READ | PROT_WRITE));
	EXPECT_ERRNO(EACCES, mprotect(self->mem, self->len, PROT_EXEC));
	/* Read-only mappings do not block freezing. */
	EXPECT_OK(sys_map_freeze(self->fd));
}

TEST_F(mmapable, survives_close)
{
	volatile __u64 *data;
	__u64 out;
	__u32 k = 5, id;
	int fd2;

	/* The mapping holds the map: its id stays alive after close(). */
	self->mem = mmap(NULL, self->len, PROT_READ | PROT_WRITE, MAP_SHARED,
			 self->fd, 0);
	ASSERT_NE(MAP_FAILED, self->mem);
	id = map_id_of(self->fd);
	close(self->fd);
	data = self->mem;
	data[5] = 0x5555;

	ASSERT_FD(fd2, sys_map_fd_by_id(id, 0));
	ASSERT_OK(sys_map_lookup(fd2, &k, &out, 0));
	EXPECT_EQ(0x5555, out);
	close(fd2);

	ASSERT_OK(munmap(self->mem, self->len));
	self->mem = MAP_FAILED;
	EXPECT_ERRNO(ENOENT, sys_map_fd_by_id(id, 0));
	/* Keep teardown's close() harmless. */
	self->fd = open("/dev/null", O_RDONLY);
}

TEST_F(mmapable, fd_access_mode)
{
	int ro, wo;
	void *m;

	ASSERT_FD(ro, sys_map_fd_by_id(map_id_of(self->fd), BPF_F_RDONLY));
	m = mmap(NULL, self->len, PROT_READ | PROT_WRITE, MAP_SHARED, ro, 0);
	EXPECT_EQ(MAP_FAILED, m);
	EXPECT_EQ(EACCES, errno);
	/*
	 * mmap() drops VM_SHARED from shared mappings of files not open for
	 * writing, and a map only accepts shared mappings: so even a
	 * read-only mapping through a read-only fd is refused.
	 */
	m = mmap(NULL, self->len, PROT_READ, MAP_SHARED, ro, 0);
	EXPECT_EQ(MAP_FAILED, m);
	EXPECT_EQ(EINVAL, errno);
	close(ro);

	/* Any shared mapping needs read access. */
	ASSERT_FD(wo, sys_map_fd_by_id(map_id_of(self->fd), BPF_F_WRONLY));
	m = mmap(NULL, self->len, PROT_READ | PROT_WRITE, MAP_SHARED, wo, 0);
	EXPECT_EQ(MAP_FAILED, m);
	EXPECT_EQ(EACCES, errno);
	close(wo);
}

/* Values are laid out at round_up(value_size, 8) strides. */
TEST(mmap_value_stride)
{
	volatile unsigned char *mem;
	unsigned char out[12];
	__u32 k;
	int fd;

	ASSERT_FD(fd, sys_map_create(BPF_MAP_TYPE_ARRAY, 4, 12, 5,
				     BPF_F_MMAPABLE));
	mem = mmap(NULL, PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	ASSERT_NE(MAP_FAILED, mem);
	for (k = 0; k < 5; k++)
		memset((void *)(mem + 16 * k), 0x10 + k, 12);
	for (k = 0; k < 5; k++) {
		ASSERT_OK(sys_map_lookup(fd, &k, out, 0));
		EXPECT_EQ(0x10 + k, out[0]);
		EXPECT_EQ(0x10 + k, out[11]);
	}
	munmap((void *)mem, PAGE_SIZE);
	close(fd);
}

TEST(mmap_multi_page)
{
	unsigned char *m;
	__u32 k = 2;
	unsigned char out[4096];
	int fd;

	ASSERT_FD(fd, sys_map_create(BPF_MAP_TYPE_ARRAY, 4, 4096, 3,
				     BPF_F_MMAPABLE));
	/* The last two pages alone, by offset. */
	m = mmap(NULL, 2 * PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
		 PAGE_SIZE);
	ASSERT_NE(MAP_FAILED, m);
	m[PAGE_SIZE + 100] = 0x42;
	ASSERT_OK(sys_map_lookup(fd, &k, out, 0));
	EXPECT_EQ(0x42, out[100]);
	munmap(m, 2 * PAGE_SIZE);

	m = mmap(NULL, 2 * PAGE_SIZE, PROT_READ, MAP_SHARED, fd, 2 * PAGE_SIZE);
	EXPECT_EQ(MAP_FAILED, m);
	EXPECT_EQ(EINVAL, errno);
	close(fd);
}

TEST(mmap_not_mmapable)
{
	void *m;
	int fd;

	ASSERT_FD(fd, sys_map_create(BPF_MAP_TYPE_ARRAY, 4, 8, 16, 0));
	m = mmap(NULL, PAGE_SIZE, PROT_READ, MAP_SHARED, fd, 0);
	EXPECT_EQ(MAP_FAILED, m);
	EXPECT_EQ(EINVAL, errno);
	close(fd);

	/* Hash maps have no mmap at all: the kernel-internal ENOTSUPP. */
	ASSERT_FD(fd, sys_map_create(BPF_MAP_TYPE_HASH, 4, 8, 16, 0));
	m = mmap(NULL, PAGE_SIZE, PROT_READ, MAP_SHARED, fd, 0);
	EXPECT_EQ(MAP_FAILED, m);
	EXPECT_EQ(ENOTSUPP, errno);
	m = mmap(NULL, PAGE_SIZE, PROT_READ, MAP_PRIVATE, fd, 0);
	EXPECT_EQ(MAP_FAILED, m);
	EXPECT_EQ(ENOTSUPP, errno);
	close(fd);
}

TEST(mmap_rdonly_prog)
{
	void *m;
	int fd;

	/* Programs trust this map not to change: no writable mappings. */
	ASSERT_FD(fd, sys_map_create(BPF_MAP_TYPE_ARRAY, 4, 8, 16,
				     BPF_F_MMAPABLE | BPF_F_RDONLY_PROG));
	m = mmap(NULL, PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	EXPECT_EQ(MAP_FAILED, m);
	EXPECT_EQ(EACCES, errno);
	m = mmap(NULL, PAGE_SIZE, PROT_READ, MAP_SHARED, fd, 0);
	ASSERT_NE(MAP_FAILED, m);
	EXPECT_ERRNO(EACCES, mprotect(m, PAGE_SIZE, PROT_READ | PROT_WRITE));
	munmap(m, PAGE_SIZE);
	close(fd);
}

static sigjmp_buf segv_env;

static void segv_handler(int sig)
{
	siglongjmp(segv_env, sig);
}

TEST(mmap_readonly_store_faults)
{
	volatile __u64 *m;
	struct sigaction sa = { .sa_handler = segv_handler };
	int fd, sig;

	ASSERT_FD(fd, sys_map_create(BPF_MAP_TYPE_ARRAY, 4, 8, 1,
				     BPF_F_MMAPABLE));
	m = mmap(NULL, PAGE_SIZE, PROT_READ, MAP_SHARED, fd, 0);
	ASSERT_NE(MAP_FAILED, m);
	ASSERT_OK(sigaction(SIGSEGV, &sa, NULL));
	sig = sigsetjmp(segv_env, 1);
	if (!sig)
		m[0] = 1;
	EXPECT_EQ(SIGSEGV, sig);
	munmap((void *)m, PAGE_SIZE);
	close(fd);
}

TEST_HARNESS_MAIN
