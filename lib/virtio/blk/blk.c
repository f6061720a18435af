/* virtio-blk (virtio 1.x section 5.2, legacy layout): one request queue
 * behind the blkdev API.
 *
 * A request is a chain of a 16-byte header (type, sector), the data in
 * at most seg_max pieces of at most size_max bytes each, and a status
 * byte the device writes; legacy devices without ANY_LAYOUT want the
 * header, data and status as descriptors of their own. Headers and status
 * bytes live in a slot table, one slot per request in flight; the data
 * goes straight from and to the caller's buffer (the address space is
 * identity mapped, so a buffer is one physical range). Completions are
 * taken in the interrupt handling, which only wakes the waiting threads. */
#include <kn/alloc.h>
#include <kn/blkdev.h>
#include <kn/console.h>
#include <kn/errno.h>
#include <kn/plat.h>
#include <kn/virtio.h>

#define BLK_F_SIZE_MAX (1U << 1)
#define BLK_F_SEG_MAX (1U << 2)
#define BLK_F_RO (1U << 5)
#define BLK_F_BLK_SIZE (1U << 6)
#define BLK_F_FLUSH (1U << 9)
/* Device configuration: capacity (u64, 512-byte units), size_max,
 * seg_max, geometry, blk_size. */
#define CONFIG_CAPACITY 0
#define CONFIG_SIZE_MAX 8
#define CONFIG_SEG_MAX 12
#define CONFIG_BLK_SIZE 20

#define T_IN 0
#define T_OUT 1
#define T_FLUSH 4
#define S_OK 0

#define REQQ 0
#define QUEUE_MAX 128
/* Data pieces per request: each a descriptor; with the header and the
 * status, a request takes SEGS + 2 of them at most. */
#define SEGS 16
/* Without size_max a piece may be anything; keep one request to this. */
#define REQ_BYTES_MAX (256U << 10)

struct kn_vblk_slot {
	uint32_t type;
	uint32_t ioprio;
	uint64_t sector; /* 512-byte units, whatever the block size */
	uint8_t status;
	struct kn_blkreq *req;
};

struct kn_vblk {
	struct kn_blkdev bdev;
	struct kn_virtio_dev *vdev;
	struct kn_virtq q;
	struct kn_vblk_slot *slots;
	uint16_t *free; /* a stack of free slots */
	unsigned nfree, segs;
	uint32_t size_max;
};

static uint32_t config32(struct kn_virtio_dev *d, unsigned offset)
{
	return kn_virtio_config16(d, offset) | (uint32_t)kn_virtio_config16(d, offset + 2) << 16;
}

static const uint32_t types[] = {
	[KN_BLK_READ] = T_IN, [KN_BLK_WRITE] = T_OUT, [KN_BLK_FLUSH] = T_FLUSH};

static int kn_vblk_submit(struct kn_blkdev *bdev, struct kn_blkreq *req)
{
	struct kn_vblk *vb = bdev->driver_data;
	struct kn_virtq_buf bufs[SEGS + 2];
	size_t bytes = (size_t)req->count * bdev->sector_size;
	unsigned n = 1;
	char *p = req->buf;
	while (bytes) { /* max_sectors keeps this within segs pieces */
		uint32_t len = bytes < vb->size_max ? (uint32_t)bytes : vb->size_max;
		bufs[n++] = (struct kn_virtq_buf){p, len};
		p += len;
		bytes -= len;
	}
	unsigned long flags = kn_plat_irq_save();
	if (!vb->nfree || vb->q.num_free < n + 1) {
		kn_plat_irq_restore(flags);
		return -KN_EAGAIN;
	}
	unsigned i = vb->free[--vb->nfree];
	struct kn_vblk_slot *s = &vb->slots[i];
	s->type = types[req->op];
	s->ioprio = 0;
	s->sector = req->sector * (bdev->sector_size / 512);
	s->status = 0xff;
	s->req = req;
	bufs[0] = (struct kn_virtq_buf){s, 16};
	bufs[n] = (struct kn_virtq_buf){&s->status, 1};
	unsigned out = req->op == KN_BLK_READ ? 1 : n;
	int err = kn_virtq_add(&vb->q, bufs, out, n + 1 - out, (void *)((uintptr_t)i + 1));
	if (!err)
		kn_virtio_kick(vb->vdev, REQQ, &vb->q);
	else
		vb->free[vb->nfree++] = (uint16_t)i;
	kn_plat_irq_restore(flags);
	return err == -KN_ENOSPC ? -KN_EAGAIN : err;
}

static const struct kn_blkdev_ops kn_vblk_ops = {.submit = kn_vblk_submit};

