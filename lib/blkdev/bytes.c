/* Byte access to a disk (kn_blkdev_pread/pwrite): the whole sectors in
 * the middle go straight between the caller's buffer and the device; a
 * partial sector at either end goes through a bounce sector, read first
 * and, for a write, patched and written back. */
#include <kn/alloc.h>
#include <kn/blkdev.h>
#include <kn/errno.h>

/* The bytes [off, off + n) clipped to the disk: n, less at the end. */
static size_t clip(const struct kn_blkdev *dev, uint64_t off, size_t n)
{
	uint64_t size = dev->sectors * dev->sector_size;
	if (off >= size)
		return 0;
	return size - off < n ? (size_t)(size - off) : n;
}

/* Reads or writes part of one sector, [at, at + len) within it. */
static int partial(struct kn_blkdev *dev, uint64_t sector, size_t at, void *buf, size_t len,
		   bool write, char *bounce)
{
	int err = kn_blkdev_io(dev, KN_BLK_READ, sector, bounce, 1);
	if (err)
		return err;
	if (!write) {
		__builtin_memcpy(buf, bounce + at, len);
		return 0;
	}
	__builtin_memcpy(bounce + at, buf, len);
	return kn_blkdev_io(dev, KN_BLK_WRITE, sector, bounce, 1);
}

static long transfer(struct kn_blkdev *dev, char *buf, size_t n, uint64_t off, bool write)
{
	size_t ss = dev->sector_size, done = 0;
	uint64_t sector = off / ss;
	size_t at = (size_t)(off % ss);
	char *bounce = NULL;
	int err = 0;
	if (at || n % ss) {
		bounce = kn_malloc(ss);
		if (!bounce)
			return -KN_ENOMEM;
	}
	if (at) { /* the head: the rest of a sector, or less */
		size_t len = ss - at < n ? ss - at : n;
		err = partial(dev, sector++, at, buf, len, write, bounce);
		done = len;
	}
	size_t whole = (n - done) / ss;
	if (!err && whole) {
		err = kn_blkdev_io(dev, write ? KN_BLK_WRITE : KN_BLK_READ, sector, buf + done,
				   whole);
		sector += whole;
		done += whole * ss;
	}
	if (!err && done < n) { /* the tail: the start of one more sector */
		err = partial(dev, sector, 0, buf + done, n - done, write, bounce);
		done = n;
	}
	kn_free(bounce);
	return err ? err : (long)done;
}

long kn_blkdev_pread(struct kn_blkdev *dev, void *buf, size_t n, uint64_t off)
{
	n = clip(dev, off, n);
	return n ? transfer(dev, buf, n, off, false) : 0;
}

long kn_blkdev_pwrite(struct kn_blkdev *dev, const void *buf, size_t n, uint64_t off)
{
	if (dev->read_only)
		return -KN_EROFS;
	if (!n)
		return 0;
	n = clip(dev, off, n);
	return n ? transfer(dev, (char *)buf, n, off, true) : -KN_ENOSPC;
}
