/* vfs-core: reading and writing file data: read/write, their positioned
 * and vector forms, lseek, fsync (Linux's fs/read_write.c, fs/sync.c). */
#include <kn/errno.h>
#include <kn/syscall.h>
#include "vfs_internal.h"

int kn_vfs_unseekable(struct kn_file *f)
{
	return KN_S_ISFIFO(f->vn->mode) || KN_S_ISSOCK(f->vn->mode);
}

long kn_vfs_read_at(struct kn_file *f, void *buf, size_t n, uint64_t off)
{
	struct kn_vnode *vn = f->vn;
	if ((f->flags & KN_O_PATH) || (f->flags & KN_O_ACCMODE) == KN_O_WRONLY)
		return -KN_EBADF;
	if (KN_S_ISDIR(vn->mode))
		return -KN_EISDIR;
	if (n == 0)
		return 0;
	if (kn_user_writable(buf, n))
		return -KN_EFAULT;
	if (!vn->ops->read)
		return -KN_EINVAL;
	return vn->ops->read(vn, f, buf, n, off);
}

long kn_vfs_write_at(struct kn_file *f, const void *buf, size_t n, uint64_t *off, int append)
{
	struct kn_vnode *vn = f->vn;
	if ((f->flags & KN_O_PATH) || (f->flags & KN_O_ACCMODE) == KN_O_RDONLY)
		return -KN_EBADF;
	if (n == 0)
		return 0;
	if (kn_user_readable(buf, n))
		return -KN_EFAULT;
	if (!vn->ops->write)
		return -KN_EINVAL;
	if (append) { /* pwrite too, as on Linux */
		struct kn_stat st;
		if (!kn_vfs_getattr(vn, &st) && KN_S_ISREG(vn->mode))
			*off = (uint64_t)st.st_size;
	}
	long r = vn->ops->write(vn, f, buf, n, *off);
	if (r > 0)
		kn_vfs_note_write(vn, *off, buf, (size_t)r);
	return r;
}

static long do_write(struct kn_file *f, const void *buf, size_t n, uint64_t *off)
{
	return kn_vfs_write_at(f, buf, n, off, f->flags & KN_O_APPEND);
}

KN_SYSCALL(read)(int fd, void *buf, size_t n)
{
	struct kn_file *f = kn_vfs_fget(fd);
	if (!f)
		return -KN_EBADF;
	long r = kn_vfs_read_at(f, buf, n, f->off);
	if (r > 0)
		f->off += (uint64_t)r;
	kn_vfs_fput(f);
	return r;
}

KN_SYSCALL(write)(int fd, const void *buf, size_t n)
{
	struct kn_file *f = kn_vfs_fget(fd);
	if (!f)
		return -KN_EBADF;
	long r = do_write(f, buf, n, &f->off);
	if (r > 0)
		f->off += (uint64_t)r;
	kn_vfs_fput(f);
	return r;
}

KN_SYSCALL(pread64)(int fd, void *buf, size_t n, int64_t off)
{
	struct kn_file *f = kn_vfs_fget(fd);
	if (!f)
		return -KN_EBADF;
	long r = kn_vfs_unseekable(f) ? -KN_ESPIPE
		 : off < 0            ? -KN_EINVAL
				      : kn_vfs_read_at(f, buf, n, (uint64_t)off);
	kn_vfs_fput(f);
	return r;
}

KN_SYSCALL(pwrite64)(int fd, const void *buf, size_t n, int64_t off)
{
	struct kn_file *f = kn_vfs_fget(fd);
	if (!f)
		return -KN_EBADF;
	uint64_t o = (uint64_t)off;
	long r = kn_vfs_unseekable(f) ? -KN_ESPIPE : off < 0 ? -KN_EINVAL : do_write(f, buf, n, &o);
	kn_vfs_fput(f);
	return r;
}

/* An iovec array from the application: at most IOV_MAX (1024) entries,
 * all readable. */
static long check_iov(const struct kn_iovec *iov, int cnt)
{
	if (cnt < 0 || cnt > 1024)
		return -KN_EINVAL;
	if (cnt && kn_user_readable(iov, sizeof(*iov) * (size_t)cnt))
		return -KN_EFAULT;
	return 0;
}

/* A pipe's or socket's readv takes what is there, as Linux's one
 * read_iter does: once some bytes came, a further buffer is filled only
 * if more is ready now, never by waiting. */
static int more_to_read(struct kn_file *f)
{
	if (!kn_vfs_unseekable(f) || !f->vn->ops->poll)
		return 1;
	return (f->vn->ops->poll(f->vn, f, NULL) & KN_POLLIN) != 0;
}

static long rw_vec(int fd, const struct kn_iovec *iov, int cnt, int wr)
{
	long bad = check_iov(iov, cnt);
	if (bad)
		return bad;
	struct kn_file *f = kn_vfs_fget(fd);
	if (!f)
		return -KN_EBADF;
	long total = 0;
	for (int i = 0; i < cnt; i++) {
		if (!wr && total && !more_to_read(f))
			break;
		long r = wr ? do_write(f, iov[i].iov_base, iov[i].iov_len, &f->off)
			    : kn_vfs_read_at(f, iov[i].iov_base, iov[i].iov_len, f->off);
		if (r < 0) {
			if (!total)
				total = r;
			break;
		}
		f->off += (uint64_t)r;
		total += r;
		if ((size_t)r < iov[i].iov_len)
			break;
	}
	kn_vfs_fput(f);
	return total;
}

KN_SYSCALL(readv)(int fd, const struct kn_iovec *iov, int cnt)
{
	return rw_vec(fd, iov, cnt, 0);
}

