/* The split virtqueue (../virtqueue.c) against a simulated device that
 * follows the virtio spec's device side: it takes chains from the avail
 * ring, checks the driver-readable bytes, fills the writable ones, and
 * returns them on the used ring, interrupting (or not) by the driver's
 * flags and event index. Prints "failures=N" last. Driven by host.py. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <kn/errno.h>
#include <kn/virtqueue.h>

static long checks, fails;

#define CHECK(cond)                                                                                \
	do {                                                                                       \
		checks++;                                                                          \
		if (!(cond)) {                                                                     \
			fails++;                                                                   \
			printf("FAIL %s:%d: %s\n", __FILE__, __LINE__, #cond);                     \
		}                                                                                  \
	} while (0)

/* The device's side of one queue. */
struct device {
	struct kn_virtq *q; /* only for its ring pointers and num */
	uint16_t last_avail, used_idx;
	int interrupts, notifications;
	bool event_idx, no_notify;
};

static uint16_t *dev_used_event(struct device *d)
{
	return &d->q->avail->ring[d->q->num];
}

static uint16_t *dev_avail_event(struct device *d)
{
	return (uint16_t *)&d->q->used->ring[d->q->num];
}

static bool need_event(uint16_t event, uint16_t now, uint16_t old)
{
	return (uint16_t)(now - event - 1) < (uint16_t)(now - old);
}

/* Consumes up to `max` chains: each readable byte must be (seed + i) &
 * 0xff; each writable buffer gets 0xA5 bytes. Returns the chains done. */
static int device_run(struct device *d, int max)
{
	int done = 0;
	uint16_t old_used = d->used_idx;
	uint16_t num = d->q->num;
	while (done < max &&
	       d->last_avail != __atomic_load_n(&d->q->avail->idx, __ATOMIC_ACQUIRE)) {
		uint16_t head = d->q->avail->ring[d->last_avail & (num - 1)];
		uint32_t written = 0;
		uint16_t i = head;
		int guard = 0;
		for (;;) {
			struct kn_virtq_desc *desc = &d->q->desc[i];
			unsigned char *p = (unsigned char *)(uintptr_t)desc->addr;
			if (desc->flags & KN_VIRTQ_DESC_F_WRITE) {
				memset(p, 0xA5, desc->len);
				written += desc->len;
			} else {
				for (uint32_t k = 0; k < desc->len; k++)
					if (p[k] != (unsigned char)(p[0] + k)) {
						fails++;
						printf("FAIL: byte %u of a readable buffer\n", k);
						break;
					}
			}
			if (!(desc->flags & KN_VIRTQ_DESC_F_NEXT))
				break;
			i = desc->next;
			if (++guard > num) {
				fails++;
				printf("FAIL: a chain loops\n");
				break;
			}
		}
		struct kn_virtq_used_elem *e = &d->q->used->ring[d->used_idx & (num - 1)];
		e->id = head;
		e->len = written;
		d->last_avail++;
		d->used_idx++;
		__atomic_store_n(&d->q->used->idx, d->used_idx, __ATOMIC_RELEASE);
		done++;
	}
	if (d->event_idx)
		*dev_avail_event(d) = d->last_avail; /* notify me at the next one */
	if (done) {
		bool interrupt = d->event_idx
					 ? need_event(*dev_used_event(d), d->used_idx, old_used)
					 : !(d->q->avail->flags & KN_VIRTQ_AVAIL_F_NO_INTERRUPT);
		if (interrupt)
			d->interrupts++;
	}
	return done;
}

static void *ring_memory(uint16_t num)
{
	size_t size = kn_virtq_size(num, KN_VIRTQ_LEGACY_ALIGN);
	void *mem = aligned_alloc(4096, (size + 4095) & ~(size_t)4095);
	memset(mem, 0, size);
	return mem;
}

