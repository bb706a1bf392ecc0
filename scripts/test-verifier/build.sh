#!/usr/bin/env bash
# Build the Linux 6.1 kernel's own BPF verifier test suite, test_verifier
# (tools/testing/selftests/bpf/test_verifier.c and its verifier/*.c corpus),
# unmodified, from Debian's linux-source tarball, into
# build/test_verifier/test_verifier. selftests/test_verifier.sh runs it
# natively and under `build/xbpf exec` and compares the two.
#
# Usage: scripts/test-verifier/build.sh [--bundled-libbpf] [--force-extract]
#
#   --bundled-libbpf  link the tarball's own tools/lib/bpf, built statically
#                     into build/test_verifier/libbpf/, instead of Debian's
#                     libbpf-dev (the default; 6.1's test_verifier needs
#                     nothing newer than the libbpf 1.1 Debian ships)
#   --force-extract   extract the sources again even if already cached
#
# Environment:
#   LINUX_SOURCE_TARBALL  default /usr/src/linux-source-6.1.tar.xz
#   CC                    default gcc
#
# Debian packages needed: linux-source-6.1 (the tarball), libbpf-dev,
# libelf-dev, zlib1g-dev, gcc, make, xz-utils; for --bundled-libbpf also
# python3 (libbpf's Makefile runs scripts/bpf_doc.py).
#
# The sources go to build/test_verifier/src/ (tools/... kept at their tree
# paths, since test_verifier.c includes "../../../include/linux/filter.h").
# Only the files test_verifier needs are extracted; extraction still has to
# decompress the whole tarball, so it is done once and then skipped while the
# stamp file matches the tarball. Nothing is patched: verifier/tests.h is
# generated as the 6.1 selftests Makefile does, and the compile uses that
# Makefile's CFLAGS and LDLIBS for test_verifier (which links
# testing_helpers.o and cap_helpers.o).
set -euo pipefail

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
REPO_ROOT=$(cd "$SCRIPT_DIR/../.." && pwd -P)
OUT="$REPO_ROOT/build/test_verifier"
SRC="$OUT/src"
STAMP="$SRC/.xbpf-extracted"
TARBALL=${LINUX_SOURCE_TARBALL:-/usr/src/linux-source-6.1.tar.xz}
TOPDIR=linux-source-6.1
CC=${CC:-gcc}

# Paths inside the tree. Bump STAMP_FORMAT when this list changes, so an
# older cache is extracted again.
STAMP_FORMAT=2
SELFTESTS=tools/testing/selftests/bpf
MEMBERS=(
	Makefile
	tools/include
	tools/arch/x86/include
	"$SELFTESTS/Makefile"
	"$SELFTESTS/test_verifier.c"
	"$SELFTESTS/verifier"
	"$SELFTESTS/testing_helpers.c"
	"$SELFTESTS/testing_helpers.h"
	"$SELFTESTS/cap_helpers.c"
	"$SELFTESTS/cap_helpers.h"
	"$SELFTESTS/bpf_rand.h"
	"$SELFTESTS/bpf_util.h"
	"$SELFTESTS/test_btf.h"
	"$SELFTESTS/test_progs.h"
	"$SELFTESTS/test_iptunnel_common.h"
	"$SELFTESTS/trace_helpers.h"
	# Only for --bundled-libbpf; small, so always taken along.
	tools/lib/bpf
	tools/build
	tools/scripts
	scripts/bpf_doc.py
)

bundled=0
force=0

usage() {
	sed -n '2,31p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
}

die() {
	echo "test-verifier/build.sh: $*" >&2
	exit 1
}

while [ $# -gt 0 ]; do
	case "$1" in
	--bundled-libbpf) bundled=1 ;;
	--force-extract) force=1 ;;
	-h | --help)
		usage
		exit 0
		;;
	*)
		echo "test-verifier/build.sh: unknown argument: $1" >&2
		usage >&2
		exit 2
		;;
	esac
	shift
done

[ -r "$TARBALL" ] || die "$TARBALL missing: apt-get install linux-source-6.1"
command -v "$CC" >/dev/null || die "$CC not found"

stamp_text() {
	# The tarball's identity, and what was taken from it.
	printf 'format %s\n' "$STAMP_FORMAT"
	stat -c 'tarball %n %s %Y' "$TARBALL"
}

