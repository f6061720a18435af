/* vfs-core: file attributes beyond stat: timestamps (utimensat family),
 * statx, statfs, chown and access checks. */
#include <kn/errno.h>
#include <kn/syscall.h>
#include <kn/time.h>
#include "vfs_internal.h"

/* The platform provides the clock; a build without one (a host test)
 * stamps times at the epoch. */
struct kn_timespec kn_vfs_now(void)
{
#ifdef CONFIG_HAVE_TIME
	uint64_t ns = kn_time_wall_ns();
#else
	uint64_t ns = 0;
#endif
	struct kn_timespec ts = {(int64_t)(ns / KN_NSEC_PER_SEC), (int64_t)(ns % KN_NSEC_PER_SEC)};
	return ts;
}

/* The vnode of descriptor fd (AT_FDCWD: the cwd), referenced. io: the
 * call needs a file open for I/O, so O_PATH descriptors are -KN_EBADF. */
static int fd_vnode(int fd, int io, struct kn_vnode **out)
{
	if (fd == KN_AT_FDCWD && !io) {
		*out = kn_vfs_cwd();
		return *out ? 0 : -KN_ENOENT;
	}
	struct kn_file *f = kn_vfs_fget(fd);
	if (!f)
		return -KN_EBADF;
	int r = io && (f->flags & KN_O_PATH) ? -KN_EBADF : 0;
	if (!r) {
		*out = f->vn;
		kn_vnode_get(f->vn);
	}
	kn_vfs_fput(f);
	return r;
}

/* dirfd + path with AT_SYMLINK_NOFOLLOW and AT_EMPTY_PATH ("" = dirfd). */
static int walk_at(int dirfd, const char *path, int flags, struct kn_vnode **out)
{
	if ((flags & KN_AT_EMPTY_PATH) && path && !kn_user_readable(path, 1) && !path[0])
		return fd_vnode(dirfd, 0, out);
	return kn_vfs_walk(dirfd, path, (flags & KN_AT_SYMLINK_NOFOLLOW) ? 0 : WALK_FOLLOW, out);
}

/* ---- timestamps ---- */

static int nsec_ok(int64_t ns)
{
	return ns == KN_UTIME_NOW || ns == KN_UTIME_OMIT || (ns >= 0 && ns < 1000000000);
}

static const struct kn_timespec *pick(const struct kn_timespec *t, const struct kn_timespec *now)
{
	return t->tv_nsec == KN_UTIME_OMIT ? 0 : t->tv_nsec == KN_UTIME_NOW ? now : t;
}

/* t NULL: both now. The nanoseconds are checked after the lookup, as
 * Linux does (a missing file is -KN_ENOENT even with bad times). */
static int set_times(struct kn_vnode *vn, const struct kn_timespec *t)
{
	if (t && (!nsec_ok(t[0].tv_nsec) || !nsec_ok(t[1].tv_nsec)))
		return -KN_EINVAL;
	struct kn_timespec now = kn_vfs_now();
	const struct kn_timespec *a = t ? pick(&t[0], &now) : &now;
	const struct kn_timespec *m = t ? pick(&t[1], &now) : &now;
	return vn->ops->settimes ? vn->ops->settimes(vn, a, m) : 0;
}

/* Linux's do_utimes: a NULL path with a real dirfd is futimens(dirfd). */
static long utimes_at(int dirfd, const char *path, const struct kn_timespec *t, int flags)
{
	struct kn_vnode *vn;
	int r;
	if (!path && dirfd != KN_AT_FDCWD) {
		if (flags)
			return -KN_EINVAL;
		r = fd_vnode(dirfd, 1, &vn);
	} else {
		if (flags & ~(KN_AT_SYMLINK_NOFOLLOW | KN_AT_EMPTY_PATH))
			return -KN_EINVAL;
		r = walk_at(dirfd, path, flags, &vn);
	}
	if (r)
		return r;
	r = set_times(vn, t);
	kn_vnode_put(vn);
	return r;
}

