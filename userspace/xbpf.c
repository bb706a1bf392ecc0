// SPDX-License-Identifier: GPL-2.0
/*
 * xbpf: the command-line tool.
 *
 *   xbpf exec [--] CMD [ARGS...]   run CMD with its bpf() going to xbpf
 *   xbpf status                    list the maps xbpf holds
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <linux/bpf.h>
#include <linux/xbpf.h>

#define SHIM_NAME "libxbpf-shim.so"

static int usage(FILE *out)
{
	fprintf(out,
		"usage: xbpf exec [--] CMD [ARGS...]   run CMD with bpf() going to /dev/xbpf\n"
		"       xbpf status                    list xbpf's maps\n");
	return out == stderr ? 2 : 0;
}

/* The shim beside this binary (build tree) or in ../lib/xbpf (installed). */
static int find_shim(char *path, size_t len)
{
	static const char *const rel[] = { SHIM_NAME, "../lib/xbpf/" SHIM_NAME };
	char exe[PATH_MAX], *dir;
	const char *env = getenv("XBPF_SHIM_PATH");
	ssize_t n;
	size_t i;

	if (env) {
		snprintf(path, len, "%s", env);
		return access(path, R_OK);
	}
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n < 0)
		return -1;
	exe[n] = '\0';
	dir = dirname(exe);
	for (i = 0; i < sizeof(rel) / sizeof(rel[0]); i++) {
		snprintf(path, len, "%s/%s", dir, rel[i]);
		if (!access(path, R_OK))
			return 0;
	}
	return -1;
}

static int cmd_exec(int argc, char **argv)
{
	char shim[PATH_MAX], *preload;
	const char *old;

	if (argc > 0 && !strcmp(argv[0], "--")) {
		argc--;
		argv++;
	}
	if (argc < 1)
		return usage(stderr);
	if (find_shim(shim, sizeof(shim))) {
		fprintf(stderr, "xbpf: cannot find %s\n", SHIM_NAME);
		return 1;
	}
	old = getenv("LD_PRELOAD");
	if (old && *old) {
		if (asprintf(&preload, "%s:%s", shim, old) < 0)
			return 1;
	} else {
		preload = shim;
	}
	setenv("LD_PRELOAD", preload, 1);
	execvp(argv[0], argv);
	fprintf(stderr, "xbpf: %s: %s\n", argv[0], strerror(errno));
	return 127;
}

static long dev_bpf(int fd, int cmd, union bpf_attr *attr)
{
	struct xbpf_call call = {
		.cmd = cmd,
		.size = sizeof(*attr),
		.attr = (uint64_t)(uintptr_t)attr,
	};

	return ioctl(fd, XBPF_IOC_BPF, &call);
}

static const char *map_type_name(uint32_t type)
{
	switch (type) {
	case BPF_MAP_TYPE_HASH:
		return "hash";
	case BPF_MAP_TYPE_ARRAY:
		return "array";
	default:
		return "?";
	}
}

/* fdinfo's memlock: the same figure bpftool shows. */
static unsigned long fd_memlock(int fd)
{
	char path[64], line[128];
	unsigned long memlock = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	f = fopen(path, "r");
	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "memlock: %lu", &memlock) == 1)
			break;
	fclose(f);
	return memlock;
}

static int cmd_status(void)
{
	struct bpf_map_info info;
	union bpf_attr attr;
	uint32_t id = 0;
	int dev, fd, maps = 0;
	unsigned long total = 0;

	dev = open(XBPF_DEVICE_PATH, O_RDWR | O_CLOEXEC);
	if (dev < 0) {
		fprintf(stderr, "xbpf: %s: %s (is xbpf.ko loaded?)\n",
			XBPF_DEVICE_PATH, strerror(errno));
		return 1;
	}
	printf("%-6s %-6s %-16s %8s %8s %10s %8s %10s\n", "id", "type",
	       "name", "key", "value", "entries", "flags", "memlock");
	for (;;) {
		memset(&attr, 0, sizeof(attr));
		attr.start_id = id;
		if (dev_bpf(dev, BPF_MAP_GET_NEXT_ID, &attr) < 0)
			break;
		id = attr.next_id;
		memset(&attr, 0, sizeof(attr));
		attr.map_id = id;
		fd = dev_bpf(dev, BPF_MAP_GET_FD_BY_ID, &attr);
		if (fd < 0)
			continue;	/* freed meanwhile */
		memset(&info, 0, sizeof(info));
		memset(&attr, 0, sizeof(attr));
		attr.info.bpf_fd = fd;
		attr.info.info_len = sizeof(info);
		attr.info.info = (uint64_t)(uintptr_t)&info;
		if (dev_bpf(dev, BPF_OBJ_GET_INFO_BY_FD, &attr) == 0) {
			unsigned long memlock = fd_memlock(fd);

			printf("%-6u %-6s %-16s %8u %8u %10u %#8x %10lu\n",
			       info.id, map_type_name(info.type), info.name,
			       info.key_size, info.value_size,
			       info.max_entries, info.map_flags, memlock);
			total += memlock;
			maps++;
		}
		close(fd);
	}
	if (errno != ENOENT) {
		fprintf(stderr, "xbpf: listing maps: %s\n", strerror(errno));
		return 1;
	}
	printf("%d maps, %lu bytes\n", maps, total);
	close(dev);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 2)
		return usage(stderr);
	if (!strcmp(argv[1], "exec"))
		return cmd_exec(argc - 2, argv + 2);
	if (!strcmp(argv[1], "status"))
		return cmd_status();
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))
		return usage(stdout);
	return usage(stderr);
}