/* The device's limits: pieces per request and bytes per piece. */
static void read_limits(struct kn_vblk *vb, struct kn_virtio_dev *d)
{
	vb->segs = SEGS;
	if (kn_virtio_has(d, BLK_F_SEG_MAX)) {
		uint32_t seg_max = config32(d, CONFIG_SEG_MAX);
		if (seg_max && seg_max < vb->segs)
			vb->segs = seg_max;
	}
	if (vb->segs > vb->q.num - 2u)
		vb->segs = vb->q.num - 2u;
	vb->size_max = REQ_BYTES_MAX;
	if (kn_virtio_has(d, BLK_F_SIZE_MAX)) {
		uint32_t size_max = config32(d, CONFIG_SIZE_MAX);
		if (size_max >= vb->bdev.sector_size && size_max < vb->size_max)
			vb->size_max = size_max & ~(vb->bdev.sector_size - 1);
	}
	uint64_t bytes = (uint64_t)vb->segs * vb->size_max;
	if (bytes > REQ_BYTES_MAX)
		bytes = REQ_BYTES_MAX;
	vb->bdev.max_sectors = (uint32_t)(bytes / vb->bdev.sector_size);
}

static int kn_vblk_probe(struct kn_virtio_dev *d)
{
	struct kn_vblk *vb = kn_calloc(1, sizeof(*vb));
	if (!vb)
		return -KN_ENOMEM;
	vb->vdev = d;
	d->driver_data = vb;
	int err = kn_virtio_queue_setup(d, REQQ, &vb->q, QUEUE_MAX);
	if (err)
		return err;
	struct kn_blkdev *bdev = &vb->bdev;
	bdev->sector_size = 512;
	if (kn_virtio_has(d, BLK_F_BLK_SIZE)) {
		uint32_t bs = config32(d, CONFIG_BLK_SIZE);
		if (bs >= 512 && bs <= 4096 && !(bs & (bs - 1)))
			bdev->sector_size = bs;
	}
	uint64_t capacity =
		config32(d, CONFIG_CAPACITY) | (uint64_t)config32(d, CONFIG_CAPACITY + 4) << 32;
	bdev->sectors = capacity / (bdev->sector_size / 512);
	bdev->read_only = kn_virtio_has(d, BLK_F_RO);
	bdev->flush = kn_virtio_has(d, BLK_F_FLUSH);
	read_limits(vb, d);
	/* Each request takes at least three descriptors. */
	unsigned nslots = vb->q.num / 3;
	vb->slots = kn_calloc(nslots, sizeof(*vb->slots));
	vb->free = kn_calloc(nslots, sizeof(*vb->free));
	if (!vb->slots || !vb->free)
		return -KN_ENOMEM;
	for (unsigned i = 0; i < nslots; i++)
		vb->free[vb->nfree++] = (uint16_t)(nslots - 1 - i);
	bdev->ops = &kn_vblk_ops;
	bdev->driver_data = vb;
	return kn_blkdev_register(bdev);
}

static void kn_vblk_ready(struct kn_virtio_dev *d)
{
	struct kn_vblk *vb = d->driver_data;
	struct kn_blkdev *b = &vb->bdev;
	kn_printk("kn: %s: virtio-blk at %s, %llu sectors of %u bytes%s%s, %u per request\n",
		  b->name, d->name, (unsigned long long)b->sectors, b->sector_size,
		  b->read_only ? ", read-only" : "", b->flush ? ", write cache" : "",
		  b->max_sectors);
}

static void kn_vblk_queue_event(struct kn_virtio_dev *d)
{
	struct kn_vblk *vb = d->driver_data;
	vb->bdev.stats.interrupts++;
	void *cookie;
	uint32_t ignored;
	while ((cookie = kn_virtq_get_used(&vb->q, &ignored))) {
		unsigned i = (unsigned)((uintptr_t)cookie - 1);
		struct kn_vblk_slot *s = &vb->slots[i];
		struct kn_blkreq *req = s->req;
		int status = s->status == S_OK ? 0 : -KN_EIO;
		vb->free[vb->nfree++] = (uint16_t)i;
		kn_blkdev_complete(&vb->bdev, req, status);
	}
}

KN_VIRTIO_DRIVER(kn_vblk_driver) = {
	.name = "virtio-blk",
	.device_id = KN_VIRTIO_ID_BLOCK,
	.features = BLK_F_SIZE_MAX | BLK_F_SEG_MAX | BLK_F_RO | BLK_F_BLK_SIZE | BLK_F_FLUSH,
	.probe = kn_vblk_probe,
	.ready = kn_vblk_ready,
	.queue_event = kn_vblk_queue_event,
};
