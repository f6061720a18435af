/* Console output: fans bytes out to every registered console driver, on
 * its output or its error stream (kernel messages: the error stream).
 * It waits for nothing: input, which does, is the console-input library. */
#include <kn/console.h>
#include <kn/format.h>

extern const struct kn_console_driver __kn_console_start[], __kn_console_end[];

void kn_console_write(const char *s, size_t n)
{
	for (const struct kn_console_driver *d = __kn_console_start; d < __kn_console_end; d++)
		d->write(s, n);
}

void kn_console_write_err(const char *s, size_t n)
{
	for (const struct kn_console_driver *d = __kn_console_start; d < __kn_console_end; d++)
		(d->write_err ? d->write_err : d->write)(s, n);
}

/* kn_printk formats into a small stack buffer and writes whole chunks:
 * drivers pay per call (a VM exit per call on some), not per byte. */
struct printk_buf {
	char data[128];
	size_t len;
	void (*write)(const char *s, size_t n); /* the stream */
};

static void printk_flush(struct printk_buf *b)
{
	if (b->len) {
		b->write(b->data, b->len);
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

static int vprint_to(void (*write)(const char *, size_t), const char *fmt, va_list ap)
{
	struct printk_buf b = {.len = 0, .write = write};
	int n = kn_vformat(printk_sink, &b, fmt, ap);
	printk_flush(&b);
	return n;
}

int kn_vprintk(const char *fmt, va_list ap)
{
	return vprint_to(kn_console_write_err, fmt, ap);
}

int kn_console_printf(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vprint_to(kn_console_write, fmt, ap);
	va_end(ap);
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
