/* vfs-core: file objects, the per-image fd table and the fd syscalls. */
#include <kn/alloc.h>
#include <kn/errno.h>
#include <kn/syscall.h>
#include "vfs_internal.h"

uint32_t kn_vfs_umask(void);

static struct {
	struct kn_file *f;
	int cloexec;
} fds[KN_FD_MAX];
static struct kn_vnode *cwd;

struct kn_vnode *kn_vfs_cwd(void)
{
	struct kn_vnode *vn = cwd ? cwd : kn_vfs_root();
	if (vn)
		kn_vnode_get(vn);
	return vn;
}

void kn_vfs_set_cwd(struct kn_vnode *vn)
{
	kn_vnode_put(cwd);
	cwd = vn;
}

struct kn_file *kn_vfs_fget(int fd)
{
	if (fd < 0 || fd >= KN_FD_MAX || !fds[fd].f)
		return 0;
	fds[fd].f->refs++;
	return fds[fd].f;
}

void kn_vfs_fput(struct kn_file *f)
{
	if (--f->refs == 0) {
		kn_vnode_put(f->vn);
		kn_free(f);
	}
}

static int lowest_free(int from)
{
	for (int i = from; i < KN_FD_MAX; i++)
		if (!fds[i].f)
			return i;
	return -KN_EMFILE;
}

static void install(int fd, struct kn_file *f, int cloexec)
{
	struct kn_file *old = fds[fd].f;
	fds[fd].f = f;
	fds[fd].cloexec = cloexec;
	if (old)
		kn_vfs_fput(old);
}

/* Takes the vnode reference. */
static int open_file(struct kn_vnode *vn, int flags, int fd)
{
	if (fd < 0)
		fd = lowest_free(0);
	if (fd < 0 || fd >= KN_FD_MAX) {
		kn_vnode_put(vn);
		return fd < 0 ? fd : -KN_EBADF;
	}
	struct kn_file *f = kn_calloc(1, sizeof(*f));
	if (!f) {
		kn_vnode_put(vn);
		return -KN_ENOMEM;
	}
	f->vn = vn;
	f->flags = flags & ~KN_O_CLOEXEC;
	f->refs = 1;
	install(fd, f, !!(flags & KN_O_CLOEXEC));
	return fd;
}

int kn_vfs_open_vnode(struct kn_vnode *vn, int flags, int fd)
{
	kn_vnode_get(vn);
	return open_file(vn, flags, fd);
}

KN_SYSCALL(openat)(int dirfd, const char *path, int flags, uint32_t mode)
{
	int acc = flags & KN_O_ACCMODE, r;
	struct kn_vnode *vn = 0;
	if (acc == 3)
		return -KN_EINVAL;
	if (lowest_free(0) < 0)
		return -KN_EMFILE;
	if (flags & KN_O_CREAT) {
		struct kn_vnode *dir;
		char name[KN_NAME_MAX + 1];
		int trail;
		r = kn_vfs_walk_parent(dirfd, path, &dir, name, &trail);
		if (r)
			return r;
		if (trail) {
			kn_vnode_put(dir);
			return -KN_EISDIR;
		}
		r = kn_vfs_walk(dirfd, path, (flags & (KN_O_NOFOLLOW | KN_O_EXCL)) ? 0 : WALK_FOLLOW,
				&vn);
		if (r == 0) {
			kn_vnode_put(dir);
			if (flags & KN_O_EXCL) {
				kn_vnode_put(vn);
				return -KN_EEXIST;
			}
		} else if (r == -KN_ENOENT) {
			struct kn_vnode *tmp;
			/* The name itself is absent (not a dangling symlink). */
			if (kn_vfs_walk(dirfd, path, 0, &tmp) == 0) {
				kn_vnode_put(tmp);
				kn_vnode_put(dir);
				return -KN_ENOENT;
			}
			r = dir->ops->create ? dir->ops->create(dir, name, __builtin_strlen(name),
								mode & ~kn_vfs_umask() & 07777, &vn)
					     : -KN_EPERM;
			if (!r) {
				vn->mnt = dir->mnt;
				kn_vnode_get(vn);
			}
			kn_vnode_put(dir);
			if (r)
				return r;
		} else {
			kn_vnode_put(dir);
			return r;
		}
	} else {
		r = kn_vfs_walk(dirfd, path, (flags & KN_O_NOFOLLOW) ? 0 : WALK_FOLLOW, &vn);
		if (r)
			return r;
	}
	if (KN_S_ISLNK(vn->mode) && !(flags & KN_O_PATH))
		r = -KN_ELOOP;
	else if ((flags & KN_O_DIRECTORY) && !KN_S_ISDIR(vn->mode))
		r = -KN_ENOTDIR;
	else if (KN_S_ISDIR(vn->mode) && (acc != KN_O_RDONLY || (flags & KN_O_CREAT)))
		r = -KN_EISDIR;
	else if ((flags & KN_O_TRUNC) && acc != KN_O_RDONLY && KN_S_ISREG(vn->mode))
		r = vn->ops->truncate ? kn_vfs_truncate(vn, 0) : -KN_EPERM;
	if (r) {
		kn_vnode_put(vn);
		return r;
	}
	return open_file(vn, flags, -1);
}

