// SPDX-License-Identifier: GPL-2.0
/*
 * Map file descriptors as userspace sees them: which descriptors the map
 * commands accept, what /proc shows for them, and how they behave as files
 * (dup, fork, read/write, poll, close). Tools such as bpftool and lsof read
 * the /proc views, so their exact text is ABI too.
 */
#include <dirent.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include <kselftest_harness.h>

#include "xbpf_test.h"

/* Every fd-taking map command, called on @fd with sane other arguments. */
static void expect_all_map_cmds_fail(struct __test_metadata *_metadata,
				     int fd, int err)
{
	__u64 key = 0, val = 0, next = 0;

	EXPECT_ERRNO(err, sys_map_lookup(fd, &key, &val, 0));
	EXPECT_ERRNO(err, sys_map_update(fd, &key, &val, BPF_ANY));
	EXPECT_ERRNO(err, sys_map_delete(fd, &key));
	EXPECT_ERRNO(err, sys_map_next_key(fd, &key, &next));
	EXPECT_ERRNO(err, sys_map_next_key(fd, NULL, &next));
	EXPECT_ERRNO(err, sys_map_lookup_and_delete(fd, &key, &val, 0));
	EXPECT_ERRNO(err, sys_map_freeze(fd));
}

TEST(closed_fd)
{
	int fd;

	ASSERT_FD(fd, sys_map_create(BPF_MAP_TYPE_HASH, 8, 8, 4, 0));
	close(fd);
	expect_all_map_cmds_fail(_metadata, fd, EBADF);
}

TEST(invalid_fd_numbers)
{
	expect_all_map_cmds_fail(_metadata, -1, EBADF);
	expect_all_map_cmds_fail(_metadata, INT_MAX, EBADF);
	expect_all_map_cmds_fail(_metadata, INT_MIN, EBADF);
	expect_all_map_cmds_fail(_metadata, 100000, EBADF);
}

TEST(non_bpf_fds)
{
	int devnull, pipefd[2], sock, xbpf = -1;

	devnull = open("/dev/null", O_RDWR);
	ASSERT_LE(0, devnull);
	expect_all_map_cmds_fail(_metadata, devnull, EINVAL);

	ASSERT_OK(pipe(pipefd));
	expect_all_map_cmds_fail(_metadata, pipefd[0], EINVAL);
	expect_all_map_cmds_fail(_metadata, pipefd[1], EINVAL);

	sock = socket(AF_UNIX, SOCK_DGRAM, 0);
	ASSERT_LE(0, sock);
	expect_all_map_cmds_fail(_metadata, sock, EINVAL);

	/* The xbpf control device is no map either, for either side. */
	xbpf = open("/dev/xbpf", O_RDWR);
	if (xbpf >= 0) {
		expect_all_map_cmds_fail(_metadata, xbpf, EINVAL);
		close(xbpf);
	}

	close(devnull);
	close(pipefd[0]);
	close(pipefd[1]);
	close(sock);
}

TEST(info_bad_fds)
{
	struct bpf_map_info info;
	int devnull, fd;

	/* A missing fd is EBADFD here, not the EBADF the map commands give. */
	EXPECT_ERRNO(EBADFD, sys_map_info(-1, &info));
	EXPECT_ERRNO(EBADFD, sys_map_info(INT_MAX, &info));
	ASSERT_FD(fd, sys_map_create(BPF_MAP_TYPE_ARRAY, 4, 8, 1, 0));
	close(fd);
	EXPECT_ERRNO(EBADFD, sys_map_info(fd, &info));

	devnull = open("/dev/null", O_RDONLY);
	ASSERT_LE(0, devnull);
	EXPECT_ERRNO(EINVAL, sys_map_info(devnull, &info));
	close(devnull);
}

TEST(anon_inode_name)
{
	char path[64], target[128];
	ssize_t n;
	int fd;

	ASSERT_FD(fd, sys_map_create(BPF_MAP_TYPE_HASH, 4, 4, 4, 0));
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	n = readlink(path, target, sizeof(target) - 1);
	ASSERT_LT(0, n);
	target[n] = '\0';
	EXPECT_STREQ("anon_inode:bpf-map", target);
	close(fd);
}

