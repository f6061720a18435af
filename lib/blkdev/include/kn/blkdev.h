/* The blkdev API: disks as arrays of sectors (virtio-blk on kvm; a host
 * file on linuxu).
 *
 * A driver registers a struct kn_blkdev (sector size, capacity, read-only
 * flag, the most sectors one request may carry) and takes requests
 * through ops->submit. A request completes later: the driver's interrupt
 * handling calls kn_blkdev_complete, which calls the request's done
 * callback (it only wakes a thread). Several requests may be in flight at
 * once, from one thread or many; a thread waiting for its own sleeps on a
 * wait queue woken from interrupt handling, so nothing spins when idle.
 *
 * Most callers use the blocking calls: kn_blkdev_io (whole sectors, split
 * to the device's limit) and kn_blkdev_pread/pwrite (any bytes: partial
 * sectors at either end are read, patched and written back). Two writers
 * patching the same sector at once may lose one's bytes, as two writers
 * of one raw Linux block device may: serialise them above. */
#ifndef KN_BLKDEV_H
#define KN_BLKDEV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <kn/compiler.h>
#include <kn/sched.h>

#define KN_BLKDEV_MAX 4

enum kn_blk_op { KN_BLK_READ, KN_BLK_WRITE, KN_BLK_FLUSH };

struct kn_blkdev;

/* One request, owned by its submitter until done is called. */
struct kn_blkreq {
	enum kn_blk_op op;
	uint64_t sector; /* the first, in the device's sectors */
	uint32_t count;  /* sectors, 1..max_sectors (0 for a flush) */
	void *buf;       /* count * sector_size bytes */
	int status;      /* at completion: 0, or -KN_EIO */
	/* Called at completion (interrupt handling): wake, never block. */
	void (*done)(struct kn_blkreq *req);
	void *arg;    /* the submitter's */
	void *driver; /* the driver's while in flight */
};

struct kn_blkdev_ops {
	/* Queues req (already checked against the device's limits). 0;
	 * -KN_EAGAIN when the device's queue is full: a completion makes
	 * room. The driver may complete the request before returning. */
	int (*submit)(struct kn_blkdev *dev, struct kn_blkreq *req);
};

struct kn_blkdev_stats {
	uint64_t reads, writes, flushes, errors, interrupts;
};

struct kn_blkdev {
	char name[8];         /* "vda", given at registration */
	uint32_t sector_size; /* bytes, a power of two >= 512 */
	uint64_t sectors;     /* capacity */
	bool read_only;
	bool flush;           /* the device has a cache that flushes empty */
	uint32_t max_sectors; /* per request */
	const struct kn_blkdev_ops *ops;
	void *driver_data;
	struct kn_waitq room; /* threads waiting for the queue to drain */
	struct kn_blkdev_stats stats;
};

KN_API_BEGIN
/* For drivers: adds a device (every field but name and room set) and
 * names it vd<a + index>. -KN_ENOSPC beyond KN_BLKDEV_MAX. */
int kn_blkdev_register(struct kn_blkdev *dev);
/* For drivers' interrupt handling: req finished with status (0 or
 * -KN_EIO). */
void kn_blkdev_complete(struct kn_blkdev *dev, struct kn_blkreq *req, int status);

/* The index-th device (0: vda), or NULL. */
struct kn_blkdev *kn_blkdev_get(unsigned index);
/* Submits without waiting, waiting only for room in the device's queue:
 * req->done runs at completion. -KN_EROFS for a write to a read-only
 * device, -KN_EINVAL beyond the capacity or max_sectors. */
int kn_blkdev_submit(struct kn_blkdev *dev, struct kn_blkreq *req);
/* Reads or writes count sectors from `sector` and waits: the pieces (at
 * most max_sectors each) are in flight together. 0, -KN_EIO,
 * -KN_EROFS, -KN_EINVAL past the capacity. */
int kn_blkdev_io(struct kn_blkdev *dev, enum kn_blk_op op, uint64_t sector, void *buf,
		 uint64_t count);
/* Makes every completed write durable (a no-op without a cache). */
int kn_blkdev_flush(struct kn_blkdev *dev);
/* Byte access, as read/write on /dev/vda: a count (short at the end of
 * the disk, 0 at or past it), or -KN_EIO, -KN_ENOMEM; writing at or past
 * the end is -KN_ENOSPC, to a read-only disk -KN_EROFS. */
long kn_blkdev_pread(struct kn_blkdev *dev, void *buf, size_t n, uint64_t off);
long kn_blkdev_pwrite(struct kn_blkdev *dev, const void *buf, size_t n, uint64_t off);
KN_API_END

#endif
