/* Console output: fans bytes out to every registered console driver, on
 * its output or its error stream (kernel messages: the error stream).
 * Console input: a ring of bytes the platform pushed (or a readiness
 * query pulled from the source before anyone read them), then the one
 * registered input source; readers and pollers sleep on one wait queue
 * that the platform wakes. The scheduler and the platform's idle are
 * optional (uses): the console library needs neither. */
#include <kn/console.h>
#include <kn/errno.h>
#include <kn/plat.h>
#include <kn/sched.h>

extern const struct kn_console_driver __kn_console_start[], __kn_console_end[];
extern const struct kn_console_input __kn_console_in_start[], __kn_console_in_end[];

#define RING_SIZE 4096 /* a few screens of typed or pasted input */

static char ring[RING_SIZE];
static size_t ring_head, ring_count;
static int in_eof;
static unsigned long dropped;
static struct kn_waitq waiters = KN_WAITQ_INIT_IRQ;
static int idle_waiters; /* waiting without a scheduler */

static const struct kn_console_input *input_source(void)
{
	const struct kn_console_input *first = __kn_console_in_start;
	return first != __kn_console_in_end ? first : 0;
}

static void ring_put(const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (ring_count == RING_SIZE) {
			dropped += n - i;
			return;
		}
		ring[(ring_head + ring_count++) % RING_SIZE] = p[i];
	}
}

static size_t ring_take(char *p, size_t n)
{
	size_t k = 0;
	while (k < n && ring_count) {
		p[k++] = ring[ring_head];
		ring_head = (ring_head + 1) % RING_SIZE;
		ring_count--;
	}
	return k;
}

long kn_console_read(void *buf, size_t n)
{
	if (!n)
		return 0;
	if (ring_count)
		return (long)ring_take(buf, n);
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
	if (ring_count || in_eof)
		return 1;
	const struct kn_console_input *src = input_source();
	if (!src)
		return 1;
	char tmp[64];
	long r = src->read(tmp, sizeof(tmp));
	if (r == -KN_EAGAIN)
		return 0;
	if (r > 0)
		ring_put(tmp, (size_t)r);
	else
		in_eof = 1; /* end of input, or an error: reads return 0 */
	return 1;
}

void kn_console_input_wait(void)
{
#if defined(CONFIG_HAVE_SCHED)
	kn_waitq_wait(&waiters, 0);
#elif defined(CONFIG_HAVE_PLAT)
	idle_waiters++;
	kn_plat_idle_until(UINT64_MAX);
	idle_waiters--;
#endif
}

struct kn_waitq *kn_console_input_waitq(void)
{
	return &waiters;
}

void kn_console_input_push(const void *buf, size_t n)
{
	ring_put(buf, n);
	if (n)
		kn_console_input_notify();
}

void kn_console_input_notify(void)
{
#ifdef CONFIG_HAVE_SCHED
	kn_waitq_wake(&waiters, 0x7fffffff);
#endif
}

int kn_console_input_wanted(void)
{
	return (waiters.head || idle_waiters) && !in_eof;
}

unsigned long kn_console_input_dropped(void)
{
	return dropped;
}

void kn_console_write(const char *s, size_t n)
{
	for (const struct kn_console_driver *d = __kn_console_start;
	     d < __kn_console_end; d++)
		d->write(s, n);
}

void kn_console_write_err(const char *s, size_t n)
{
	for (const struct kn_console_driver *d = __kn_console_start;
	     d < __kn_console_end; d++)
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
