/* SPDX-License-Identifier: GPL-2.0 */
/*
 * JIT images on the host: code written through one mapping (rw) and run
 * through another (rx), as the module does.
 */
#ifndef XBPF_TEST_JIT_IMAGE_H
#define XBPF_TEST_JIT_IMAGE_H

#include "jit.h"

/* The flavours every differential run covers. */
#define NR_FLAVOURS	4
extern const struct xbpf_jit_opts flavours[NR_FLAVOURS];
const char *flavour_name(const struct xbpf_jit_opts *opts);

/* An image: code written through rw, executed through rx. */
struct image {
	u8 *rw;
	u8 *rx;
	size_t size;
	struct xbpf_jit_layout layout;
	struct xbpf_jit_prog jp;
};

/*
 * JIT prog into a fresh image; jp.interp is prog and jp.tail_entry set.
 * Returns what xbpf_jit_emit() did.
 */
int image_jit(struct image *im, const struct xbpf_interp_prog *prog, u32 len,
	      u32 stack_depth, const struct xbpf_jit_opts *opts);
void image_free(struct image *im);
u64 image_run(const struct image *im, const void *ctx);

#endif /* XBPF_TEST_JIT_IMAGE_H */
