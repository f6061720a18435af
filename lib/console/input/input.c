/* Console input: a ring of bytes the platform pushed (or a readiness
 * query pulled from the source before anyone read them), then the one
 * registered input source; readers and pollers sleep on one wait queue
 * that the platform wakes. */
#include <stdint.h>
#include <kn/console_input.h>
#include <kn/errno.h>
#include <kn/sched.h>

extern const struct kn_console_input __kn_console_in_start[], __kn_console_in_end[];

#define RING_SIZE 4096 /* a few screens of typed or pasted input */

static char ring[RING_SIZE];
static size_t ring_head, ring_count;
static int in_eof;
static unsigned long dropped;
static struct kn_waitq waiters = KN_WAITQ_INIT_IRQ;

static const struct kn_console_input *input_source(void)
{
	const struct kn_console_input *first = __kn_console_in_start;
	return first != __kn_console_in_end ? first : NULL;
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
	kn_waitq_wait(&waiters, 0);
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
	kn_waitq_wake(&waiters, 0x7fffffff);
}

int kn_console_input_wanted(void)
{
	return waiters.head && !in_eof;
}

unsigned long kn_console_input_dropped(void)
{
	return dropped;
}
