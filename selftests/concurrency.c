// SPDX-License-Identifier: GPL-2.0
/*
 * Concurrent use of maps and of their descriptors: many threads on one map,
 * descriptors closed and reused while other threads are using them, and
 * create/close cycles that must not leak ids.
 *
 * Threads never use the harness's ASSERT/EXPECT (they longjmp into the
 * main thread's context); they count failures and keep the first message,
 * and the main thread checks those after joining.
 *
 * Iteration counts are small because the suite also runs under TCG
 * emulation, where every syscall is slow.
 */
#include <dirent.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdarg.h>

#include <kselftest_harness.h>

#include "xbpf_test.h"

#define NR_THREADS	4
#define KEYS_PER_THREAD	48
#define OPS_PER_THREAD	3000

struct failure {
	atomic_int count;
	pthread_mutex_t lock;
	char first[256];
};

static void fail(struct failure *f, const char *fmt, ...)
{
	va_list ap;

	if (atomic_fetch_add(&f->count, 1))
		return;
	pthread_mutex_lock(&f->lock);
	va_start(ap, fmt);
	vsnprintf(f->first, sizeof(f->first), fmt, ap);
	va_end(ap);
	pthread_mutex_unlock(&f->lock);
}

static void failure_init(struct failure *f)
{
	atomic_init(&f->count, 0);
	pthread_mutex_init(&f->lock, NULL);
	f->first[0] = '\0';
}

static __u32 xorshift(__u32 *s)
{
	__u32 x = *s;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	return *s = x;
}

/* A value that names its key and generation, with a checksum over both. */
struct val {
	__u32 key;
	__u32 gen;
	__u64 w[5];
};

static struct val make_val(__u32 key, __u32 gen)
{
	struct val v;
	int i;

	v.key = key;
	v.gen = gen;
	for (i = 0; i < 5; i++)
		v.w[i] = ((__u64)key << 32 | gen) * 0x9e3779b97f4a7c15ULL + i;
	return v;
}

struct hash_ctx {
	int fd;
	int idx;
	struct failure *fail;
	/* The owner's view of its own keys. */
	bool present[KEYS_PER_THREAD];
	__u32 gen[KEYS_PER_THREAD];
};

static __u32 owned_key(int thread, int i)
{
	return thread * 1000 + i;
}

/*
 * Each thread owns a set of keys and checks every result on them exactly:
 * nobody else writes them, so the outcome is fully determined. Lookups of
 * other threads' keys only check the return code: in 6.1 a deleted hash
 * element may be recycled at once, so a racing reader can see a slot
 * being rewritten for some other key, and no content promise exists.
 */