KN_SYSCALL(open)(const char *path, int flags, uint32_t mode)
{
	return kn_sys_openat(KN_AT_FDCWD, path, flags, mode);
}

KN_SYSCALL(creat)(const char *path, uint32_t mode)
{
	return kn_sys_openat(KN_AT_FDCWD, path, KN_O_CREAT | KN_O_WRONLY | KN_O_TRUNC, mode);
}

KN_SYSCALL(close)(int fd)
{
	if (fd < 0 || fd >= KN_FD_MAX || !fds[fd].f)
		return -KN_EBADF;
	struct kn_file *f = fds[fd].f;
	fds[fd].f = 0;
	kn_vfs_fput(f);
	return 0;
}

/* Pipes have no file position: positioned I/O and lseek fail on them. */
static int unseekable(struct kn_file *f)
{
	return KN_S_ISFIFO(f->vn->mode);
}

static long do_read(struct kn_file *f, void *buf, size_t n, uint64_t off)
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

static long write_at(struct kn_file *f, const void *buf, size_t n, uint64_t *off, int append)
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
	return write_at(f, buf, n, off, f->flags & KN_O_APPEND);
}

KN_SYSCALL(read)(int fd, void *buf, size_t n)
{
	struct kn_file *f = kn_vfs_fget(fd);
	if (!f)
		return -KN_EBADF;
	long r = do_read(f, buf, n, f->off);
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
	long r = unseekable(f) ? -KN_ESPIPE
		 : off < 0     ? -KN_EINVAL
			       : do_read(f, buf, n, (uint64_t)off);
	kn_vfs_fput(f);
	return r;
}

