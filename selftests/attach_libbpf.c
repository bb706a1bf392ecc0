// SPDX-License-Identifier: GPL-2.0
/*
 * libbpf's own attach calls on clang-built objects:
 * bpf_program__attach_kprobe, __attach_tracepoint and
 * __attach_raw_tracepoint on build/examples/opencount.bpf.o, each counting
 * this process's openat() calls by name; bpf_program__attach_uprobe (by
 * offset and, through the opts, by function name), a uretprobe, and
 * bpf_program__attach_perf_event on a cpu-clock sampling event, on
 * build/selftests/probes.bpf.o. Natively they reach the kernel; under the
 * shim, xbpf, perf_event_open included.
 */
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/perf_event.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <time.h>

#include <kselftest_harness.h>

#include "xbpf_test.h"
#include "bpf/probes.h"

#define OBJ "build/examples/opencount.bpf.o"
#define N 100

static struct bpf_object *load_one(struct __test_metadata *_metadata,
				   const char *name, struct bpf_program **prog)
{
	struct bpf_object *obj;
	struct bpf_program *p;

	obj = bpf_object__open_file(OBJ, NULL);
	if (!obj)
		return NULL;
	*prog = bpf_object__find_program_by_name(obj, name);
	bpf_object__for_each_program(p, obj)
		bpf_program__set_autoload(p, p == *prog);
	EXPECT_OK(bpf_object__load(obj));
	return obj;
}

static __u64 my_count(struct bpf_object *obj)
{
	char key[16] = "attach-libbpf";
	__u64 v = 0;

	bpf_map_lookup_elem(bpf_map__fd(bpf_object__find_map_by_name(obj,
								      "opens")),
			    key, &v);
	return v;
}

static void opens(int n)
{
	int i;

	for (i = 0; i < n; i++)
		openat(AT_FDCWD, "/nonexistent-xbpf-libbpf", O_RDONLY);
}

FIXTURE(obj) {
	struct bpf_object *obj;
	struct bpf_program *prog;
};

FIXTURE_SETUP(obj)
{
	ASSERT_OK(prctl(PR_SET_NAME, "attach-libbpf"));
	self->obj = NULL;
}

FIXTURE_TEARDOWN(obj)
{
	bpf_object__close(self->obj);
}

static void check(struct __test_metadata *_metadata, struct bpf_object *obj,
		  struct bpf_link *link)
{
	__u64 before;

	ASSERT_NE(NULL, link) TH_LOG("attach: %s", errno_str(errno));
	opens(N);
	before = my_count(obj);
	EXPECT_EQ(N, before);
	bpf_link__destroy(link);
	opens(10);
	EXPECT_EQ(before, my_count(obj));
}

TEST_F(obj, attach_kprobe)
{
	self->obj = load_one(_metadata, "count_kprobe", &self->prog);
	ASSERT_NE(NULL, self->obj);
	check(_metadata, self->obj,
	      bpf_program__attach_kprobe(self->prog, false, "do_sys_openat2"));
}

TEST_F(obj, attach_tracepoint)
{
	self->obj = load_one(_metadata, "count_tracepoint", &self->prog);
	ASSERT_NE(NULL, self->obj);
	check(_metadata, self->obj,
	      bpf_program__attach_tracepoint(self->prog, "syscalls",
					     "sys_enter_openat"));
}

TEST_F(obj, attach_raw_tracepoint)
{
	self->obj = load_one(_metadata, "count_raw_tp", &self->prog);
	ASSERT_NE(NULL, self->obj);
	check(_metadata, self->obj,
	      bpf_program__attach_raw_tracepoint(self->prog, "sys_enter"));
}

/* bpf_program__attach() finds the hook from the section name */
TEST_F(obj, attach_by_section)
{
	self->obj = load_one(_metadata, "count_tracepoint", &self->prog);
	ASSERT_NE(NULL, self->obj);
	check(_metadata, self->obj, bpf_program__attach(self->prog));
}

#define PROBES_OBJ "build/selftests/probes.bpf.o"
#define CALLS 50
#define PERIOD 100000	/* ns of cpu-clock between samples */

__attribute__((noinline, used)) int xbpf_libbpf_uprobe_target(int x)
{
	asm volatile("" : "+r"(x));
	return x * 2 + 1;
}

/* The file and offset of code at addr, from /proc/self/maps. */
static int code_location(void *addr, char *path, size_t len, size_t *offset)
{
	unsigned long a = (unsigned long)addr, start, end, pgoff;
	char line[512], perms[8];
	FILE *f = fopen("/proc/self/maps", "re");
	int found = -1;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		int pos = 0;

		if (sscanf(line, "%lx-%lx %7s %lx %*s %*s %n", &start, &end,
			   perms, &pgoff, &pos) < 4 || !pos)
			continue;
		if (a < start || a >= end)
			continue;
		line[strcspn(line, "\n")] = '\0';
		snprintf(path, len, "%s", line + pos);
		*offset = a - start + pgoff;
		found = 0;
		break;
	}
	fclose(f);
	return found;
}

/* probes.bpf.o with only prog loaded, counting for this process */
static struct bpf_object *load_probe(struct __test_metadata *_metadata,
				     const char *name,
				     struct bpf_program **prog)
{
	struct bpf_object *obj;
	struct bpf_program *p;
	__u32 tgid = getpid();
	struct bpf_map *bss;

