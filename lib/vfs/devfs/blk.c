/* Disks in devfs: /dev/vda, /dev/vdb, ... as Linux's virtio disks are
 * named, one block-device node per registered blkdev. Reads and writes
 * are byte-granular (kn_blkdev_pread/pwrite), fsync flushes the disk's
 * cache, and the size ioctls answer with Linux's numbers. stat reports
 * the capacity as st_size (Linux says 0 for a block device; lseek's
 * SEEK_END finds the end either way). */
#ifdef CONFIG_HAVE_BLKDEV
#include <kn/blkdev.h>
#include "devfs.h"

#define DT_BLK 6
/* Linux's <linux/fs.h> block ioctls. */
#define BLKROGET 0x125e
#define BLKGETSIZE 0x1260 /* unsigned long: 512-byte sectors */
#define BLKFLSBUF 0x1261
#define BLKSSZGET 0x1268        /* int: the logical sector size */
#define BLKGETSIZE64 0x80081272 /* uint64_t: bytes */
/* The virtio disks' major number on a typical Linux; 16 minors a disk. */
#define BLK_MAJOR 254

static const struct kn_vnode_ops blk_ops;
static struct kn_vnode blk_nodes[KN_BLKDEV_MAX];

static struct kn_blkdev *dev_of(struct kn_vnode *vn)
{
	return kn_blkdev_get((unsigned)(vn - blk_nodes));
}

int kn_devfs_blk_lookup(const char *name, size_t len, struct kn_vnode **out)
{
	struct kn_blkdev *dev;
	for (unsigned i = 0; (dev = kn_blkdev_get(i)); i++)
		if (__builtin_strlen(dev->name) == len && !__builtin_memcmp(dev->name, name, len)) {
			struct kn_vnode *vn = &blk_nodes[i];
			vn->ops = &blk_ops;
			vn->mode = KN_S_IFBLK;
			vn->refs = 1; /* static: never released */
			*out = vn;
			return 0;
		}
	return -KN_ENOENT;
}

int kn_devfs_blk_readdir(uint64_t index, uint64_t ino_base, struct kn_dirent *out)
{
	struct kn_blkdev *dev = index < KN_BLKDEV_MAX ? kn_blkdev_get((unsigned)index) : NULL;
	if (!dev)
		return 0;
	out->ino = ino_base + index;
	out->type = DT_BLK;
	__builtin_memcpy(out->name, dev->name, __builtin_strlen(dev->name) + 1);
	return 1;
}

static long b_read(struct kn_vnode *vn, struct kn_file *f, void *buf, size_t n, uint64_t off)
{
	return kn_blkdev_pread(dev_of(vn), buf, n, off);
}

static long b_write(struct kn_vnode *vn, struct kn_file *f, const void *buf, size_t n, uint64_t off)
{
	return kn_blkdev_pwrite(dev_of(vn), buf, n, off);
}

static int b_getattr(struct kn_vnode *vn, struct kn_stat *st)
{
	struct kn_blkdev *dev = dev_of(vn);
	unsigned i = (unsigned)(vn - blk_nodes);
	st->st_ino = 1000 + i;
	st->st_mode = vn->mode | (dev->read_only ? 0444 : 0660);
	st->st_nlink = 1;
	st->st_rdev = BLK_MAJOR << 8 | i * 16;
	st->st_size = (int64_t)(dev->sectors * dev->sector_size);
	st->st_blksize = 4096;
	return 0;
}

/* The ioctl's result pointer: NULL and the first page are faults. */
static void *out_ptr(void *arg, size_t size)
{
	return arg && (uintptr_t)arg >= 4096 ? arg : NULL;
}

static long b_ioctl(struct kn_vnode *vn, struct kn_file *f, unsigned long cmd, void *arg)
{
	struct kn_blkdev *dev = dev_of(vn);
	uint64_t bytes = dev->sectors * dev->sector_size;
	switch ((uint32_t)cmd) { /* Linux's are 32 bits: musl sign-extends them */
	case BLKGETSIZE64:
		if (!out_ptr(arg, 8))
			return -KN_EFAULT;
		__builtin_memcpy(arg, &bytes, 8);
		return 0;
	case BLKGETSIZE: {
		unsigned long sectors = (unsigned long)(bytes / 512);
		if (!out_ptr(arg, sizeof(sectors)))
			return -KN_EFAULT;
		__builtin_memcpy(arg, &sectors, sizeof(sectors));
		return 0;
	}
	case BLKSSZGET:
	case BLKROGET: {
		int v = cmd == BLKSSZGET ? (int)dev->sector_size : dev->read_only;
		if (!out_ptr(arg, sizeof(v)))
			return -KN_EFAULT;
		__builtin_memcpy(arg, &v, sizeof(v));
		return 0;
	}
	case BLKFLSBUF: return kn_blkdev_flush(dev); /* no buffers of ours: the disk's */
	default: return -KN_ENOTTY;
	}
}

static int b_fsync(struct kn_vnode *vn)
{
	return kn_blkdev_flush(dev_of(vn));
}

static const struct kn_vnode_ops blk_ops = {
	.read = b_read,
	.write = b_write,
	.getattr = b_getattr,
	.ioctl = b_ioctl,
	.fsync = b_fsync,
};
#endif
