/* Console output: fans bytes out to every registered console driver.
 * Console input: reads the one registered input source, with a small
 * look-ahead buffer so readiness can be asked without losing bytes. */
#include <kn/console.h>
#include <kn/errno.h>

extern const struct kn_console_driver __kn_console_start[], __kn_console_end[];
extern const struct kn_console_input __kn_console_in_start[], __kn_console_in_end[];

/* Bytes a readiness query took from the source before anyone read them. */
static char in_buf[64];
static size_t in_len, in_pos;
static int in_eof;

static const struct kn_console_input *input_source(void)
{
	const struct kn_console_input *first = __kn_console_in_start;
	return first != __kn_console_in_end ? first : 0;
}

long kn_console_read(void *buf, size_t n)
{
	if (!n)
		return 0;
	if (in_pos < in_len) {
		size_t k = in_len - in_pos < n ? in_len - in_pos : n;
		__builtin_memcpy(buf, in_buf + in_pos, k);
		in_pos += k;
		return (long)k;
	}
	const struct kn_console_input *src = input_source();
	if (!src || in_eof)
		return 0;
	long r = src->read(buf, n);
	if (r == 0)
		in_eof = 1; /* stays at end of input, as a closed pipe does */
	return r;
}

int kn_console_input_ready(void)
{
	if (in_pos < in_len || in_eof)
		return 1;
	const struct kn_console_input *src = input_source();
	if (!src)
		return 1;
	long r = src->read(in_buf, sizeof(in_buf));
	if (r == -KN_EAGAIN)
		return 0;
	in_pos = 0;
	in_len = r > 0 ? (size_t)r : 0;
	if (r <= 0)
		in_eof = 1; /* end of input, or an error: reads return 0 */
	return 1;
}

void kn_console_write(const char *s, size_t n)
{
	for (const struct kn_console_driver *d = __kn_console_start;
	     d < __kn_console_end; d++)
		d->write(s, n);
}

/* kn_printk formats into a small stack buffer and writes whole chunks:
 * drivers pay per call (a VM exit per call on some), not per byte. */
struct printk_buf {
	char data[128];
	size_t len;
};

static void printk_flush(struct printk_buf *b)
{
	if (b->len) {
		kn_console_write(b->data, b->len);
		b->len = 0;
	}
}

static void printk_sink(void *ctx, const char *s, size_t n)
{
	struct printk_buf *b = ctx;
	while (n) {
		if (b->len == sizeof(b->data))
			printk_flush(b);
		size_t room = sizeof(b->data) - b->len;
		size_t take = n < room ? n : room;
		__builtin_memcpy(b->data + b->len, s, take);
		b->len += take;
		s += take;
		n -= take;
	}
}

int kn_vprintk(const char *fmt, va_list ap)
{
	struct printk_buf b = {.len = 0};
	int n = kn_vformat(printk_sink, &b, fmt, ap);
	printk_flush(&b);
	return n;
}

int kn_printk(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = kn_vprintk(fmt, ap);
	va_end(ap);
	return n;
}