TEST(cloexec_and_lowest_fd)
{
	int probe, fd, flags;

	/* A new map takes the lowest free descriptor, like open(2). */
	probe = open("/dev/null", O_RDONLY);
	ASSERT_LE(0, probe);
	close(probe);
	ASSERT_FD(fd, sys_map_create(BPF_MAP_TYPE_ARRAY, 4, 8, 1, 0));
	EXPECT_EQ(probe, fd);
	EXPECT_LE(3, fd);

	flags = fcntl(fd, F_GETFD);
	ASSERT_LE(0, flags);
	EXPECT_TRUE(flags & FD_CLOEXEC);
	flags = fcntl(fd, F_GETFL);
	ASSERT_LE(0, flags);
	EXPECT_EQ(O_RDWR, flags & O_ACCMODE);
	close(fd);
}

struct fdinfo_expect {
	const char *key;
	const char *value;
};

static void check_fdinfo(struct __test_metadata *_metadata, int fd,
			 const struct fdinfo_expect *exp, int n)
{
	char buf[128];
	int i;

	for (i = 0; i < n; i++) {
		ASSERT_EQ(0, fdinfo_get(fd, exp[i].key, buf, sizeof(buf))) {
			TH_LOG("fdinfo has no '%s'", exp[i].key);
		}
		EXPECT_STREQ(exp[i].value, buf) {
			TH_LOG("fdinfo '%s'", exp[i].key);
		}
	}
}

/* The map lines, in the kernel's order, tab-separated. */
static void check_fdinfo_layout(struct __test_metadata *_metadata, int fd)
{
	static const char *const keys[] = {
		"map_type", "key_size", "value_size", "max_entries",
		"map_flags", "map_extra", "memlock", "map_id", "frozen",
	};
	char path[64], line[256];
	unsigned int next = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	f = fopen(path, "re");
	ASSERT_NE(NULL, f);
	while (fgets(line, sizeof(line), f) && next < ARRAY_SIZE(keys)) {
		size_t klen = strlen(keys[next]);

		if (!strncmp(line, keys[next], klen) && line[klen] == ':') {
			EXPECT_EQ('\t', line[klen + 1]) {
				TH_LOG("'%s' not tab-separated", keys[next]);
			}
			next++;
		}
	}
	fclose(f);
	EXPECT_EQ(ARRAY_SIZE(keys), next) {
		TH_LOG("fdinfo lacks '%s' after the earlier keys", keys[next]);
	}
}

TEST(fdinfo_array)
{
	char id[32];
	int fd;

	ASSERT_FD(fd, sys_map_create(BPF_MAP_TYPE_ARRAY, 4, 8, 10, 0));
	snprintf(id, sizeof(id), "%u", map_id_of(fd));
	{
		/* memlock: round_up(4 + 8, 8) * 10 entries, page-rounded. */
		const struct fdinfo_expect exp[] = {
			{ "pos", "0" },
			{ "flags", "02000002" },
			{ "map_type", "2" },
			{ "key_size", "4" },
			{ "value_size", "8" },
			{ "max_entries", "10" },
			{ "map_flags", "0x0" },
			{ "map_extra", "0x0" },
			{ "memlock", "4096" },
			{ "map_id", id },
			{ "frozen", "0" },
		};

		check_fdinfo(_metadata, fd, exp, ARRAY_SIZE(exp));
	}
	check_fdinfo_layout(_metadata, fd);
	ASSERT_OK(sys_map_freeze(fd));
	{
		const struct fdinfo_expect exp[] = { { "frozen", "1" } };

		check_fdinfo(_metadata, fd, exp, ARRAY_SIZE(exp));
	}
	close(fd);
}

