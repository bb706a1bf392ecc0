// SPDX-License-Identifier: GPL-2.0
/*
 * bpf_trace_printk(), bpf_trace_vprintk() and bpf_snprintf(): format with
 * Linux 6.1's rules (what bpf_bprintf_prepare() accepts: %d %i %u %x %X
 * with l/ll, %c, %s %pks %pus, %p %pK %px %ps %pS %pB %pI4 %pi4 %pI6 %pi6,
 * widths and [0 +-] flags, %%; no control characters; at most as many conversions as
 * arguments), then write the line into the kernel's trace buffer, where
 * trace_pipe shows it, or into the program's buffer. The verifier checks
 * bpf_snprintf()'s constant format with the same rules at load time
 * (xbpf_bprintf_check()).
 *
 * Linux writes through its bpf_trace_printk trace event, which a module
 * cannot fire; xbpf writes a TRACE_PRINT entry with __trace_puts(), shown
 * as "bpf_trace_printk [xbpf]: <text>" (the "function" of the entry is the
 * helper below, named after Linux's for that reason).
 *
 * Any context: the formatting buffers are per CPU, three nesting levels
 * deep (a program interrupting a program), -EBUSY beyond, as in Linux.
 */
#include <linux/ctype.h>
#include <linux/kernel.h>
#include <linux/percpu.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "prog.h"

#define BPRINTF_BIN_ARGS_SIZE	512
#define BPRINTF_BUF_SIZE	1024
#define BPRINTF_NEST_LEVELS	3
#define TRACE_PRINTK_VARARGS	3
#define BPRINTF_VARARGS		12

struct bprintf_buffers {
	char bin_args[BPRINTF_BIN_ARGS_SIZE];
	char buf[BPRINTF_BUF_SIZE];
};

/* per CPU, allocated at init: too big for a module's static per-CPU area */
struct bprintf_cpu {
	struct bprintf_buffers lvl[BPRINTF_NEST_LEVELS];
};

static struct bprintf_cpu __percpu *bprintf_bufs;

int xbpf_printk_init(void)
{
	bprintf_bufs = alloc_percpu(struct bprintf_cpu);
	return bprintf_bufs ? 0 : -ENOMEM;
}

void xbpf_printk_uninit(void)
{
	free_percpu(bprintf_bufs);
	bprintf_bufs = NULL;
}
static DEFINE_PER_CPU(int, bprintf_nest);

static struct bprintf_buffers *bprintf_get_buffers(void)
{
	int level = this_cpu_inc_return(bprintf_nest);

	if (level > BPRINTF_NEST_LEVELS) {
		this_cpu_dec(bprintf_nest);
		return NULL;
	}
	return &this_cpu_ptr(bprintf_bufs)->lvl[level - 1];
}

static void bprintf_put_buffers(void)
{
	this_cpu_dec(bprintf_nest);
}

/* A string argument: user or kernel memory by its address ('s'), or named. */
static int copy_string_arg(char *buf, unsigned long ptr, char kind,
			   size_t size)
{
	bool user = kind == 'u' || (kind == 's' && ptr < TASK_SIZE);

	return xbpf_probe_read_str(user, buf, size, (const void *)ptr);
}

/* Ends a conversion that takes no more letters: end, space, punctuation. */
static bool spec_ends(char c)
{
	return !c || isspace(c) || ispunct(c);
}

struct bin_writer {
	char *pos;
	char *end;
};

/* Integer argument i, unless only the format is checked (no w, no args). */
static int put_int_arg(struct bin_writer *w, const u64 *args, u32 i,
		       size_t size)
{
	u64 val;

	if (!w)
		return 0;
	val = args[i];
	w->pos = PTR_ALIGN(w->pos, sizeof(u32));
	if (w->end - w->pos < (long)size)
		return -ENOSPC;
	if (size == sizeof(u64))
		memcpy(w->pos, &val, sizeof(u64));
	else
		*(u32 *)w->pos = (u32)val;
	w->pos += size;
	return 0;
}

/*
 * Check fmt (NUL-terminated within fmt_size) against Linux's rules and,
 * with w, pack the arguments the way bstr_printf() reads them (strings and
 * IP addresses already rendered). Without w (the load-time check), args is
 * not read. Returns 0 or a negative errno.
 */
