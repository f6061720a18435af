/* vfs-core: the fd table and what acts on descriptors themselves: open,
 * close, dup, fcntl, ioctl, flock, close_range (Linux's fs/open.c,
 * fs/file.c, fs/fcntl.c). */
#include <kn/alloc.h>
#include <kn/errno.h>
#include <kn/syscall.h>
#include "vfs_internal.h"

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
		return NULL;
	fds[fd].f->refs++;
	return fds[fd].f;
}

void kn_vfs_fput(struct kn_file *f)
{
	if (--f->refs == 0) {
#ifdef CONFIG_HAVE_VFS_POLL
		if (f->epoll_items)
			kn_vfs_epoll_release(f);
#endif
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
	struct kn_vnode *vn = NULL;
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
		r = kn_vfs_walk(dirfd, path,
				(flags & (KN_O_NOFOLLOW | KN_O_EXCL)) ? 0 : WALK_FOLLOW, &vn);
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
	if (!r && vn->ops->open && !(flags & KN_O_PATH))
		r = vn->ops->open(vn, flags);
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
	fds[fd].f = NULL;
	kn_vfs_fput(f);
	return 0;
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
	case KN_F_GETFD: return fds[fd].cloexec ? KN_FD_CLOEXEC : 0;
	case KN_F_SETFD: fds[fd].cloexec = arg & KN_FD_CLOEXEC; return 0;
	case KN_F_GETFL: return f->flags;
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
	case KN_F_OFD_SETLKW: return record_lock(cmd, (struct kn_flock *)arg);
	default: return -KN_EINVAL;
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