static void test_layout(void)
{
	/* The legacy layout: QEMU computes the same offsets from QueuePFN. */
	CHECK(kn_virtq_size(256, 4096) == 10246);
	CHECK(kn_virtq_size(128, 4096) == 4096 + 1030);
	CHECK(kn_virtq_size(1, 4096) == 4096 + 14);
	struct kn_virtq q;
	void *cookies[256];
	char *mem = ring_memory(256);
	CHECK(kn_virtq_init(&q, 256, mem, 4096, cookies, false) == 0);
	CHECK((char *)q.avail == mem + 4096);
	CHECK((char *)q.used == mem + 8192);
	CHECK(kn_virtq_init(&q, 100, mem, 4096, cookies, false) == -KN_EINVAL);
	CHECK(kn_virtq_init(&q, 0, mem, 4096, cookies, false) == -KN_EINVAL);
	free(mem);
}

static void fill(unsigned char *p, size_t n, unsigned char seed)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (unsigned char)(seed + i);
}

/* Many round trips through a small ring: indexes wrap past 65535, every
 * descriptor is reused, chains of 1..3 buffers, the free count returns. */
static void test_round_trips(bool event_idx)
{
	enum { NUM = 8 };
	struct kn_virtq q;
	void *cookies[NUM];
	void *mem = ring_memory(NUM);
	CHECK(kn_virtq_init(&q, NUM, mem, 4096, cookies, event_idx) == 0);
	struct device d = {.q = &q, .event_idx = event_idx};
	static unsigned char out[NUM][64], in[NUM][64];
	long tokens = 0, returned = 0;
	for (int round = 0; round < 70000; round++) {
		int slot = round % NUM;
		unsigned parts = 1 + (unsigned)(round % 3);
		fill(out[slot], sizeof(out[slot]), (unsigned char)round);
		memset(in[slot], 0, sizeof(in[slot]));
		struct kn_virtq_buf bufs[3] = {
			{out[slot], 32}, {out[slot] + 32, 32}, {in[slot], 40}};
		unsigned n_out = parts == 1 ? 1 : 2, n_in = parts == 3 ? 1 : 0;
		int rc = kn_virtq_add(&q, bufs, n_out, n_in, (void *)(uintptr_t)(round + 1));
		if (rc == -KN_ENOSPC) {
			/* Full: let the device finish everything and read it back. */
			if (kn_virtq_kick_prepare(&q))
				d.notifications++;
			device_run(&d, NUM);
			uint32_t len;
			void *c;
			while ((c = kn_virtq_get_used(&q, &len)))
				returned++;
			CHECK(q.num_free == NUM);
			round--;
			continue;
		}
		CHECK(rc == 0);
		tokens++;
		if (round % 5 == 4) {
			if (kn_virtq_kick_prepare(&q))
				d.notifications++;
			device_run(&d, 3);
			uint32_t len = 0;
			void *c;
			while ((c = kn_virtq_get_used(&q, &len))) {
				returned++;
				CHECK(len == 0 || len == 40);
			}
		}
	}
	kn_virtq_kick_prepare(&q);
	device_run(&d, 1 << 20);
	while (kn_virtq_get_used(&q, NULL))
		returned++;
	CHECK(returned == tokens);
	CHECK(q.num_free == NUM);
	CHECK(d.used_idx == (uint16_t)tokens); /* the index wrapped */
	CHECK(tokens > 65536);
	CHECK(d.notifications > 0);
	free(mem);
}

/* The device writes its bytes and reports them; the cookie comes back. */
static void test_in_buffers_and_cookies(void)
{
	struct kn_virtq q;
	void *cookies[4];
	void *mem = ring_memory(4);
	kn_virtq_init(&q, 4, mem, 4096, cookies, false);
	struct device d = {.q = &q};
	unsigned char hdr[10], data[100];
	fill(hdr, sizeof(hdr), 7);
	memset(data, 0, sizeof(data));
	struct kn_virtq_buf bufs[2] = {{hdr, sizeof(hdr)}, {data, sizeof(data)}};
	int token;
	CHECK(kn_virtq_add(&q, bufs, 1, 1, &token) == 0);
	CHECK(q.num_free == 2);
	CHECK(kn_virtq_add(&q, bufs, 2, 1, &token) == -KN_ENOSPC);
	CHECK(kn_virtq_add(&q, bufs, 0, 0, &token) == -KN_EINVAL);
	CHECK(kn_virtq_get_used(&q, NULL) == NULL);
	CHECK(kn_virtq_kick_prepare(&q));
	CHECK(device_run(&d, 8) == 1);
	uint32_t len = 0;
	CHECK(kn_virtq_get_used(&q, &len) == &token);
	CHECK(len == sizeof(data));
	CHECK(data[0] == 0xA5 && data[99] == 0xA5);
	CHECK(q.num_free == 4);
	free(mem);
}