static int bprintf_prepare(const char *fmt, u32 fmt_size, const u64 *args,
			   u32 num_args, struct bin_writer *w)
{
	u32 len, i, spec = 0;
	const char *nul;

	nul = strnchr(fmt, fmt_size, 0);
	if (!nul)
		return -EINVAL;
	len = nul - fmt;

	for (i = 0; i < len; i++) {
		unsigned char c = fmt[i];
		size_t size;
		char kind;
		int n;

		/* UTF-8 passes; ASCII control characters do not */
		if (isascii(c) && !isprint(c) && !isspace(c))
			return -EINVAL;
		if (c != '%')
			continue;
		if (fmt[i + 1] == '%') {
			i++;
			continue;
		}
		if (spec >= num_args)
			return -EINVAL;

		i++;
		if (!isascii(fmt[i]))
			return -EINVAL;
		/* flags and width: [0 +-]*[1-9][0-9]* */
		while (fmt[i] == '0' || fmt[i] == '+' || fmt[i] == '-' ||
		       fmt[i] == ' ')
			i++;
		if (fmt[i] >= '1' && fmt[i] <= '9')
			while (fmt[i] >= '0' && fmt[i] <= '9')
				i++;

		if (fmt[i] == 'p') {
			kind = fmt[i + 1];
			if (spec_ends(kind)) {
				n = put_int_arg(w, args, spec, sizeof(long));
			} else if ((kind == 'k' || kind == 'u') &&
				   fmt[i + 2] == 's') {
				i += 2;
				goto string;
			} else if (kind == 'K' || kind == 'x' || kind == 's' ||
				   kind == 'S') {
				i++;
				n = put_int_arg(w, args, spec, sizeof(long));
			} else if (kind == 'B') {
				i++;
				n = w ? -ENOSPC : 0;
				if (w && w->pos < w->end) {
					n = snprintf(w->pos, w->end - w->pos,
						     "%pB",
						     (void *)(long)args[spec]);
					w->pos += min_t(long, n + 1,
							w->end - w->pos);
					n = 0;
				}
			} else if ((kind == 'i' || kind == 'I') &&
				   (fmt[i + 2] == '4' || fmt[i + 2] == '6')) {
				char ip[16], ip_spec[] = "%pXX";
				size_t ip_size = fmt[i + 2] == '4' ? 4 : 16;

				i += 2;
				if (!w) {
					spec++;
					continue;
				}
				if (w->end - w->pos < (long)ip_size)
					return -ENOSPC;
				if (copy_from_kernel_nofault(ip, (void *)(long)args[spec],
							     ip_size) < 0)
					memset(ip, 0, ip_size);
				/* bstr_printf() takes addresses as text */
				ip_spec[2] = fmt[i - 1];
				ip_spec[3] = fmt[i];
				n = snprintf(w->pos, w->end - w->pos, ip_spec,
					     ip);
				w->pos += min_t(long, n + 1, w->end - w->pos);
				n = 0;
			} else {
				return -EINVAL;
			}
			if (n)
				return n;
			spec++;
			continue;
		}

		if (fmt[i] == 's') {
			kind = 's';
string:
			if (!spec_ends(fmt[i + 1]))
				return -EINVAL;
			if (!w) {
				spec++;
				continue;
			}
			if (w->pos == w->end)
				return -ENOSPC;
			n = copy_string_arg(w->pos, args[spec], kind,
					    w->end - w->pos);
			if (n < 0) {
				w->pos[0] = '\0';
				n = 1;
			}
			w->pos += n;
			spec++;
			continue;
		}

		if (fmt[i] == 'c') {
			if (!w) {
				spec++;
				continue;
			}
			if (w->pos == w->end)
				return -ENOSPC;
			*w->pos++ = args[spec];
			spec++;
			continue;
		}

		size = sizeof(int);
		if (fmt[i] == 'l') {
			size = sizeof(long);
			i++;
		}
		if (fmt[i] == 'l') {
			size = sizeof(long long);
			i++;
		}
		if (fmt[i] != 'i' && fmt[i] != 'd' && fmt[i] != 'u' &&
		    fmt[i] != 'x' && fmt[i] != 'X')
			return -EINVAL;
		n = put_int_arg(w, args, spec, size);
		if (n)
			return n;
		spec++;
	}
	return 0;
}

static long trace_printk_common(const char *fmt, u32 fmt_size,
				const u64 *args, u32 num_args,
				unsigned long ip)
{
	struct bprintf_buffers *bufs;
	struct bin_writer w;
	int ret;

	bufs = bprintf_get_buffers();
	if (!bufs)
		return -EBUSY;
	w.pos = bufs->bin_args;
	w.end = bufs->bin_args + sizeof(bufs->bin_args);
	ret = bprintf_prepare(fmt, fmt_size, args, num_args, &w);
	if (ret < 0)
		goto out;
	ret = bstr_printf(bufs->buf, sizeof(bufs->buf), fmt,
			  (u32 *)bufs->bin_args);
	__trace_puts(ip, bufs->buf, strnlen(bufs->buf, sizeof(bufs->buf)));
out:
	bprintf_put_buffers();
	return ret;
}