static void *hash_worker(void *arg)
{
	struct hash_ctx *c = arg;
	__u32 seed = 0x12345 + c->idx * 7919;
	int op;

	for (op = 0; op < OPS_PER_THREAD; op++) {
		int i = xorshift(&seed) % KEYS_PER_THREAD;
		__u32 key = owned_key(c->idx, i);
		struct val v, out;
		int ret, err, kind = xorshift(&seed) % 8;

		switch (kind) {
		case 0: /* update BPF_ANY */
		case 1: /* update BPF_NOEXIST */
		case 2: /* update BPF_EXIST */
			v = make_val(key, c->gen[i] + 1);
			ret = sys_map_update(c->fd, &key, &v,
					     kind == 0 ? BPF_ANY :
					     kind == 1 ? BPF_NOEXIST : BPF_EXIST);
			err = ret ? errno : 0;
			if ((kind == 0) ||
			    (kind == 1 && !c->present[i]) ||
			    (kind == 2 && c->present[i])) {
				if (ret) {
					fail(c->fail, "update %u kind %d: %s",
					     key, kind, errno_str(err));
					break;
				}
				c->present[i] = true;
				c->gen[i]++;
			} else if (!ret || err != (kind == 1 ? EEXIST : ENOENT)) {
				fail(c->fail, "update %u kind %d present %d: %s",
				     key, kind, c->present[i],
				     ret ? errno_str(err) : "succeeded");
			}
			break;
		case 3: /* lookup */
		case 4: /* lookup_and_delete */
			memset(&out, 0, sizeof(out));
			ret = kind == 3 ?
			      sys_map_lookup(c->fd, &key, &out, 0) :
			      sys_map_lookup_and_delete(c->fd, &key, &out, 0);
			err = ret ? errno : 0;
			if (!c->present[i]) {
				if (!ret || err != ENOENT)
					fail(c->fail, "lookup %u absent: %s", key,
					     ret ? errno_str(err) : "found");
				break;
			}
			v = make_val(key, c->gen[i]);
			if (ret)
				fail(c->fail, "lookup %u: %s", key,
				     errno_str(err));
			else if (memcmp(&v, &out, sizeof(v)))
				fail(c->fail,
				     "lookup %u: value of key %u gen %u, want gen %u",
				     key, out.key, out.gen, c->gen[i]);
			if (kind == 4 && !ret)
				c->present[i] = false;
			break;
		case 5: /* delete */
			ret = sys_map_delete(c->fd, &key);
			err = ret ? errno : 0;
			if (c->present[i] ? ret != 0 : (!ret || err != ENOENT))
				fail(c->fail, "delete %u present %d: %s", key,
				     c->present[i],
				     ret ? errno_str(err) : "succeeded");
			if (!ret)
				c->present[i] = false;
			break;
		case 6: { /* someone else's key */
			int other = xorshift(&seed) % NR_THREADS;
			__u32 okey = owned_key(other,
					       xorshift(&seed) % KEYS_PER_THREAD);

			ret = sys_map_lookup(c->fd, &okey, &out, 0);
			if (ret && errno != ENOENT)
				fail(c->fail, "foreign lookup %u: %s", okey,
				     errno_str(errno));
			break;
		}
		case 7: { /* a step of a walk */
			__u32 next;

			ret = sys_map_next_key(c->fd, &key, &next);
			if (ret && errno != ENOENT)
				fail(c->fail, "next_key %u: %s", key,
				     errno_str(errno));
			break;
		}
		}
	}
	return NULL;
}

FIXTURE(conc) {
	int fd;
};

FIXTURE_VARIANT(conc) {
	__u32 flags;
};

FIXTURE_VARIANT_ADD(conc, prealloc) { .flags = 0 };
FIXTURE_VARIANT_ADD(conc, no_prealloc) { .flags = BPF_F_NO_PREALLOC };

FIXTURE_SETUP(conc)
{
	/*
	 * Room to spare: with BPF_F_NO_PREALLOC a replace briefly holds two
	 * elements, which could make a full map refuse another thread's
	 * legitimate insert.
	 */
	ASSERT_FD(self->fd, sys_map_create(BPF_MAP_TYPE_HASH, 4,
					   sizeof(struct val),
					   NR_THREADS * KEYS_PER_THREAD + 16,
					   variant->flags));
}

FIXTURE_TEARDOWN(conc)
{
	close(self->fd);
}

TEST_F_TIMEOUT(conc, hash_threads, 300)
{
	static struct hash_ctx ctx[NR_THREADS];
	pthread_t th[NR_THREADS];
	struct failure f;
	int i, j, expected = 0, seen = 0;
	__u32 key, next;
	void *prev = NULL;

	failure_init(&f);
	memset(ctx, 0, sizeof(ctx));
	for (i = 0; i < NR_THREADS; i++) {
		ctx[i].fd = self->fd;
		ctx[i].idx = i;
		ctx[i].fail = &f;
		ASSERT_EQ(0, pthread_create(&th[i], NULL, hash_worker, &ctx[i]));
	}
	for (i = 0; i < NR_THREADS; i++)
		pthread_join(th[i], NULL);
	EXPECT_EQ(0, atomic_load(&f.count)) {
		TH_LOG("%d failures, first: %s", atomic_load(&f.count),
		       f.first);
	}

	/* The map now holds exactly what the owners think it holds. */
	for (i = 0; i < NR_THREADS; i++)
		for (j = 0; j < KEYS_PER_THREAD; j++)
			expected += ctx[i].present[j];
	while (!sys_map_next_key(self->fd, prev, &next)) {
		struct val out, want;
		int t = next / 1000, k = next % 1000;

		ASSERT_GT(NR_THREADS * KEYS_PER_THREAD + 1, ++seen);
		ASSERT_LT(t, NR_THREADS);
		ASSERT_LT(k, KEYS_PER_THREAD);
		EXPECT_TRUE(ctx[t].present[k]) {
			TH_LOG("key %u in map but deleted", next);
		}
		ASSERT_OK(sys_map_lookup(self->fd, &next, &out, 0));
		want = make_val(next, ctx[t].gen[k]);
		EXPECT_EQ(0, memcmp(&want, &out, sizeof(want))) {
			TH_LOG("key %u: gen %u, want %u", next, out.gen,
			       ctx[t].gen[k]);
		}
		key = next;
		prev = &key;
	}
	EXPECT_EQ(ENOENT, errno);
	EXPECT_EQ(expected, seen);
}

