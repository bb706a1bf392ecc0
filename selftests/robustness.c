// SPDX-License-Identifier: GPL-2.0
/*
 * Bad input must fail cleanly and leave existing objects exactly as they
 * were. A hash and an array are filled, then hit with a batch of malformed
 * calls aimed at them (bad flags, bad pointers, kernel addresses, stray
 * bytes in unused fields, wrong sizes) and with random attributes for
 * every map command; afterwards both must hold precisely their contents.
 */
#include <sys/mman.h>

#include <kselftest_harness.h>

#include "xbpf_test.h"

#define NR_HASH		64
#define NR_ARRAY	32
#define FUZZ_CALLS	3000

struct hval {
	__u64 a, b;
};

static struct hval hval_of(__u32 k)
{
	struct hval v = { .a = k * 0x1111ULL, .b = ~(__u64)k };

	return v;
}

FIXTURE(filled) {
	int hash;
	int array;
	__u32 hash_id, array_id;
	char *unmapped;
};

FIXTURE_SETUP(filled)
{
	__u32 k;

	ASSERT_FD(self->hash, sys_map_create(BPF_MAP_TYPE_HASH, 4,
					     sizeof(struct hval), NR_HASH, 0));
	ASSERT_FD(self->array, sys_map_create(BPF_MAP_TYPE_ARRAY, 4, 8,
					      NR_ARRAY, 0));
	for (k = 0; k < NR_HASH; k++) {
		struct hval v = hval_of(k);

		/* Leave every fourth slot free so inserts could succeed. */
		if (k % 4 == 3)
			continue;
		ASSERT_OK(sys_map_update(self->hash, &k, &v, BPF_NOEXIST));
	}
	for (k = 0; k < NR_ARRAY; k++) {
		__u64 v = 0xa5a5000000000000ULL | k;

		ASSERT_OK(sys_map_update(self->array, &k, &v, BPF_ANY));
	}
	self->hash_id = map_id_of(self->hash);
	self->array_id = map_id_of(self->array);

	self->unmapped = mmap(NULL, PAGE_SIZE, PROT_NONE,
			      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, self->unmapped);
	munmap(self->unmapped, PAGE_SIZE);
}

FIXTURE_TEARDOWN(filled)
{
	close(self->hash);
	close(self->array);
}

static void check_contents(struct __test_metadata *_metadata,
			   FIXTURE_DATA(filled) *self)
{
	struct bpf_map_info info;
	__u32 k, next, count = 0;
	void *prev = NULL;
	char buf[8];

	for (k = 0; k < NR_HASH; k++) {
		struct hval v = hval_of(k), out;

		if (k % 4 == 3) {
			EXPECT_ERRNO(ENOENT, sys_map_lookup(self->hash, &k, &out,
							    0));
			continue;
		}
		ASSERT_OK(sys_map_lookup(self->hash, &k, &out, 0));
		EXPECT_EQ(0, memcmp(&v, &out, sizeof(v))) {
			TH_LOG("hash key %u changed", k);
		}
	}
	while (!sys_map_next_key(self->hash, prev, &next)) {
		ASSERT_GT(NR_HASH + 1, ++count);
		k = next;
		prev = &k;
	}
	EXPECT_EQ(NR_HASH - NR_HASH / 4, count);

	for (k = 0; k < NR_ARRAY; k++) {
		__u64 out;

		ASSERT_OK(sys_map_lookup(self->array, &k, &out, 0));
		EXPECT_EQ(0xa5a5000000000000ULL | k, out) {
			TH_LOG("array slot %u changed", k);
		}
	}

	ASSERT_OK(sys_map_info(self->hash, &info));
	EXPECT_EQ(self->hash_id, info.id);
	EXPECT_EQ(NR_HASH, info.max_entries);
	EXPECT_EQ(sizeof(struct hval), info.value_size);
	EXPECT_EQ(0, info.map_flags);
	ASSERT_OK(fdinfo_get(self->hash, "frozen", buf, sizeof(buf)));
	EXPECT_STREQ("0", buf);
	ASSERT_OK(sys_map_info(self->array, &info));
	EXPECT_EQ(self->array_id, info.id);
	ASSERT_OK(fdinfo_get(self->array, "frozen", buf, sizeof(buf)));
	EXPECT_STREQ("0", buf);
}

