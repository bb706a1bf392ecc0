#!/bin/sh
# The demo's part inside the VM (started by scripts/demo, cwd = repo root).
set -eu

say() { printf '\n== %s\n' "$*"; }

say "xbpf is loaded"
ls -l /dev/xbpf
grep xbpf /proc/modules

say "an unmodified libbpf program creates and fills a hash map, through the shim"
out=/tmp/mapcount.out
build/xbpf exec -- build/examples/mapcount --hold 60 >"$out" 2>&1 &
pid=$!
while ! grep -q processes "$out"; do
	kill -0 "$pid" 2>/dev/null || { cat "$out"; exit 1; }
	sleep 0.2
done
head -n 12 "$out"
echo "  ..."
tail -n 1 "$out"

say "unmodified bpftool, through the shim, sees the map"
build/xbpf exec -- bpftool map show
id=$(build/xbpf exec -- bpftool map show | sed -n 's/^\([0-9][0-9]*\):.*/\1/p' | head -n 1)
build/xbpf exec -- bpftool map dump id "$id" | head -n 12

say "xbpf status"
build/xbpf status

say "the kernel's own BPF is untouched (its map list, natively)"
bpftool map show || true

kill "$pid"
wait "$pid" 2>/dev/null || true

say "a clang-built socket filter, loaded by unmodified libbpf through the shim, run on packets"
out=/tmp/pktcount.out
build/xbpf exec -- build/examples/pktcount build/examples/pktcount.bpf.o \
	--hold 60 >"$out" 2>&1 &
pid=$!
while ! grep -q "global counter" "$out"; do
	kill -0 "$pid" 2>/dev/null || { cat "$out"; exit 1; }
	sleep 0.2
done
cat "$out"

say "unmodified bpftool sees the program xbpf verified, and its maps"
build/xbpf exec -- bpftool prog show
id=$(build/xbpf exec -- bpftool prog show | sed -n 's/^\([0-9][0-9]*\):.*/\1/p' | head -n 1)
build/xbpf exec -- bpftool prog dump xlated id "$id"
build/xbpf exec -- bpftool map show
build/xbpf status

kill "$pid"
wait "$pid" 2>/dev/null || true
say "all closed; xbpf holds nothing"
build/xbpf status

workload='for i in 1 2 3 4 5; do cat /etc/hostname /etc/os-release >/dev/null; ls / >/dev/null; done; head -c 64 /etc/passwd >/dev/null'

say "a clang-built kprobe program (do_sys_openat2) counts openat() per process name; unmodified libbpf loads and attaches it through the shim"
build/xbpf exec -- build/examples/opencount build/examples/opencount.bpf.o kprobe -- sh -c "$workload"

say "the same count from the syscalls:sys_enter_openat tracepoint"
build/xbpf exec -- build/examples/opencount build/examples/opencount.bpf.o tracepoint -- sh -c "$workload"

say "and from the sys_enter raw tracepoint; unmodified bpftool, under the shim too, lists the link"
build/xbpf exec -- build/examples/opencount build/examples/opencount.bpf.o raw_tp -- sh -c "$workload; bpftool link show"

say "detached and closed; xbpf holds nothing"
build/xbpf status