/* Array slots are updated in place, so here too only owners check content. */
struct array_ctx {
	int fd;
	int idx;
	struct failure *fail;
	__u32 gen[KEYS_PER_THREAD];
};

static void *array_worker(void *arg)
{
	struct array_ctx *c = arg;
	__u32 seed = 0x777 + c->idx * 31;
	int op;

	for (op = 0; op < OPS_PER_THREAD; op++) {
		int i = xorshift(&seed) % KEYS_PER_THREAD;
		__u32 key = c->idx * KEYS_PER_THREAD + i;
		struct val v, out;

		switch (xorshift(&seed) % 3) {
		case 0:
			v = make_val(key, c->gen[i] + 1);
			if (sys_map_update(c->fd, &key, &v, BPF_ANY))
				fail(c->fail, "update %u: %s", key,
				     errno_str(errno));
			else
				c->gen[i]++;
			break;
		case 1:
			if (sys_map_lookup(c->fd, &key, &out, 0)) {
				fail(c->fail, "lookup %u: %s", key,
				     errno_str(errno));
				break;
			}
			v = c->gen[i] ? make_val(key, c->gen[i]) :
					(struct val){ 0 };
			if (memcmp(&v, &out, sizeof(v)))
				fail(c->fail, "slot %u holds key %u gen %u",
				     key, out.key, out.gen);
			break;
		case 2: {
			__u32 other = xorshift(&seed) %
				      (NR_THREADS * KEYS_PER_THREAD + 4);

			if (sys_map_lookup(c->fd, &other, &out, 0) &&
			    !(errno == ENOENT &&
			      other >= NR_THREADS * KEYS_PER_THREAD))
				fail(c->fail, "foreign lookup %u: %s", other,
				     errno_str(errno));
			break;
		}
		}
	}
	return NULL;
}

FIXTURE(slow) {
	int unused;
};

FIXTURE_SETUP(slow)
{
	self->unused = 0;
}

FIXTURE_TEARDOWN(slow)
{
}

TEST_F_TIMEOUT(slow, array_threads, 300)
{
	static struct array_ctx ctx[NR_THREADS];
	pthread_t th[NR_THREADS];
	struct failure f;
	struct val out, want;
	__u32 key;
	int fd, i, j;

	ASSERT_FD(fd, sys_map_create(BPF_MAP_TYPE_ARRAY, 4, sizeof(struct val),
				     NR_THREADS * KEYS_PER_THREAD, 0));
	failure_init(&f);
	memset(ctx, 0, sizeof(ctx));
	for (i = 0; i < NR_THREADS; i++) {
		ctx[i].fd = fd;
		ctx[i].idx = i;
		ctx[i].fail = &f;
		ASSERT_EQ(0, pthread_create(&th[i], NULL, array_worker, &ctx[i]));
	}
	for (i = 0; i < NR_THREADS; i++)
		pthread_join(th[i], NULL);
	EXPECT_EQ(0, atomic_load(&f.count)) {
		TH_LOG("%d failures, first: %s", atomic_load(&f.count),
		       f.first);
	}
	for (i = 0; i < NR_THREADS; i++) {
		for (j = 0; j < KEYS_PER_THREAD; j++) {
			key = i * KEYS_PER_THREAD + j;
			ASSERT_OK(sys_map_lookup(fd, &key, &out, 0));
			want = ctx[i].gen[j] ? make_val(key, ctx[i].gen[j]) :
					       (struct val){ 0 };
			EXPECT_EQ(0, memcmp(&want, &out, sizeof(want)));
		}
	}
	close(fd);
}

/*
 * Descriptors closed under other threads' feet. The fd numbers readers use
 * get closed and immediately reused by new maps or by /dev/null, so any
 * call may land on a dead fd, a different map or a non-map file; each must
 * still return a sane answer for that case, and nothing may crash.
 */
