/* virtio-blk (../blk.c, included for its static functions) with the real
 * split rings and the shared blkdev code, against a simulated device: it
 * takes each chain from the avail ring, checks its shape (a 16-byte
 * header the device reads, data pieces within size_max and seg_max in the
 * right direction, a 1-byte status it writes), does the transfer on a disk
 * in memory and returns the chain on the used ring. Completions wait for
 * the "interrupt", which a thread's wait delivers (the stubbed wait
 * queues), so requests pile up in the ring as they do in a VM. Random byte
 * reads and writes are compared with a byte array. Prints "failures=N"
 * last. Driven by host.py. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "../blk.c"
#include "../../../blkdev/tests/host_check.h"

/* ---- the device ---- */

static struct {
	uint8_t config[24];
	uint16_t queue_max;
	unsigned char *disk; /* bytes */
	uint64_t bytes;
	uint64_t bad_sector; /* a 512-byte sector whose reads fail (0: none) */
	uint16_t last_avail;
	unsigned max_pending; /* chains in flight at once */
	unsigned flushes;
	struct kn_virtq *q;
	struct kn_virtio_dev *d;
	struct kn_vblk *vb;
} dev;

static void put32(unsigned off, uint32_t v)
{
	memcpy(dev.config + off, &v, 4);
}

/* Serves one chain; returns the status byte it wrote. */
static uint8_t serve(uint16_t head)
{
	struct kn_virtq_desc *desc = dev.q->desc, *hd = &desc[head];
	CHECK(hd->len == 16 && !(hd->flags & KN_VIRTQ_DESC_F_WRITE) &&
		      hd->flags & KN_VIRTQ_DESC_F_NEXT,
	      "header descriptor");
	struct kn_vblk_slot *h = (void *)(uintptr_t)hd->addr;
	struct kn_virtq_desc *pieces[64];
	unsigned n = 0;
	uint16_t i = hd->next;
	while (desc[i].flags & KN_VIRTQ_DESC_F_NEXT && n < 64) {
		pieces[n++] = &desc[i];
		i = desc[i].next;
	}
	struct kn_virtq_desc *st = &desc[i];
	CHECK(st->len == 1 && st->flags & KN_VIRTQ_DESC_F_WRITE, "status descriptor");
	uint8_t status = S_OK;
	uint64_t at = h->sector * 512;
	if (h->type == T_FLUSH) {
		CHECK(n == 0, "a flush with %u data pieces", n);
		dev.flushes++;
	} else {
		uint32_t size_max = dev.config[CONFIG_SIZE_MAX] |
				    dev.config[CONFIG_SIZE_MAX + 1] << 8 |
				    dev.config[CONFIG_SIZE_MAX + 2] << 16;
		uint32_t seg_max = dev.config[CONFIG_SEG_MAX];
		CHECK(n >= 1 && (!seg_max || n <= seg_max), "%u pieces, seg_max %u", n, seg_max);
		for (unsigned k = 0; k < n; k++) {
			struct kn_virtq_desc *p = pieces[k];
			bool in = p->flags & KN_VIRTQ_DESC_F_WRITE;
			CHECK(in == (h->type == T_IN), "piece %u direction", k);
			CHECK(!size_max || p->len <= size_max, "piece of %u > size_max %u", p->len,
			      size_max);
			CHECK(at + p->len <= dev.bytes, "beyond the disk");
			if (at + p->len > dev.bytes)
				return 1;
			if (dev.bad_sector && h->type == T_IN && at <= dev.bad_sector * 512 &&
			    dev.bad_sector * 512 < at + p->len)
				status = 1; /* VIRTIO_BLK_S_IOERR */
			void *buf = (void *)(uintptr_t)p->addr;
			if (in)
				memcpy(buf, dev.disk + at, p->len);
			else
				memcpy(dev.disk + at, buf, p->len);
			at += p->len;
		}
	}
	*(uint8_t *)(uintptr_t)st->addr = status;
	return status;
}

/* The device takes what the driver published: all of it, at once. */
static void device_run(void)
{
	struct kn_virtq *q = dev.q;
	/* Published and not yet collected by the driver's interrupt. */
	unsigned pending = (uint16_t)(q->avail->idx - q->last_used);
	if (pending > dev.max_pending)
		dev.max_pending = pending;
	while (dev.last_avail != q->avail->idx) {
		uint16_t head = q->avail->ring[dev.last_avail++ & (q->num - 1)];
		serve(head);
		struct kn_virtq_used_elem *e = &q->used->ring[q->used->idx & (q->num - 1)];
		e->id = head;
		e->len = 1;
		__atomic_store_n(&q->used->idx, (uint16_t)(q->used->idx + 1), __ATOMIC_RELEASE);
	}
}

/* ---- what the driver calls ---- */

int kn_virtio_queue_setup(struct kn_virtio_dev *d, unsigned index, struct kn_virtq *q, uint16_t max)
{
	uint16_t num = max < dev.queue_max ? max : dev.queue_max;
	size_t bytes = kn_virtq_size(num, KN_VIRTQ_LEGACY_ALIGN);
	void *mem = aligned_alloc(4096, (bytes + 4095) & ~(size_t)4095);
	memset(mem, 0, bytes);
	dev.q = q;
	return kn_virtq_init(q, num, mem, KN_VIRTQ_LEGACY_ALIGN, calloc(num, sizeof(void *)),
			     false);
}

/* Requests are served when kicked; the interrupt comes when a thread waits. */
void kn_virtio_kick(struct kn_virtio_dev *d, unsigned index, struct kn_virtq *q)
{
	kn_virtq_kick_prepare(q);
	device_run();
}