/* Notifications: without EVENT_IDX the device's NO_NOTIFY decides; with
 * it, only a kick that crosses the device's avail_event notifies. */
static void test_notify_decisions(void)
{
	struct kn_virtq q;
	void *cookies[8];
	void *mem = ring_memory(8);
	unsigned char b[8];
	fill(b, sizeof(b), 0);
	struct kn_virtq_buf buf = {b, sizeof(b)};

	kn_virtq_init(&q, 8, mem, 4096, cookies, false);
	kn_virtq_add(&q, &buf, 1, 0, b);
	CHECK(kn_virtq_kick_prepare(&q));
	q.used->flags = KN_VIRTQ_USED_F_NO_NOTIFY;
	kn_virtq_add(&q, &buf, 1, 0, b);
	CHECK(!kn_virtq_kick_prepare(&q));

	memset(mem, 0, kn_virtq_size(8, 4096));
	kn_virtq_init(&q, 8, mem, 4096, cookies, true);
	struct device d = {.q = &q, .event_idx = true};
	/* avail_event 0: the first buffer (index 0 -> 1) crosses it. */
	kn_virtq_add(&q, &buf, 1, 0, b);
	CHECK(kn_virtq_kick_prepare(&q));
	/* The device has not run: it still waits for index 0, already passed. */
	kn_virtq_add(&q, &buf, 1, 0, b);
	CHECK(!kn_virtq_kick_prepare(&q));
	/* After it ran it asks for the next one (avail_event = 2). */
	device_run(&d, 8);
	kn_virtq_add(&q, &buf, 1, 0, b);
	kn_virtq_add(&q, &buf, 1, 0, b);
	CHECK(kn_virtq_kick_prepare(&q));
	free(mem);
}

/* Interrupts: disabled, the device stays quiet; enabling again reports
 * entries that arrived meanwhile, which no interrupt will announce. */
static void test_interrupt_recheck(bool event_idx)
{
	struct kn_virtq q;
	void *cookies[8];
	void *mem = ring_memory(8);
	unsigned char b[8];
	fill(b, sizeof(b), 0);
	struct kn_virtq_buf buf = {b, sizeof(b)};
	kn_virtq_init(&q, 8, mem, 4096, cookies, event_idx);
	struct device d = {.q = &q, .event_idx = event_idx};

	kn_virtq_add(&q, &buf, 1, 0, b);
	kn_virtq_kick_prepare(&q);
	device_run(&d, 8);
	CHECK(d.interrupts == 1); /* enabled from the start */
	CHECK(kn_virtq_get_used(&q, NULL) == b);

	kn_virtq_disable_intr(&q);
	CHECK(!kn_virtq_enable_intr(&q)); /* nothing came: sleep safely */
	kn_virtq_disable_intr(&q);
	for (int i = 0; i < 3; i++)
		kn_virtq_add(&q, &buf, 1, 0, b);
	kn_virtq_kick_prepare(&q);
	device_run(&d, 8);
	CHECK(d.interrupts == 1);                /* disabled: none */
	CHECK(kn_virtq_get_used(&q, NULL) == b); /* a poll budget of one */
	CHECK(kn_virtq_enable_intr(&q));         /* two left that no interrupt announces */
	CHECK(kn_virtq_get_used(&q, NULL) == b);
	CHECK(kn_virtq_get_used(&q, NULL) == b);
	CHECK(!kn_virtq_enable_intr(&q));
	/* Enabled again: the next completion interrupts. */
	kn_virtq_add(&q, &buf, 1, 0, b);
	kn_virtq_kick_prepare(&q);
	device_run(&d, 8);
	CHECK(d.interrupts == 2);
	CHECK(kn_virtq_has_used(&q));
	free(mem);
}

int main(void)
{
	test_layout();
	test_in_buffers_and_cookies();
	test_round_trips(false);
	test_round_trips(true);
	test_notify_decisions();
	test_interrupt_recheck(false);
	test_interrupt_recheck(true);
	printf("checks=%ld failures=%ld\n", checks, fails);
	return fails != 0;
}
