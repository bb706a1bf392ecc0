// SPDX-License-Identifier: GPL-2.0
/*
 * libxbpf-shim.so: run an unmodified bpf() caller against xbpf.
 *
 * Preloaded with LD_PRELOAD, it replaces libc's syscall(): __NR_bpf goes to
 * /dev/xbpf as an XBPF_IOC_BPF ioctl; __NR_perf_event_open goes there as
 * XBPF_IOC_PERF_EVENT_OPEN when the event is one xbpf programs attach to
 * (perf_event_route()); every other call passes through to libc untouched. Loaders issue bpf() only through syscall(), so this one
 * entry point sees all of it; every fd xbpf returns is a real fd whose
 * ioctl/mmap/poll/close reach the module without the shim.
 *
 * The device is opened lazily, close-on-exec, at a high fd number so it
 * does not take the low fds programs expect to get. Programs that close
 * every fd (daemons, after fork) lose it; it is checked on every use and
 * reopened.
 */
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <linux/perf_event.h>
#include <linux/xbpf.h>

#include "perfbuf.h"

#define SHIM_EXPORT __attribute__((visibility("default")))
#define XBPF_FD_FLOOR 500

typedef long (*syscall_fn)(long, ...);

static pthread_mutex_t dev_lock = PTHREAD_MUTEX_INITIALIZER;
static int dev_fd = -1;
static dev_t dev_rdev;
static int dev_warned;

static syscall_fn real_syscall(void)
{
	static syscall_fn fn;

	if (!fn) {
		fn = (syscall_fn)dlsym(RTLD_NEXT, "syscall");
		if (!fn) {
			fprintf(stderr, "xbpf-shim: no syscall() to forward to\n");
			abort();
		}
	}
	return fn;
}

static int dev_is_ours(int fd)
{
	struct stat st;

	return fd >= 0 && fstat(fd, &st) == 0 && S_ISCHR(st.st_mode) &&
	       st.st_rdev == dev_rdev;
}

static int dev_open(void)
{
	struct stat st;
	int fd, high;

	fd = open(XBPF_DEVICE_PATH, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		int err = errno;

		if (!__atomic_exchange_n(&dev_warned, 1, __ATOMIC_RELAXED))
			fprintf(stderr,
				"xbpf-shim: cannot open %s: %s (is xbpf.ko loaded?)\n",
				XBPF_DEVICE_PATH, strerror(err));
		return -1;
	}
	high = fcntl(fd, F_DUPFD_CLOEXEC, XBPF_FD_FLOOR);
	if (high >= 0) {
		close(fd);
		fd = high;
	}
	if (fstat(fd, &st) < 0) {
		close(fd);
		return -1;
	}
	dev_rdev = st.st_rdev;
	return fd;
}

static int dev_get(void)
{
	int fd;

	pthread_mutex_lock(&dev_lock);
	if (!dev_is_ours(dev_fd))
		__atomic_store_n(&dev_fd, dev_open(), __ATOMIC_RELEASE);
	fd = dev_fd;
	pthread_mutex_unlock(&dev_lock);
	return fd;
}

/*
 * bpf() through the device. The fd is checked (fstat) only when it is
 * first opened and when a call fails as if it were not the device any
 * more (EBADF, ENOTTY: the program closed or replaced it); the call is
 * then made again on a fresh one. A call that succeeds needs one syscall,
 * as bpf() does.
 */
static long xbpf_bpf(long cmd, long attr, long size)
{
	struct xbpf_call call = {
		.cmd = (uint32_t)cmd,
		.size = (uint32_t)size,
		.attr = (uint64_t)attr,
	};
	int saved = errno, fd = __atomic_load_n(&dev_fd, __ATOMIC_ACQUIRE);
	int err;
	long ret;

	if (fd >= 0) {
		ret = ioctl(fd, XBPF_IOC_BPF, &call);
		if (ret >= 0 || (errno != EBADF && errno != ENOTTY))
			return ret;
		err = errno;
		if (dev_is_ours(fd)) {
			errno = err;	/* the device's own EBADF */
			return ret;
		}
		errno = saved;
	}
	fd = dev_get();
	if (fd < 0) {
		errno = ENODEV;
		return -1;
	}
	errno = saved;
	return ioctl(fd, XBPF_IOC_BPF, &call);
}

