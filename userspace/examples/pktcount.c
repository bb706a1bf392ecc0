// SPDX-License-Identifier: GPL-2.0
/*
 * pktcount: load pktcount.bpf.o with Debian's libbpf, feed it synthetic
 * packets with BPF_PROG_TEST_RUN, and print what it counted. Under
 * `xbpf exec` every bpf() goes to xbpf; bare, to the kernel's BPF.
 *
 *   pktcount OBJECT [--hold SECONDS]
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

static const struct {
	__u16 ethertype;
	const char *name;
	unsigned int count;
	unsigned int len;
} traffic[] = {
	{ 0x0800, "IPv4", 5, 98 },
	{ 0x86dd, "IPv6", 3, 118 },
	{ 0x0806, "ARP", 2, 60 },
};

static const char *proto_name(__u16 ethertype)
{
	size_t i;

	for (i = 0; i < sizeof(traffic) / sizeof(traffic[0]); i++)
		if (traffic[i].ethertype == ethertype)
			return traffic[i].name;
	return "?";
}

int main(int argc, char **argv)
{
	struct bpf_object *obj;
	struct bpf_program *prog;
	struct bpf_map *counts, *bss, *rodata;
	unsigned char pkt[256];
	__u32 key, next, *prev = NULL, min_len = 64, zero = 0;
	__u64 value, total = 0;
	size_t i, n;
	int prog_fd, hold = 0, accepted = 0;

	if (argc < 2) {
		fprintf(stderr, "usage: %s OBJECT [--hold SECONDS]\n", argv[0]);
		return 2;
	}
	if (argc == 4 && !strcmp(argv[2], "--hold"))
		hold = atoi(argv[3]);

	obj = bpf_object__open_file(argv[1], NULL);
	if (!obj) {
		fprintf(stderr, "open %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	rodata = bpf_object__find_map_by_name(obj, ".rodata");
	if (!rodata || bpf_map__set_initial_value(rodata, &min_len,
						   sizeof(min_len))) {
		fprintf(stderr, "no .rodata to set min_len in\n");
		return 1;
	}
	if (bpf_object__load(obj)) {
		fprintf(stderr, "load: %s\n", strerror(errno));
		return 1;
	}
	prog = bpf_object__find_program_by_name(obj, "count_packets");
	counts = bpf_object__find_map_by_name(obj, "proto_count");
	bss = bpf_object__find_map_by_name(obj, ".bss");
	if (!prog || !counts || !bss)
		return 1;
	prog_fd = bpf_program__fd(prog);

	for (i = 0; i < sizeof(traffic) / sizeof(traffic[0]); i++) {
		for (n = 0; n < traffic[i].count; n++) {
			LIBBPF_OPTS(bpf_test_run_opts, opts,
				    .data_in = pkt,
				    .data_size_in = traffic[i].len);

			memset(pkt, 0, sizeof(pkt));
			memset(pkt, 0xff, 6);
			pkt[12] = traffic[i].ethertype >> 8;
			pkt[13] = traffic[i].ethertype & 0xff;
			/* an IP header length the kernel accepts */
			pkt[14] = traffic[i].ethertype == 0x0800 ? 0x45 : 0x60;
			if (bpf_prog_test_run_opts(prog_fd, &opts)) {
				fprintf(stderr, "test_run: %s\n",
					strerror(errno));
				return 1;
			}
			accepted += opts.retval != 0;
		}
	}

	printf("program %s: %d of the packets were at least %u bytes past the Ethernet header\n",
	       bpf_program__name(prog), accepted, min_len);
	printf("packets by ethertype (hash map %s):\n", bpf_map__name(counts));
	while (!bpf_map_get_next_key(bpf_map__fd(counts), prev, &next)) {
		if (bpf_map_lookup_elem(bpf_map__fd(counts), &next, &value))
			return 1;
		printf("  %-5s 0x%04x  %llu\n", proto_name(ntohs(next)),
		       ntohs(next), (unsigned long long)value);
		key = next;
		prev = &key;
	}
	if (bpf_map_lookup_elem(bpf_map__fd(bss), &zero, &total))
		return 1;
	printf("global counter (.bss): %llu packets\n",
	       (unsigned long long)total);
	fflush(stdout);
	if (hold)
		sleep(hold);
	bpf_object__close(obj);
	return 0;
}
