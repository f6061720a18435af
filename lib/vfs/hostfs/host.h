/* vfs-hostfs's internals: the host system calls it makes (host.c), as
 * functions returning 0 / a count or -errno, and its node. */
#ifndef KN_HOSTFS_HOST_H
#define KN_HOSTFS_HOST_H

#include <stddef.h>
#include <stdint.h>
#include <kn/share.h>
#include <kn/vfs.h>

struct hnode {
	struct kn_vnode vn;
	struct hnode *next; /* the nodes the VFS holds, found by (dev, ino) */
	struct hfs *fs;
	uint64_t dev, ino;
	int fd;       /* O_PATH: the name the node was reached by */
	int rfd, wfd; /* opened for reading, writing on first use (-1) */
	struct kn_share_dirlist dir;
};

struct hfs {
	struct hnode *nodes;
	int ro;
};

long h_openat(int dirfd, const char *name, size_t len, int flags, uint32_t mode);
/* Opens what fd (an O_PATH descriptor) names again, with flags. */
long h_reopen(int fd, int flags);
long h_close(int fd);
long h_fstat(int fd, struct kn_stat *st);
long h_mkdirat(int dirfd, const char *name, size_t len, uint32_t mode);
long h_unlinkat(int dirfd, const char *name, size_t len, int flags);
long h_renameat(int odirfd, const char *oname, size_t olen, int ndirfd, const char *nname,
		size_t nlen);
long h_linkat(int fd, int dirfd, const char *name, size_t len);
long h_symlinkat(const char *target, int dirfd, const char *name, size_t len);
long h_readlink(int fd, char *buf, size_t size);
long h_pread(int fd, void *buf, size_t n, uint64_t off);
long h_pwrite(int fd, const void *buf, size_t n, uint64_t off);
long h_truncate(int fd, uint64_t size);
long h_chmod(int fd, uint32_t mode);
long h_utimens(int fd, const struct kn_timespec times[2]);
long h_fstatfs(int fd, struct kn_statfs *sf);
long h_getdents64(int fd, void *buf, size_t n);
long h_rewind(int fd);
long h_fsync(int fd);

#endif