#define NR_SLOTS	4
#define CLOSE_CYCLES	400

struct race_ctx {
	atomic_int fds[NR_SLOTS];
	atomic_bool stop;
	struct failure fail;
	atomic_long calls;
};

static void *race_reader(void *arg)
{
	struct race_ctx *c = arg;
	__u32 seed = 0xabcdef ^ (__u32)(uintptr_t)&seed;

	while (!atomic_load(&c->stop)) {
		int fd = atomic_load(&c->fds[xorshift(&seed) % NR_SLOTS]);
		__u32 key = xorshift(&seed) % 8, next;
		/* Big enough for any value size used below. */
		__u64 val[8] = { key };
		struct bpf_map_info info;
		int ret, err;

		switch (xorshift(&seed) % 5) {
		case 0:
			ret = sys_map_lookup(fd, &key, val, 0);
			err = errno;
			if (ret && err != ENOENT && err != EBADF && err != EINVAL)
				fail(&c->fail, "lookup: %s", errno_str(err));
			break;
		case 1:
			ret = sys_map_update(fd, &key, val, BPF_ANY);
			err = errno;
			if (ret && err != EBADF && err != EINVAL)
				fail(&c->fail, "update: %s", errno_str(err));
			break;
		case 2:
			ret = sys_map_delete(fd, &key);
			err = errno;
			if (ret && err != ENOENT && err != EBADF && err != EINVAL)
				fail(&c->fail, "delete: %s", errno_str(err));
			break;
		case 3:
			ret = sys_map_next_key(fd, &key, &next);
			err = errno;
			if (ret && err != ENOENT && err != EBADF && err != EINVAL)
				fail(&c->fail, "next_key: %s", errno_str(err));
			break;
		case 4:
			ret = sys_map_info(fd, &info);
			err = errno;
			if (ret && err != EBADFD && err != EINVAL)
				fail(&c->fail, "info: %s", errno_str(err));
			else if (!ret && info.type != BPF_MAP_TYPE_HASH)
				fail(&c->fail, "info: type %u", info.type);
			break;
		}
		atomic_fetch_add(&c->calls, 1);
	}
	return NULL;
}

static int new_slot_file(__u32 *seed, __u32 *ids, int *nids, int max)
{
	int fd;

	if (xorshift(seed) % 4 == 0)
		return open("/dev/null", O_RDONLY | O_CLOEXEC);
	fd = sys_map_create(BPF_MAP_TYPE_HASH, 4, 8, 8, 0);
	if (fd >= 0 && *nids < max)
		ids[(*nids)++] = map_id_of(fd);
	return fd;
}

TEST_F_TIMEOUT(slow, close_race, 300)
{
	static __u32 ids[CLOSE_CYCLES + NR_SLOTS], walk[4096];
	static struct race_ctx c;
	pthread_t th[3];
	__u32 seed = 99;
	int nids = 0, i, n;

	memset(&c, 0, sizeof(c));
	failure_init(&c.fail);
	for (i = 0; i < NR_SLOTS; i++) {
		int fd = new_slot_file(&seed, ids, &nids, ARRAY_SIZE(ids));

		ASSERT_LE(0, fd);
		atomic_store(&c.fds[i], fd);
	}
	for (i = 0; i < 3; i++)
		ASSERT_EQ(0, pthread_create(&th[i], NULL, race_reader, &c));

	for (i = 0; i < CLOSE_CYCLES; i++) {
		int slot = xorshift(&seed) % NR_SLOTS;
		int fd = atomic_load(&c.fds[slot]);

		close(fd);
		/* Give readers a chance to hit the dead descriptor. */
		if (i % 4 == 0)
			sched_yield();
		fd = new_slot_file(&seed, ids, &nids, ARRAY_SIZE(ids));
		if (fd < 0) {
			fail(&c.fail, "recreate: %s", errno_str(errno));
			break;
		}
		atomic_store(&c.fds[slot], fd);
	}
	atomic_store(&c.stop, true);
	for (i = 0; i < 3; i++)
		pthread_join(th[i], NULL);
	EXPECT_EQ(0, atomic_load(&c.fail.count)) {
		TH_LOG("%d bad results, first: %s",
		       atomic_load(&c.fail.count), c.fail.first);
	}
	TH_LOG("%ld calls raced with %d closes", atomic_load(&c.calls),
	       CLOSE_CYCLES);

	for (i = 0; i < NR_SLOTS; i++)
		close(atomic_load(&c.fds[i]));
	n = map_id_walk(walk, ARRAY_SIZE(walk));
	ASSERT_LE(0, n);
	for (i = 0; i < nids; i++)
		EXPECT_FALSE(id_in(walk, n, ids[i])) {
			TH_LOG("map id %u outlived its last fd", ids[i]);
		}
}