TEST(fdinfo_hash)
{
	char id[32];
	int fd;

	ASSERT_FD(fd, sys_map_create(BPF_MAP_TYPE_HASH, 12, 20, 1000,
				     BPF_F_NO_PREALLOC | BPF_F_RDONLY));
	snprintf(id, sizeof(id), "%u", map_id_of(fd));
	{
		/*
		 * memlock: round_up(12 + 20, 8) = 32 bytes * 1000 = 32000,
		 * page-rounded. The fd is read-only, the map flags do not
		 * say so.
		 */
		const struct fdinfo_expect exp[] = {
			{ "flags", "02000000" },
			{ "map_type", "1" },
			{ "key_size", "12" },
			{ "value_size", "20" },
			{ "max_entries", "1000" },
			{ "map_flags", "0x1" },
			{ "map_extra", "0x0" },
			{ "memlock", "32768" },
			{ "map_id", id },
			{ "frozen", "0" },
		};

		check_fdinfo(_metadata, fd, exp, ARRAY_SIZE(exp));
	}
	check_fdinfo_layout(_metadata, fd);
	close(fd);
}

TEST(fdinfo_flags_and_memlock)
{
	static const struct {
		__u32 type, key, value, max, flags;
		const char *map_flags, *memlock;
	} cases[] = {
		{ BPF_MAP_TYPE_ARRAY, 4, 4, 1, BPF_F_MMAPABLE, "0x400", "4096" },
		{ BPF_MAP_TYPE_ARRAY, 4, 4096, 3, BPF_F_RDONLY_PROG, "0x80",
		  "16384" },
		{ BPF_MAP_TYPE_ARRAY, 4, 1, 4096, BPF_F_WRONLY, "0x0", "32768" },
		{ BPF_MAP_TYPE_HASH, 1, 1, 1, BPF_F_ZERO_SEED | BPF_F_WRONLY_PROG,
		  "0x140", "4096" },
		{ BPF_MAP_TYPE_HASH, 64, 64, 512, 0, "0x0", "65536" },
	};
	unsigned int i;
	char buf[64];

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		int fd;

		ASSERT_FD(fd, sys_map_create(cases[i].type, cases[i].key,
					     cases[i].value, cases[i].max,
					     cases[i].flags));
		ASSERT_OK(fdinfo_get(fd, "map_flags", buf, sizeof(buf)));
		EXPECT_STREQ(cases[i].map_flags, buf) {
			TH_LOG("case %u", i);
		}
		ASSERT_OK(fdinfo_get(fd, "memlock", buf, sizeof(buf)));
		EXPECT_STREQ(cases[i].memlock, buf) {
			TH_LOG("case %u", i);
		}
		close(fd);
	}
}

TEST(read_write_poll)
{
	struct pollfd pfd;
	char buf[16];
	int fd;

	/* Map files refuse plain I/O and have nothing to poll. */
	ASSERT_FD(fd, sys_map_create(BPF_MAP_TYPE_ARRAY, 4, 8, 1, 0));
	EXPECT_ERRNO(EINVAL, read(fd, buf, sizeof(buf)));
	EXPECT_ERRNO(EINVAL, write(fd, buf, sizeof(buf)));
	EXPECT_ERRNO(ESPIPE, lseek(fd, 0, SEEK_SET));
	pfd.fd = fd;
	pfd.events = POLLIN | POLLOUT;
	pfd.revents = 0;
	EXPECT_EQ(1, poll(&pfd, 1, 0));
	EXPECT_EQ(POLLERR, pfd.revents);
	close(fd);
}

TEST(dup_keeps_map)
{
	__u32 key = 0;
	__u64 val = 42, out = 0;
	__u32 id;
	int fd, fd2;

	ASSERT_FD(fd, sys_map_create(BPF_MAP_TYPE_ARRAY, 4, 8, 1, 0));
	id = map_id_of(fd);
	fd2 = dup(fd);
	ASSERT_LE(0, fd2);
	EXPECT_EQ(id, map_id_of(fd2));
	ASSERT_OK(sys_map_update(fd, &key, &val, BPF_ANY));
	close(fd);
	ASSERT_OK(sys_map_lookup(fd2, &key, &out, 0));
	EXPECT_EQ(42, out);
	EXPECT_EQ(id, map_id_of(fd2));
	close(fd2);
}

