// SPDX-License-Identifier: GPL-2.0
/*
 * Driver for bench_maps.sh, not a test of its own: times map lookups and
 * updates from a program (BPF_PROG_TEST_RUN with repeat on a socket
 * filter) and from userspace (bpf() per element), on hash and array maps,
 * with one thread or one thread per CPU, each pinned. Prints one line per
 * case, "NAME NS_PER_OP", whichever backend bpf() reaches (the kernel, or
 * xbpf under the shim).
 *
 *   bench_maps [-n OPS]    OPS operations per thread and case (100000)
 */
#include <pthread.h>
#include <time.h>

#include "map_prog.h"

#define ENTRIES 1024
#define MAX_THREADS 64

struct job {
	int map_fd, prog_fd, cpu, user_update;
	unsigned long ops;
	int err;
	pthread_barrier_t *start;
};

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static void *run_job(void *p)
{
	struct job *j = p;
	unsigned long i;
	__u64 val = 1;
	__u32 key;

	pin_cpu(j->cpu);
	pthread_barrier_wait(j->start);
	if (j->prog_fd >= 0) {
		j->err = prog_run(j->prog_fd, j->ops, NULL) ? errno : 0;
		return NULL;
	}
	for (i = 0; i < j->ops && !j->err; i++) {
		key = i % ENTRIES;
		if (j->user_update)
			j->err = sys_map_update(j->map_fd, &key, &val, BPF_ANY) ?
				 errno : 0;
		else
			j->err = sys_map_lookup(j->map_fd, &key, &val, 0) ?
				 errno : 0;
	}
	return NULL;
}

/* ns per operation over all threads: wall time / (ops per thread) */
static double run_case(int map_fd, int prog_fd, int user_update,
		       int threads, unsigned long ops)
{
	struct job jobs[MAX_THREADS];
	pthread_t th[MAX_THREADS];
	pthread_barrier_t start;
	double t0, t1;
	int i, err = 0;

	pthread_barrier_init(&start, NULL, threads + 1);
	for (i = 0; i < threads; i++) {
		jobs[i] = (struct job){ .map_fd = map_fd, .prog_fd = prog_fd,
					.cpu = i, .user_update = user_update,
					.ops = ops, .start = &start };
		pthread_create(&th[i], NULL, run_job, &jobs[i]);
	}
	pthread_barrier_wait(&start);
	t0 = now_ns();
	for (i = 0; i < threads; i++) {
		pthread_join(th[i], NULL);
		err |= jobs[i].err;
	}
	t1 = now_ns();
	pthread_barrier_destroy(&start);
	if (err)
		return -1;
	/* throughput per operation of the whole machine */
	return (t1 - t0) / ((double)ops * threads);
}

/* lookup (or update) key r0 = prandom % ENTRIES, once per run */
static int bench_prog(int map_fd, int update)
{
	struct bpf_insn insns[] = {
		BPF_EMIT_CALL(BPF_FUNC_get_prandom_u32),
		BPF_ALU64_IMM(BPF_AND, BPF_REG_0, ENTRIES - 1),
		BPF_STX_MEM(BPF_W, BPF_REG_10, BPF_REG_0, -4),
		BPF_STX_MEM(BPF_DW, BPF_REG_10, BPF_REG_0, -16),
		BPF_MOV64_REG(BPF_REG_2, BPF_REG_10),
		BPF_ALU64_IMM(BPF_ADD, BPF_REG_2, -4),
		BPF_MOV64_REG(BPF_REG_3, BPF_REG_10),
		BPF_ALU64_IMM(BPF_ADD, BPF_REG_3, -16),
		BPF_LD_MAP_FD_N(BPF_REG_1, map_fd),
		BPF_MOV64_IMM(BPF_REG_4, BPF_ANY),
		BPF_EMIT_CALL(update ? BPF_FUNC_map_update_elem :
				       BPF_FUNC_map_lookup_elem),
		BPF_MOV64_IMM(BPF_REG_0, 0),
		BPF_EXIT_INSN(),
	};

	return prog_load(BPF_PROG_TYPE_SOCKET_FILTER, insns,
			 sizeof(insns) / sizeof(insns[0]));
}

int main(int argc, char **argv)
{
	static const struct { const char *name; __u32 type; } maps[] = {
		{ "hash", BPF_MAP_TYPE_HASH },
		{ "array", BPF_MAP_TYPE_ARRAY },
	};
	unsigned long ops = 100000;
	int ncpu = (int)sysconf(_SC_NPROCESSORS_ONLN);
	__u64 val = 0;
	__u32 key;
	size_t m;
	int t, op;

	if (argc == 3 && !strcmp(argv[1], "-n"))
		ops = strtoul(argv[2], NULL, 0);
	if (ncpu > MAX_THREADS)
		ncpu = MAX_THREADS;
	for (m = 0; m < sizeof(maps) / sizeof(maps[0]); m++) {
		int fd = sys_map_create(maps[m].type, 4, 8, ENTRIES, 0);

		if (fd < 0) {
			fprintf(stderr, "map create: %s\n", errno_str(errno));
			return 1;
		}
		for (key = 0; key < ENTRIES; key++)
			sys_map_update(fd, &key, &val, BPF_ANY);
		for (op = 0; op < 2; op++) {
			int prog = bench_prog(fd, op);

			if (prog < 0) {
				fprintf(stderr, "prog load: %s\n",
					errno_str(errno));
				return 1;
			}
			for (t = 1; t <= ncpu; t = t == ncpu ? ncpu + 1 : ncpu) {
				printf("prog_%s_%s_%dcpu %.1f\n", maps[m].name,
				       op ? "update" : "lookup", t,
				       run_case(fd, prog, 0, t, ops));
				printf("user_%s_%s_%dcpu %.1f\n", maps[m].name,
				       op ? "update" : "lookup", t,
				       run_case(fd, -1, op, t, ops / 10));
			}
			close(prog);
		}
		close(fd);
	}
	return 0;
}