static int count_open_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	int n = 0;

	if (!d)
		return -1;
	while ((e = readdir(d)))
		if (e->d_name[0] != '.')
			n++;
	closedir(d);
	return n;
}

#define CYCLES 2000

TEST_F_TIMEOUT(slow, create_close_cycles, 300)
{
	static __u32 before[4096], after[4096];
	__u32 last = 0;
	int nb, na, i, fds_before;

	nb = map_id_walk(before, ARRAY_SIZE(before));
	ASSERT_LE(0, nb);
	fds_before = count_open_fds();

	for (i = 0; i < CYCLES; i++) {
		__u32 id;
		int fd;

		fd = sys_map_create(i % 2 ? BPF_MAP_TYPE_HASH :
				    BPF_MAP_TYPE_ARRAY, 4, 16, 64,
				    i % 3 ? 0 : BPF_F_NO_PREALLOC * (i % 2));
		ASSERT_LE(0, fd) {
			TH_LOG("cycle %d: %s", i, errno_str(errno));
		}
		id = map_id_of(fd);
		ASSERT_LT(last, id) {
			TH_LOG("cycle %d: id %u after %u", i, id, last);
		}
		last = id;
		close(fd);
	}

	na = map_id_walk(after, ARRAY_SIZE(after));
	ASSERT_LE(0, na);
	EXPECT_EQ(nb, na);
	EXPECT_EQ(0, memcmp(before, after, (nb < na ? nb : na) * 4));
	EXPECT_EQ(fds_before, count_open_fds());
}

struct cycle_ctx {
	int idx;
	struct failure *fail;
};

static void *cycle_worker(void *arg)
{
	struct cycle_ctx *c = arg;
	int i;

	for (i = 0; i < 250; i++) {
		int fd = sys_map_create(BPF_MAP_TYPE_HASH, 4, 8, 16, 0);
		__u32 k = c->idx;
		__u64 v = i;

		if (fd < 0) {
			fail(c->fail, "create: %s", errno_str(errno));
			return NULL;
		}
		if (sys_map_update(fd, &k, &v, BPF_ANY))
			fail(c->fail, "update: %s", errno_str(errno));
		if (!map_id_of(fd))
			fail(c->fail, "no id");
		close(fd);
	}
	return NULL;
}

TEST_F_TIMEOUT(slow, parallel_create_close, 300)
{
	static __u32 before[4096], after[4096];
	struct cycle_ctx ctx[NR_THREADS];
	pthread_t th[NR_THREADS];
	struct failure f;
	int nb, na, i;

	nb = map_id_walk(before, ARRAY_SIZE(before));
	ASSERT_LE(0, nb);
	failure_init(&f);
	for (i = 0; i < NR_THREADS; i++) {
		ctx[i].idx = i;
		ctx[i].fail = &f;
		ASSERT_EQ(0, pthread_create(&th[i], NULL, cycle_worker, &ctx[i]));
	}
	for (i = 0; i < NR_THREADS; i++)
		pthread_join(th[i], NULL);
	EXPECT_EQ(0, atomic_load(&f.count)) {
		TH_LOG("first failure: %s", f.first);
	}
	na = map_id_walk(after, ARRAY_SIZE(after));
	ASSERT_LE(0, na);
	EXPECT_EQ(nb, na);
	EXPECT_EQ(0, memcmp(before, after, (nb < na ? nb : na) * 4));
}

/*
 * GET_FD_BY_ID racing with the last close: each attempt either gets a
 * working fd or ENOENT, and once the map is gone it stays gone.
 */
struct byid_ctx {
	__u32 id;
	atomic_bool closed;
	atomic_int enoent_after_close;
	struct failure fail;
};

