// SPDX-License-Identifier: GPL-2.0
/*
 * mapcount: count running processes by name in a BPF hash map, using
 * nothing but Debian's libbpf. Run it under `xbpf exec` and the map lives
 * in xbpf; run it bare and it lives in the kernel's BPF.
 *
 *   mapcount [--hold SECONDS]
 *
 * With --hold it keeps the map open afterwards, so that other tools
 * (bpftool map show / dump) can look at it.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>

#define COMM_LEN 16

static int read_comm(const char *pid, char comm[COMM_LEN])
{
	char path[300];
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%s/comm", pid);
	f = fopen(path, "r");
	if (!f)
		return -1;
	memset(comm, 0, COMM_LEN);
	if (!fgets(comm, COMM_LEN, f)) {
		fclose(f);
		return -1;
	}
	fclose(f);
	comm[strcspn(comm, "\n")] = '\0';
	return 0;
}

int main(int argc, char **argv)
{
	LIBBPF_OPTS(bpf_map_create_opts, opts);
	char comm[COMM_LEN], key[COMM_LEN], next[COMM_LEN];
	struct bpf_map_info info;
	__u32 info_len = sizeof(info);
	unsigned long long count, total = 0;
	int fd, hold = 0, keys = 0;
	struct dirent *de;
	DIR *proc;
	void *prev = NULL;

	if (argc == 3 && !strcmp(argv[1], "--hold"))
		hold = atoi(argv[2]);

	fd = bpf_map_create(BPF_MAP_TYPE_HASH, "comm_count", COMM_LEN,
			    sizeof(count), 1024, &opts);
	if (fd < 0) {
		fprintf(stderr, "bpf_map_create: %s\n", strerror(errno));
		return 1;
	}
	proc = opendir("/proc");
	if (!proc)
		return 1;
	while ((de = readdir(proc))) {
		if (de->d_name[0] < '0' || de->d_name[0] > '9')
			continue;
		if (read_comm(de->d_name, comm))
			continue;
		if (bpf_map_lookup_elem(fd, comm, &count))
			count = 0;
		count++;
		if (bpf_map_update_elem(fd, comm, &count, BPF_ANY)) {
			fprintf(stderr, "update: %s\n", strerror(errno));
			return 1;
		}
	}
	closedir(proc);

	memset(&info, 0, sizeof(info));
	if (bpf_obj_get_info_by_fd(fd, &info, &info_len)) {
		fprintf(stderr, "get_info: %s\n", strerror(errno));
		return 1;
	}
	printf("map id %u \"%s\": processes by name\n", info.id, info.name);
	while (!bpf_map_get_next_key(fd, prev, next)) {
		if (bpf_map_lookup_elem(fd, next, &count))
			return 1;
		printf("  %-16s %llu\n", next, count);
		total += count;
		keys++;
		memcpy(key, next, sizeof(key));
		prev = key;
	}
	printf("%d names, %llu processes\n", keys, total);
	fflush(stdout);
	if (hold)
		sleep(hold);
	return 0;
}