KN_SYSCALL(writev)(int fd, const struct kn_iovec *iov, int cnt)
{
	return rw_vec(fd, iov, cnt, 1);
}

KN_SYSCALL(lseek)(int fd, int64_t off, int whence)
{
	struct kn_file *f = kn_vfs_fget(fd);
	if (!f)
		return -KN_EBADF;
	if (kn_vfs_unseekable(f)) {
		kn_vfs_fput(f);
		return -KN_ESPIPE;
	}
	int64_t base;
	struct kn_stat st;
	long r = 0;
	switch (whence) {
	case KN_SEEK_SET: base = 0; break;
	case KN_SEEK_CUR: base = (int64_t)f->off; break;
	case KN_SEEK_END:
		r = kn_vfs_getattr(f->vn, &st);
		base = st.st_size;
		break;
	default: r = -KN_EINVAL; base = 0;
	}
	if (!r) {
		if (base + off < 0)
			r = -KN_EINVAL;
		else
			r = (long)(f->off = (uint64_t)(base + off));
	}
	kn_vfs_fput(f);
	return r;
}

/* ---- positioned vector I/O ---- */

#define RWF_KNOWN                                                                                  \
	(KN_RWF_HIPRI | KN_RWF_DSYNC | KN_RWF_SYNC | KN_RWF_NOWAIT | KN_RWF_APPEND |               \
	 KN_RWF_NOAPPEND)

/* RWF_* flags: the sync ones are no-ops (no cache to flush), NOWAIT holds
 * for regular files (they never block), APPEND/NOAPPEND choose append. */
static int rwf_append(struct kn_file *f, int flags, int *append)
{
	if (flags & ~RWF_KNOWN)
		return -KN_ENOTSUP;
	if ((flags & KN_RWF_NOWAIT) && !KN_S_ISREG(f->vn->mode))
		return -KN_ENOTSUP;
	*append = (f->flags & KN_O_APPEND) || (flags & KN_RWF_APPEND);
	if (flags & KN_RWF_NOAPPEND)
		*append = 0;
	return 0;
}

/* At pos, or at the file position (pos -1), which then advances. */
static long vec_io(struct kn_file *f, const struct kn_iovec *iov, int cnt, int wr, int64_t pos,
		   int append)
{
	uint64_t off = pos < 0 ? f->off : (uint64_t)pos;
	long total = 0;
	for (int i = 0; i < cnt; i++) {
		long r = wr ? kn_vfs_write_at(f, iov[i].iov_base, iov[i].iov_len, &off, append)
			    : kn_vfs_read_at(f, iov[i].iov_base, iov[i].iov_len, off);
		if (r < 0) {
			if (!total)
				total = r;
			break;
		}
		off += (uint64_t)r;
		total += r;
		if ((size_t)r < iov[i].iov_len)
			break;
	}
	if (pos < 0)
		f->off = off;
	return total;
}

static size_t iov_bytes(const struct kn_iovec *iov, int cnt)
{
	size_t n = 0;
	for (int i = 0; i < cnt; i++)
		n += iov[i].iov_len;
	return n;
}

/* v2: pos -1 means the file position; flags are RWF_*. */
static long vec_at(int fd, const struct kn_iovec *iov, int cnt, int wr, int64_t pos, int flags,
		   int v2)
{
	if (pos < -1 || (pos == -1 && !v2))
		return -KN_EINVAL;
	long bad = check_iov(iov, cnt);
	if (bad)
		return bad;
	struct kn_file *f = kn_vfs_fget(fd);
	if (!f)
		return -KN_EBADF;
	int append = 0;
	long r = pos >= 0 && kn_vfs_unseekable(f) ? -KN_ESPIPE : 0;
	/* Linux looks at the flags only when there is something to move */
	if (!r && iov_bytes(iov, cnt))
		r = rwf_append(f, flags, &append);
	else
		append = f->flags & KN_O_APPEND;
	if (!r)
		r = vec_io(f, iov, cnt, wr, pos, append);
	kn_vfs_fput(f);
	return r;
}

KN_SYSCALL(preadv)
(int fd, const struct kn_iovec *iov, int cnt, unsigned long pos_l, unsigned long pos_h)
{
	return vec_at(fd, iov, cnt, 0, (int64_t)pos_l, 0, 0);
}

KN_SYSCALL(pwritev)
(int fd, const struct kn_iovec *iov, int cnt, unsigned long pos_l, unsigned long pos_h)
{
	return vec_at(fd, iov, cnt, 1, (int64_t)pos_l, 0, 0);
}

KN_SYSCALL(preadv2)
(int fd, const struct kn_iovec *iov, int cnt, unsigned long pos_l, unsigned long pos_h, int flags)
{
	return vec_at(fd, iov, cnt, 0, (int64_t)pos_l, flags, 1);
}

KN_SYSCALL(pwritev2)
(int fd, const struct kn_iovec *iov, int cnt, unsigned long pos_l, unsigned long pos_h, int flags)
{
	return vec_at(fd, iov, cnt, 1, (int64_t)pos_l, flags, 1);
}

/* Files in memory have no cache to flush; a disk's file does. */
KN_SYSCALL(fsync)(int fd)
{
	struct kn_file *f = kn_vfs_fget(fd);
	if (!f)
		return -KN_EBADF;
	int r = f->vn->ops->fsync ? f->vn->ops->fsync(f->vn) : 0;
	kn_vfs_fput(f);
	return r;
}

KN_SYSCALL(fdatasync)(int fd)
{
	return kn_sys_fsync(fd);
}
