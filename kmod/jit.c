// SPDX-License-Identifier: GPL-2.0
/*
 * The module's side of the JIT: where images live, how they become
 * executable, when they go away, and the knobs.
 *
 * Memory. Images live in an arena inside xbpf.ko's own text
 * (jit_arena.S), which the module loader maps read-only and executable, with
 * the kernel's linear-map alias of its pages read-only as well: the one way
 * to executable memory through exported symbols (vmap() maps everything
 * non-executable, and module_alloc()/set_memory_x() are not exported). An
 * image is written through a temporary vmap() of its pages with
 * PAGE_KERNEL, unmapped (TLB entries flushed with vm_unmap_aliases())
 * before the program can run: no mapping is ever writable and executable
 * at once. Freed images are filled with int3 the same way. A genalloc pool
 * hands out the arena in 64-byte granules; when it is full, programs are
 * interpreted (the load's log says so), or the load fails with jit=2.
 *
 * Calls. Module text is within rel32 reach of the kernel's text and of
 * xbpf's own, so the code is emitted for its address in the arena and
 * calls helpers and hooks directly ("call rel32"), as the kernel's JIT
 * does; returns go through the kernel's return thunk when it uses one
 * (X86_FEATURE_RETHUNK). Only the tail call's jump through a register
 * remains indirect, through the image's own retpoline when the kernel uses
 * retpolines (X86_FEATURE_RETPOLINE).
 *
 * Unwinding. The ORC unwinder has no entries for the arena; a stack walk
 * that meets a JIT frame may end there (the code keeps frame pointers).
 *
 * Lifetime. An image is freed with its program, after an RCU grace period
 * (object.c frees programs from an rcu_work): a CPU still running the
 * program, reached by a tail call, is done with it by then.
 *
 * Knobs (module parameters, writable at run time, read at each load):
 *	jit=0	interpret every program
 *	jit=1	JIT each program, falling back to the interpreter if the JIT
 *		fails (the default; the load's log says why)
 *	jit=2	JIT or fail the load (as the kernel's bpf_jit_enable with
 *		CONFIG_BPF_JIT_ALWAYS_ON)
 *	jit_harden=1	constant blinding for every program (0: off)
 */
#include <linux/genalloc.h>
#include <linux/log2.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/percpu.h>
#include <linux/random.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>
#include <asm/cpufeature.h>
#include <asm/nospec-branch.h>

#include "core/jit.h"
#include "prog.h"

static int jit_mode = 1;
module_param_named(jit, jit_mode, int, 0644);
MODULE_PARM_DESC(jit, "0: interpreter only, 1: JIT with fallback (default), 2: JIT or fail the load");

static int jit_harden;
module_param(jit_harden, int, 0644);
MODULE_PARM_DESC(jit_harden, "1: blind the constants of every JITed program (default 0)");

/* jit_arena.S */
extern u8 xbpf_jit_arena[];

#define ARENA_GRANULE_ORDER	6

static struct gen_pool *arena;

/*
 * An image of at most a page is placed within one page (aligned to its
 * size rounded up to a power of two): one iTLB entry covers it, and
 * emulators that translate code by page (QEMU's TCG) can chain its jumps
 * directly. Past a page, or when fragmentation leaves no aligned room,
 * anywhere.
 */
static unsigned long arena_alloc(size_t size)
{
	struct genpool_data_align align = {
		.align = roundup_pow_of_two(size),
	};
	unsigned long addr = 0;

	if (size <= PAGE_SIZE)
		addr = gen_pool_alloc_algo(arena, size,
					   gen_pool_first_fit_align, &align);
	return addr ? addr : gen_pool_alloc(arena, size);
}

struct xbpf_jit_image {
	unsigned long addr;	/* in the arena: the entry */
	u32 size;		/* allocated */
	u32 len;		/* bytes of code */
	u32 nr_funcs;
	u32 func_off[];		/* where each function starts */
};

/*
 * Map the arena pages under [addr, addr + len) writable, for fn to write
 * through; unmap and flush before returning. Process context.
 */
static int arena_write(unsigned long addr, u32 len,
		       int (*fn)(void *wr, u32 len, void *arg), void *arg)
{
	unsigned long first = addr & PAGE_MASK;
	u32 n = DIV_ROUND_UP(offset_in_page(addr) + len, PAGE_SIZE), i;
	struct page *stack_pages[8], **pages = stack_pages;
	void *wr;
	int err;

	if (n > ARRAY_SIZE(stack_pages)) {
		pages = kmalloc_array(n, sizeof(*pages), GFP_KERNEL);
		if (!pages)
			return -ENOMEM;
	}
	for (i = 0; i < n; i++)
		pages[i] = vmalloc_to_page((void *)(first + i * PAGE_SIZE));
	wr = vmap(pages, n, VM_MAP, PAGE_KERNEL);
	if (pages != stack_pages)
		kfree(pages);
	if (!wr)
		return -ENOMEM;
	err = fn(wr + offset_in_page(addr), len, arg);
	vunmap(wr);
	/* no stale TLB entry of the writable alias may outlive this */
	vm_unmap_aliases();
	return err;
}

static int fill_int3(void *wr, u32 len, void *arg)
{
	memset(wr, 0xcc, len);
	return 0;
}

void xbpf_jit_free(struct xbpf_prog *prog)
{
	struct xbpf_jit_image *img = prog->jit;

	if (!img)
		return;
	prog->jit = NULL;
	prog->jit_func = NULL;
	/* on failure the old code stays: unreachable, and never writable */
	arena_write(img->addr, img->size, fill_int3, NULL);
	gen_pool_free(arena, img->addr, img->size);
	kfree(img);
}

