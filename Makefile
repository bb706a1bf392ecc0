# SPDX-License-Identifier: GPL-2.0
#
# xbpf top-level build. Targets:
#   make            module (kmod/xbpf.ko), userspace (build/), selftests
#   make module     the kernel module only
#   make debug      the module with DEBUG, lockdep-friendly asserts
#   make host-check the dual-build core's tests, on the host
#   make check      install deps, build, run every test (host, then the VM)
#   make demo       the main job: boot, insmod, use xbpf through the shim
#   make style      checkpatch on kmod/ and uapi/
#   make install    module into /lib/modules/$(KVER)/extra, tools into $(PREFIX)
#   make dkms-install  register the source tree with DKMS

# The kernel to build against: the running one if its build dir exists,
# else the newest installed Debian linux-headers-*-amd64.
KDIR ?= $(firstword $(wildcard /lib/modules/$(shell uname -r)/build) \
		    $(lastword $(sort $(wildcard /usr/src/linux-headers-*-amd64))))
KVER ?= $(patsubst linux-headers-%,%,$(notdir $(KDIR)))
PREFIX ?= /usr/local

all: module userspace selftests

module:
	@test -n "$(KDIR)" || { echo "no kernel headers: run scripts/deps.sh" >&2; exit 1; }
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules

debug:
	$(MAKE) -C $(KDIR) M=$(CURDIR) ccflags-y+=-DDEBUG modules

userspace:
	$(MAKE) -C userspace

selftests: userspace
	$(MAKE) -C selftests

# Host tests of the dual-build core (verifier, interpreter, disassembler);
# make check runs them too.
host-check:
	$(MAKE) -C selftests/core run
	$(MAKE) -C selftests/core/verifier run
	$(MAKE) -C selftests/core/verify run
	$(MAKE) -C selftests/core/fuzz_verifier regress
	$(MAKE) -C selftests/core/jit run
	$(MAKE) -C selftests/core/fuzz_jit regress

check:
	scripts/check

demo:
	scripts/demo

style:
	scripts/style

install: all
	$(MAKE) -C $(KDIR) M=$(CURDIR) INSTALL_MOD_DIR=extra modules_install
	install -D -m 0755 build/xbpf $(DESTDIR)$(PREFIX)/bin/xbpf
	install -D -m 0644 build/libxbpf-shim.so $(DESTDIR)$(PREFIX)/lib/xbpf/libxbpf-shim.so

dkms-install:
	scripts/dkms-install

clean:
	$(MAKE) -C $(KDIR) M=$(CURDIR) clean
	rm -rf build

.PHONY: all module debug userspace selftests host-check check demo style install dkms-install clean
