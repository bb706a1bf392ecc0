#!/usr/bin/env bash
# Install the Debian packages xbpf needs to build, and to test inside a VM.
# Safe to run repeatedly: it touches apt only when something is missing,
# so CI and developers can call it unconditionally and pay nothing.
set -euo pipefail

packages=(
	# The target kernel (booted under QEMU) and its build tree for kmod/.
	linux-image-amd64
	linux-headers-amd64
	# Kernel source, read by developers to match the in-kernel behaviour.
	linux-source
	# The test VM: emulator plus a static shell for its initramfs.
	qemu-system-x86
	busybox-static
	# Userspace and BPF program toolchain.
	libbpf-dev
	bpftool
	clang
	llvm
	# libFuzzer and the sanitizer runtimes for clang -fsanitize=fuzzer,
	# address (the core's fuzzers); only recommended by clang's packages.
	libclang-rt-dev
	libelf-dev
	zlib1g-dev
	gcc
	make
	libcap-dev
	# Needed by scripts/vmrun to assemble the initramfs.
	cpio
	kmod
	xz-utils
)

missing=()
for pkg in "${packages[@]}"; do
	# A removed-but-configured package leaves a dpkg record with another
	# status, so a bare "is it known" test would wrongly pass.
	status=$(dpkg-query -W -f='${db:Status-Status}' "$pkg" 2>/dev/null || true)
	if [[ "$status" != installed ]]; then
		missing+=("$pkg")
	fi
done

if ((${#missing[@]} == 0)); then
	exit 0
fi

if ((EUID != 0)); then
	if command -v sudo >/dev/null 2>&1; then
		SUDO=(sudo)
	else
		echo "deps.sh: missing packages (${missing[*]}) and not root" >&2
		exit 1
	fi
else
	SUDO=()
fi

echo "deps.sh: installing: ${missing[*]}" >&2
"${SUDO[@]}" apt-get update -q
"${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive \
	apt-get install -y -q --no-install-recommends "${missing[@]}"
