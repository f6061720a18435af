/* The host calls vfs-hostfs makes. Names come from the VFS as (name, len),
 * not NUL-terminated: each is copied to a terminated buffer first. An
 * O_PATH descriptor cannot be read, chmod'ed or truncated itself; its
 * /proc/self/fd/N name reaches the file it points at. */
#include <kn/errno.h>
#include <kn/format.h>
#include <kn/linuxu_syscall.h>
#include "host.h"

#define SYS_pread64 17
#define SYS_pwrite64 18
#define SYS_fsync 74
#define SYS_truncate 76
#define SYS_fstatfs 138
#define SYS_getdents64 217
#define SYS_openat 257
#define SYS_mkdirat 258
#define SYS_newfstatat 262
#define SYS_unlinkat 263
#define SYS_renameat 264
#define SYS_linkat 265
#define SYS_symlinkat 266
#define SYS_readlinkat 267
#define SYS_fchmodat 268
#define SYS_utimensat 280

#define SYS(n, a, b, c, d, e)                                                                      \
	kn_linuxu_syscall6(n, (long)(a), (long)(b), (long)(c), (long)(d), (long)(e), 0)

struct name {
	char s[KN_NAME_MAX + 1];
};

static const char *cstr(struct name *n, const char *name, size_t len)
{
	__builtin_memcpy(n->s, name, len);
	n->s[len] = 0;
	return n->s;
}

struct proc_path {
	char s[32];
};

static const char *proc(struct proc_path *p, int fd)
{
	kn_snprintf(p->s, sizeof(p->s), "/proc/self/fd/%d", fd);
	return p->s;
}

long h_openat(int dirfd, const char *name, size_t len, int flags, uint32_t mode)
{
	struct name n;
	return SYS(SYS_openat, dirfd, cstr(&n, name, len), flags | KN_O_CLOEXEC, mode, 0);
}

long h_reopen(int fd, int flags)
{
	struct proc_path p;
	return SYS(SYS_openat, KN_AT_FDCWD, proc(&p, fd), flags | KN_O_CLOEXEC, 0, 0);
}

long h_close(int fd)
{
	return fd < 0 ? 0 : kn_linuxu_syscall(KN_SYS_close, fd, 0, 0);
}

long h_fstat(int fd, struct kn_stat *st)
{
	return SYS(SYS_newfstatat, fd, "", st, KN_AT_EMPTY_PATH | KN_AT_SYMLINK_NOFOLLOW, 0);
}

long h_mkdirat(int dirfd, const char *name, size_t len, uint32_t mode)
{
	struct name n;
	return SYS(SYS_mkdirat, dirfd, cstr(&n, name, len), mode, 0, 0);
}

long h_unlinkat(int dirfd, const char *name, size_t len, int flags)
{
	struct name n;
	return SYS(SYS_unlinkat, dirfd, cstr(&n, name, len), flags, 0, 0);
}

long h_renameat(int odirfd, const char *oname, size_t olen, int ndirfd, const char *nname,
		size_t nlen)
{
	struct name o, n;
	return SYS(SYS_renameat, odirfd, cstr(&o, oname, olen), ndirfd, cstr(&n, nname, nlen), 0);
}

/* Through /proc: linkat of an O_PATH descriptor by AT_EMPTY_PATH needs
 * CAP_DAC_READ_SEARCH. */
long h_linkat(int fd, int dirfd, const char *name, size_t len)
{
	struct name n;
	struct proc_path p;
	return SYS(SYS_linkat, KN_AT_FDCWD, proc(&p, fd), dirfd, cstr(&n, name, len),
		   KN_AT_SYMLINK_FOLLOW);
}

long h_symlinkat(const char *target, int dirfd, const char *name, size_t len)
{
	struct name n;
	return SYS(SYS_symlinkat, target, dirfd, cstr(&n, name, len), 0, 0);
}

long h_readlink(int fd, char *buf, size_t size)
{
	return SYS(SYS_readlinkat, fd, "", buf, size, 0);
}

long h_pread(int fd, void *buf, size_t n, uint64_t off)
{
	return SYS(SYS_pread64, fd, buf, n, off, 0);
}

long h_pwrite(int fd, const void *buf, size_t n, uint64_t off)
{
	return SYS(SYS_pwrite64, fd, buf, n, off, 0);
}

long h_truncate(int fd, uint64_t size)
{
	struct proc_path p;
	return SYS(SYS_truncate, proc(&p, fd), size, 0, 0, 0);
}

long h_chmod(int fd, uint32_t mode)
{
	struct proc_path p;
	return SYS(SYS_fchmodat, KN_AT_FDCWD, proc(&p, fd), mode, 0, 0);
}

long h_utimens(int fd, const struct kn_timespec times[2])
{
	struct proc_path p;
	return SYS(SYS_utimensat, KN_AT_FDCWD, proc(&p, fd), times, 0, 0);
}

long h_fstatfs(int fd, struct kn_statfs *sf)
{
	return SYS(SYS_fstatfs, fd, sf, 0, 0, 0);
}

long h_getdents64(int fd, void *buf, size_t n)
{
	return SYS(SYS_getdents64, fd, buf, n, 0, 0);
}

long h_fsync(int fd)
{
	return SYS(SYS_fsync, fd, 0, 0, 0, 0);
}

long h_rewind(int fd)
{
	long r = kn_linuxu_syscall(KN_SYS_lseek, fd, 0, 0);
	return r < 0 ? r : 0;
}
