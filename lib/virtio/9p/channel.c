/* virtio-9p (virtio 1.x section 5.6, legacy interface): one request
 * queue per device; a request is a chain of two buffers, the message
 * (device-readable) and room for the reply (device-writable). The chain's
 * cookie is the waiting request, so replies may come back in any order:
 * the interrupt marks each finished request done and wakes its thread.
 * Buffers are the caller's, contiguous in Kiln's identity-mapped memory,
 * so each is one descriptor; a read's or write's data is a descriptor of
 * its own, so it moves between the device and the caller's buffer
 * without a copy (as Linux's zero-copy 9p requests do). */
#include <kn/alloc.h>
#include <kn/console.h>
#include <kn/errno.h>
#include <kn/format.h>
#include <kn/init.h>
#include <kn/param.h>
#include <kn/plat.h>
#include <kn/sched.h>
#include <kn/time.h>
#include <kn/virtio.h>
#include <kn/virtio_9p.h>

#define F_MOUNT_TAG 1 /* the configuration holds the tag */
#define CONFIG_TAG_LEN 0
#define CONFIG_TAG 2
#define TAG_MAX 64
#define REQQ 0
#define QUEUE_MAX 128

struct kn_9p_chan {
	struct kn_virtio_dev *vdev;
	struct kn_virtq q;
	struct kn_waitq room; /* threads waiting for free descriptors */
	struct kn_9p_chan *next;
	unsigned in_flight, most_in_flight;
	uint64_t requests;
	char tag[TAG_MAX + 1];
};

struct request {
	struct kn_waitq done_q;
	uint32_t len; /* the reply's, once done */
	int done;
};

static struct kn_9p_chan *chans;

struct kn_9p_chan *kn_9p_chan_find(const char *tag)
{
	for (struct kn_9p_chan *c = chans; c; c = c->next)
		if (!__builtin_strcmp(c->tag, tag))
			return c;
	return NULL;
}

void kn_9p_chan_tags(char *buf, size_t size)
{
	size_t at = 0;
	buf[0] = 0;
	for (struct kn_9p_chan *c = chans; c; c = c->next)
		at += (size_t)kn_snprintf(buf + at, size > at ? size - at : 0, "%s%s",
					  at ? ", " : "", c->tag);
}

/* Before the scheduler runs (or after it), nobody else can run: idle
 * until the interrupt, with a deadline in case it came before the halt. */
static void wait_alone(const int *flag)
{
	while (!*flag) {
		kn_plat_irq_poll();
		if (!*flag)
			kn_plat_idle_until(kn_time_monotonic_ns() + 1000000);
	}
}

/* bufs: out device-readable buffers, then in device-writable ones. */
static int add(struct kn_9p_chan *c, const struct kn_virtq_buf *bufs, unsigned out, unsigned in,
	       struct request *r)
{
	for (;;) {
		unsigned long flags = kn_plat_irq_save();
		int err = kn_virtq_add(&c->q, bufs, out, in, r);
		if (!err)
			kn_virtio_kick(c->vdev, REQQ, &c->q);
		kn_plat_irq_restore(flags);
		if (err != -KN_ENOSPC)
			return err;
		if (!kn_thread_self())
			return -KN_EAGAIN; /* nothing in flight can be ours to wait for */
		kn_waitq_wait(&c->room, 0);
	}
}

long kn_9p_chan_request(struct kn_9p_chan *c, const void *tx, size_t tx_len, const void *out,
			size_t out_len, void *rx, size_t rx_max, void *in, size_t in_max)
{
	if (tx_len > UINT32_MAX || rx_max > UINT32_MAX || out_len > UINT32_MAX ||
	    in_max > UINT32_MAX)
		return -KN_EINVAL;
	/* An empty payload takes no descriptor: a zero-length one is invalid. */
	struct kn_virtq_buf bufs[4] = {{(void *)tx, (uint32_t)tx_len}};
	unsigned n = 1;
	if (out_len)
		bufs[n++] = (struct kn_virtq_buf){(void *)out, (uint32_t)out_len};
	unsigned nout = n;
	bufs[n++] = (struct kn_virtq_buf){rx, (uint32_t)rx_max};
	if (in_max)
		bufs[n++] = (struct kn_virtq_buf){in, (uint32_t)in_max};
	struct request r = {.done_q = KN_WAITQ_INIT_IRQ};
	int err = add(c, bufs, nout, n - nout, &r);
	if (err)
		return err;
	c->requests++;
	if (++c->in_flight > c->most_in_flight)
		c->most_in_flight = c->in_flight;
	if (!kn_thread_self())
		wait_alone(&r.done);
	while (!r.done)
		kn_waitq_wait(&r.done_q, 0);
	c->in_flight--;
	return r.len;
}

static void kn_v9p_queue_event(struct kn_virtio_dev *d)
{
	struct kn_9p_chan *c = d->driver_data;
	struct request *r;
	uint32_t len;
	int freed = 0;
	while ((r = kn_virtq_get_used(&c->q, &len))) {
		r->len = len;
		r->done = 1;
		kn_waitq_wake(&r->done_q, 1);
		freed = 1;
	}
	if (freed)
		kn_waitq_wake(&c->room, -1);
}

static int kn_v9p_probe(struct kn_virtio_dev *d)
{
	if (!kn_virtio_has(d, F_MOUNT_TAG))
		return -KN_ENODEV;
	struct kn_9p_chan *c = kn_calloc(1, sizeof(*c));
	if (!c)
		return -KN_ENOMEM;
	unsigned len = kn_virtio_config16(d, CONFIG_TAG_LEN);
	if (len > TAG_MAX)
		len = TAG_MAX;
	for (unsigned i = 0; i < len; i++)
		c->tag[i] = (char)d->transport->config8(d, CONFIG_TAG + i);
	c->vdev = d;
	c->room = (struct kn_waitq)KN_WAITQ_INIT_IRQ;
	d->driver_data = c;
	int err = kn_virtio_queue_setup(d, REQQ, &c->q, QUEUE_MAX);
	if (err) {
		kn_free(c);
		return err;
	}
	c->next = chans;
	chans = c;
	return 0;
}

static void kn_v9p_ready(struct kn_virtio_dev *d)
{
	struct kn_9p_chan *c = d->driver_data;
	kn_printk("kn: virtio-9p at %s, tag %s\n", d->name, c->tag);
}

static int stats;
KN_PARAM(virtio_9p, stats, KN_PARAM_BOOL, stats,
	 "at exit, print each share's request count and the most requests in flight at once");

static void kn_v9p_stats(void)
{
	for (struct kn_9p_chan *c = chans; stats && c; c = c->next)
		kn_printk("kn: virtio-9p: tag %s: %llu requests, at most %u in flight\n", c->tag,
			  (unsigned long long)c->requests, c->most_in_flight);
}
KN_FINI(kn_v9p_stats, KN_INIT_LIB, 50);

KN_VIRTIO_DRIVER(kn_v9p_driver) = {
	.name = "virtio-9p",
	.device_id = KN_VIRTIO_ID_9P,
	.features = F_MOUNT_TAG,
	.probe = kn_v9p_probe,
	.ready = kn_v9p_ready,
	.queue_event = kn_v9p_queue_event,
};
