/* virtio split virtqueues (virtio 1.x section 2.7, legacy layout): the
 * ring memory a driver shares with its device, the descriptor free list,
 * and the three decisions that lose wakeups when done wrong: whether to
 * notify the device after adding buffers, whether the device will
 * interrupt us, and the re-check of the used ring after interrupts are
 * enabled again.
 *
 * The transport (virtio-mmio, virtio-pci) allocates the ring memory
 * (kn_virtq_size bytes, zeroed, page aligned) and tells the device where
 * it is; this code never touches device registers. Addresses given to the
 * device are the buffers' own: Kiln's address space is identity mapped.
 * Not thread safe: the driver serialises calls on one queue. */
#ifndef KN_VIRTQUEUE_H
#define KN_VIRTQUEUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <kn/compiler.h>

#define KN_VIRTQ_DESC_F_NEXT 1  /* the chain goes on at .next */
#define KN_VIRTQ_DESC_F_WRITE 2 /* the device writes this buffer */
#define KN_VIRTQ_AVAIL_F_NO_INTERRUPT 1
#define KN_VIRTQ_USED_F_NO_NOTIFY 1
/* Legacy transports align the used ring to the page. */
#define KN_VIRTQ_LEGACY_ALIGN 4096

struct kn_virtq_desc {
	uint64_t addr;
	uint32_t len;
	uint16_t flags;
	uint16_t next;
};

struct kn_virtq_avail {
	uint16_t flags;
	uint16_t idx;
	uint16_t ring[]; /* num entries, then used_event (EVENT_IDX) */
};

struct kn_virtq_used_elem {
	uint32_t id;  /* head of the chain */
	uint32_t len; /* bytes the device wrote */
};

struct kn_virtq_used {
	uint16_t flags;
	uint16_t idx;
	struct kn_virtq_used_elem ring[]; /* num entries, then avail_event */
};

/* One buffer of a chain. */
struct kn_virtq_buf {
	void *addr;
	uint32_t len;
};

struct kn_virtq {
	uint16_t num; /* entries, a power of two */
	uint16_t num_free;
	uint16_t free_head;
	uint16_t last_used;    /* the next used entry to read */
	uint16_t avail_idx;    /* our copy of avail->idx */
	uint16_t notified_idx; /* avail_idx when the device was last notified */
	bool event_idx;        /* VIRTIO_F_EVENT_IDX was negotiated */
	bool intr_off;         /* kn_virtq_disable_intr is in force */
	struct kn_virtq_desc *desc;
	struct kn_virtq_avail *avail;
	struct kn_virtq_used *used;
	void **cookies; /* num entries: the driver's token per chain head */
};

KN_API_BEGIN
/* Bytes of ring memory for `num` entries with the used ring at `align`. */
size_t kn_virtq_size(uint16_t num, size_t align);
/* Lays the rings out in `mem` (kn_virtq_size bytes, zeroed) and puts every
 * descriptor on the free list. `cookies` holds num pointers. -KN_EINVAL
 * for a num that is not a power of two in 1..32768. */
int kn_virtq_init(struct kn_virtq *q, uint16_t num, void *mem, size_t align, void **cookies,
		  bool event_idx);
/* Makes one chain of `out` device-readable buffers then `in` device-
 * writable ones available, with `cookie` returned by kn_virtq_get_used.
 * -KN_ENOSPC when fewer than out+in descriptors are free, -KN_EINVAL for
 * an empty chain. The device sees it after kn_virtq_kick_prepare. */
int kn_virtq_add(struct kn_virtq *q, const struct kn_virtq_buf *bufs, unsigned out, unsigned in,
		 void *cookie);
/* Publishes what was added and says whether the device wants a
 * notification (EVENT_IDX: whether it asked for one within the added
 * range; else: unless it set NO_NOTIFY). */
bool kn_virtq_kick_prepare(struct kn_virtq *q);
/* The next chain the device finished, its descriptors freed: its cookie,
 * and in *len the bytes written. NULL when there is none. */
void *kn_virtq_get_used(struct kn_virtq *q, uint32_t *len);
/* Asks the device not to interrupt (a hint it may ignore). */
void kn_virtq_disable_intr(struct kn_virtq *q);
/* Asks for an interrupt at the next used entry. Returns true when entries
 * arrived already, which no interrupt will announce: the caller must read
 * them now, or the wakeup is lost. */
bool kn_virtq_enable_intr(struct kn_virtq *q);
/* Chains the device finished that were not read yet. */
bool kn_virtq_has_used(const struct kn_virtq *q);
KN_API_END

#endif
