// SPDX-License-Identifier: GPL-2.0
/*
 * Helper for unload.sh, not a test of its own.
 *
 *   hold_map hold        create a map, print "ready <id>", then keep the
 *                        map fd until stdin reaches EOF
 *   hold_map hold-mmap   the same, but keep only a writable mapping of an
 *                        mmapable array and close the fd itself
 *   hold_map probe       create a map twice; print "ok" or "errno=NAME"
 *                        and exit 0 only on success
 *   hold_map delete-module NAME
 *                        delete_module(NAME, O_NONBLOCK), printing "ok" or
 *                        "errno=NAME": rmmod tools differ in what they
 *                        say, the syscall's errno does not
 *
 * Map commands go through libc's syscall(), so under the shim they reach
 * /dev/xbpf: that is what keeps the module busy.
 */
#include <sys/mman.h>

#include "xbpf_test.h"

static void wait_for_eof(void)
{
	char buf[64];

	while (read(STDIN_FILENO, buf, sizeof(buf)) > 0)
		;
}

static int hold(int use_mmap)
{
	void *mem = MAP_FAILED;
	__u32 id;
	int fd;

	fd = sys_map_create(BPF_MAP_TYPE_ARRAY, 4, 8, 4,
			    use_mmap ? BPF_F_MMAPABLE : 0);
	if (fd < 0) {
		printf("errno=%s\n", errno_str(errno));
		return 1;
	}
	id = map_id_of(fd);
	if (use_mmap) {
		mem = mmap(NULL, PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED,
			   fd, 0);
		if (mem == MAP_FAILED) {
			printf("mmap errno=%s\n", errno_str(errno));
			return 1;
		}
		close(fd);
	}
	printf("ready %u\n", id);
	fflush(stdout);
	wait_for_eof();
	if (mem != MAP_FAILED)
		munmap(mem, PAGE_SIZE);
	else
		close(fd);
	return 0;
}

static int probe(void)
{
	int i, fd = -1;

	for (i = 0; i < 2; i++) {
		fd = sys_map_create(BPF_MAP_TYPE_HASH, 4, 4, 1, 0);
		if (fd < 0) {
			printf("errno=%s\n", errno_str(errno));
			return 1;
		}
		close(fd);
	}
	printf("ok\n");
	return 0;
}

static int delete_module(const char *name)
{
	if (syscall(SYS_delete_module, name, O_NONBLOCK)) {
		printf("errno=%s\n", errno_str(errno));
		return 1;
	}
	printf("ok\n");
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 2 && !strcmp(argv[1], "hold"))
		return hold(0);
	if (argc == 2 && !strcmp(argv[1], "hold-mmap"))
		return hold(1);
	if (argc == 2 && !strcmp(argv[1], "probe"))
		return probe();
	if (argc == 3 && !strcmp(argv[1], "delete-module"))
		return delete_module(argv[2]);
	fprintf(stderr,
		"usage: %s hold | hold-mmap | probe | delete-module NAME\n",
		argv[0]);
	return 2;
}
