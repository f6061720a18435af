/* What every blkdev driver shares (kn/blkdev.h): the registry, request
 * checks, and the waiting, so each driver supplies only its queue. */
#include <kn/blkdev.h>
#include <kn/errno.h>

static struct kn_blkdev *kn_blkdevs[KN_BLKDEV_MAX];
static unsigned kn_blkdev_count;

int kn_blkdev_register(struct kn_blkdev *dev)
{
	if (kn_blkdev_count == KN_BLKDEV_MAX)
		return -KN_ENOSPC;
	unsigned index = kn_blkdev_count;
	dev->name[0] = 'v';
	dev->name[1] = 'd';
	dev->name[2] = (char)('a' + index);
	dev->name[3] = '\0';
	dev->room = (struct kn_waitq)KN_WAITQ_INIT_IRQ;
	kn_blkdevs[kn_blkdev_count++] = dev;
	return 0;
}

struct kn_blkdev *kn_blkdev_get(unsigned index)
{
	return index < kn_blkdev_count ? kn_blkdevs[index] : NULL;
}

void kn_blkdev_complete(struct kn_blkdev *dev, struct kn_blkreq *req, int status)
{
	req->status = status;
	if (status)
		dev->stats.errors++;
	req->done(req);
	kn_waitq_wake(&dev->room, 1 << 30); /* a queue slot is free again */
}

int kn_blkdev_submit(struct kn_blkdev *dev, struct kn_blkreq *req)
{
	if (req->op == KN_BLK_WRITE && dev->read_only)
		return -KN_EROFS;
	if (req->op != KN_BLK_FLUSH &&
	    (!req->count || req->count > dev->max_sectors || req->sector > dev->sectors ||
	     req->count > dev->sectors - req->sector))
		return -KN_EINVAL;
	if (req->op == KN_BLK_FLUSH && !dev->flush) {
		req->status = 0;
		req->done(req);
		return 0;
	}
	for (;;) {
		int err = dev->ops->submit(dev, req);
		if (err != -KN_EAGAIN)
			return err;
		/* Full: the completions that free room come from interrupt
		 * handling, which runs only once this thread blocks. */
		kn_waitq_wait(&dev->room, 0);
	}
}

/* The requests of one kn_blkdev_io call, and the thread waiting for them. */
struct kn_blkwait {
	unsigned pending;
	int status;
	struct kn_waitq q;
};

static void kn_blkwait_done(struct kn_blkreq *req)
{
	struct kn_blkwait *w = req->arg;
	if (req->status && !w->status)
		w->status = req->status;
	if (--w->pending == 0)
		kn_waitq_wake(&w->q, 1);
}

/* Pieces in flight at once per call: enough to keep a device busy. */
#define PIECES 8

int kn_blkdev_io(struct kn_blkdev *dev, enum kn_blk_op op, uint64_t sector, void *buf,
		 uint64_t count)
{
	if (op == KN_BLK_WRITE && dev->read_only)
		return -KN_EROFS;
	if (sector > dev->sectors || count > dev->sectors - sector)
		return -KN_EINVAL;
	struct kn_blkreq reqs[PIECES];
	struct kn_blkwait w = {0, 0, KN_WAITQ_INIT_IRQ};
	char *p = buf;
	while (count && !w.status) {
		unsigned n = 0;
		for (; n < PIECES && count; n++) {
			uint32_t part =
				count < dev->max_sectors ? (uint32_t)count : dev->max_sectors;
			reqs[n] = (struct kn_blkreq){.op = op,
						     .sector = sector,
						     .count = part,
						     .buf = p,
						     .done = kn_blkwait_done,
						     .arg = &w};
			sector += part;
			count -= part;
			p += (size_t)part * dev->sector_size;
		}
		/* Counted before any is submitted: one may complete at once. */
		w.pending = n;
		for (unsigned i = 0; i < n; i++) {
			int err = kn_blkdev_submit(dev, &reqs[i]);
			if (err) {
				reqs[i].status = err;
				kn_blkwait_done(&reqs[i]);
			}
		}
		while (w.pending)
			kn_waitq_wait(&w.q, 0);
	}
	if (!w.status)
		*(op == KN_BLK_READ ? &dev->stats.reads : &dev->stats.writes) += 1;
	return w.status;
}

int kn_blkdev_flush(struct kn_blkdev *dev)
{
	struct kn_blkwait w = {1, 0, KN_WAITQ_INIT_IRQ};
	struct kn_blkreq req = {.op = KN_BLK_FLUSH, .done = kn_blkwait_done, .arg = &w};
	int err = kn_blkdev_submit(dev, &req);
	if (err)
		return err;
	while (w.pending)
		kn_waitq_wait(&w.q, 0);
	dev->stats.flushes++;
	return w.status;
}
