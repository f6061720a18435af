/* Split virtqueues: see kn/virtqueue.h. The device runs concurrently on
 * another CPU (or QEMU's thread), so every index crossing goes through an
 * atomic access with the ordering the spec asks for. */
#include <kn/errno.h>
#include <kn/virtqueue.h>

#define ALIGN_UP(x, a) (((x) + (a)-1) & ~((size_t)(a)-1))

/* Where the EVENT_IDX fields sit: after each ring's last entry. */
static uint16_t *used_event(struct kn_virtq *q)
{
	return &q->avail->ring[q->num];
}

static uint16_t *avail_event(struct kn_virtq *q)
{
	return (uint16_t *)&q->used->ring[q->num];
}

static uint16_t load16(const uint16_t *p)
{
	return __atomic_load_n(p, __ATOMIC_ACQUIRE);
}

static void store16(uint16_t *p, uint16_t v)
{
	__atomic_store_n(p, v, __ATOMIC_RELEASE);
}

/* A store followed by a load of another location must not be reordered
 * (x86 does reorder those): an mfence. */
static void full_barrier(void)
{
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
}

size_t kn_virtq_size(uint16_t num, size_t align)
{
	size_t desc = sizeof(struct kn_virtq_desc) * num;
	size_t avail = sizeof(uint16_t) * (3 + (size_t)num); /* flags, idx, ring, used_event */
	size_t used = sizeof(uint16_t) * 3 + sizeof(struct kn_virtq_used_elem) * num;
	return ALIGN_UP(desc + avail, align) + used;
}

int kn_virtq_init(struct kn_virtq *q, uint16_t num, void *mem, size_t align, void **cookies,
		  bool event_idx)
{
	if (!num || (num & (num - 1)) || num > 32768 || !align || (align & (align - 1)))
		return -KN_EINVAL;
	char *base = mem;
	q->num = num;
	q->desc = mem;
	q->avail = (struct kn_virtq_avail *)(base + sizeof(struct kn_virtq_desc) * num);
	q->used = (struct kn_virtq_used *)(base +
					   ALIGN_UP(sizeof(struct kn_virtq_desc) * num +
							    sizeof(uint16_t) * (3 + (size_t)num),
						    align));
	q->cookies = cookies;
	q->event_idx = event_idx;
	q->free_head = 0;
	q->num_free = num;
	q->last_used = 0;
	q->avail_idx = 0;
	q->notified_idx = 0;
	q->intr_off = false;
	for (uint16_t i = 0; i < num; i++) {
		q->desc[i].next = (uint16_t)(i + 1);
		cookies[i] = NULL;
	}
	return 0;
}

int kn_virtq_add(struct kn_virtq *q, const struct kn_virtq_buf *bufs, unsigned out, unsigned in,
		 void *cookie)
{
	unsigned total = out + in;
	if (!total)
		return -KN_EINVAL;
	if (total > q->num_free)
		return -KN_ENOSPC;
	uint16_t head = q->free_head, i = head, last = head;
	for (unsigned k = 0; k < total; k++) {
		struct kn_virtq_desc *d = &q->desc[i];
		d->addr = (uint64_t)(uintptr_t)bufs[k].addr;
		d->len = bufs[k].len;
		d->flags = (uint16_t)((k >= out ? KN_VIRTQ_DESC_F_WRITE : 0) |
				      (k + 1 < total ? KN_VIRTQ_DESC_F_NEXT : 0));
		last = i;
		i = d->next;
	}
	q->free_head = q->desc[last].next;
	q->num_free = (uint16_t)(q->num_free - total);
	q->cookies[head] = cookie;
	q->avail->ring[q->avail_idx & (q->num - 1)] = head;
	q->avail_idx++;
	return 0;
}

bool kn_virtq_kick_prepare(struct kn_virtq *q)
{
	uint16_t old = q->notified_idx, now = q->avail_idx;
	store16(&q->avail->idx, now); /* release: the ring entries first */
	full_barrier();               /* then read what the device asked for */
	q->notified_idx = now;
	if (q->event_idx) {
		/* Notify if the device's avail_event lies in (old, now]. */
		uint16_t event = load16(avail_event(q));
		return (uint16_t)(now - event - 1) < (uint16_t)(now - old);
	}
	return !(load16(&q->used->flags) & KN_VIRTQ_USED_F_NO_NOTIFY);
}

bool kn_virtq_has_used(const struct kn_virtq *q)
{
	return load16(&q->used->idx) != q->last_used;
}

void *kn_virtq_get_used(struct kn_virtq *q, uint32_t *len)
{
	if (!kn_virtq_has_used(q)) /* acquire: the entry after the index */
		return NULL;
	struct kn_virtq_used_elem *e = &q->used->ring[q->last_used & (q->num - 1)];
	uint16_t head = (uint16_t)e->id;
	if (len)
		*len = e->len;
	q->last_used++;
	void *cookie = q->cookies[head];
	q->cookies[head] = NULL;
	/* Back on the free list, in front. */
	uint16_t i = head;
	q->num_free++;
	while (q->desc[i].flags & KN_VIRTQ_DESC_F_NEXT) {
		i = q->desc[i].next;
		q->num_free++;
	}
	q->desc[i].next = q->free_head;
	q->free_head = head;
	if (q->event_idx && !q->intr_off) /* interrupts stay on: the next one */
		store16(used_event(q), q->last_used);
	return cookie;
}

void kn_virtq_disable_intr(struct kn_virtq *q)
{
	q->intr_off = true;
	if (q->event_idx) /* half the index space behind: not crossed while we poll */
		store16(used_event(q), (uint16_t)(q->last_used - 0x8000));
	else
		store16(&q->avail->flags, KN_VIRTQ_AVAIL_F_NO_INTERRUPT);
}

bool kn_virtq_enable_intr(struct kn_virtq *q)
{
	q->intr_off = false;
	if (q->event_idx)
		store16(used_event(q), q->last_used);
	else
		store16(&q->avail->flags, 0);
	full_barrier(); /* the device must see that before we look again */
	return kn_virtq_has_used(q);
}