KN_SYSCALL(utimensat)(int dirfd, const char *path, const struct kn_timespec *times, int flags)
{
	struct kn_timespec t[2];
	if (times) {
		if (kn_user_readable(times, sizeof(t)))
			return -KN_EFAULT;
		t[0] = times[0];
		t[1] = times[1];
		if (t[0].tv_nsec == KN_UTIME_OMIT && t[1].tv_nsec == KN_UTIME_OMIT)
			return 0; /* Linux does not even look the path up */
	}
	return utimes_at(dirfd, path, times ? t : 0, flags);
}

KN_SYSCALL(futimesat)(int dirfd, const char *path, const struct kn_timeval *tv)
{
	struct kn_timespec t[2];
	if (tv) {
		if (kn_user_readable(tv, 2 * sizeof(*tv)))
			return -KN_EFAULT;
		for (int i = 0; i < 2; i++) {
			/* checked here: UTIME_NOW/OMIT are not microseconds */
			if (tv[i].tv_usec < 0 || tv[i].tv_usec >= 1000000)
				return -KN_EINVAL;
			t[i].tv_sec = tv[i].tv_sec;
			t[i].tv_nsec = tv[i].tv_usec * 1000;
		}
	}
	return utimes_at(dirfd, path, tv ? t : 0, 0);
}

KN_SYSCALL(utimes)(const char *path, const struct kn_timeval *tv)
{
	return kn_sys_futimesat(KN_AT_FDCWD, path, tv);
}

KN_SYSCALL(utime)(const char *path, const struct kn_utimbuf *times)
{
	struct kn_timespec t[2] = {{0, 0}, {0, 0}};
	if (times) {
		if (kn_user_readable(times, sizeof(*times)))
			return -KN_EFAULT;
		t[0].tv_sec = times->actime;
		t[1].tv_sec = times->modtime;
	}
	return utimes_at(KN_AT_FDCWD, path, times ? t : 0, 0);
}

/* ---- statx ---- */

static void put_ts(struct kn_statx_timestamp *d, const struct kn_timespec *s)
{
	d->tv_sec = s->tv_sec;
	d->tv_nsec = (uint32_t)s->tv_nsec;
	d->__reserved = 0;
}

/* Linux's dev_t encoding: 12 bits of major, 20 of minor, interleaved. */
static uint32_t dev_major(uint64_t d)
{
	return (uint32_t)(((d >> 8) & 0xfff) | ((d >> 32) & ~0xfffULL));
}

static uint32_t dev_minor(uint64_t d)
{
	return (uint32_t)((d & 0xff) | ((d >> 12) & ~0xffULL));
}

/* Every basic field is always filled, whatever the mask asked (Linux
 * filesystems do the same); no birth time is kept. */
static void fill_statx(struct kn_statx *sx, const struct kn_stat *st, int mnt_id)
{
	__builtin_memset(sx, 0, sizeof(*sx));
	sx->stx_mask = KN_STATX_BASIC_STATS | KN_STATX_MNT_ID;
	sx->stx_blksize = (uint32_t)st->st_blksize;
	sx->stx_nlink = (uint32_t)st->st_nlink;
	sx->stx_uid = st->st_uid;
	sx->stx_gid = st->st_gid;
	sx->stx_mode = (uint16_t)st->st_mode;
	sx->stx_ino = st->st_ino;
	sx->stx_size = (uint64_t)st->st_size;
	sx->stx_blocks = (uint64_t)st->st_blocks;
	put_ts(&sx->stx_atime, &st->st_atim);
	put_ts(&sx->stx_mtime, &st->st_mtim);
	put_ts(&sx->stx_ctime, &st->st_ctim);
	sx->stx_rdev_major = dev_major(st->st_rdev);
	sx->stx_rdev_minor = dev_minor(st->st_rdev);
	sx->stx_dev_major = dev_major(st->st_dev);
	sx->stx_dev_minor = dev_minor(st->st_dev);
	sx->stx_mnt_id = (uint64_t)mnt_id;
}