/* A PMU's dynamic type number from sysfs, or -1. */
static int pmu_type(const char *name)
{
	char path[128];
	FILE *f;
	int type = -1;

	snprintf(path, sizeof(path), "/sys/bus/event_source/devices/%s/type",
		 name);
	f = fopen(path, "re");
	if (!f)
		return -1;
	if (fscanf(f, "%d", &type) != 1)
		type = -1;
	fclose(f);
	return type;
}

enum perf_target { PERF_TO_KERNEL, PERF_TO_XBPF };

/*
 * Who answers this perf_event_open(): xbpf for the events its programs
 * attach to (kprobe and uprobe PMU events, tracepoints, and sampling
 * software/hardware counters, which PERF_EVENT programs use), the kernel
 * for everything else. Perf buffers for bpf_perf_event_output()
 * (PERF_TYPE_SOFTWARE, PERF_COUNT_SW_BPF_OUTPUT) stay with the kernel
 * until xbpf has them: their case belongs here.
 */
static enum perf_target perf_event_route(const struct perf_event_attr *attr)
{
	static int kprobe_type = -2, uprobe_type = -2;

	if (!attr)
		return PERF_TO_KERNEL;	/* the kernel's EFAULT */
	if (kprobe_type == -2)
		kprobe_type = pmu_type("kprobe");
	if (uprobe_type == -2)
		uprobe_type = pmu_type("uprobe");
	if ((kprobe_type >= 0 && attr->type == (uint32_t)kprobe_type) ||
	    (uprobe_type >= 0 && attr->type == (uint32_t)uprobe_type))
		return PERF_TO_XBPF;
	switch (attr->type) {
	case PERF_TYPE_TRACEPOINT:
		return PERF_TO_XBPF;
	case PERF_TYPE_SOFTWARE:
		if (attr->config == PERF_COUNT_SW_BPF_OUTPUT)
			return PERF_TO_KERNEL;
		/* fall through */
	case PERF_TYPE_HARDWARE:
	case PERF_TYPE_HW_CACHE:
		/* a sampling event: a PERF_EVENT program's hook */
		return attr->sample_period ? PERF_TO_XBPF : PERF_TO_KERNEL;
	default:
		return PERF_TO_KERNEL;
	}
}

static long xbpf_perf_event_open(long attr, long pid, long cpu, long group_fd,
				 long flags)
{
	struct xbpf_perf_event_open req = {
		.attr = (uint64_t)attr,
		.pid = (int32_t)pid,
		.cpu = (int32_t)cpu,
		.group_fd = (int32_t)group_fd,
		.flags = (uint32_t)flags,
	};
	int saved = errno, fd = dev_get();

	if (fd < 0) {
		errno = ENODEV;
		return -1;
	}
	errno = saved;
	return ioctl(fd, XBPF_IOC_PERF_EVENT_OPEN, &req);
}

SHIM_EXPORT long syscall(long nr, ...)
{
	long a[6];
	va_list ap;
	int i;

	va_start(ap, nr);
	for (i = 0; i < 6; i++)
		a[i] = va_arg(ap, long);
	va_end(ap);

	if (nr == __NR_bpf)
		return xbpf_bpf(a[0], a[1], a[2]);
	if (nr == __NR_perf_event_open && shim_perfbuf_wants((void *)a[0]))
		return shim_perfbuf_open(dev_get(), (void *)a[0], a[1], a[2],
					 a[3], a[4]);
	if (nr == __NR_perf_event_open &&
	    perf_event_route((const struct perf_event_attr *)a[0]) ==
	    PERF_TO_XBPF)
		return xbpf_perf_event_open(a[0], a[1], a[2], a[3], a[4]);
	return real_syscall()(nr, a[0], a[1], a[2], a[3], a[4], a[5]);
}

/* Lets programs (and tests) tell that their bpf() goes to xbpf. */
__attribute__((constructor)) static void shim_init(void)
{
	setenv("XBPF_SHIM", "1", 1);
}