KN_SYSCALL(pwrite64)(int fd, const void *buf, size_t n, int64_t off)
{
	struct kn_file *f = kn_vfs_fget(fd);
	if (!f)
		return -KN_EBADF;
	uint64_t o = (uint64_t)off;
	long r = unseekable(f) ? -KN_ESPIPE : off < 0 ? -KN_EINVAL : do_write(f, buf, n, &o);
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
		long r = wr ? do_write(f, iov[i].iov_base, iov[i].iov_len, &f->off)
			    : do_read(f, iov[i].iov_base, iov[i].iov_len, f->off);
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
	if (unseekable(f)) {
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

static long dup_to(int oldfd, int newfd, int cloexec)
{
	struct kn_file *f = kn_vfs_fget(oldfd);
	if (!f)
		return -KN_EBADF;
	install(newfd, f, cloexec);
	return newfd;
}

KN_SYSCALL(dup)(int fd)
{
	if (!kn_vfs_fget(fd))
		return -KN_EBADF;
	kn_vfs_fput(fds[fd].f);
	int n = lowest_free(0);
	return n < 0 ? n : dup_to(fd, n, 0);
}

KN_SYSCALL(dup3)(int oldfd, int newfd, int flags)
{
	if (flags & ~KN_O_CLOEXEC)
		return -KN_EINVAL;
	if (oldfd == newfd)
		return -KN_EINVAL;
	if (oldfd < 0 || oldfd >= KN_FD_MAX || !fds[oldfd].f || newfd < 0 || newfd >= KN_FD_MAX)
		return -KN_EBADF;
	return dup_to(oldfd, newfd, !!(flags & KN_O_CLOEXEC));
}

KN_SYSCALL(dup2)(int oldfd, int newfd)
{
	if (oldfd == newfd)
		return oldfd >= 0 && oldfd < KN_FD_MAX && fds[oldfd].f ? newfd : -KN_EBADF;
	return kn_sys_dup3(oldfd, newfd, 0);
}

/* Record locks (Linux's struct flock and commands, also the OFD ones).
 * A unikernel is one process, and a process never conflicts with its own
 * locks: every lock is granted at once and F_GETLK finds the range free.
 * SQLite's default VFS locks its database file this way. */
#define KN_F_GETLK 5
#define KN_F_SETLK 6
#define KN_F_SETLKW 7
#define KN_F_OFD_GETLK 36
#define KN_F_OFD_SETLK 37
#define KN_F_OFD_SETLKW 38
#define KN_F_UNLCK 2
struct kn_flock {
	short type, whence;
	long long start, len;
	int pid;
};

static long record_lock(int cmd, struct kn_flock *lock)
{
	int get = cmd == KN_F_GETLK || cmd == KN_F_OFD_GETLK; /* writes the answer back */
	if (get ? kn_user_writable(lock, sizeof(*lock)) : kn_user_readable(lock, sizeof(*lock)))
		return -KN_EFAULT;
	if (lock->type < 0 || lock->type > KN_F_UNLCK || lock->whence < 0 || lock->whence > 2)
		return -KN_EINVAL;
	if (get)
		lock->type = KN_F_UNLCK;
	return 0;
}

KN_SYSCALL(fcntl)(int fd, int cmd, unsigned long arg)
{
	if (fd < 0 || fd >= KN_FD_MAX || !fds[fd].f)
		return -KN_EBADF;
	struct kn_file *f = fds[fd].f;
	int n;
	switch (cmd) {
	case KN_F_DUPFD:
	case KN_F_DUPFD_CLOEXEC:
		if (arg >= KN_FD_MAX)
			return -KN_EINVAL;
		n = lowest_free((int)arg);
		return n < 0 ? n : dup_to(fd, n, cmd == KN_F_DUPFD_CLOEXEC);
	case KN_F_GETFD:
		return fds[fd].cloexec ? KN_FD_CLOEXEC : 0;
	case KN_F_SETFD:
		fds[fd].cloexec = arg & KN_FD_CLOEXEC;
		return 0;
	case KN_F_GETFL:
		return f->flags;
	case KN_F_SETFL: {
		int mask = KN_O_APPEND | KN_O_NONBLOCK;
		f->flags = (f->flags & ~mask) | ((int)arg & mask);
		return 0;
	}
	case KN_F_GETPIPE_SZ:
	case KN_F_SETPIPE_SZ:
		if (!KN_S_ISFIFO(f->vn->mode) || !f->vn->ops->ioctl)
			return -KN_EBADF;
		return f->vn->ops->ioctl(f->vn, f, (unsigned long)cmd, (void *)arg);
	case KN_F_GETLK:
	case KN_F_SETLK:
	case KN_F_SETLKW:
	case KN_F_OFD_GETLK:
	case KN_F_OFD_SETLK:
	case KN_F_OFD_SETLKW:
		return record_lock(cmd, (struct kn_flock *)arg);
	default:
		return -KN_EINVAL;
	}
}

KN_SYSCALL(ioctl)(int fd, unsigned long cmd, unsigned long arg)
{
	struct kn_file *f = kn_vfs_fget(fd);
	if (!f)
		return -KN_EBADF;
	long r = f->vn->ops->ioctl ? f->vn->ops->ioctl(f->vn, f, cmd, (void *)arg) : -KN_ENOTTY;
	kn_vfs_fput(f);
	return r;
}

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

static void put_name(struct kn_linux_dirent64 *d, const char *name, size_t len)
{
	__builtin_memcpy(d->d_name, name, len);
	d->d_name[len] = 0;
}

KN_SYSCALL(getdents64)(int fd, void *buf, size_t n)
{
	struct kn_file *f = kn_vfs_fget(fd);
	if (!f)
		return -KN_EBADF;
	long r = 0;
	struct kn_vnode *dir = f->vn;
	struct kn_dirent *e = 0;
	if (!KN_S_ISDIR(dir->mode)) {
		r = -KN_ENOTDIR;
		goto out;
	}
	if (kn_user_writable(buf, n)) {
		r = -KN_EFAULT;
		goto out;
	}
	e = kn_malloc(sizeof(*e));
	if (!e) {
		r = -KN_ENOMEM;
		goto out;
	}
	size_t used = 0;
	for (;;) {
		uint64_t pos = f->off;
		if (pos < 2) {
			struct kn_vnode *vn = dir;
			struct kn_stat st;
			if (pos == 1 && kn_vfs_parent(dir, &vn))
				vn = dir, kn_vnode_get(vn);
			else if (pos == 0)
				kn_vnode_get(vn);
			kn_vfs_getattr(vn, &st);
			kn_vnode_put(vn);
			e->ino = st.st_ino;
			e->type = KN_DT_DIR;
			e->name[0] = '.';
			e->name[1] = pos ? '.' : 0;
			e->name[2] = 0;
		} else if (!dir->ops->readdir || dir->ops->readdir(dir, pos - 2, e) != 1) {
			break;
		}
		size_t len = __builtin_strlen(e->name);
		size_t rec = (19 + len + 1 + 7) & ~(size_t)7;
		if (used + rec > n) {
			if (!used)
				r = -KN_EINVAL;
			break;
		}
		struct kn_linux_dirent64 *d = (struct kn_linux_dirent64 *)((char *)buf + used);
		d->d_ino = e->ino;
		d->d_off = (int64_t)pos + 1;
		d->d_reclen = (uint16_t)rec;
		d->d_type = e->type;
		put_name(d, e->name, len);
		used += rec;
		f->off = pos + 1;
	}
	if (!r)
		r = (long)used;
out:
	kn_free(e);
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

static long fd_ok(int fd)
{
	return fd >= 0 && fd < KN_FD_MAX && fds[fd].f ? 0 : -KN_EBADF;
}

KN_SYSCALL(fsync)(int fd)
{
	return fd_ok(fd);
}

KN_SYSCALL(fdatasync)(int fd)
{
	return fd_ok(fd);
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

KN_SYSCALL(fchdir)(int fd)
{
	struct kn_file *f = kn_vfs_fget(fd);
	if (!f)
		return -KN_EBADF;
	long r = -KN_ENOTDIR;
	if (KN_S_ISDIR(f->vn->mode)) {
		kn_vnode_get(f->vn);
		kn_vfs_set_cwd(f->vn);
		r = 0;
	}
	kn_vfs_fput(f);
	return r;
}

/* ---- positioned vector I/O ---- */

#define RWF_KNOWN (KN_RWF_HIPRI | KN_RWF_DSYNC | KN_RWF_SYNC | KN_RWF_NOWAIT | KN_RWF_APPEND | \
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
		long r = wr ? write_at(f, iov[i].iov_base, iov[i].iov_len, &off, append)
			    : do_read(f, iov[i].iov_base, iov[i].iov_len, off);
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
	long r = pos >= 0 && unseekable(f) ? -KN_ESPIPE : 0;
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

KN_SYSCALL(preadv)(int fd, const struct kn_iovec *iov, int cnt, unsigned long pos_l,
		   unsigned long pos_h)
{
	return vec_at(fd, iov, cnt, 0, (int64_t)pos_l, 0, 0);
}

KN_SYSCALL(pwritev)(int fd, const struct kn_iovec *iov, int cnt, unsigned long pos_l,
		    unsigned long pos_h)
{
	return vec_at(fd, iov, cnt, 1, (int64_t)pos_l, 0, 0);
}

KN_SYSCALL(preadv2)(int fd, const struct kn_iovec *iov, int cnt, unsigned long pos_l,
		    unsigned long pos_h, int flags)
{
	return vec_at(fd, iov, cnt, 0, (int64_t)pos_l, flags, 1);
}

KN_SYSCALL(pwritev2)(int fd, const struct kn_iovec *iov, int cnt, unsigned long pos_l,
		     unsigned long pos_h, int flags)
{
	return vec_at(fd, iov, cnt, 1, (int64_t)pos_l, flags, 1);
}

/* ---- flock, fallocate, close_range ---- */

/* One process: every lock is granted (Linux checks the operation before
 * the descriptor, and ignores the obsolete LOCK_MAND). */
KN_SYSCALL(flock)(int fd, unsigned op)
{
	if (op & KN_LOCK_MAND)
		return 0;
	unsigned type = op & ~(unsigned)KN_LOCK_NB;
	if (type != KN_LOCK_SH && type != KN_LOCK_EX && type != KN_LOCK_UN)
		return -KN_EINVAL;
	struct kn_file *f = kn_vfs_fget(fd);
	if (!f)
		return -KN_EBADF;
	long r = (f->flags & KN_O_PATH) ? -KN_EBADF : 0;
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

KN_SYSCALL(close_range)(unsigned first, unsigned last, unsigned flags)
{
	if (flags & ~(unsigned)(KN_CLOSE_RANGE_UNSHARE | KN_CLOSE_RANGE_CLOEXEC))
		return -KN_EINVAL;
	if (first > last)
		return -KN_EINVAL;
	/* UNSHARE: the one table is never shared with another process */
	for (unsigned fd = first; fd < KN_FD_MAX && fd <= last; fd++) {
		if (!fds[fd].f)
			continue;
		if (flags & KN_CLOSE_RANGE_CLOEXEC)
			fds[fd].cloexec = 1;
		else
			kn_sys_close((int)fd);
	}
	return 0;
}

/* ---- sendfile, copy_file_range ---- */

#define COPY_CHUNK 16384

/* Copies up to n bytes from in at *ipos to out at *opos through a bounce
 * buffer; returns the count copied or, if none, the error. */
static long copy_data(struct kn_file *in, uint64_t *ipos, struct kn_file *out, uint64_t *opos,
		      size_t n)
{
	char *buf = n ? kn_malloc(COPY_CHUNK) : 0;
	if (n && !buf)
		return -KN_ENOMEM;
	long total = 0;
	while (n) {
		size_t k = n < COPY_CHUNK ? n : COPY_CHUNK;
		long r = do_read(in, buf, k, *ipos), w = r;
		if (r > 0)
			w = write_at(out, buf, (size_t)r, opos, 0);
		if (w <= 0) {
			if (!total)
				total = w;
			break;
		}
		*ipos += (uint64_t)w;
		*opos += (uint64_t)w;
		total += w;
		n -= (size_t)w;
		if (w < r || (size_t)r < k)
			break;
	}
	kn_free(buf);
	return total;
}

static int readable(struct kn_file *f)
{
	return !(f->flags & KN_O_PATH) && (f->flags & KN_O_ACCMODE) != KN_O_WRONLY;
}

static int writable(struct kn_file *f)
{
	return !(f->flags & KN_O_PATH) && (f->flags & KN_O_ACCMODE) != KN_O_RDONLY;
}

static long send_checked(struct kn_file *in, uint64_t *ipos, int out_fd, size_t count)
{
	struct kn_file *out = kn_vfs_fget(out_fd);
	if (!out)
		return -KN_EBADF;
	long r = 0;
	if (!writable(out))
		r = -KN_EBADF;
	else if ((out->flags & KN_O_APPEND) && !KN_S_ISFIFO(out->vn->mode))
		r = -KN_EINVAL; /* Linux's splice refuses appending outputs */
	else if (count && KN_S_ISDIR(in->vn->mode))
		r = -KN_EINVAL;
	else
		r = copy_data(in, ipos, out, &out->off, count);
	kn_vfs_fput(out);
	return r;
}

/* From in_fd (at *offset, or its position) to out_fd's position. */
KN_SYSCALL(sendfile)(int out_fd, int in_fd, int64_t *offset, size_t count)
{
	int64_t pos = 0;
	if (offset) {
		if (kn_user_writable(offset, sizeof(*offset)))
			return -KN_EFAULT;
		pos = *offset;
	}
	struct kn_file *in = kn_vfs_fget(in_fd);
	if (!in)
		return -KN_EBADF;
	long r = 0;
	if (!readable(in))
		r = -KN_EBADF;
	else if (offset && unseekable(in))
		r = -KN_ESPIPE;
	if (!offset)
		pos = (int64_t)in->off;
	if (!r && pos < 0)
		r = -KN_EINVAL;
	uint64_t ipos = (uint64_t)pos;
	if (!r)
		r = send_checked(in, &ipos, out_fd, count);
	if (r >= 0) {
		if (offset)
			*offset = (int64_t)ipos;
		else
			in->off = ipos;
	}
	kn_vfs_fput(in);
	return r;
}

/* generic_copy_file_checks of Linux: types, modes, bounds, overlap. */
static long copy_checks(struct kn_file *in, int64_t pi, struct kn_file *out, int64_t po,
			size_t *len)
{
	struct kn_stat st;
	if (KN_S_ISDIR(in->vn->mode) || KN_S_ISDIR(out->vn->mode))
		return -KN_EISDIR;
	if (!KN_S_ISREG(in->vn->mode) || !KN_S_ISREG(out->vn->mode))
		return -KN_EINVAL;
	if (!readable(in) || !writable(out) || (out->flags & KN_O_APPEND))
		return -KN_EBADF;
	if (pi < 0 || po < 0 || (uint64_t)pi + *len < (uint64_t)pi ||
	    (uint64_t)po + *len < (uint64_t)po)
		return -KN_EOVERFLOW;
	int r = kn_vfs_getattr(in->vn, &st);
	if (r)
		return r;
	uint64_t size = (uint64_t)st.st_size;
	*len = (uint64_t)pi >= size ? 0 : *len < size - (uint64_t)pi ? *len : size - (uint64_t)pi;
	if (in->vn == out->vn && po + (int64_t)*len > pi && po < pi + (int64_t)*len)
		return -KN_EINVAL;
	return 0;
}

static int load_pos(int64_t *user, struct kn_file *f, int64_t *pos)
{
	if (!user) {
		*pos = (int64_t)f->off;
		return 0;
	}
	if (kn_user_writable(user, sizeof(*user)))
		return -KN_EFAULT;
	*pos = *user;
	return 0;
}

static void store_pos(int64_t *user, struct kn_file *f, uint64_t pos)
{
	if (user)
		*user = (int64_t)pos;
	else
		f->off = pos;
}

static long copy_range(struct kn_file *in, int64_t *off_in, struct kn_file *out,
		       int64_t *off_out, size_t len, unsigned flags)
{
	int64_t pi, po;
	long r = load_pos(off_in, in, &pi);
	if (!r)
		r = load_pos(off_out, out, &po);
	if (!r && flags)
		r = -KN_EINVAL;
	if (!r)
		r = copy_checks(in, pi, out, po, &len);
	if (r || !len)
		return r;
	uint64_t ip = (uint64_t)pi, op = (uint64_t)po;
	r = copy_data(in, &ip, out, &op, len);
	if (r > 0) {
		store_pos(off_in, in, ip);
		store_pos(off_out, out, op);
	}
	return r;
}

KN_SYSCALL(copy_file_range)(int in_fd, int64_t *off_in, int out_fd, int64_t *off_out,
			    size_t len, unsigned flags)
{
	struct kn_file *in = kn_vfs_fget(in_fd), *out = kn_vfs_fget(out_fd);
	long r = -KN_EBADF;
	if (in && out && !(in->flags & KN_O_PATH) && !(out->flags & KN_O_PATH))
		r = copy_range(in, off_in, out, off_out, len, flags);
	if (in)
		kn_vfs_fput(in);
	if (out)
		kn_vfs_fput(out);
	return r;
}