KN_SYSCALL(statx)(int dirfd, const char *path, int flags, unsigned mask, struct kn_statx *sx)
{
	if ((flags & KN_AT_STATX_SYNC_TYPE) == KN_AT_STATX_SYNC_TYPE || (mask & KN_STATX__RESERVED))
		return -KN_EINVAL;
	if (flags & ~(KN_AT_SYMLINK_NOFOLLOW | KN_AT_NO_AUTOMOUNT | KN_AT_EMPTY_PATH |
		      KN_AT_STATX_SYNC_TYPE))
		return -KN_EINVAL;
	struct kn_vnode *vn;
	int r = (flags & KN_AT_EMPTY_PATH) && !path ? fd_vnode(dirfd, 0, &vn) /* Linux 6.11+ */
						    : walk_at(dirfd, path, flags, &vn);
	if (r)
		return r;
	struct kn_stat st;
	r = kn_vfs_getattr(vn, &st);
	int mnt_id = vn->mnt ? vn->mnt->id : 0;
	kn_vnode_put(vn);
	if (r)
		return r;
	if (kn_user_writable(sx, sizeof(*sx)))
		return -KN_EFAULT;
	fill_statx(sx, &st, mnt_id);
	return 0;
}

/* ---- statfs ---- */

static long statfs_vn(struct kn_vnode *vn, struct kn_statfs *out)
{
	struct kn_statfs sf;
	__builtin_memset(&sf, 0, sizeof(sf));
	sf.f_bsize = sf.f_frsize = 4096;
	sf.f_namelen = KN_NAME_MAX;
	sf.f_fsid[0] = vn->mnt ? vn->mnt->id : 0;
	sf.f_flags = KN_ST_VALID;
	int r = vn->ops->statfs ? vn->ops->statfs(vn, &sf) : 0;
	kn_vnode_put(vn);
	if (r)
		return r;
	if (kn_user_writable(out, sizeof(*out)))
		return -KN_EFAULT;
	*out = sf;
	return 0;
}

KN_SYSCALL(statfs)(const char *path, struct kn_statfs *sf)
{
	struct kn_vnode *vn;
	int r = kn_vfs_walk(KN_AT_FDCWD, path, WALK_FOLLOW, &vn);
	return r ? r : statfs_vn(vn, sf);
}

KN_SYSCALL(fstatfs)(int fd, struct kn_statfs *sf)
{
	struct kn_vnode *vn;
	int r = fd < 0 ? -KN_EBADF : fd_vnode(fd, 0, &vn);
	return r ? r : statfs_vn(vn, sf);
}

/* ---- chown, access ---- */

/* One owner (root): a chown changes nothing but what Linux changes on
 * every chown of a non-directory: setuid, and setgid when group-executable,
 * are cleared. The ctime moves. */
int kn_vfs_chown(struct kn_vnode *vn)
{
	struct kn_stat st;
	if (!KN_S_ISDIR(vn->mode) && !kn_vfs_getattr(vn, &st)) {
		uint32_t perm = st.st_mode & 07777, keep = perm & ~04000u;
		if ((keep & 02010) == 02010)
			keep &= ~02000u;
		if (keep != perm)
			kn_vfs_chmod(vn, keep);
	}
	return vn->ops->settimes ? vn->ops->settimes(vn, 0, 0) : 0;
}

KN_SYSCALL(fchownat)(int dirfd, const char *path, uint32_t uid, uint32_t gid, int flags)
{
	if (flags & ~(KN_AT_SYMLINK_NOFOLLOW | KN_AT_EMPTY_PATH))
		return -KN_EINVAL;
	struct kn_vnode *vn;
	int r = walk_at(dirfd, path, flags, &vn);
	if (r)
		return r;
	r = kn_vfs_chown(vn);
	kn_vnode_put(vn);
	return r;
}

/* The caller is root: everything is allowed but executing a file with no
 * execute bit at all. */
KN_SYSCALL(faccessat2)(int dirfd, const char *path, int mode, int flags)
{
	if (mode & ~7)
		return -KN_EINVAL;
	if (flags & ~(KN_AT_EACCESS | KN_AT_SYMLINK_NOFOLLOW | KN_AT_EMPTY_PATH))
		return -KN_EINVAL;
	struct kn_vnode *vn;
	int r = walk_at(dirfd, path, flags, &vn);
	if (r)
		return r;
	struct kn_stat st;
	if ((mode & 1) && !KN_S_ISDIR(vn->mode) && !kn_vfs_getattr(vn, &st) && !(st.st_mode & 0111))
		r = -KN_EACCES;
	kn_vnode_put(vn);
	return r;
}