extract() {
	local tmp members=() m start
	for m in "${MEMBERS[@]}"; do
		members+=("$TOPDIR/$m")
	done
	mkdir -p "$OUT"
	tmp=$(mktemp -d "$OUT/.src.XXXXXX")
	echo "extracting ${#MEMBERS[@]} paths from $TARBALL (about a minute)..."
	start=$SECONDS
	if ! tar -xJf "$TARBALL" -C "$tmp" --strip-components=1 "${members[@]}"; then
		rm -rf "$tmp"
		die "extraction from $TARBALL failed"
	fi
	stamp_text >"$tmp/.xbpf-extracted"
	rm -rf "$SRC"
	mv "$tmp" "$SRC"
	echo "extracted in $((SECONDS - start))s into ${SRC#"$REPO_ROOT"/}"
}

if [ "$force" = 1 ] || [ ! -f "$STAMP" ] ||
	[ "$(cat "$STAMP")" != "$(stamp_text)" ]; then
	extract
else
	echo "sources already extracted in ${SRC#"$REPO_ROOT"/} (--force-extract to redo)"
fi

kver=$(awk '$1 == "VERSION" { v = $3 } $1 == "PATCHLEVEL" { p = $3 }
	$1 == "SUBLEVEL" { s = $3 } END { print v "." p "." s }' "$SRC/Makefile")

# verifier/tests.h, exactly as the 6.1 selftests Makefile's rule writes it
# (LC_ALL=C only pins the order of ls, and so the test numbers, to the one a
# C or C.UTF-8 locale gives).
gen_tests_h() {
	(
		cd "$SRC/$SELFTESTS/verifier"
		echo '/* Generated header, do not edit */'
		echo '#ifdef FILL_ARRAY'
		# shellcheck disable=SC2012 # the Makefile's own recipe
		LC_ALL=C ls ./*.c 2>/dev/null | sed -e 's@^\./@@' -e 's@\(.*\)@#include "\1"@'
		echo '#endif'
	)
}
tests_h="$SRC/$SELFTESTS/verifier/tests.h"
gen_tests_h >"$tests_h.tmp"
if cmp -s "$tests_h.tmp" "$tests_h"; then
	rm -f "$tests_h.tmp"
else
	mv "$tests_h.tmp" "$tests_h"
fi
ncorpus=$(grep -c '^#include' "$tests_h")

# The selftests Makefile's CFLAGS, less the paths of a full selftests build
# that test_verifier does not use: $(INCLUDE_DIR) (libbpf's installed
# headers: /usr/include/bpf, or the bundled libbpf's, stands in), $(GENDIR)
# (include/generated of a configured kernel tree: without it, as here,
# test_verifier.c sets CONFIG_HAVE_EFFICIENT_UNALIGNED_ACCESS itself on
# x86_64) and $(LIBDIR) (tools/lib: it would shadow the libbpf headers in
# use with the tarball's own).
cflags=(-g -O0 -rdynamic -Wall -Werror
	-I"$SRC/$SELFTESTS"
	-I"$SRC/tools/include"
	-I"$SRC/tools/include/uapi")
ldlibs=(-lelf -lz -lrt -lpthread)

if [ "$bundled" = 1 ]; then
	lib="$OUT/libbpf"
	mkdir -p "$lib"
	echo "building the tarball's tools/lib/bpf into ${lib#"$REPO_ROOT"/}..."
	make -s -C "$SRC/tools/lib/bpf" -j"$(nproc)" OUTPUT="$lib/" \
		DESTDIR="$lib/root" prefix=/usr CC="$CC" \
		"$lib/libbpf.a" install_headers
	cflags+=(-I"$lib/root/usr/include")
	libbpf_link=("$lib/libbpf.a")
	libbpf_desc="bundled tools/lib/bpf of linux $kver (static)"
else
	[ -r /usr/include/bpf/libbpf.h ] || die "libbpf headers missing: apt-get install libbpf-dev"
	libbpf_link=(-lbpf)
	libbpf_desc="system libbpf $(dpkg-query -W -f '${Version}' libbpf-dev 2>/dev/null || echo '?')"
fi

bin="$OUT/test_verifier"
echo "compiling test_verifier of linux $kver ($ncorpus verifier/*.c files) with $libbpf_desc..."
(
	cd "$SRC/$SELFTESTS"
	"$CC" "${cflags[@]}" test_verifier.c testing_helpers.c cap_helpers.c \
		"${libbpf_link[@]}" "${ldlibs[@]}" -o "$bin.tmp"
)
mv "$bin.tmp" "$bin"
{
	echo "linux $kver test_verifier from $TARBALL"
	echo "libbpf: $libbpf_desc"
	echo "compiler: $("$CC" --version | head -n1)"
} >"$OUT/BUILD-INFO"
echo "built ${bin#"$REPO_ROOT"/}"
