// SPDX-License-Identifier: GPL-2.0
/*
 * A clang-built program (bpf/events.bpf.c) loaded by unmodified libbpf
 * writes every run to a ring buffer and a perf buffer; libbpf's own
 * readers (ring_buffer__poll, perf_buffer__poll) consume them. Runs are
 * BPF_PROG_TEST_RUN of a raw tracepoint on this (pinned) CPU.
 */
#include <libgen.h>
#include <sched.h>
#include <sys/prctl.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include <kselftest_harness.h>

#include "xbpf_test.h"
#include "bpf/events.h"

#define RUNS	200

struct seen {
	__u64 next_seq;
	int count;
	int bad;
	int lost;
};

static int check_event(struct seen *s, const void *data, size_t size)
{
	const struct event *e = data;
	char comm[16];

	prctl(PR_GET_NAME, comm);
	if (size < sizeof(*e) || e->seq != s->next_seq ||
	    e->pid != (__u32)getpid() || e->tid != (__u32)gettid() ||
	    strcmp(e->comm, comm))
		s->bad++;
	s->next_seq = e->seq + 1;
	s->count++;
	return 0;
}

static int on_ringbuf(void *ctx, void *data, size_t size)
{
	return check_event(ctx, data, size);
}

static void on_sample(void *ctx, int cpu, void *data, __u32 size)
{
	(void)cpu;
	check_event(ctx, data, size);
}

static void on_lost(void *ctx, int cpu, __u64 cnt)
{
	struct seen *s = ctx;

	(void)cpu;
	s->lost += cnt;
}

static struct bpf_object *open_events(struct __test_metadata *_metadata)
{
	char exe[4096], path[4200];
	struct bpf_object *obj;
	ssize_t n;

	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n <= 0)
		return NULL;
	exe[n] = '\0';
	snprintf(path, sizeof(path), "%s/events.bpf.o", dirname(exe));
	obj = bpf_object__open_file(path, NULL);
	EXPECT_NE(NULL, obj) TH_LOG("open %s", path);
	return obj;
}

TEST(ring_and_perf_buffers_through_libbpf)
{
	struct seen rs = { 0 }, ps = { 0 };
	struct perf_buffer *pbuf;
	struct ring_buffer *rbuf;
	struct bpf_object *obj;
	struct bpf_program *prog;
	__u64 ctx[1] = { 0 };
	cpu_set_t set;
	int i, err, prog_fd;
	LIBBPF_OPTS(bpf_test_run_opts, opts, .ctx_in = ctx,
		    .ctx_size_in = sizeof(ctx));

	/* BPF_F_CURRENT_CPU: the event of the CPU the run is on */
	CPU_ZERO(&set);
	CPU_SET(0, &set);
	ASSERT_EQ(0, sched_setaffinity(0, sizeof(set), &set));
	ASSERT_EQ(0, prctl(PR_SET_NAME, "xbpf-events"));

	obj = open_events(_metadata);
	ASSERT_NE(NULL, obj);
	ASSERT_EQ(0, bpf_object__load(obj));
	prog = bpf_object__find_program_by_name(obj, "emit");
	ASSERT_NE(NULL, prog);
	prog_fd = bpf_program__fd(prog);

	rbuf = ring_buffer__new(bpf_object__find_map_fd_by_name(obj, "rb"),
				on_ringbuf, &rs, NULL);
	ASSERT_NE(NULL, rbuf) TH_LOG("ring_buffer__new: %s",
				     strerror(errno));
	pbuf = perf_buffer__new(bpf_object__find_map_fd_by_name(obj, "pb"), 8,
				on_sample, on_lost, &ps, NULL);
	ASSERT_NE(NULL, pbuf) TH_LOG("perf_buffer__new: %s",
				     strerror(errno));

	for (i = 0; i < RUNS; i++) {
		err = bpf_prog_test_run_opts(prog_fd, &opts);
		ASSERT_EQ(0, err) TH_LOG("test run %d: %s", i, strerror(errno));
		ASSERT_EQ(0, opts.retval);
		/* keep both buffers from filling */
		if (i % 16 == 15) {
			ring_buffer__consume(rbuf);
			perf_buffer__consume(pbuf);
		}
	}
	for (i = 0; i < 50 && (rs.count < RUNS || ps.count < RUNS); i++) {
		ring_buffer__poll(rbuf, 20);
		perf_buffer__poll(pbuf, 20);
	}
	EXPECT_EQ(RUNS, rs.count);
	EXPECT_EQ(0, rs.bad);
	EXPECT_EQ(RUNS, ps.count);
	EXPECT_EQ(0, ps.bad);
	EXPECT_EQ(0, ps.lost);

	perf_buffer__free(pbuf);
	ring_buffer__free(rbuf);
	bpf_object__close(obj);
}

/* Nobody consumes: the perf buffer reports what it dropped. */
TEST(perf_buffer_reports_lost_samples)
{
	struct seen ps = { 0 };
	struct perf_buffer *pbuf;
	struct bpf_object *obj;
	__u64 ctx[1] = { 0 };
	cpu_set_t set;
	int i, prog_fd;
	LIBBPF_OPTS(bpf_test_run_opts, opts, .ctx_in = ctx,
		    .ctx_size_in = sizeof(ctx));

	CPU_ZERO(&set);
	CPU_SET(0, &set);
	ASSERT_EQ(0, sched_setaffinity(0, sizeof(set), &set));
	obj = open_events(_metadata);
	ASSERT_NE(NULL, obj);
	ASSERT_EQ(0, bpf_object__load(obj));
	prog_fd = bpf_program__fd(bpf_object__find_program_by_name(obj,
								  "emit"));
	/* one page: 4096 / 48 = 85 records fit */
	pbuf = perf_buffer__new(bpf_object__find_map_fd_by_name(obj, "pb"), 1,
				on_sample, on_lost, &ps, NULL);
	ASSERT_NE(NULL, pbuf);
	for (i = 0; i < 100; i++)
		ASSERT_EQ(0, bpf_prog_test_run_opts(prog_fd, &opts));
	for (i = 0; i < 5; i++)
		perf_buffer__poll(pbuf, 20);
	EXPECT_EQ(85, ps.count);
	EXPECT_EQ(0, ps.bad);
	/* one more run after draining: the LOST record comes first */
	ASSERT_EQ(0, bpf_prog_test_run_opts(prog_fd, &opts));
	for (i = 0; i < 5; i++)
		perf_buffer__poll(pbuf, 20);
	EXPECT_EQ(15, ps.lost);
	EXPECT_EQ(86, ps.count);
	perf_buffer__free(pbuf);
	bpf_object__close(obj);
}

TEST_HARNESS_MAIN
