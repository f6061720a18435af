/* vfs-core: a file's attributes through its descriptor: fstat, fchmod,
 * fchown, ftruncate, fallocate (the path forms are in vfs.c and attr.c). */
#include <kn/errno.h>
#include <kn/syscall.h>
#include "vfs_internal.h"

KN_SYSCALL(fstat)(int fd, struct kn_stat *st)
{
	if (kn_user_writable(st, sizeof(*st)))
		return -KN_EFAULT;
	struct kn_file *f = kn_vfs_fget(fd);
	if (!f)
		return -KN_EBADF;
	long r = kn_vfs_getattr(f->vn, st);
	kn_vfs_fput(f);
	return r;
}

KN_SYSCALL(ftruncate)(int fd, int64_t len)
{
	struct kn_file *f = kn_vfs_fget(fd);
	if (!f)
		return -KN_EBADF;
	long r;
	if (len < 0 || (f->flags & KN_O_ACCMODE) == KN_O_RDONLY || !KN_S_ISREG(f->vn->mode))
		r = -KN_EINVAL;
	else
		r = f->vn->ops->truncate ? kn_vfs_truncate(f->vn, (uint64_t)len) : -KN_EPERM;
	kn_vfs_fput(f);
	return r;
}

KN_SYSCALL(fchmod)(int fd, uint32_t mode)
{
	struct kn_file *f = kn_vfs_fget(fd);
	if (!f)
		return -KN_EBADF;
	int r = kn_vfs_chmod(f->vn, mode);
	kn_vfs_fput(f);
	return r;
}

KN_SYSCALL(fchown)(int fd, uint32_t uid, uint32_t gid)
{
	struct kn_file *f = kn_vfs_fget(fd);
	if (!f)
		return -KN_EBADF;
	int r = (f->flags & KN_O_PATH) ? -KN_EBADF : kn_vfs_chown(f->vn);
	kn_vfs_fput(f);
	return r;
}

static long allocate(struct kn_file *f, int mode, int64_t off, int64_t len)
{
	struct kn_vnode *vn = f->vn;
	struct kn_stat st;
	if (off < 0 || len <= 0)
		return -KN_EINVAL;
	if (mode) /* KEEP_SIZE, PUNCH_HOLE, ...: not kept apart in ramfs */
		return -KN_ENOTSUP;
	if ((f->flags & KN_O_ACCMODE) == KN_O_RDONLY)
		return -KN_EBADF;
	if (KN_S_ISFIFO(vn->mode))
		return -KN_ESPIPE;
	if (KN_S_ISDIR(vn->mode))
		return -KN_EISDIR;
	if (!KN_S_ISREG(vn->mode))
		return -KN_ENODEV;
	if (off + len < off)
		return -KN_EFBIG;
	int r = kn_vfs_getattr(vn, &st);
	if (r || off + len <= st.st_size)
		return r;
	return vn->ops->truncate ? kn_vfs_truncate(vn, (uint64_t)(off + len)) : -KN_ENOTSUP;
}

KN_SYSCALL(fallocate)(int fd, int mode, int64_t off, int64_t len)
{
	struct kn_file *f = kn_vfs_fget(fd);
	if (!f)
		return -KN_EBADF;
	long r = (f->flags & KN_O_PATH) ? -KN_EBADF : allocate(f, mode, off, len);
	kn_vfs_fput(f);
	return r;
}