uint16_t kn_virtio_config16(struct kn_virtio_dev *d, unsigned offset)
{
	return (uint16_t)(dev.config[offset] | dev.config[offset + 1] << 8);
}

bool kn_virtio_has(const struct kn_virtio_dev *d, uint32_t feature)
{
	return (d->features & feature) == feature;
}

unsigned long kn_plat_irq_save(void)
{
	return 0;
}

void kn_plat_irq_restore(unsigned long flags)
{
}

void *kn_calloc(size_t n, size_t size)
{
	return calloc(n, size);
}

int kn_printk(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int r = vprintf(fmt, ap);
	va_end(ap);
	return r;
}

/* A waiting thread lets the device's interrupt in. */
int kn_waitq_wait(struct kn_waitq *q, uint64_t deadline_ns)
{
	CHECK(kn_virtq_has_used(dev.q), "a wait with nothing to complete would sleep forever");
	kn_vblk_queue_event(dev.d);
	return 0;
}

int kn_waitq_wake(struct kn_waitq *q, int n)
{
	return 0;
}

/* ---- the checks ---- */

static unsigned char *model;

static void one(struct kn_blkdev *b, uint64_t off, size_t n, int write)
{
	unsigned char *buf = malloc(n + 1);
	for (size_t i = 0; i < n; i++)
		buf[i] = (unsigned char)rand();
	long r = write ? kn_blkdev_pwrite(b, buf, n, off) : kn_blkdev_pread(b, buf, n, off);
	size_t want = off >= dev.bytes ? 0 : dev.bytes - off < n ? (size_t)(dev.bytes - off) : n;
	if (!(write && n && off >= dev.bytes))
		CHECK(r == (long)want, "%s %zu at %llu: %ld", write ? "write" : "read", n,
		      (unsigned long long)off, r);
	if (r > 0 && write)
		memcpy(model + off, buf, (size_t)r);
	if (r > 0 && !write)
		CHECK(!memcmp(buf, model + off, (size_t)r), "read %zu at %llu: wrong bytes", n,
		      (unsigned long long)off);
	free(buf);
}

/* One device: its limits, then random byte access, a flush, a bad sector. */
static void run(uint16_t queue_max, uint32_t size_max, uint32_t seg_max, uint32_t blk_size)
{
	memset(&dev, 0, sizeof(dev));
	dev.queue_max = queue_max;
	dev.bytes = 1 << 20;
	dev.disk = calloc(1, dev.bytes);
	model = calloc(1, dev.bytes);
	put32(CONFIG_CAPACITY, (uint32_t)(dev.bytes / 512));
	put32(CONFIG_SIZE_MAX, size_max);
	put32(CONFIG_SEG_MAX, seg_max);
	put32(CONFIG_BLK_SIZE, blk_size);
	struct kn_virtio_dev d = {.device_id = KN_VIRTIO_ID_BLOCK, .name = "sim"};
	d.features = BLK_F_FLUSH | (size_max ? BLK_F_SIZE_MAX : 0) | (seg_max ? BLK_F_SEG_MAX : 0) |
		     (blk_size ? BLK_F_BLK_SIZE : 0);
	dev.d = &d;
	CHECK(kn_vblk_probe(&d) == 0, "probe (at most KN_BLKDEV_MAX runs)");
	struct kn_vblk *vb = d.driver_data;
	struct kn_blkdev *b = &vb->bdev;
	kn_vblk_ready(&d);
	CHECK(b->sector_size == (blk_size ? blk_size : 512), "sector size %u", b->sector_size);
	CHECK(b->sectors * b->sector_size == dev.bytes, "capacity");
	CHECK(b->max_sectors >= 1, "max_sectors");
	if (size_max)
		CHECK((uint64_t)b->max_sectors * b->sector_size <=
			      (uint64_t)size_max * (seg_max ? seg_max : SEGS),
		      "max_sectors %u beyond the limits", b->max_sectors);
	for (int i = 0; i < 3000; i++) {
		uint64_t off = (uint64_t)rand() % (dev.bytes + 100);
		size_t n = (size_t)(rand() % 3 ? rand() % 9000 : rand() % 300000);
		one(b, off, n, rand() % 2);
	}
	CHECK(!memcmp(dev.disk, model, dev.bytes), "the disk differs from the model");
	/* A big transfer's pieces were in flight together when the ring had
	 * room for more than one. */
	CHECK(queue_max < 128 || dev.max_pending > 1, "%u chains at once", dev.max_pending);
	CHECK(kn_blkdev_flush(b) == 0 && dev.flushes == 1, "flush");
	dev.bad_sector = 100;
	unsigned char buf[16];
	CHECK(kn_blkdev_pread(b, buf, 16, 100 * 512 + 8) == -KN_EIO, "a failed read is not EIO");
	CHECK(kn_blkdev_pread(b, buf, 16, 0) == 16, "a good read after a failed one");
	printf("queue %u size_max %u seg_max %u blk_size %u: max_sectors %u, %u chains at once\n",
	       queue_max, size_max, seg_max, blk_size, b->max_sectors, dev.max_pending);
	free(dev.disk);
	free(model);
}

int main(void)
{
	srand(1);
	run(128, 0, 126, 0);  /* QEMU's defaults: no size_max */
	run(128, 4096, 3, 0); /* pieces of a page, three a request */
	run(8, 1536, 0, 0);   /* a small ring; size_max not a page multiple */
	run(4, 0, 2, 4096);   /* room for one request; 4 KiB sectors */
	printf("checks=%ld failures=%ld\n", checks, fails);
	return fails != 0;
}