	obj = bpf_object__open_file(PROBES_OBJ, NULL);
	if (!obj)
		return NULL;
	*prog = bpf_object__find_program_by_name(obj, name);
	bpf_object__for_each_program(p, obj)
		bpf_program__set_autoload(p, p == *prog);
	bss = bpf_object__find_map_by_name(obj, ".bss");
	EXPECT_NE(NULL, bss);
	if (bss)
		EXPECT_OK(bpf_map__set_initial_value(bss, &tgid, sizeof(tgid)));
	EXPECT_OK(bpf_object__load(obj));
	return obj;
}

static struct probe_seen probe_seen(struct bpf_object *obj,
				    enum probe_slot slot)
{
	struct probe_seen s;
	__u32 key = slot;

	memset(&s, 0xff, sizeof(s));
	bpf_map_lookup_elem(bpf_map__fd(bpf_object__find_map_by_name(obj,
								      "seen")),
			    &key, &s);
	return s;
}

static void call_target(int n)
{
	int i;

	for (i = 0; i < n; i++)
		xbpf_libbpf_uprobe_target(1000 + i);
}

/* uprobe by file offset, for this process: sees the first argument */
TEST_F(obj, attach_uprobe)
{
	struct bpf_link *link;
	char path[256];
	size_t offset;

	self->obj = load_probe(_metadata, "on_entry", &self->prog);
	ASSERT_NE(NULL, self->obj);
	ASSERT_OK(code_location((void *)xbpf_libbpf_uprobe_target, path,
				sizeof(path), &offset));
	link = bpf_program__attach_uprobe(self->prog, false, 0, path, offset);
	ASSERT_NE(NULL, link) TH_LOG("attach: %s", errno_str(errno));
	call_target(CALLS);
	EXPECT_EQ(CALLS, probe_seen(self->obj, SLOT_UPROBE).hits);
	EXPECT_EQ(1000 + CALLS - 1, probe_seen(self->obj, SLOT_UPROBE).value);
	EXPECT_EQ(0, probe_seen(self->obj, SLOT_URETPROBE).hits);
	bpf_link__destroy(link);
	call_target(10);
	EXPECT_EQ(CALLS, probe_seen(self->obj, SLOT_UPROBE).hits);
}

/*
 * uretprobe by function name (libbpf finds it in the ELF symbols), for
 * every process: sees the return value.
 */
TEST_F(obj, attach_uretprobe)
{
	LIBBPF_OPTS(bpf_uprobe_opts, opts,
		.func_name = "xbpf_libbpf_uprobe_target",
		.retprobe = true);
	struct bpf_link *link;

	self->obj = load_probe(_metadata, "on_return", &self->prog);
	ASSERT_NE(NULL, self->obj);
	link = bpf_program__attach_uprobe_opts(self->prog, -1,
					       "/proc/self/exe", 0, &opts);
	ASSERT_NE(NULL, link) TH_LOG("attach: %s", errno_str(errno));
	call_target(CALLS);
	EXPECT_EQ(CALLS, probe_seen(self->obj, SLOT_URETPROBE).hits);
	EXPECT_EQ((1000 + CALLS - 1) * 2 + 1,
		  probe_seen(self->obj, SLOT_URETPROBE).value);
	EXPECT_EQ(0, probe_seen(self->obj, SLOT_UPROBE).hits);
	bpf_link__destroy(link);
	call_target(10);
	EXPECT_EQ(CALLS, probe_seen(self->obj, SLOT_URETPROBE).hits);
}

static __u64 cpu_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

/*
 * A cpu-clock sampling event on this process: the PERF_EVENT program
 * runs on its samples and sees sample_period; none after the link goes.
 */
TEST_F(obj, attach_perf_event)
{
	struct perf_event_attr attr;
	struct bpf_link *link;
	struct probe_seen s;
	volatile __u64 spin = 0;
	__u64 t0;
	int pfd;

	self->obj = load_probe(_metadata, "on_sample", &self->prog);
	ASSERT_NE(NULL, self->obj);
	memset(&attr, 0, sizeof(attr));
	attr.size = sizeof(attr);
	attr.type = PERF_TYPE_SOFTWARE;
	attr.config = PERF_COUNT_SW_CPU_CLOCK;
	attr.sample_period = PERIOD;
	attr.disabled = 1;
	pfd = syscall(__NR_perf_event_open, &attr, 0, -1, -1,
		      PERF_FLAG_FD_CLOEXEC);
	ASSERT_LE(0, pfd) TH_LOG("perf_event_open: %s", errno_str(errno));
	/* libbpf enables the event */
	link = bpf_program__attach_perf_event(self->prog, pfd);
	ASSERT_NE(NULL, link) TH_LOG("attach: %s", errno_str(errno));
	/* 50 ms of this process's CPU time: about 500 samples */
	t0 = cpu_ns();
	while (cpu_ns() - t0 < 50 * 1000000ULL)
		spin++;
	/* destroying the link closes the event */
	bpf_link__destroy(link);
	s = probe_seen(self->obj, SLOT_PERF);
	EXPECT_LT(10, s.hits);
	EXPECT_GE(600, s.hits);
	EXPECT_EQ(PERIOD, s.value);
	t0 = cpu_ns();
	while (cpu_ns() - t0 < 10 * 1000000ULL)
		spin++;
	EXPECT_EQ(s.hits, probe_seen(self->obj, SLOT_PERF).hits);
}

TEST_HARNESS_MAIN