TEST(fork_shares_map)
{
	__u32 key = 0;
	__u64 out = 0;
	int fd, status;
	pid_t pid;

	ASSERT_FD(fd, sys_map_create(BPF_MAP_TYPE_ARRAY, 4, 8, 1, 0));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		__u64 val = 0xc0ffee;

		_exit(sys_map_update(fd, &key, &val, BPF_ANY) ? 1 : 0);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	ASSERT_EQ(0, WEXITSTATUS(status));
	ASSERT_OK(sys_map_lookup(fd, &key, &out, 0));
	EXPECT_EQ(0xc0ffee, out);
	close(fd);
}

/* The fd, passed to another process over a socket, is the same map. */
TEST(scm_rights)
{
	char cbuf[CMSG_SPACE(sizeof(int))], data = 'x';
	struct iovec iov = { .iov_base = &data, .iov_len = 1 };
	struct msghdr msg = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = cbuf, .msg_controllen = sizeof(cbuf),
	};
	struct cmsghdr *cmsg;
	int sv[2], fd, got;

	ASSERT_OK(socketpair(AF_UNIX, SOCK_DGRAM, 0, sv));
	ASSERT_FD(fd, sys_map_create(BPF_MAP_TYPE_HASH, 4, 8, 2, 0));
	memset(cbuf, 0, sizeof(cbuf));
	cmsg = CMSG_FIRSTHDR(&msg);
	cmsg->cmsg_level = SOL_SOCKET;
	cmsg->cmsg_type = SCM_RIGHTS;
	cmsg->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cmsg), &fd, sizeof(int));
	ASSERT_EQ(1, sendmsg(sv[0], &msg, 0));

	memset(cbuf, 0, sizeof(cbuf));
	msg.msg_controllen = sizeof(cbuf);
	ASSERT_EQ(1, recvmsg(sv[1], &msg, 0));
	cmsg = CMSG_FIRSTHDR(&msg);
	ASSERT_NE(NULL, cmsg);
	memcpy(&got, CMSG_DATA(cmsg), sizeof(int));
	EXPECT_NE(fd, got);
	EXPECT_EQ(map_id_of(fd), map_id_of(got));
	close(fd);
	EXPECT_LT(0, map_id_of(got));
	close(got);
	close(sv[0]);
	close(sv[1]);
}

static int fd_links_to(const char *target)
{
	char path[300], buf[256];
	struct dirent *e;
	int found = 0;
	ssize_t n;
	DIR *d;

	d = opendir("/proc/self/fd");
	if (!d)
		return -1;
	while ((e = readdir(d))) {
		snprintf(path, sizeof(path), "/proc/self/fd/%s", e->d_name);
		n = readlink(path, buf, sizeof(buf) - 1);
		if (n <= 0)
			continue;
		buf[n] = '\0';
		if (!strcmp(buf, target))
			found = 1;
	}
	closedir(d);
	return found;
}

/*
 * Not a property of maps but of the test setup: without it, a shim that
 * failed to load or to interpose would leave the xbpf pass silently
 * testing the kernel, and passing.
 */
TEST(calls_reach_the_expected_subsystem)
{
	char line[512];
	int fd, shim_mapped = 0;
	FILE *f;

	ASSERT_FD(fd, sys_map_create(BPF_MAP_TYPE_ARRAY, 4, 8, 1, 0));
	f = fopen("/proc/self/maps", "re");
	ASSERT_NE(NULL, f);
	while (fgets(line, sizeof(line), f))
		if (strstr(line, "libxbpf-shim"))
			shim_mapped = 1;
	fclose(f);

	if (running_under_xbpf()) {
		EXPECT_TRUE(shim_mapped);
		/* The shim talks to the device through an fd of ours. */
		EXPECT_EQ(1, fd_links_to("/dev/xbpf"));
	} else {
		EXPECT_FALSE(shim_mapped);
		EXPECT_EQ(0, fd_links_to("/dev/xbpf"));
	}
	close(fd);
}

TEST_HARNESS_MAIN