TEST_F(filled, targeted_garbage)
{
	void *kern = (void *)0xffff888000000000ULL;
	void *bad = self->unmapped;
	__u32 k = 5, oob = NR_ARRAY, missing = 3;
	struct hval v = { 1, 2 };
	char attrbuf[2 * sizeof(union bpf_attr)];
	union bpf_attr *attr = (union bpf_attr *)attrbuf;
	long taint = kernel_taint();
	int fd;

	/* Writes that must not happen. */
	EXPECT_ERRNO(EINVAL, sys_map_update(self->hash, &k, &v, 3));
	EXPECT_ERRNO(EINVAL, sys_map_update(self->hash, &k, &v, BPF_F_LOCK));
	EXPECT_ERRNO(EEXIST, sys_map_update(self->hash, &k, &v, BPF_NOEXIST));
	EXPECT_ERRNO(ENOENT, sys_map_update(self->hash, &missing, &v,
					    BPF_EXIST));
	EXPECT_ERRNO(EFAULT, sys_map_update(self->hash, &k, bad, BPF_ANY));
	EXPECT_ERRNO(EFAULT, sys_map_update(self->hash, &k, kern, BPF_ANY));
	EXPECT_ERRNO(EFAULT, sys_map_update(self->hash, bad, &v, BPF_ANY));
	EXPECT_ERRNO(EFAULT, sys_map_update(self->hash, kern, &v, BPF_ANY));
	EXPECT_ERRNO(EINVAL, sys_map_update(self->array, &k, &v, 4));
	EXPECT_ERRNO(E2BIG, sys_map_update(self->array, &oob, &v, BPF_ANY));
	EXPECT_ERRNO(EEXIST, sys_map_update(self->array, &k, &v, BPF_NOEXIST));
	EXPECT_ERRNO(EFAULT, sys_map_update(self->array, &k, kern, BPF_ANY));

	/* Deletes that must not happen. */
	EXPECT_ERRNO(EFAULT, sys_map_delete(self->hash, bad));
	EXPECT_ERRNO(EFAULT, sys_map_delete(self->hash, kern));
	EXPECT_ERRNO(ENOENT, sys_map_delete(self->hash, &missing));
	EXPECT_ERRNO(EINVAL, sys_map_delete(self->array, &k));
	EXPECT_ERRNO(EINVAL, sys_map_lookup_and_delete(self->hash, &k, &v, 8));
	EXPECT_ERRNO(EFAULT, sys_map_lookup_and_delete(self->hash, bad, &v, 0));
	EXPECT_ERRNO(ENOTSUPP, sys_map_lookup_and_delete(self->array, &k, &v,
							 0));

	/* Reads into places they must not write. */
	EXPECT_ERRNO(EFAULT, sys_map_lookup(self->hash, &k, kern, 0));
	EXPECT_ERRNO(EFAULT, sys_map_lookup(self->array, &k, kern, 0));
	EXPECT_ERRNO(EFAULT, sys_map_next_key(self->hash, NULL, kern));
	{
		__u32 len = sizeof(struct bpf_map_info);

		EXPECT_ERRNO(EFAULT, sys_obj_info(self->hash, kern, &len));
	}

	/* The right fd with stray bytes in fields the command ignores. */
	memset(attrbuf, 0, sizeof(attrbuf));
	attr->map_fd = self->hash;
	attr->key = ptr_to_u64(&k);
	attr->value = ptr_to_u64(&v);
	attrbuf[40] = 1;
	EXPECT_ERRNO(EINVAL, sys_bpf(BPF_MAP_UPDATE_ELEM, attr,
				     sizeof(union bpf_attr)));
	attrbuf[40] = 0;
	attrbuf[sizeof(union bpf_attr) + 1] = 1;
	EXPECT_ERRNO(E2BIG, sys_bpf(BPF_MAP_UPDATE_ELEM, attr,
				    sizeof(attrbuf)));
	EXPECT_ERRNO(E2BIG, sys_bpf(BPF_MAP_DELETE_ELEM, attr,
				    sizeof(attrbuf)));
	attrbuf[sizeof(union bpf_attr) + 1] = 0;
	attr->value = 0;
	attr->flags = 1;
	EXPECT_ERRNO(EINVAL, sys_bpf(BPF_MAP_DELETE_ELEM, attr,
				     sizeof(union bpf_attr)));

	/* Freezing with junk after map_fd is refused, the map stays writable. */
	memset(attrbuf, 0, sizeof(attrbuf));
	attr->map_fd = self->array;
	attrbuf[8] = 1;
	EXPECT_ERRNO(EINVAL, sys_bpf(BPF_MAP_FREEZE, attr,
				     sizeof(union bpf_attr)));
	EXPECT_ERRNO(EFAULT, sys_bpf(BPF_MAP_FREEZE, bad,
				     sizeof(union bpf_attr)));

	/* Ids of live maps asked for in ways that must not work. */
	EXPECT_ERRNO(EINVAL, sys_map_fd_by_id(self->hash_id, 3 << 3));
	EXPECT_ERRNO(EINVAL, sys_map_fd_by_id(self->hash_id, 1U << 31));

	/* Unknown commands aimed at the maps. */
	memset(attrbuf, 0, sizeof(attrbuf));
	attr->map_fd = self->hash;
	attr->key = ptr_to_u64(&k);
	EXPECT_ERRNO(EINVAL, sys_bpf(9999, attr, sizeof(union bpf_attr)));
	EXPECT_ERRNO(EINVAL, sys_bpf(-2, attr, sizeof(union bpf_attr)));

	/* Creates that fail leave the existing maps alone too. */
	fd = sys_map_create(BPF_MAP_TYPE_HASH, 0, 0, 0, 0xffffffff);
	EXPECT_EQ(-1, fd);

	check_contents(_metadata, self);
	EXPECT_EQ(taint & TAINT_WARN_BIT, kernel_taint() & TAINT_WARN_BIT);
}