/* Named after Linux's helper: trace_pipe shows this name on each line. */
static u64 bpf_trace_printk(u64 fmt, u64 fmt_size, u64 arg1, u64 arg2,
			    u64 arg3)
{
	u64 args[TRACE_PRINTK_VARARGS] = { arg1, arg2, arg3 };

	return trace_printk_common((const char *)(unsigned long)fmt, fmt_size,
				   args, TRACE_PRINTK_VARARGS,
				   (unsigned long)bpf_trace_printk);
}

static u64 bpf_trace_vprintk(u64 fmt, u64 fmt_size, u64 args, u64 data_len,
			     u64 r5)
{
	if (data_len % 8 || data_len > BPRINTF_VARARGS * 8 ||
	    (data_len && !args))
		return -EINVAL;
	return trace_printk_common((const char *)(unsigned long)fmt, fmt_size,
				   (const u64 *)(unsigned long)args,
				   data_len / 8,
				   (unsigned long)bpf_trace_printk);
}

/*
 * The verifier's check of bpf_snprintf()'s constant format (NUL-terminated,
 * which the verifier has made sure of) for num_args arguments.
 */
int xbpf_bprintf_check(const char *fmt, u32 num_args)
{
	return bprintf_prepare(fmt, UINT_MAX, NULL, num_args, NULL);
}

/*
 * Returns the length of the whole output with its NUL, as Linux does, even
 * when str_size cut it short; str always ends with a NUL if str_size > 0.
 * Without arguments, nothing is packed and no buffer is taken, as in Linux.
 */
static u64 bpf_snprintf(u64 str, u64 str_size, u64 fmt, u64 args,
			u64 data_len)
{
	struct bprintf_buffers *bufs = NULL;
	struct bin_writer w = { };
	u32 num_args;
	int ret;

	if (data_len % 8 || data_len > BPRINTF_VARARGS * 8 ||
	    (data_len && !args))
		return -EINVAL;
	num_args = data_len / 8;

	if (num_args) {
		bufs = bprintf_get_buffers();
		if (!bufs)
			return -EBUSY;
		w.pos = bufs->bin_args;
		w.end = bufs->bin_args + sizeof(bufs->bin_args);
	}
	ret = bprintf_prepare((const char *)(unsigned long)fmt, UINT_MAX,
			      (const u64 *)(unsigned long)args, num_args, &w);
	if (ret < 0)
		goto out;
	ret = bstr_printf((char *)(unsigned long)str, (u32)str_size,
			  (const char *)(unsigned long)fmt,
			  bufs ? (u32 *)bufs->bin_args : NULL) + 1;
out:
	if (bufs)
		bprintf_put_buffers();
	return ret;
}

static const struct xbpf_func_proto printk_protos[] = {
	{
		.func_id = BPF_FUNC_trace_printk,
		.func = bpf_trace_printk,
		.gpl_only = true,
		.ret_type = RET_INTEGER,
		.arg_type = { ARG_PTR_TO_MEM | MEM_RDONLY, ARG_CONST_SIZE },
	}, {
		.func_id = BPF_FUNC_trace_vprintk,
		.func = bpf_trace_vprintk,
		.gpl_only = true,
		.ret_type = RET_INTEGER,
		.arg_type = { ARG_PTR_TO_MEM | MEM_RDONLY, ARG_CONST_SIZE,
			      ARG_PTR_TO_MEM | PTR_MAYBE_NULL | MEM_RDONLY,
			      ARG_CONST_SIZE_OR_ZERO },
	}, {
		.func_id = BPF_FUNC_snprintf,
		.func = bpf_snprintf,
		.gpl_only = true,
		.ret_type = RET_INTEGER,
		.arg_type = { ARG_PTR_TO_MEM_OR_NULL, ARG_CONST_SIZE_OR_ZERO,
			      ARG_PTR_TO_CONST_STR,
			      ARG_PTR_TO_MEM | PTR_MAYBE_NULL | MEM_RDONLY,
			      ARG_CONST_SIZE_OR_ZERO },
	},
};

const struct xbpf_func_proto *xbpf_printk_func_proto(u32 func_id)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(printk_protos); i++)
		if (printk_protos[i].func_id == func_id)
			return &printk_protos[i];
	return NULL;
}
