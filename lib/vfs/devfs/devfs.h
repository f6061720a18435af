/* devfs's parts: the block devices (blk.c) beside the fixed nodes. */
#ifndef KN_DEVFS_INTERNAL_H
#define KN_DEVFS_INTERNAL_H

#include <kn/errno.h>
#include <kn/vfs.h>

#ifdef CONFIG_HAVE_BLKDEV
/* /dev/vda, /dev/vdb, ...: the disks the blkdev drivers registered. */
int kn_devfs_blk_lookup(const char *name, size_t len, struct kn_vnode **out);
/* The index-th disk as a directory entry: 1, or 0 past the last. */
int kn_devfs_blk_readdir(uint64_t index, uint64_t ino_base, struct kn_dirent *out);
#else
static inline int kn_devfs_blk_lookup(const char *name, size_t len, struct kn_vnode **out)
{
	return -KN_ENOENT;
}
static inline int kn_devfs_blk_readdir(uint64_t index, uint64_t ino_base, struct kn_dirent *out)
{
	return 0;
}
#endif

#endif
