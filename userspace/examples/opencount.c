// SPDX-License-Identifier: GPL-2.0
/*
 * opencount: load opencount.bpf.o with Debian's libbpf, attach one of its
 * programs with libbpf's own attach call, run a command, detach, and print
 * the openat() calls per process name. Under `xbpf exec` the bpf() and
 * perf_event_open() calls go to xbpf; bare, to the kernel.
 *
 *   opencount OBJECT kprobe|tracepoint|raw_tp [-- CMD ARGS...]
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

struct row {
	char comm[16];
	unsigned long long count;
};

static int by_count(const void *a, const void *b)
{
	const struct row *x = a, *y = b;

	if (x->count != y->count)
		return x->count < y->count ? 1 : -1;
	return strcmp(x->comm, y->comm);
}

static int run(char **argv)
{
	int status;
	pid_t pid = fork();

	if (pid < 0)
		return -1;
	if (!pid) {
		execvp(argv[0], argv);
		_exit(127);
	}
	if (waitpid(pid, &status, 0) != pid)
		return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

int main(int argc, char **argv)
{
	static char *default_cmd[] = { "sh", "-c", "sleep 1", NULL };
	const char *mode, *prog_name;
	struct bpf_program *prog, *p;
	struct bpf_link *link;
	struct bpf_object *obj;
	struct row rows[1024];
	char key[16], next[16];
	char **cmd = default_cmd;
	int map_fd, n = 0, i, err;
	void *prev = NULL;

	if (argc < 3) {
		fprintf(stderr,
			"usage: %s OBJECT kprobe|tracepoint|raw_tp [-- CMD...]\n",
			argv[0]);
		return 2;
	}
	mode = argv[2];
	if (argc > 4 && !strcmp(argv[3], "--"))
		cmd = argv + 4;
	if (!strcmp(mode, "kprobe"))
		prog_name = "count_kprobe";
	else if (!strcmp(mode, "tracepoint"))
		prog_name = "count_tracepoint";
	else if (!strcmp(mode, "raw_tp"))
		prog_name = "count_raw_tp";
	else {
		fprintf(stderr, "unknown mode %s\n", mode);
		return 2;
	}

	obj = bpf_object__open_file(argv[1], NULL);
	if (!obj) {
		fprintf(stderr, "open %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	prog = bpf_object__find_program_by_name(obj, prog_name);
	if (!prog) {
		fprintf(stderr, "no program %s\n", prog_name);
		return 1;
	}
	/* load only the program this run attaches */
	bpf_object__for_each_program(p, obj)
		bpf_program__set_autoload(p, p == prog);
	err = bpf_object__load(obj);
	if (err) {
		fprintf(stderr, "load: %s\n", strerror(-err));
		return 1;
	}

	if (prog == bpf_object__find_program_by_name(obj, "count_kprobe"))
		link = bpf_program__attach_kprobe(prog, false, "do_sys_openat2");
	else if (prog == bpf_object__find_program_by_name(obj,
							  "count_tracepoint"))
		link = bpf_program__attach_tracepoint(prog, "syscalls",
						      "sys_enter_openat");
	else
		link = bpf_program__attach_raw_tracepoint(prog, "sys_enter");
	if (!link) {
		fprintf(stderr, "attach %s: %s\n", mode, strerror(errno));
		return 1;
	}
	printf("attached %s (%s) with libbpf; running:", prog_name, mode);
	for (i = 0; cmd[i]; i++)
		printf(" %s", cmd[i]);
	printf("\n");
	fflush(stdout);
	err = run(cmd);
	bpf_link__destroy(link);
	if (err) {
		fprintf(stderr, "the command failed (%d)\n", err);
		return 1;
	}

	map_fd = bpf_map__fd(bpf_object__find_map_by_name(obj, "opens"));
	while (n < 1024 && !bpf_map_get_next_key(map_fd, prev, next)) {
		memcpy(key, next, sizeof(key));
		prev = key;
		memcpy(rows[n].comm, key, sizeof(key));
		rows[n].comm[15] = '\0';
		if (!bpf_map_lookup_elem(map_fd, key, &rows[n].count))
			n++;
	}
	qsort(rows, n, sizeof(rows[0]), by_count);
	printf("%-16s %8s\n", "COMM", "OPENAT");
	for (i = 0; i < n; i++)
		printf("%-16s %8llu\n", rows[i].comm, rows[i].count);
	bpf_object__close(obj);
	return n ? 0 : 1;
}