static void *byid_worker(void *arg)
{
	struct byid_ctx *c = arg;
	bool gone = false;
	long i;

	for (i = 0; i < 200000; i++) {
		int fd = sys_map_fd_by_id(c->id, 0);
		/* Read after the call: the flag is raised before close(). */
		bool closed = atomic_load(&c->closed);

		if (fd >= 0) {
			if (gone)
				fail(&c->fail, "id %u came back", c->id);
			if (map_id_of(fd) != c->id)
				fail(&c->fail, "fd for id %u has id %u", c->id,
				     map_id_of(fd));
			close(fd);
		} else if (errno != ENOENT) {
			fail(&c->fail, "fd_by_id: %s", errno_str(errno));
		} else {
			if (!closed)
				fail(&c->fail, "ENOENT while the map was open");
			gone = true;
			if (closed &&
			    atomic_fetch_add(&c->enoent_after_close, 1) > 50)
				break;
		}
	}
	return NULL;
}

TEST_F_TIMEOUT(slow, fd_by_id_vs_close, 300)
{
	static struct byid_ctx c;
	pthread_t th[2];
	int fd, i;

	memset(&c, 0, sizeof(c));
	failure_init(&c.fail);
	ASSERT_FD(fd, sys_map_create(BPF_MAP_TYPE_ARRAY, 4, 8, 1, 0));
	c.id = map_id_of(fd);
	for (i = 0; i < 2; i++)
		ASSERT_EQ(0, pthread_create(&th[i], NULL, byid_worker, &c));
	usleep(20000);
	atomic_store(&c.closed, true);
	close(fd);
	for (i = 0; i < 2; i++)
		pthread_join(th[i], NULL);
	EXPECT_EQ(0, atomic_load(&c.fail.count)) {
		TH_LOG("first failure: %s", c.fail.first);
	}
	EXPECT_LT(0, atomic_load(&c.enoent_after_close));
	EXPECT_ERRNO(ENOENT, sys_map_fd_by_id(c.id, 0));
}

/*
 * Freezing while other threads update: an update either lands before the
 * freeze or fails with EPERM after it; freeze itself may be told EBUSY
 * while an update is in flight, and eventually succeeds.
 */
struct freeze_ctx {
	int fd;
	int idx;
	atomic_bool *frozen;
	struct failure *fail;
	__u64 last_ok;
};

static void *freeze_updater(void *arg)
{
	struct freeze_ctx *c = arg;
	__u32 key = c->idx;
	__u64 v;

	for (v = 1; v < 1000000; v++) {
		bool was_frozen = atomic_load(c->frozen);

		if (sys_map_update(c->fd, &key, &v, BPF_ANY)) {
			if (errno != EPERM)
				fail(c->fail, "update: %s", errno_str(errno));
			return NULL;
		}
		if (was_frozen)
			fail(c->fail, "update succeeded after freeze");
		c->last_ok = v;
	}
	return NULL;
}

TEST_F_TIMEOUT(slow, freeze_vs_update, 300)
{
	struct freeze_ctx ctx[2];
	pthread_t th[2];
	atomic_bool frozen;
	struct failure f;
	int fd, i, busy = 0;
	__u64 out;

	ASSERT_FD(fd, sys_map_create(BPF_MAP_TYPE_ARRAY, 4, 8, 2, 0));
	failure_init(&f);
	atomic_init(&frozen, false);
	for (i = 0; i < 2; i++) {
		ctx[i] = (struct freeze_ctx){ .fd = fd, .idx = i,
					      .frozen = &frozen, .fail = &f };
		ASSERT_EQ(0, pthread_create(&th[i], NULL, freeze_updater,
					    &ctx[i]));
	}
	usleep(10000);
	for (;;) {
		if (!sys_map_freeze(fd))
			break;
		ASSERT_EQ(EBUSY, errno) {
			TH_LOG("freeze: %s", errno_str(errno));
		}
		ASSERT_GT(1000000, ++busy);
		sched_yield();
	}
	atomic_store(&frozen, true);
	for (i = 0; i < 2; i++)
		pthread_join(th[i], NULL);
	EXPECT_EQ(0, atomic_load(&f.count)) {
		TH_LOG("first failure: %s", f.first);
	}
	/* The map holds each thread's last successful update. */
	for (i = 0; i < 2; i++) {
		__u32 key = i;

		ASSERT_OK(sys_map_lookup(fd, &key, &out, 0));
		EXPECT_EQ(ctx[i].last_ok, out);
	}
	close(fd);
}

TEST_HARNESS_MAIN
