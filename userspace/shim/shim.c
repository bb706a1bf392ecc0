// SPDX-License-Identifier: GPL-2.0
/*
 * libxbpf-shim.so: run an unmodified bpf() caller against xbpf.
 *
 * Preloaded with LD_PRELOAD, it replaces libc's syscall(): __NR_bpf goes to
 * /dev/xbpf as an XBPF_IOC_BPF ioctl, every other call passes through to
 * libc untouched. Loaders issue bpf() only through syscall(), so this one
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
		dev_fd = dev_open();
	fd = dev_fd;
	pthread_mutex_unlock(&dev_lock);
	return fd;
}

static long xbpf_bpf(long cmd, long attr, long size)
{
	struct xbpf_call call = {
		.cmd = (uint32_t)cmd,
		.size = (uint32_t)size,
		.attr = (uint64_t)attr,
	};
	int saved = errno, fd = dev_get();

	if (fd < 0) {
		errno = ENODEV;
		return -1;
	}
	errno = saved;
	return ioctl(fd, XBPF_IOC_BPF, &call);
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
	return real_syscall()(nr, a[0], a[1], a[2], a[3], a[4], a[5]);
}

/* Lets programs (and tests) tell that their bpf() goes to xbpf. */
__attribute__((constructor)) static void shim_init(void)
{
	setenv("XBPF_SHIM", "1", 1);
}