struct emit_args {
	struct xbpf_prog *prog;
	const struct xbpf_jit_opts *opts;
	struct xbpf_jit_layout *layout;
};

static int emit_into(void *wr, u32 len, void *arg)
{
	struct emit_args *a = arg;

	return xbpf_jit_emit(&a->prog->run, a->prog->len, a->prog->stack_depth,
			     a->opts, wr, len, a->layout);
}

static int jit_emit_image(struct xbpf_prog *prog,
			  const struct xbpf_jit_opts *opts,
			  struct xbpf_jit_image **out)
{
	struct xbpf_jit_layout layout = {};
	struct xbpf_jit_opts placed = *opts;
	struct emit_args args = { prog, &placed, &layout };
	struct xbpf_jit_image *img;
	int len, err, tries;

	img = kzalloc(struct_size(img, func_off, prog->func_cnt), GFP_KERNEL);
	if (!img)
		return -ENOMEM;
	img->nr_funcs = prog->func_cnt;
	placed.func_insn = prog->func_start;
	placed.func_depth = prog->func_stack_depth;
	placed.func_off = img->func_off;
	placed.nr_funcs = img->nr_funcs;

	/*
	 * Measure as if at the arena's start: whether a call reaches its
	 * target with a rel32 is the same from anywhere in the arena but
	 * for targets at the very edge of reach, for which the code measured
	 * at the address it got is emitted on a second try.
	 */
	placed.base = (unsigned long)xbpf_jit_arena;
	for (tries = 0; ; tries++) {
		len = xbpf_jit_emit(&prog->run, prog->len, prog->stack_depth,
				    &placed, NULL, 0, NULL);
		if (len < 0) {
			err = len;
			goto err_img;
		}
		img->size = round_up(len, 1U << ARENA_GRANULE_ORDER);
		img->addr = arena_alloc(img->size);
		if (!img->addr) {
			err = -ENOSPC;
			goto err_img;
		}
		placed.base = img->addr;
		err = arena_write(img->addr, img->size, emit_into, &args);
		if (err >= 0)
			break;
		arena_write(img->addr, img->size, fill_int3, NULL);
		gen_pool_free(arena, img->addr, img->size);
		if (err != -EFBIG || tries)
			goto err_img;
	}
	img->len = err;
	prog->run_jit.tail_entry = img->addr + layout.tail_entry;
	*out = img;
	return 0;

err_img:
	kfree(img);
	return err;
}

int xbpf_jit_prog(struct xbpf_prog *prog, char *why, size_t why_len)
{
	struct xbpf_jit_opts opts = {};
	struct xbpf_jit_image *img;
	int mode = READ_ONCE(jit_mode);
	int err;

	if (mode <= 0)
		return 0;
	if (boot_cpu_has(X86_FEATURE_RETPOLINE) ||
	    boot_cpu_has(X86_FEATURE_RETPOLINE_LFENCE))
		opts.flags |= XBPF_JIT_RETPOLINE;
	if (boot_cpu_has(X86_FEATURE_RETHUNK))
		opts.return_thunk = (unsigned long)__x86_return_thunk;
	/* per-CPU symbols are small offsets into the gs segment */
	opts.this_cpu_off = (u32)(unsigned long)&this_cpu_off;
	if (READ_ONCE(jit_harden) > 0) {
		opts.flags |= XBPF_JIT_BLIND;
		opts.blind_seed = get_random_u32();
	}

	err = jit_emit_image(prog, &opts, &img);
	if (err) {
		snprintf(why, why_len, err == -ENOSPC ?
			 "JIT memory is full: the program runs in the interpreter\n" :
			 "JIT failed (%d): the program runs in the interpreter\n",
			 err);
		return mode >= 2 ? err : 0;
	}
	prog->jit = img;
	prog->jit_func = (xbpf_jit_func)img->addr;
	return 0;
}

u32 xbpf_jit_len(const struct xbpf_prog *prog)
{
	return prog->jit ? prog->jit->len : 0;
}

const void *xbpf_jit_image(const struct xbpf_prog *prog)
{
	return prog->jit ? (const void *)prog->jit->addr : NULL;
}

u32 xbpf_jit_nr_funcs(const struct xbpf_prog *prog)
{
	return prog->jit ? prog->jit->nr_funcs : 0;
}

/* Address and length of function i of the image, in the order of the code. */
void xbpf_jit_func_range(const struct xbpf_prog *prog, u32 i, u64 *addr,
			 u32 *len)
{
	const struct xbpf_jit_image *img = prog->jit;
	u32 end = i + 1 < img->nr_funcs ? img->func_off[i + 1] : img->len;

	*addr = img->addr + img->func_off[i];
	*len = end - img->func_off[i];
}

/* Arena use, for xbpf status: bytes in use and in all. */
void xbpf_jit_arena_usage(size_t *used, size_t *total)
{
	*total = gen_pool_size(arena);
	*used = *total - gen_pool_avail(arena);
}

int xbpf_jit_init(void)
{
	arena = gen_pool_create(ARENA_GRANULE_ORDER, NUMA_NO_NODE);
	if (!arena)
		return -ENOMEM;
	if (gen_pool_add(arena, (unsigned long)xbpf_jit_arena,
			 XBPF_JIT_ARENA_SIZE, NUMA_NO_NODE)) {
		gen_pool_destroy(arena);
		return -ENOMEM;
	}
	return 0;
}

/* After every program is freed. */
void xbpf_jit_uninit(void)
{
	gen_pool_destroy(arena);
}

bool xbpf_jit_text(u64 addr)
{
	return addr - (unsigned long)xbpf_jit_arena < XBPF_JIT_ARENA_SIZE;
}
