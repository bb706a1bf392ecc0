// SPDX-License-Identifier: GPL-2.0
/*
 * libbpf's own attach calls on a clang-built object
 * (build/examples/opencount.bpf.o): bpf_program__attach_kprobe,
 * __attach_tracepoint and __attach_raw_tracepoint, each counting this
 * process's openat() calls by name. Natively they reach the kernel; under
 * the shim, xbpf, perf_event_open included.
 */
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <sys/prctl.h>

#include <kselftest_harness.h>

#include "xbpf_test.h"

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

TEST_HARNESS_MAIN