static __u32 xorshift(__u32 *s)
{
	__u32 x = *s;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	return *s = x;
}

/* A pointer that is NULL, unmapped, kernel, misaligned or garbage. */
static __u64 bad_ptr(__u32 *seed, void *unmapped)
{
	switch (xorshift(seed) % 6) {
	case 0:
		return 0;
	case 1:
		return ptr_to_u64(unmapped);
	case 2:
		return 0xffff888000000000ULL + (xorshift(seed) & ~7U);
	case 3:
		return 0xffffffffffffffffULL - (xorshift(seed) & 0xfff);
	case 4:
		return xorshift(seed) & 0xffff;
	default:
		return (__u64)xorshift(seed) << 32 | 0x8000000000000000ULL;
	}
}

TEST_F_TIMEOUT(filled, random_garbage, 300)
{
	static const int cmds[] = {
		BPF_MAP_CREATE, BPF_MAP_LOOKUP_ELEM, BPF_MAP_UPDATE_ELEM,
		BPF_MAP_DELETE_ELEM, BPF_MAP_GET_NEXT_KEY,
		BPF_MAP_LOOKUP_AND_DELETE_ELEM, BPF_MAP_FREEZE,
		BPF_MAP_GET_NEXT_ID, BPF_MAP_GET_FD_BY_ID,
		BPF_OBJ_GET_INFO_BY_FD, 77, 9999, -1,
	};
	unsigned char buf[PAGE_SIZE];
	long taint = kernel_taint();
	__u32 seed = 0xfeedbeef;
	int i, j, unexpected = 0, victim;

	/*
	 * FREEZE needs nothing but map_fd, so short random sizes can make it
	 * succeed: aim it at a map of its own.
	 */
	ASSERT_FD(victim, sys_map_create(BPF_MAP_TYPE_ARRAY, 4, 8, 1, 0));

	for (i = 0; i < FUZZ_CALLS; i++) {
		union bpf_attr *attr = (union bpf_attr *)buf;
		int cmd = cmds[xorshift(&seed) % ARRAY_SIZE(cmds)];
		unsigned int size;
		long ret;

		for (j = 0; j < (int)sizeof(union bpf_attr) + 64; j++)
			buf[j] = xorshift(&seed);
		/* Mostly a plausible size, sometimes anything up to a page. */
		switch (xorshift(&seed) % 4) {
		case 0:
			size = xorshift(&seed) % (sizeof(union bpf_attr) + 64);
			break;
		case 1:
			size = xorshift(&seed) % PAGE_SIZE;
			break;
		default:
			size = sizeof(union bpf_attr);
			break;
		}
		/* Aim element commands at our maps, with pointers that fault. */
		switch (cmd) {
		case BPF_MAP_LOOKUP_ELEM:
		case BPF_MAP_UPDATE_ELEM:
		case BPF_MAP_DELETE_ELEM:
		case BPF_MAP_GET_NEXT_KEY:
		case BPF_MAP_LOOKUP_AND_DELETE_ELEM:
		case BPF_MAP_FREEZE:
			attr->map_fd = xorshift(&seed) % 2 ? self->hash :
							     self->array;
			if (cmd == BPF_MAP_FREEZE)
				attr->map_fd = victim;
			attr->key = bad_ptr(&seed, self->unmapped);
			attr->value = bad_ptr(&seed, self->unmapped);
			if (xorshift(&seed) % 2)
				attr->flags = 0;
			break;
		case BPF_OBJ_GET_INFO_BY_FD:
			attr->info.bpf_fd = xorshift(&seed) % 2 ? self->hash :
								  self->array;
			attr->info.info = bad_ptr(&seed, self->unmapped);
			break;
		case BPF_MAP_GET_NEXT_ID:
		case BPF_MAP_GET_FD_BY_ID:
			/* Both write to or open real objects when valid. */
			if (xorshift(&seed) % 2)
				attr->map_id = xorshift(&seed) % 4 ?
					       self->hash_id : 0;
			break;
		}
		if (size > sizeof(union bpf_attr))
			memset(buf + sizeof(union bpf_attr), 0,
			       PAGE_SIZE - sizeof(union bpf_attr));
		/* Half of the time make the tail non-zero again. */
		if (size > sizeof(union bpf_attr) && xorshift(&seed) % 2)
			buf[size - 1] = 1;

		errno = 0;
		ret = sys_bpf(cmd, attr, size);
		if (ret >= 0 && (cmd == BPF_MAP_CREATE ||
				 cmd == BPF_MAP_GET_FD_BY_ID)) {
			close(ret);
			continue;
		}
		/*
		 * Valid outcomes of random input: failure, or a harmless
		 * success (a walk step, or zero-length info). Any success
		 * of a call that could write to our maps would be a bug.
		 */
		if (ret == 0 && (cmd == BPF_MAP_UPDATE_ELEM ||
				 cmd == BPF_MAP_DELETE_ELEM ||
				 cmd == BPF_MAP_LOOKUP_AND_DELETE_ELEM)) {
			if (unexpected++ < 5)
				TH_LOG("call %d: cmd %d succeeded", i, cmd);
		}
		if (ret < -1 || ret > 0) {
			if (unexpected++ < 5)
				TH_LOG("call %d: cmd %d returned %ld", i, cmd,
				       ret);
		}
	}
	EXPECT_EQ(0, unexpected);
	close(victim);
	check_contents(_metadata, self);
	EXPECT_EQ(taint & TAINT_WARN_BIT, kernel_taint() & TAINT_WARN_BIT);
}

TEST_HARNESS_MAIN
