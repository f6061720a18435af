/* Host unit tests of vfs-core + ramfs + devfs: fixed scenarios and a
 * random stress compared operation by operation with the host kernel
 * (in a temporary directory). Usage: vfs_test <scenario> [seed] [tmpdir] */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>
#include <kn/errno.h>
#include <kn/vfs.h>

int kn_ramfs_boot(void);
int kn_devfs_boot(void);
extern long live_allocs;

static int failures;
#include "expect.h"

static void boot(void)
{
	EQ(kn_ramfs_boot(), 0);
	EQ(kn_devfs_boot(), 0);
}

static long mkfile(const char *p, const char *data)
{
	long fd = kn_sys_open(p, KN_O_CREAT | KN_O_WRONLY | KN_O_TRUNC, 0644);
	if (fd < 0)
		return fd;
	long r = kn_sys_write((int)fd, data, strlen(data));
	kn_sys_close((int)fd);
	return r;
}

static void basic(void)
{
	EQ(sizeof(struct kn_stat), 144);
	EQ(offsetof(struct kn_stat, st_mode), 24);
	EQ(offsetof(struct kn_stat, st_size), 48);
	EQ(offsetof(struct kn_stat, st_mtim), 88);
	EQ(offsetof(struct kn_linux_dirent64, d_name), 19);
	long fd = kn_sys_open("/f", KN_O_CREAT | KN_O_RDWR, 0644);
	EQ(fd, 3); /* 0-2 are the console */
	EQ(kn_sys_write((int)fd, "hello", 5), 5);
	EQ(kn_sys_pwrite64((int)fd, "J", 1, 10), 1);
	struct kn_stat st;
	EQ(kn_sys_fstat((int)fd, &st), 0);
	EQ(st.st_size, 11);
	EQ(st.st_mode, KN_S_IFREG | 0644);
	char buf[32] = {0};
	EQ(kn_sys_lseek((int)fd, 0, KN_SEEK_SET), 0);
	EQ(kn_sys_read((int)fd, buf, sizeof(buf)), 11);
	CHECK(!memcmp(buf, "hello\0\0\0\0\0J", 11));
	EQ(kn_sys_read((int)fd, buf, sizeof(buf)), 0);
	EQ(kn_sys_lseek((int)fd, -1, KN_SEEK_END), 10);
	EQ(kn_sys_lseek((int)fd, -100, KN_SEEK_CUR), -KN_EINVAL);
	EQ(kn_sys_ftruncate((int)fd, 2), 0);
	EQ(kn_sys_pread64((int)fd, buf, 32, 0), 2);
	struct kn_iovec iov[2] = {{"ab", 2}, {"cd", 2}};
	EQ(kn_sys_lseek((int)fd, 0, KN_SEEK_END), 2);
	EQ(kn_sys_writev((int)fd, iov, 2), 4);
	char b1[3], b2[10];
	struct kn_iovec riov[2] = {{b1, 3}, {b2, 10}};
	EQ(kn_sys_lseek((int)fd, 0, KN_SEEK_SET), 0);
	EQ(kn_sys_readv((int)fd, riov, 2), 6);
	CHECK(!memcmp(b1, "hea", 3) && !memcmp(b2, "bcd", 3));
	EQ(kn_sys_close((int)fd), 0);
	/* O_APPEND, O_EXCL, O_TRUNC */
	fd = kn_sys_open("/f", KN_O_WRONLY | KN_O_APPEND, 0);
	EQ(kn_sys_write((int)fd, "Z", 1), 1);
	EQ(kn_sys_fcntl((int)fd, KN_F_GETFL, 0), KN_O_WRONLY | KN_O_APPEND);
	kn_sys_close((int)fd);
	EQ(kn_sys_stat("/f", &st), 0);
	EQ(st.st_size, 7);
	EQ(kn_sys_open("/f", KN_O_CREAT | KN_O_EXCL | KN_O_RDWR, 0644), -KN_EEXIST);
	fd = kn_sys_open("/f", KN_O_RDWR | KN_O_TRUNC, 0);
	EQ(kn_sys_fstat((int)fd, &st), 0);
	EQ(st.st_size, 0);
	EQ(kn_sys_close((int)fd), 0);
	/* directories */
	EQ(kn_sys_mkdir("/d", 0755), 0);
	EQ(kn_sys_mkdir("/d/e/", 0755), 0);
	EQ(kn_sys_mkdir("//d///e", 0755), -KN_EEXIST);
	EQ(mkfile("/d/e/x", "xx"), 2);
	EQ(kn_sys_open("/d", KN_O_RDWR, 0), -KN_EISDIR);
	EQ(kn_sys_rmdir("/d"), -KN_ENOTEMPTY);
	EQ(kn_sys_unlink("/d"), -KN_EISDIR);
	EQ(kn_sys_rmdir("/f"), -KN_ENOTDIR);
	EQ(kn_sys_stat("/d/./e/../e/x", &st), 0);
	EQ(st.st_size, 2);
	EQ(kn_sys_stat("/../../d/e/x", &st), 0);
	EQ(kn_sys_stat("/f/", &st), -KN_ENOTDIR);
	EQ(kn_sys_stat("/d/e/", &st), 0);
	EQ(st.st_nlink, 2);
	EQ(kn_sys_stat("/d", &st), 0);
	EQ(st.st_nlink, 3);
	fd = kn_sys_open("/d", KN_O_RDONLY | KN_O_DIRECTORY, 0);
	CHECK(fd >= 0);
	EQ(kn_sys_open("/f", KN_O_RDONLY | KN_O_DIRECTORY, 0), -KN_ENOTDIR);
	char dbuf[256];
	long n = kn_sys_getdents64((int)fd, dbuf, sizeof(dbuf));
	int cnt = 0;
	for (long off = 0; off < n; cnt++) {
		struct kn_linux_dirent64 *d = (void *)(dbuf + off);
		CHECK(d->d_reclen % 8 == 0);
		off += d->d_reclen;
	}
	EQ(cnt, 3);
	EQ(kn_sys_getdents64((int)fd, dbuf, sizeof(dbuf)), 0);
	EQ(kn_sys_lseek((int)fd, 0, KN_SEEK_SET), 0);
	EQ(kn_sys_getdents64((int)fd, dbuf, 10), -KN_EINVAL);
	/* openat / cwd */
	EQ(kn_sys_fchdir((int)fd), 0);
	EQ(kn_sys_getcwd(buf, sizeof(buf)), 3);
	EQ(strcmp(buf, "/d"), 0);
	EQ(kn_sys_chdir("e"), 0);
	EQ(kn_sys_getcwd(buf, sizeof(buf)), 5);
	EQ(strcmp(buf, "/d/e"), 0);
	EQ(kn_sys_getcwd(buf, 3), -KN_ERANGE);
	EQ(kn_sys_chdir("x"), -KN_ENOTDIR);
	EQ(kn_sys_stat("x", &st), 0);
	long fd2 = kn_sys_openat((int)fd, "e/x", KN_O_RDONLY, 0);
	CHECK(fd2 >= 0);
	EQ(kn_sys_openat((int)fd2, "y", KN_O_RDONLY, 0), -KN_ENOTDIR);
	EQ(kn_sys_close((int)fd2), 0);
	EQ(kn_sys_newfstatat((int)fd, "e", &st, 0), 0);
	CHECK(KN_S_ISDIR(st.st_mode));
	EQ(kn_sys_chdir("/"), 0);
	EQ(kn_sys_getcwd(buf, sizeof(buf)), 2);
	EQ(kn_sys_close((int)fd), 0);
	/* rename */
	EQ(kn_sys_rename("/d/e/x", "/d/y"), 0);
	EQ(kn_sys_stat("/d/e/x", &st), -KN_ENOENT);
	EQ(kn_sys_rename("/d", "/d/e/z"), -KN_EINVAL);
	EQ(kn_sys_rename("/d/y", "/d/e"), -KN_EISDIR);
	EQ(kn_sys_rename("/d/e", "/d/y"), -KN_ENOTDIR);
	EQ(kn_sys_rename("/d/e", "/g"), 0);
	EQ(kn_sys_stat("/d", &st), 0);
	EQ(st.st_nlink, 2);
	EQ(kn_sys_rmdir("/g"), 0);
	/* links */
	EQ(kn_sys_link("/d/y", "/h"), 0);
	EQ(kn_sys_stat("/h", &st), 0);
	EQ(st.st_nlink, 2);
	EQ(kn_sys_link("/d", "/h2"), -KN_EPERM);
	EQ(kn_sys_unlink("/d/y"), 0);
	EQ(kn_sys_stat("/h", &st), 0);
	EQ(st.st_nlink, 1);
	EQ(st.st_size, 2);
	/* unlinked but open */
	fd = kn_sys_open("/h", KN_O_RDONLY, 0);
	EQ(kn_sys_unlink("/h"), 0);
	EQ(kn_sys_read((int)fd, buf, 10), 2);
	EQ(kn_sys_close((int)fd), 0);
	EQ(kn_sys_unlink("/f"), 0);
	EQ(kn_sys_rmdir("/d"), 0);
	EQ(kn_sys_umask(0), 022);
	EQ(kn_sys_umask(022), 0);
}

static void symlinks(void)
{
	struct kn_stat st;
	char buf[64];
	EQ(kn_sys_mkdir("/s", 0755), 0);
	EQ(mkfile("/s/t", "abc"), 3);
	EQ(kn_sys_symlink("t", "/s/l"), 0);
	EQ(kn_sys_symlink("/s", "/s/up"), 0);
	EQ(kn_sys_symlink("l", "/s/l2"), 0);
	EQ(kn_sys_symlink("nowhere", "/s/dangling"), 0);
	EQ(kn_sys_symlink("self", "/s/self"), 0);
	EQ(kn_sys_symlink("t", "/s/l"), -KN_EEXIST);
	EQ(kn_sys_stat("/s/l2", &st), 0);
	EQ(st.st_size, 3);
	EQ(kn_sys_lstat("/s/l2", &st), 0);
	CHECK(KN_S_ISLNK(st.st_mode));
	EQ(kn_sys_stat("/s/up/up/up/l", &st), 0);
	EQ(kn_sys_stat("/s/up/../s/t", &st), 0);
	EQ(kn_sys_stat("/s/dangling", &st), -KN_ENOENT);
	EQ(kn_sys_stat("/s/self", &st), -KN_ELOOP);
	EQ(kn_sys_stat("/s/l/", &st), -KN_ENOTDIR);
	EQ(kn_sys_stat("/s/up/", &st), 0);
	EQ(kn_sys_readlink("/s/l2", buf, sizeof(buf)), 1);
	EQ(kn_sys_readlink("/s/l2", buf, 0), -KN_EINVAL);
	EQ(kn_sys_readlink("/s/t", buf, sizeof(buf)), -KN_EINVAL);
	EQ(kn_sys_open("/s/l", KN_O_RDONLY | KN_O_NOFOLLOW, 0), -KN_ELOOP);
	long fd = kn_sys_open("/s/l2", KN_O_RDONLY, 0);
	EQ(kn_sys_read((int)fd, buf, 64), 3);
	kn_sys_close((int)fd);
	EQ(kn_sys_chdir("/s/up"), 0);
	EQ(kn_sys_getcwd(buf, sizeof(buf)), 3);
	kn_sys_chdir("/");
	/* a chain longer than the loop limit */
	char name[32], target[32];
	for (int i = 0; i < 45; i++) {
		snprintf(name, sizeof(name), "/s/c%d", i);
		snprintf(target, sizeof(target), i ? "c%d" : "t", i - 1);
		EQ(kn_sys_symlink(target, name), 0);
	}
	EQ(kn_sys_stat("/s/c39", &st), 0);
	EQ(kn_sys_stat("/s/c44", &st), -KN_ELOOP);
	/* link() does not follow, linkat(AT_SYMLINK_FOLLOW) does */
	EQ(kn_sys_link("/s/l", "/s/hl"), 0);
	EQ(kn_sys_lstat("/s/hl", &st), 0);
	CHECK(KN_S_ISLNK(st.st_mode));
	EQ(kn_sys_linkat(KN_AT_FDCWD, "/s/l", KN_AT_FDCWD, "/s/hl2", KN_AT_SYMLINK_FOLLOW), 0);
	EQ(kn_sys_lstat("/s/hl2", &st), 0);
	CHECK(KN_S_ISREG(st.st_mode));
	EQ(st.st_nlink, 2);
}

static void errors(void)
{
	char buf[8];
	struct kn_stat st;
	EQ(kn_sys_read(-1, buf, 1), -KN_EBADF);
	EQ(kn_sys_read(KN_FD_MAX, buf, 1), -KN_EBADF);
	EQ(kn_sys_write(77, buf, 1), -KN_EBADF);
	EQ(kn_sys_close(77), -KN_EBADF);
	EQ(kn_sys_fstat(77, &st), -KN_EBADF);
	EQ(kn_sys_lseek(77, 0, 0), -KN_EBADF);
	EQ(kn_sys_dup(77), -KN_EBADF);
	EQ(kn_sys_fcntl(77, KN_F_GETFD, 0), -KN_EBADF);
	EQ(kn_sys_open("/nope", KN_O_RDONLY, 0), -KN_ENOENT);
	EQ(kn_sys_open("/nope/x", KN_O_CREAT | KN_O_RDWR, 0644), -KN_ENOENT);
	EQ(kn_sys_open("", KN_O_RDONLY, 0), -KN_ENOENT);
	EQ(kn_sys_open(NULL, KN_O_RDONLY, 0), -KN_EFAULT);
	EQ(kn_sys_stat("/", NULL), -KN_EFAULT);
	EQ(kn_sys_open("/", 3, 0), -KN_EINVAL);
	char longname[300];
	memset(longname, 'a', sizeof(longname));
	longname[0] = '/';
	longname[299] = 0;
	EQ(kn_sys_open(longname, KN_O_RDONLY, 0), -KN_ENAMETOOLONG);
	char *longpath = malloc(5000);
	memset(longpath, '/', 5000);
	longpath[4999] = 0;
	EQ(kn_sys_stat(longpath, &st), -KN_ENAMETOOLONG);
	free(longpath);
	long fd = kn_sys_open("/e", KN_O_CREAT | KN_O_WRONLY, 0644);
	EQ(kn_sys_read((int)fd, buf, 1), -KN_EBADF);
	EQ(kn_sys_write((int)fd, NULL, 1), -KN_EFAULT);
	EQ(kn_sys_write((int)fd, buf, 0), 0);
	EQ(kn_sys_pwrite64((int)fd, buf, 1, -1), -KN_EINVAL);
	EQ(kn_sys_lseek((int)fd, 0, 9), -KN_EINVAL);
	EQ(kn_sys_getdents64((int)fd, buf, 8), -KN_ENOTDIR);
	EQ(kn_sys_ioctl((int)fd, KN_TIOCGWINSZ, 0), -KN_ENOTTY);
	EQ(kn_sys_fcntl((int)fd, 9999, 0), -KN_EINVAL);
	long r = kn_sys_open("/e", KN_O_RDONLY, 0);
	EQ(kn_sys_write((int)r, "x", 1), -KN_EBADF);
	EQ(kn_sys_ftruncate((int)r, 0), -KN_EINVAL);
	kn_sys_close((int)r);
	/* EMFILE */
	int last = 0;
	for (int i = 0; i < KN_FD_MAX + 5; i++) {
		long d = kn_sys_dup((int)fd);
		if (d < 0) {
			EQ(d, -KN_EMFILE);
			break;
		}
		last = (int)d;
	}
	EQ(last, KN_FD_MAX - 1);
	EQ(kn_sys_open("/e", KN_O_RDONLY, 0), -KN_EMFILE);
	for (int i = 4; i < KN_FD_MAX; i++)
		EQ(kn_sys_close(i), 0);
	EQ(kn_sys_close((int)fd), 0);
	EQ(kn_sys_unlink("/e"), 0);
	EQ(kn_sys_truncate("/", 0), -KN_EISDIR);
	EQ(kn_sys_access("/", 0), 0);
	EQ(kn_sys_access("/zz", 0), -KN_ENOENT);
	EQ(kn_sys_chmod("/", 0755), 0);
	{
		struct kn_stat st;
		long cfd = kn_sys_open("/m", KN_O_CREAT | KN_O_RDWR, 0644);
		EQ(kn_sys_chmod("/m", 0600), 0);
		EQ(kn_sys_stat("/m", &st), 0);
		EQ(st.st_mode & 07777, 0600);
		EQ(kn_sys_fchmod((int)cfd, 04711), 0);
		EQ(kn_sys_fstat((int)cfd, &st), 0);
		EQ(st.st_mode & 07777, 04711);
		EQ(kn_sys_fchmod(99, 0600), -KN_EBADF);
		EQ(kn_sys_fchmodat(KN_AT_FDCWD, "/nope", 0600), -KN_ENOENT);
		EQ(kn_sys_close((int)cfd), 0);
		EQ(kn_sys_unlink("/m"), 0);
	}
	EQ(kn_sys_chown("/zz", 0, 0), -KN_ENOENT);
	EQ(kn_sys_rmdir("/dev"), -KN_EBUSY);
}

static void dups(void)
{
	long fd = kn_sys_open("/x", KN_O_CREAT | KN_O_RDWR, 0644);
	EQ(fd, 3);
	EQ(kn_sys_dup((int)fd), 4);
	EQ(kn_sys_dup2((int)fd, 10), 10);
	EQ(kn_sys_dup2((int)fd, (int)fd), fd);
	EQ(kn_sys_dup2(50, 50), -KN_EBADF);
	EQ(kn_sys_dup3((int)fd, (int)fd, 0), -KN_EINVAL);
	EQ(kn_sys_dup3((int)fd, 11, 1), -KN_EINVAL);
	EQ(kn_sys_dup3((int)fd, 11, KN_O_CLOEXEC), 11);
	EQ(kn_sys_dup2((int)fd, KN_FD_MAX), -KN_EBADF);
	EQ(kn_sys_fcntl(11, KN_F_GETFD, 0), KN_FD_CLOEXEC);
	EQ(kn_sys_fcntl(10, KN_F_GETFD, 0), 0);
	EQ(kn_sys_fcntl(10, KN_F_SETFD, KN_FD_CLOEXEC), 0);
	EQ(kn_sys_fcntl(10, KN_F_GETFD, 0), KN_FD_CLOEXEC);
	EQ(kn_sys_fcntl(3, KN_F_DUPFD, 7), 7);
	EQ(kn_sys_fcntl(3, KN_F_DUPFD_CLOEXEC, 7), 8);
	EQ(kn_sys_fcntl(8, KN_F_GETFD, 0), KN_FD_CLOEXEC);
	EQ(kn_sys_write(10, "abc", 3), 3);
	EQ(kn_sys_lseek(4, 0, KN_SEEK_CUR), 3);
	long c = kn_sys_open("/x", KN_O_RDONLY | KN_O_CLOEXEC, 0);
	EQ(c, 5);
	EQ(kn_sys_fcntl((int)c, KN_F_GETFD, 0), KN_FD_CLOEXEC);
	EQ(kn_sys_fcntl((int)c, KN_F_GETFL, 0), KN_O_RDONLY);
	EQ(kn_sys_lseek((int)c, 0, KN_SEEK_CUR), 0);
	/* dup2 onto an open fd closes it */
	EQ(kn_sys_dup2((int)c, 4), 4);
	EQ(kn_sys_lseek(4, 0, KN_SEEK_CUR), 0);
	for (int i = 3; i < 12; i++)
		kn_sys_close(i);
	EQ(kn_sys_unlink("/x"), 0);
}

static void devices(void)
{
	char buf[64];
	struct kn_stat st;
	long fd = kn_sys_open("/dev/null", KN_O_RDWR, 0);
	CHECK(fd >= 0);
	EQ(kn_sys_write((int)fd, "x", 1), 1);
	EQ(kn_sys_read((int)fd, buf, 10), 0);
	kn_sys_close((int)fd);
	fd = kn_sys_open("/dev/urandom", KN_O_RDONLY, 0);
	memset(buf, 0, sizeof(buf));
	EQ(kn_sys_read((int)fd, buf, 61), 61);
	int nz = 0;
	for (int i = 0; i < 61; i++)
		nz += buf[i] != 0;
	CHECK(nz > 40);
	kn_sys_close((int)fd);
	EQ(kn_sys_stat("/dev/zero", &st), 0);
	CHECK((st.st_mode & KN_S_IFMT) == KN_S_IFCHR);
	EQ(kn_sys_stat("/dev/nothing", &st), -KN_ENOENT);
	EQ(kn_sys_write(1, "console-out\n", 12), 12);
	EQ(kn_sys_read(0, buf, 10), 0);
	struct kn_winsize ws;
	EQ(kn_sys_ioctl(1, KN_TIOCGWINSZ, (unsigned long)&ws), 0);
	EQ(ws.ws_row, 24);
	EQ(ws.ws_col, 80);
	struct kn_termios t;
	EQ(sizeof(t), 36);
	EQ(kn_sys_ioctl(0, KN_TCGETS, (unsigned long)&t), 0);
	CHECK(t.c_lflag & 2); /* ICANON */
	EQ(kn_sys_ioctl(0, 0x1234, 0), -KN_ENOTTY);
	fd = kn_sys_open("/dev", KN_O_RDONLY | KN_O_DIRECTORY, 0);
	long n = kn_sys_getdents64((int)fd, buf, sizeof(buf));
	CHECK(n > 0);
	kn_sys_close((int)fd);
	EQ(kn_sys_stat("/dev/../dev/./null", &st), 0);
	EQ(kn_sys_chdir("/dev"), 0);
	EQ(kn_sys_getcwd(buf, sizeof(buf)), 5);
	EQ(strcmp(buf, "/dev"), 0);
	EQ(kn_sys_chdir(".."), 0);
	EQ(kn_sys_getcwd(buf, sizeof(buf)), 2);
	EQ(kn_sys_rename("/dev/null", "/null"), -KN_EXDEV);
	EQ(kn_sys_mkdir("/dev/x", 0755), -KN_EPERM);
}

/* ---- random stress against the host kernel ---- */

static const char *const paths[] = {"a",   "b",   "c",   "d",     "e",     "d/a",
				    "d/b", "d/d", "e/a", "d/d/a", "l1",    "d/l2",
				    "a/x", "d/",  "a/",  "./b",   "d/../c"};
static const char *const targets[] = {"a", "b", "d", "d/a", "../a", "e", "nonexist", "l1", "."};
#define NP (sizeof(paths) / sizeof(paths[0]))
#define NT (sizeof(targets) / sizeof(targets[0]))
#define SLOTS 6

static unsigned long long rng = 88172645463325252ull;
static unsigned rnd(unsigned n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (unsigned)(rng % n);
}

static long host(long r)
{
	return r < 0 ? -errno : r;
}

static int kfd[SLOTS], hfd[SLOTS];

static int cmp(long k, long h, const char *what, int step, const char *p, const char *q)
{
	if ((k < 0 || h < 0) ? k != h : k != h) {
		printf("FAIL stress step %d: %s(%s, %s): kiln %ld host %ld\n", step, what, p,
		       q ? q : "", k, h);
		failures++;
		return 1;
	}
	return 0;
}

static void compare_tree(int step)
{
	for (unsigned i = 0; i < NP; i++) {
		struct kn_stat ks;
		struct stat hs;
		long k = kn_sys_lstat(paths[i], &ks), h = host(lstat(paths[i], &hs));
		if (cmp(k, h, "lstat", step, paths[i], 0) || k)
			continue;
		cmp(ks.st_mode & KN_S_IFMT, hs.st_mode & S_IFMT, "mode", step, paths[i], 0);
		if (!S_ISDIR(hs.st_mode)) {
			cmp(ks.st_nlink, (long)hs.st_nlink, "nlink", step, paths[i], 0);
			cmp(ks.st_size, hs.st_size, "size", step, paths[i], 0);
		}
		if (S_ISREG(hs.st_mode)) {
			static char kb[70000], hb[70000];
			long kf = kn_sys_open(paths[i], KN_O_RDONLY, 0);
			int hf = open(paths[i], O_RDONLY);
			long kn = kn_sys_read((int)kf, kb, sizeof(kb)),
			     hn = read(hf, hb, sizeof(hb));
			if (!cmp(kn, hn, "content-len", step, paths[i], 0) &&
			    memcmp(kb, hb, (size_t)kn))
				cmp(1, 0, "content", step, paths[i], 0);
			kn_sys_close((int)kf);
			close(hf);
		}
	}
	/* directory listings */
	const char *dirs[] = {".", "d", "e"};
	for (int i = 0; i < 3; i++) {
		long kf = kn_sys_open(dirs[i], KN_O_RDONLY | KN_O_DIRECTORY, 0);
		DIR *hd = opendir(dirs[i]);
		if (cmp(kf < 0 ? kf : 0, hd ? 0 : -errno, "opendir", step, dirs[i], 0) || kf < 0) {
			if (hd)
				closedir(hd);
			if (kf >= 0)
				kn_sys_close((int)kf);
			continue;
		}
		int kc = 0, hc = 0;
		char buf[4096];
		long n;
		while ((n = kn_sys_getdents64((int)kf, buf, sizeof(buf))) > 0)
			for (long off = 0; off < n; kc++)
				off += ((struct kn_linux_dirent64 *)(buf + off))->d_reclen;
		while (readdir(hd))
			hc++;
		cmp(kc, hc, "dircount", step, dirs[i], 0);
		closedir(hd);
		kn_sys_close((int)kf);
	}
}

static void stress(unsigned seed, const char *tmp)
{
	rng ^= seed * 0x9e3779b97f4a7c15ull;
	char dir[4096];
	snprintf(dir, sizeof(dir), "%s/s", tmp);
	if (mkdir(dir, 0755) || chdir(dir)) {
		perror("host dir");
		exit(2);
	}
	umask(022);
	EQ(kn_sys_mkdir("/s", 0755), 0);
	EQ(kn_sys_chdir("/s"), 0);
	for (int i = 0; i < SLOTS; i++)
		kfd[i] = hfd[i] = -1;
	static char data[9000];
	for (int step = 0; step < 3000 && failures < 5; step++) {
		const char *p = paths[rnd(NP)], *q = paths[rnd(NP)];
		int s = (int)rnd(SLOTS);
		long k, h;
		unsigned len = rnd(10) ? rnd(64) : rnd(sizeof(data));
		for (unsigned i = 0; i < len; i++)
			data[i] = (char)rnd(256);
		switch (rnd(16)) {
		case 0: {
			if (kfd[s] >= 0)
				break;
			static const int fl[] = {O_RDONLY,
						 O_RDWR,
						 O_CREAT | O_RDWR,
						 O_CREAT | O_EXCL | O_RDWR,
						 O_CREAT | O_TRUNC | O_WRONLY,
						 O_APPEND | O_RDWR,
						 O_CREAT | O_RDWR | O_NOFOLLOW,
						 O_RDONLY | O_DIRECTORY};
			int f = fl[rnd(8)];
			struct stat hs;
			/* known gap: O_CREAT through a dangling symlink */
			if ((f & O_CREAT) && !lstat(p, &hs) && S_ISLNK(hs.st_mode) && stat(p, &hs))
				break;
			h = host(open(p, f, 0644));
			k = kn_sys_open(p, f, 0644); /* the flag values are Linux's */
			if (!cmp(k < 0 ? k : 0, h < 0 ? h : 0, "open", step, p, 0) && k >= 0) {
				kfd[s] = (int)k;
				hfd[s] = (int)h;
			} else {
				if (k >= 0)
					kn_sys_close((int)k);
				if (h >= 0)
					close((int)h);
			}
			break;
		}
		case 1:
			if (kfd[s] < 0)
				break;
			cmp(kn_sys_close(kfd[s]), host(close(hfd[s])), "close", step, "", 0);
			kfd[s] = hfd[s] = -1;
			break;
		case 2:
		case 3:
			if (kfd[s] < 0)
				break;
			cmp(kn_sys_write(kfd[s], data, len), host(write(hfd[s], data, len)),
			    "write", step, "", 0);
			break;
		case 4: {
			if (kfd[s] < 0)
				break;
			static char kb[9000], hb[9000];
			k = kn_sys_read(kfd[s], kb, len);
			h = host(read(hfd[s], hb, len));
			if (!cmp(k, h, "read", step, "", 0) && k > 0 && memcmp(kb, hb, (size_t)k))
				cmp(1, 0, "read-data", step, "", 0);
			break;
		}
		case 5: {
			struct kn_stat st;
			if (kfd[s] < 0 || kn_sys_fstat(kfd[s], &st) || KN_S_ISDIR(st.st_mode))
				break; /* directory offsets are filesystem-specific */
			long off = rnd(20000) - 100;
			int wh = (int)rnd(3);
			cmp(kn_sys_lseek(kfd[s], off, wh), host(lseek(hfd[s], off, wh)), "lseek",
			    step, "", 0);
			break;
		}
		case 6: {
			if (kfd[s] < 0)
				break;
			long off = rnd(10000);
			cmp(kn_sys_pwrite64(kfd[s], data, len, off),
			    host(pwrite(hfd[s], data, len, off)), "pwrite", step, "", 0);
			break;
		}
		case 7:
			if (kfd[s] < 0)
				break;
			len = rnd(12000);
			cmp(kn_sys_ftruncate(kfd[s], len), host(ftruncate(hfd[s], len)),
			    "ftruncate", step, "", 0);
			break;
		case 8:
			cmp(kn_sys_mkdir(p, 0755), host(mkdir(p, 0755)), "mkdir", step, p, 0);
			break;
		case 9: cmp(kn_sys_rmdir(p), host(rmdir(p)), "rmdir", step, p, 0); break;
		case 10: cmp(kn_sys_unlink(p), host(unlink(p)), "unlink", step, p, 0); break;
		case 11: cmp(kn_sys_rename(p, q), host(rename(p, q)), "rename", step, p, q); break;
		case 12: cmp(kn_sys_link(p, q), host(link(p, q)), "link", step, p, q); break;
		case 13: {
			const char *t = targets[rnd(NT)];
			cmp(kn_sys_symlink(t, p), host(symlink(t, p)), "symlink", step, t, p);
			break;
		}
		case 14:
			len = rnd(12000);
			cmp(kn_sys_truncate(p, len), host(truncate(p, len)), "truncate", step, p,
			    0);
			break;
		case 15: compare_tree(step); break;
		}
	}
	compare_tree(-1);
	for (int i = 0; i < SLOTS; i++)
		if (kfd[i] >= 0) {
			kn_sys_close(kfd[i]);
			close(hfd[i]);
		}
}

/* ---- file times and the later file calls, kiln only ---- */

static int ts_eq(struct kn_timespec a, struct kn_timespec b)
{
	return a.tv_sec == b.tv_sec && a.tv_nsec == b.tv_nsec;
}

static void pause_ms(int ms)
{
	struct timespec t = {0, ms * 1000000L};
	nanosleep(&t, 0);
}

static void times_(void)
{
	struct kn_stat st, d0, d1, s0;
	EQ(kn_sys_mkdir("/t", 0755), 0);
	EQ(kn_sys_stat("/t", &d0), 0);
	pause_ms(2);
	long fd = kn_sys_open("/t/f", KN_O_CREAT | KN_O_RDWR, 0644);
	EQ(kn_sys_fstat((int)fd, &st), 0);
	CHECK(st.st_mtim.tv_sec > 1000000000); /* the wall clock, not 0 */
	CHECK(ts_eq(st.st_atim, st.st_mtim) && ts_eq(st.st_mtim, st.st_ctim));
	EQ(kn_sys_stat("/t", &d1), 0);
	CHECK(!ts_eq(d0.st_mtim, d1.st_mtim) && ts_eq(d1.st_mtim, d1.st_ctim));
	s0 = st;
	pause_ms(2);
	EQ(kn_sys_write((int)fd, "abc", 3), 3);
	EQ(kn_sys_fstat((int)fd, &st), 0);
	CHECK(!ts_eq(st.st_mtim, s0.st_mtim) && ts_eq(st.st_mtim, st.st_ctim));
	CHECK(ts_eq(st.st_atim, s0.st_atim));
	s0 = st;
	pause_ms(2);
	EQ(kn_sys_chmod("/t/f", 0600), 0);
	EQ(kn_sys_fstat((int)fd, &st), 0);
	CHECK(ts_eq(st.st_mtim, s0.st_mtim) && !ts_eq(st.st_ctim, s0.st_ctim));
	/* explicit times, UTIME_OMIT, UTIME_NOW */
	struct kn_timespec t[2] = {{1000, 5}, {2000, 7}};
	EQ(kn_sys_utimensat(KN_AT_FDCWD, "/t/f", t, 0), 0);
	EQ(kn_sys_stat("/t/f", &st), 0);
	EQ(st.st_atim.tv_sec, 1000);
	EQ(st.st_atim.tv_nsec, 5);
	EQ(st.st_mtim.tv_sec, 2000);
	EQ(st.st_mtim.tv_nsec, 7);
	t[0].tv_nsec = KN_UTIME_OMIT;
	t[1].tv_nsec = KN_UTIME_NOW;
	EQ(kn_sys_utimensat((int)fd, NULL, t, 0), 0); /* futimens */
	EQ(kn_sys_fstat((int)fd, &st), 0);
	EQ(st.st_atim.tv_sec, 1000);
	CHECK(st.st_mtim.tv_sec > 1000000000);
	struct kn_statx sx;
	EQ(sizeof(sx), 256);
	EQ(offsetof(struct kn_statx, stx_mtime), 112);
	EQ(offsetof(struct kn_statx, stx_mnt_id), 144);
	EQ(kn_sys_statx(KN_AT_FDCWD, "/t/f", 0, KN_STATX_BASIC_STATS, &sx), 0);
	EQ(sx.stx_atime.tv_sec, 1000);
	EQ(sx.stx_mtime.tv_sec, st.st_mtim.tv_sec);
	EQ(sx.stx_mask & KN_STATX_BTIME, 0);
	/* a symlink's own times */
	EQ(kn_sys_symlink("f", "/t/l"), 0);
	struct kn_timespec t2[2] = {{10, 0}, {20, 0}};
	EQ(kn_sys_utimensat(KN_AT_FDCWD, "/t/l", t2, KN_AT_SYMLINK_NOFOLLOW), 0);
	EQ(kn_sys_lstat("/t/l", &st), 0);
	EQ(st.st_mtim.tv_sec, 20);
	EQ(kn_sys_stat("/t/l", &st), 0);
	CHECK(st.st_mtim.tv_sec != 20);
	struct kn_utimbuf ub = {30, 40};
	EQ(kn_sys_utime("/t/f", &ub), 0);
	EQ(kn_sys_stat("/t/f", &st), 0);
	EQ(st.st_mtim.tv_sec, 40);
	EQ(st.st_mtim.tv_nsec, 0);
	/* relatime: a read after the change sets atime, a second one not */
	EQ(kn_sys_pread64((int)fd, t, 1, 0), 1);
	EQ(kn_sys_fstat((int)fd, &s0), 0);
	CHECK(s0.st_atim.tv_sec > 1000000000);
	struct kn_timeval tv[2] = {{50, 1}, {60, 999999}};
	EQ(kn_sys_utimes("/t/f", tv), 0);
	EQ(kn_sys_stat("/t/f", &st), 0);
	EQ(st.st_mtim.tv_nsec, 999999000);
	EQ(kn_sys_futimesat(KN_AT_FDCWD, "/t/f", NULL), 0);
	/* rename and unlink move the directory's times */
	EQ(kn_sys_stat("/t", &d0), 0);
	pause_ms(2);
	EQ(kn_sys_rename("/t/f", "/t/g"), 0);
	EQ(kn_sys_stat("/t", &d1), 0);
	CHECK(!ts_eq(d0.st_mtim, d1.st_mtim));
	/* devices keep no times but accept them */
	EQ(kn_sys_utimensat(KN_AT_FDCWD, "/dev/null", NULL, 0), 0);
	EQ(kn_sys_close((int)fd), 0);
	EQ(kn_sys_unlink("/t/g"), 0);
	EQ(kn_sys_unlink("/t/l"), 0);
	EQ(kn_sys_rmdir("/t"), 0);
}

static void morecalls(void)
{
	struct kn_statfs sf;
	EQ(sizeof(sf), 120);
	EQ(kn_sys_statfs("/", &sf), 0);
	EQ(sf.f_type, KN_TMPFS_MAGIC);
	EQ(sf.f_namelen, 255);
	CHECK(sf.f_blocks > 0 && sf.f_bfree <= sf.f_blocks);
	EQ(kn_sys_statfs("/dev", &sf), 0);
	EQ(sf.f_type, 0);
	/* mknod: regular files only */
	EQ(kn_sys_mknod("/n1", KN_S_IFREG | 0666, 0), 0);
	struct kn_stat st;
	EQ(kn_sys_stat("/n1", &st), 0);
	EQ(st.st_mode, KN_S_IFREG | 0644);
	EQ(kn_sys_mknod("/n2", KN_S_IFIFO | 0644, 0), -KN_EPERM);
	EQ(kn_sys_mknod("/n2", KN_S_IFCHR | 0644, 0x103), -KN_EPERM);
	EQ(kn_sys_mknod("/n2", KN_S_IFSOCK | 0644, 0), -KN_EPERM);
	EQ(kn_sys_mknod("/n1", KN_S_IFIFO | 0644, 0), -KN_EEXIST);
	EQ(kn_sys_unlink("/n1"), 0);
	/* renameat2 exchange of a file and a directory in two directories */
	EQ(kn_sys_mkdir("/r1", 0755), 0);
	EQ(kn_sys_mkdir("/r2", 0755), 0);
	EQ(kn_sys_mkdir("/r2/sub", 0755), 0);
	EQ(mkfile("/r1/f", "x"), 1);
	EQ(kn_sys_renameat2(KN_AT_FDCWD, "/r1/f", KN_AT_FDCWD, "/r2/sub", KN_RENAME_EXCHANGE), 0);
	EQ(kn_sys_stat("/r1/f", &st), 0);
	CHECK(KN_S_ISDIR(st.st_mode));
	EQ(kn_sys_stat("/r1", &st), 0);
	EQ(st.st_nlink, 3);
	EQ(kn_sys_stat("/r2", &st), 0);
	EQ(st.st_nlink, 2);
	EQ(kn_sys_stat("/r1/f/..", &st), 0);
	EQ(st.st_nlink, 3);
	EQ(kn_sys_renameat2(KN_AT_FDCWD, "/r1", KN_AT_FDCWD, "/r1/f", KN_RENAME_EXCHANGE),
	   -KN_EINVAL);
	EQ(kn_sys_renameat2(KN_AT_FDCWD, "/r2/sub", KN_AT_FDCWD, "/dev/null", KN_RENAME_EXCHANGE),
	   -KN_EXDEV);
	EQ(kn_sys_unlink("/r2/sub"), 0);
	EQ(kn_sys_rmdir("/r1/f"), 0);
	EQ(kn_sys_rmdir("/r1"), 0);
	EQ(kn_sys_rmdir("/r2"), 0);
	/* sendfile to the console */
	EQ(mkfile("/sf", "sent\n"), 5);
	long fd = kn_sys_open("/sf", KN_O_RDONLY, 0);
	EQ(kn_sys_sendfile(1, (int)fd, NULL, 100), 5);
	EQ(kn_sys_lseek((int)fd, 0, KN_SEEK_CUR), 5);
	/* a big file through the bounce buffer */
	long out = kn_sys_open("/big", KN_O_CREAT | KN_O_RDWR, 0644);
	static char big[50000];
	for (size_t i = 0; i < sizeof(big); i++)
		big[i] = (char)(i * 7);
	EQ(kn_sys_write((int)out, big, sizeof(big)), sizeof(big));
	long cp = kn_sys_open("/big2", KN_O_CREAT | KN_O_RDWR, 0644);
	int64_t o = 0;
	EQ(kn_sys_copy_file_range((int)out, &o, (int)cp, NULL, 60000, 0), 50000);
	EQ(o, 50000);
	static char back[50000];
	EQ(kn_sys_pread64((int)cp, back, sizeof(back), 0), sizeof(back));
	CHECK(!memcmp(big, back, sizeof(big)));
	EQ(kn_sys_close_range(3, ~0U, 0), 0);
	EQ(kn_sys_close((int)fd), -KN_EBADF);
	EQ(kn_sys_unlink("/sf"), 0);
	EQ(kn_sys_unlink("/big"), 0);
	EQ(kn_sys_unlink("/big2"), 0);
	EQ(kn_sys_rmdir("/"), -KN_EBUSY);
	EQ(kn_sys_unlink("/"), -KN_EISDIR);
	EQ(kn_sys_rename("/", "/x"), -KN_EBUSY);
	EQ(kn_sys_mkdir("/", 0755), -KN_EEXIST);
}

/* ---- the later file calls compared with the host kernel ---- */

#define BOTH(k, h) both((long)(k), host((long)(h)), #k, __LINE__)
static void both(long k, long h, const char *what, int line)
{
	if (k != h) {
		printf("FAIL line %d: %s: kiln %ld host %ld\n", line, what, k, h);
		failures++;
	}
}

/* A descriptor pair: the same file opened on kiln and on the host. */
struct pair {
	int k, h;
};

static struct pair popen2(const char *p, int flags)
{
	struct pair r = {(int)kn_sys_open(p, flags, 0644), open(p, flags, 0644)};
	CHECK((r.k < 0) == (r.h < 0));
	return r;
}

static void pclose2(struct pair p)
{
	BOTH(kn_sys_close(p.k), close(p.h));
}

static void both_file(const char *p, const char *data)
{
	EQ(mkfile(p, data), (long)strlen(data));
	FILE *f = fopen(p, "w");
	fputs(data, f);
	fclose(f);
}

/* Same size and mode on both sides (lstat). */
static void same_stat(const char *p, int line)
{
	struct kn_stat ks;
	struct stat hs;
	long k = kn_sys_lstat(p, &ks), h = host(lstat(p, &hs));
	both(k, h, p, line);
	if (!k && !h) {
		both(ks.st_mode, hs.st_mode, "st_mode", line);
		if (!S_ISDIR(hs.st_mode))
			both(ks.st_size, hs.st_size, "st_size", line);
	}
}
#define SAME(p) same_stat(p, __LINE__)

static void cmp_statx(void)
{
	struct kn_statx ks;
	static char hbuf[256];
	struct kn_statx *hs = (void *)hbuf;
	BOTH(kn_sys_statx(KN_AT_FDCWD, "f", 0, KN_STATX_BASIC_STATS, &ks),
	     syscall(SYS_statx, AT_FDCWD, "f", 0, KN_STATX_BASIC_STATS, hs));
	EQ(ks.stx_mask & KN_STATX_BASIC_STATS, hs->stx_mask & KN_STATX_BASIC_STATS);
	EQ(ks.stx_mode, hs->stx_mode);
	EQ(ks.stx_size, hs->stx_size);
	EQ(ks.stx_nlink, hs->stx_nlink);
	BOTH(kn_sys_statx(KN_AT_FDCWD, "l", KN_AT_SYMLINK_NOFOLLOW, KN_STATX_TYPE, &ks),
	     syscall(SYS_statx, AT_FDCWD, "l", AT_SYMLINK_NOFOLLOW, KN_STATX_TYPE, hs));
	EQ(ks.stx_mode, hs->stx_mode);
	BOTH(kn_sys_statx(KN_AT_FDCWD, "nope", 0, 0, &ks),
	     syscall(SYS_statx, AT_FDCWD, "nope", 0, 0, hs));
	BOTH(kn_sys_statx(KN_AT_FDCWD, "f/", 0, 0, &ks),
	     syscall(SYS_statx, AT_FDCWD, "f/", 0, 0, hs));
	BOTH(kn_sys_statx(KN_AT_FDCWD, "f", 0x8000000, 0, &ks),
	     syscall(SYS_statx, AT_FDCWD, "f", 0x8000000, 0, hs));
	BOTH(kn_sys_statx(KN_AT_FDCWD, "f", 0x6000, 0, &ks),
	     syscall(SYS_statx, AT_FDCWD, "f", 0x6000, 0, hs));
	BOTH(kn_sys_statx(KN_AT_FDCWD, "f", 0x2000, 0, &ks),
	     syscall(SYS_statx, AT_FDCWD, "f", 0x2000, 0, hs));
	BOTH(kn_sys_statx(KN_AT_FDCWD, "f", 0, 0x80000000u, &ks),
	     syscall(SYS_statx, AT_FDCWD, "f", 0, 0x80000000u, hs));
	BOTH(kn_sys_statx(KN_AT_FDCWD, "f", 0, 0, (void *)1),
	     syscall(SYS_statx, AT_FDCWD, "f", 0, 0, (void *)1));
	BOTH(kn_sys_statx(KN_AT_FDCWD, NULL, 0, 0, &ks),
	     syscall(SYS_statx, AT_FDCWD, NULL, 0, 0, hs));
	struct pair d = popen2("d", O_RDONLY | O_DIRECTORY);
	BOTH(kn_sys_statx(d.k, "", KN_AT_EMPTY_PATH, KN_STATX_BASIC_STATS, &ks),
	     syscall(SYS_statx, d.h, "", AT_EMPTY_PATH, KN_STATX_BASIC_STATS, hs));
	EQ(ks.stx_mode, hs->stx_mode);
	BOTH(kn_sys_statx(d.k, NULL, KN_AT_EMPTY_PATH, 0, &ks),
	     syscall(SYS_statx, d.h, NULL, AT_EMPTY_PATH, 0, hs));
	BOTH(kn_sys_statx(d.k, "", 0, 0, &ks), syscall(SYS_statx, d.h, "", 0, 0, hs));
	BOTH(kn_sys_statx(99, "", KN_AT_EMPTY_PATH, 0, &ks),
	     syscall(SYS_statx, 99, "", AT_EMPTY_PATH, 0, hs));
	BOTH(kn_sys_statx(99, "x", 0, 0, &ks), syscall(SYS_statx, 99, "x", 0, 0, hs));
	pclose2(d);
}

static void cmp_owner_access(void)
{
	BOTH(kn_sys_fchownat(KN_AT_FDCWD, "f", -1, -1, 0),
	     syscall(SYS_fchownat, AT_FDCWD, "f", -1, -1, 0));
	BOTH(kn_sys_fchownat(KN_AT_FDCWD, "nope", -1, -1, 0),
	     syscall(SYS_fchownat, AT_FDCWD, "nope", -1, -1, 0));
	BOTH(kn_sys_fchownat(KN_AT_FDCWD, "f", -1, -1, 1),
	     syscall(SYS_fchownat, AT_FDCWD, "f", -1, -1, 1));
	BOTH(kn_sys_fchownat(KN_AT_FDCWD, NULL, -1, -1, 0),
	     syscall(SYS_fchownat, AT_FDCWD, NULL, -1, -1, 0));
	BOTH(kn_sys_fchownat(99, "f", -1, -1, 0), syscall(SYS_fchownat, 99, "f", -1, -1, 0));
	BOTH(kn_sys_fchownat(KN_AT_FDCWD, "dl", -1, -1, KN_AT_SYMLINK_NOFOLLOW),
	     syscall(SYS_fchownat, AT_FDCWD, "dl", -1, -1, AT_SYMLINK_NOFOLLOW));
	BOTH(kn_sys_fchownat(KN_AT_FDCWD, "dl", -1, -1, 0),
	     syscall(SYS_fchownat, AT_FDCWD, "dl", -1, -1, 0));
	/* chown clears setuid, and setgid with group-exec */
	BOTH(kn_sys_chmod("x", 06755), chmod("x", 06755));
	BOTH(kn_sys_chown("x", -1, -1), syscall(SYS_chown, "x", -1, -1));
	SAME("x");
	BOTH(kn_sys_chmod("x", 0755), chmod("x", 0755));
	struct pair p = popen2("f", O_RDONLY);
	BOTH(kn_sys_fchownat(p.k, "", -1, -1, KN_AT_EMPTY_PATH),
	     syscall(SYS_fchownat, p.h, "", -1, -1, AT_EMPTY_PATH));
	BOTH(kn_sys_fchown(p.k, -1, -1), syscall(SYS_fchown, p.h, -1, -1));
	BOTH(kn_sys_fchown(99, -1, -1), syscall(SYS_fchown, 99, -1, -1));
	/* faccessat2 */
	static const struct {
		const char *p;
		int mode, flags;
	} acc[] = {{"f", 4, 0},
		   {"f", 1, 0},
		   {"x", 1, 0},
		   {"d", 1, 0},
		   {"f", 8, 0},
		   {"f", 0, 1},
		   {"f", 2, KN_AT_EACCESS},
		   {"dl", 0, 0},
		   {"dl", 0, KN_AT_SYMLINK_NOFOLLOW},
		   {"nope", 0, 0},
		   {"f/", 0, 0},
		   {"", 0, 0}};
	for (unsigned i = 0; i < sizeof(acc) / sizeof(acc[0]); i++)
		BOTH(kn_sys_faccessat2(KN_AT_FDCWD, acc[i].p, acc[i].mode, acc[i].flags),
		     syscall(SYS_faccessat2, AT_FDCWD, acc[i].p, acc[i].mode, acc[i].flags));
	BOTH(kn_sys_faccessat2(p.k, "", 4, KN_AT_EMPTY_PATH),
	     syscall(SYS_faccessat2, p.h, "", 4, AT_EMPTY_PATH));
	BOTH(kn_sys_faccessat2(KN_AT_FDCWD, NULL, 0, 0),
	     syscall(SYS_faccessat2, AT_FDCWD, NULL, 0, 0));
	BOTH(kn_sys_access("f", 1), access("f", 1));
	pclose2(p);
}

static void cmp_rename_mknod(void)
{
	BOTH(kn_sys_renameat2(KN_AT_FDCWD, "f", KN_AT_FDCWD, "g", 8),
	     syscall(SYS_renameat2, AT_FDCWD, "f", AT_FDCWD, "g", 8));
	BOTH(kn_sys_renameat2(KN_AT_FDCWD, "f", KN_AT_FDCWD, "g", 3),
	     syscall(SYS_renameat2, AT_FDCWD, "f", AT_FDCWD, "g", 3));
	BOTH(kn_sys_renameat2(KN_AT_FDCWD, "f", KN_AT_FDCWD, "x", KN_RENAME_NOREPLACE),
	     syscall(SYS_renameat2, AT_FDCWD, "f", AT_FDCWD, "x", 1));
	BOTH(kn_sys_renameat2(KN_AT_FDCWD, "f", KN_AT_FDCWD, ".", KN_RENAME_NOREPLACE),
	     syscall(SYS_renameat2, AT_FDCWD, "f", AT_FDCWD, ".", 1));
	BOTH(kn_sys_renameat2(KN_AT_FDCWD, "f", KN_AT_FDCWD, "g/", KN_RENAME_NOREPLACE),
	     syscall(SYS_renameat2, AT_FDCWD, "f", AT_FDCWD, "g/", 1));
	BOTH(kn_sys_renameat2(KN_AT_FDCWD, "f", KN_AT_FDCWD, "g", KN_RENAME_NOREPLACE),
	     syscall(SYS_renameat2, AT_FDCWD, "f", AT_FDCWD, "g", 1));
	SAME("g");
	SAME("f");
	BOTH(kn_sys_renameat2(KN_AT_FDCWD, "g", KN_AT_FDCWD, "nope", KN_RENAME_EXCHANGE),
	     syscall(SYS_renameat2, AT_FDCWD, "g", AT_FDCWD, "nope", 2));
	BOTH(kn_sys_renameat2(KN_AT_FDCWD, "g", KN_AT_FDCWD, "d", KN_RENAME_EXCHANGE),
	     syscall(SYS_renameat2, AT_FDCWD, "g", AT_FDCWD, "d", 2));
	SAME("g");
	SAME("d");
	BOTH(kn_sys_renameat2(KN_AT_FDCWD, "d", KN_AT_FDCWD, "g/", KN_RENAME_EXCHANGE),
	     syscall(SYS_renameat2, AT_FDCWD, "d", AT_FDCWD, "g/", 2));
	BOTH(kn_sys_renameat2(KN_AT_FDCWD, "g", KN_AT_FDCWD, "d", KN_RENAME_EXCHANGE),
	     syscall(SYS_renameat2, AT_FDCWD, "g", AT_FDCWD, "d", 2));
	struct stat hs;
	if (!lstat("d", &hs) && !S_ISDIR(hs.st_mode)) /* back to d a directory, g a file */
		BOTH(kn_sys_renameat2(KN_AT_FDCWD, "g", KN_AT_FDCWD, "d", KN_RENAME_EXCHANGE),
		     syscall(SYS_renameat2, AT_FDCWD, "g", AT_FDCWD, "d", 2));
	BOTH(kn_sys_rename("g", "f"), rename("g", "f"));
	SAME("f");
	BOTH(kn_sys_mkdir("d/in", 0755), mkdir("d/in", 0755));
	BOTH(kn_sys_renameat2(KN_AT_FDCWD, "d", KN_AT_FDCWD, "d/in", KN_RENAME_EXCHANGE),
	     syscall(SYS_renameat2, AT_FDCWD, "d", AT_FDCWD, "d/in", 2));
	BOTH(kn_sys_renameat2(KN_AT_FDCWD, "d/in", KN_AT_FDCWD, "d", KN_RENAME_EXCHANGE),
	     syscall(SYS_renameat2, AT_FDCWD, "d/in", AT_FDCWD, "d", 2));
	BOTH(kn_sys_renameat2(KN_AT_FDCWD, "f", KN_AT_FDCWD, "x", KN_RENAME_EXCHANGE),
	     syscall(SYS_renameat2, AT_FDCWD, "f", AT_FDCWD, "x", 2));
	BOTH(kn_sys_renameat2(KN_AT_FDCWD, "f", KN_AT_FDCWD, "x", KN_RENAME_EXCHANGE),
	     syscall(SYS_renameat2, AT_FDCWD, "f", AT_FDCWD, "x", 2));
	BOTH(kn_sys_rmdir("d/in"), rmdir("d/in"));
	SAME("d");
	BOTH(kn_sys_rmdir("/"), rmdir("/"));
	BOTH(kn_sys_unlink("/"), unlink("/"));
	BOTH(kn_sys_rmdir("//"), rmdir("//"));
	/* mknod */
	static const struct {
		const char *p;
		unsigned mode;
	} mk[] = {{"m1", S_IFREG | 0666},
		  {"m2", 0600},
		  {"m1", S_IFREG | 0644},
		  {"m3", S_IFDIR | 0755},
		  {"m3", 0170000},
		  {"m3", S_IFLNK | 0777},
		  {"nope/m", 0644},
		  {"m3/", 0644},
		  {"d", 0644},
		  {"/", 0644},
		  {NULL, 0644}};
	for (unsigned i = 0; i < sizeof(mk) / sizeof(mk[0]); i++)
		BOTH(kn_sys_mknod(mk[i].p, mk[i].mode, 0),
		     syscall(SYS_mknod, mk[i].p, mk[i].mode, 0));
	SAME("m1");
	SAME("m2");
	BOTH(kn_sys_mknodat(99, "m4", 0644, 0), syscall(SYS_mknodat, 99, "m4", 0644, 0));
	BOTH(kn_sys_unlink("m1"), unlink("m1"));
	BOTH(kn_sys_unlink("m2"), unlink("m2"));
}

static void cmp_vector_io(void)
{
	struct pair p = popen2("v", O_CREAT | O_RDWR);
	char a[8] = "abcdefg", b[8] = "1234567", kr[16], hr[16];
	struct iovec w[2] = {{a, 7}, {b, 7}};
	BOTH(kn_sys_pwritev(p.k, (void *)w, 2, 3, 0), syscall(SYS_pwritev, p.h, w, 2, 3, 0));
	BOTH(kn_sys_lseek(p.k, 0, SEEK_CUR), lseek(p.h, 0, SEEK_CUR));
	struct iovec rk[2] = {{kr, 5}, {kr + 5, 11}}, rh[2] = {{hr, 5}, {hr + 5, 11}};
	memset(kr, 0, 16);
	memset(hr, 0, 16);
	BOTH(kn_sys_preadv(p.k, (void *)rk, 2, 1, 0), syscall(SYS_preadv, p.h, rh, 2, 1, 0));
	CHECK(!memcmp(kr, hr, 16));
	BOTH(kn_sys_preadv(p.k, (void *)rk, 2, -1, 0), syscall(SYS_preadv, p.h, rh, 2, -1L, 0));
	BOTH(kn_sys_lseek(p.k, 4, SEEK_SET), lseek(p.h, 4, SEEK_SET));
	BOTH(kn_sys_preadv2(p.k, (void *)rk, 1, -1, 0, 0),
	     syscall(SYS_preadv2, p.h, rh, 1, -1L, 0, 0));
	BOTH(kn_sys_lseek(p.k, 0, SEEK_CUR), lseek(p.h, 0, SEEK_CUR));
	BOTH(kn_sys_preadv2(p.k, (void *)rk, 1, -2, 0, 0),
	     syscall(SYS_preadv2, p.h, rh, 1, -2L, 0, 0));
	BOTH(kn_sys_preadv2(p.k, (void *)rk, 1, 0, 0, 0x40000000),
	     syscall(SYS_preadv2, p.h, rh, 1, 0, 0, 0x40000000));
	BOTH(kn_sys_preadv2(p.k, (void *)rk, 0, 0, 0, 0x40000000),
	     syscall(SYS_preadv2, p.h, rh, 0, 0, 0, 0x40000000));
	BOTH(kn_sys_pwritev2(p.k, (void *)w, 1, 0, 0, KN_RWF_APPEND),
	     syscall(SYS_pwritev2, p.h, w, 1, 0, 0, RWF_APPEND));
	BOTH(kn_sys_pwritev2(p.k, (void *)w, 1, -1, 0, KN_RWF_DSYNC | KN_RWF_SYNC),
	     syscall(SYS_pwritev2, p.h, w, 1, -1L, 0, RWF_DSYNC | RWF_SYNC));
	BOTH(kn_sys_pwritev2(p.k, (void *)w, 2, -1, 0, KN_RWF_APPEND),
	     syscall(SYS_pwritev2, p.h, w, 2, -1L, 0, RWF_APPEND));
	BOTH(kn_sys_lseek(p.k, 0, SEEK_CUR), lseek(p.h, 0, SEEK_CUR));
	BOTH(kn_sys_preadv2(p.k, (void *)rk, 2, 0, 0, KN_RWF_NOWAIT),
	     syscall(SYS_preadv2, p.h, rh, 2, 0, 0, RWF_NOWAIT));
	CHECK(!memcmp(kr, hr, 16));
	BOTH(kn_sys_preadv(99, (void *)rk, 1, 0, 0), syscall(SYS_preadv, 99, rh, 1, 0, 0));
	BOTH(kn_sys_preadv(p.k, (void *)rk, -1, 0, 0), syscall(SYS_preadv, p.h, rh, -1, 0, 0));
	BOTH(kn_sys_preadv(p.k, (void *)1, 1, 0, 0), syscall(SYS_preadv, p.h, (void *)1, 1, 0, 0));
	struct iovec bad = {(void *)1, 4};
	BOTH(kn_sys_pwritev(p.k, (void *)&bad, 1, 0, 0), syscall(SYS_pwritev, p.h, &bad, 1, 0, 0));
	SAME("v");
	struct pair r = popen2("v", O_RDONLY);
	BOTH(kn_sys_pwritev(r.k, (void *)w, 1, 0, 0), syscall(SYS_pwritev, r.h, w, 1, 0, 0));
	pclose2(r);
	/* fallocate */
	static const struct {
		int mode;
		long off, len;
	} fa[] = {{0, 0, 100}, {0, 200, 50}, {0, 0, 10},    {0, 0, 0},
		  {0, -1, 10}, {2, 0, 10},   {0x100, 0, 10}};
	for (unsigned i = 0; i < sizeof(fa) / sizeof(fa[0]); i++) {
		BOTH(kn_sys_fallocate(p.k, fa[i].mode, fa[i].off, fa[i].len),
		     fallocate(p.h, fa[i].mode, fa[i].off, fa[i].len));
		SAME("v");
	}
	r = popen2("v", O_RDONLY);
	BOTH(kn_sys_fallocate(r.k, 0, 0, 1000), fallocate(r.h, 0, 0, 1000));
	pclose2(r);
	r = popen2("d", O_RDONLY);
	BOTH(kn_sys_fallocate(r.k, 0, 0, 1000), fallocate(r.h, 0, 0, 1000));
	BOTH(kn_sys_flock(r.k, LOCK_SH), flock(r.h, LOCK_SH));
	pclose2(r);
	BOTH(kn_sys_fallocate(99, 0, 0, 1), fallocate(99, 0, 0, 1));
	/* flock */
	static const int ops[] = {LOCK_EX, LOCK_UN, LOCK_SH | LOCK_NB, LOCK_EX | LOCK_NB, 0,
				  3,       16,      LOCK_UN | LOCK_NB};
	for (unsigned i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
		BOTH(kn_sys_flock(p.k, (unsigned)ops[i]), syscall(SYS_flock, p.h, ops[i]));
	BOTH(kn_sys_flock(99, LOCK_SH), syscall(SYS_flock, 99, LOCK_SH));
	BOTH(kn_sys_flock(-1, 16), syscall(SYS_flock, -1, 16));
	r = popen2("v", O_PATH);
	BOTH(kn_sys_flock(r.k, LOCK_SH), syscall(SYS_flock, r.h, LOCK_SH));
	BOTH(kn_sys_flock(r.k, LOCK_UN), syscall(SYS_flock, r.h, LOCK_UN));
	BOTH(kn_sys_fallocate(r.k, 0, 0, 1), fallocate(r.h, 0, 0, 1));
	struct kn_timespec now2[2] = {{0, KN_UTIME_NOW}, {0, KN_UTIME_NOW}};
	BOTH(kn_sys_utimensat(r.k, NULL, now2, 0), syscall(SYS_utimensat, r.h, NULL, now2, 0));
	BOTH(kn_sys_utimensat(r.k, "", now2, KN_AT_EMPTY_PATH),
	     syscall(SYS_utimensat, r.h, "", now2, AT_EMPTY_PATH));
	BOTH(kn_sys_fchown(r.k, -1, -1), syscall(SYS_fchown, r.h, -1, -1));
	struct kn_statfs ks;
	static char hsf[120];
	BOTH(kn_sys_fstatfs(r.k, &ks), syscall(SYS_fstatfs, r.h, hsf));
	pclose2(r);
	/* statfs errors */
	BOTH(kn_sys_statfs("nope", &ks), syscall(SYS_statfs, "nope", hsf));
	BOTH(kn_sys_statfs("v", (void *)1), syscall(SYS_statfs, "v", (void *)1));
	BOTH(kn_sys_statfs(NULL, &ks), syscall(SYS_statfs, NULL, hsf));
	BOTH(kn_sys_statfs("v/", &ks), syscall(SYS_statfs, "v/", hsf));
	BOTH(kn_sys_fstatfs(99, &ks), syscall(SYS_fstatfs, 99, hsf));
	BOTH(kn_sys_fstatfs(-1, &ks), syscall(SYS_fstatfs, -1, hsf));
	BOTH(kn_sys_fstatfs(p.k, (void *)1), syscall(SYS_fstatfs, p.h, (void *)1));
	pclose2(p);
}

static void cmp_copies(void)
{
	both_file("src", "0123456789abcdef");
	struct pair in = popen2("src", O_RDONLY), out = popen2("dst", O_CREAT | O_RDWR | O_TRUNC);
	BOTH(kn_sys_sendfile(out.k, in.k, NULL, 5), sendfile(out.h, in.h, NULL, 5));
	BOTH(kn_sys_lseek(in.k, 0, SEEK_CUR), lseek(in.h, 0, SEEK_CUR));
	int64_t ko = 10;
	off_t ho = 10;
	BOTH(kn_sys_sendfile(out.k, in.k, &ko, 100), sendfile(out.h, in.h, &ho, 100));
	EQ(ko, ho);
	BOTH(kn_sys_lseek(in.k, 0, SEEK_CUR), lseek(in.h, 0, SEEK_CUR));
	ko = ho = -1;
	BOTH(kn_sys_sendfile(out.k, in.k, &ko, 1), sendfile(out.h, in.h, &ho, 1));
	BOTH(kn_sys_sendfile(out.k, in.k, (void *)1, 1), sendfile(out.h, in.h, (void *)1, 1));
	BOTH(kn_sys_sendfile(out.k, 99, NULL, 1), sendfile(out.h, 99, NULL, 1));
	BOTH(kn_sys_sendfile(99, in.k, NULL, 1), sendfile(99, in.h, NULL, 1));
	BOTH(kn_sys_sendfile(in.k, out.k, NULL, 1), sendfile(in.h, out.h, NULL, 1));
	BOTH(kn_sys_sendfile(out.k, in.k, NULL, 0), sendfile(out.h, in.h, NULL, 0));
	BOTH(kn_sys_sendfile(out.k, in.k, NULL, 100), sendfile(out.h, in.h, NULL, 100));
	SAME("dst");
	struct pair ap = popen2("dst", O_WRONLY | O_APPEND), dn = popen2("/dev/null", O_WRONLY),
		    dir = popen2("d", O_RDONLY);
	BOTH(kn_sys_sendfile(ap.k, in.k, NULL, 1), sendfile(ap.h, in.h, NULL, 1));
	ko = ho = 0;
	BOTH(kn_sys_sendfile(dn.k, in.k, &ko, 7), sendfile(dn.h, in.h, &ho, 7));
	BOTH(kn_sys_sendfile(out.k, dir.k, NULL, 1), sendfile(out.h, dir.h, NULL, 1));
	/* copy_file_range */
	int64_t ki = 2, kq = 20;
	loff_t hi = 2, hq = 20;
	BOTH(kn_sys_copy_file_range(in.k, &ki, out.k, &kq, 6, 0),
	     copy_file_range(in.h, &hi, out.h, &hq, 6, 0));
	EQ(ki, hi);
	EQ(kq, hq);
	BOTH(kn_sys_lseek(in.k, 3, SEEK_SET), lseek(in.h, 3, SEEK_SET));
	BOTH(kn_sys_copy_file_range(in.k, NULL, out.k, NULL, 100, 0),
	     copy_file_range(in.h, NULL, out.h, NULL, 100, 0));
	BOTH(kn_sys_lseek(in.k, 0, SEEK_CUR), lseek(in.h, 0, SEEK_CUR));
	BOTH(kn_sys_lseek(out.k, 0, SEEK_CUR), lseek(out.h, 0, SEEK_CUR));
	SAME("dst");
	BOTH(kn_sys_copy_file_range(in.k, NULL, out.k, NULL, 10, 1),
	     copy_file_range(in.h, NULL, out.h, NULL, 10, 1));
	BOTH(kn_sys_copy_file_range(in.k, NULL, out.k, NULL, 10, 0),
	     copy_file_range(in.h, NULL, out.h, NULL, 10, 0));
	BOTH(kn_sys_copy_file_range(dir.k, NULL, out.k, NULL, 10, 0),
	     copy_file_range(dir.h, NULL, out.h, NULL, 10, 0));
	BOTH(kn_sys_copy_file_range(in.k, NULL, dn.k, NULL, 10, 0),
	     copy_file_range(in.h, NULL, dn.h, NULL, 10, 0));
	BOTH(kn_sys_copy_file_range(in.k, NULL, ap.k, NULL, 10, 0),
	     copy_file_range(in.h, NULL, ap.h, NULL, 10, 0));
	BOTH(kn_sys_copy_file_range(out.k, NULL, in.k, NULL, 10, 0),
	     copy_file_range(out.h, NULL, in.h, NULL, 10, 0));
	BOTH(kn_sys_copy_file_range(99, NULL, out.k, NULL, 10, 0),
	     copy_file_range(99, NULL, out.h, NULL, 10, 0));
	BOTH(kn_sys_copy_file_range(in.k, NULL, 99, NULL, 10, 0),
	     copy_file_range(in.h, NULL, 99, NULL, 10, 0));
	BOTH(kn_sys_copy_file_range(in.k, (void *)1, out.k, NULL, 10, 0),
	     copy_file_range(in.h, (void *)1, out.h, NULL, 10, 0));
	ki = hi = -3;
	BOTH(kn_sys_copy_file_range(in.k, &ki, out.k, NULL, 10, 0),
	     copy_file_range(in.h, &hi, out.h, NULL, 10, 0));
	ki = hi = 0;
	kq = hq = 4;
	BOTH(kn_sys_copy_file_range(out.k, &ki, out.k, &kq, 8, 0),
	     copy_file_range(out.h, &hi, out.h, &hq, 8, 0));
	kq = hq = 30;
	BOTH(kn_sys_copy_file_range(out.k, &ki, out.k, &kq, 8, 0),
	     copy_file_range(out.h, &hi, out.h, &hq, 8, 0));
	SAME("dst");
	static char kb[64], hb[64];
	BOTH(kn_sys_pread64(out.k, kb, 64, 0), pread(out.h, hb, 64, 0));
	CHECK(!memcmp(kb, hb, 64));
	pclose2(ap);
	pclose2(dn);
	pclose2(dir);
	pclose2(in);
	pclose2(out);
	/* close_range */
	struct pair c[4];
	for (int i = 0; i < 4; i++)
		c[i] = popen2("src", O_RDONLY);
	BOTH(kn_sys_close_range(c[0].k, c[1].k, 1), syscall(SYS_close_range, c[0].h, c[1].h, 1));
	BOTH(kn_sys_close_range(c[1].k, c[0].k, 0), syscall(SYS_close_range, c[1].h, c[0].h, 0));
	BOTH(kn_sys_close_range(c[2].k, c[3].k, KN_CLOSE_RANGE_CLOEXEC),
	     syscall(SYS_close_range, c[2].h, c[3].h, CLOSE_RANGE_CLOEXEC));
	BOTH(kn_sys_fcntl(c[3].k, F_GETFD, 0), fcntl(c[3].h, F_GETFD));
	BOTH(kn_sys_close_range(c[0].k, c[1].k, 0), syscall(SYS_close_range, c[0].h, c[1].h, 0));
	BOTH(kn_sys_close(c[0].k), close(c[0].h));
	BOTH(kn_sys_close(c[2].k), close(c[2].h));
	BOTH(kn_sys_close_range(c[3].k, ~0U, KN_CLOSE_RANGE_UNSHARE),
	     syscall(SYS_close_range, c[3].h, ~0U, CLOSE_RANGE_UNSHARE));
	BOTH(kn_sys_close(c[3].k), close(c[3].h));
}

static void cmp_utimes(void)
{
	struct kn_timespec t[2] = {{1000, 5}, {2000, 7}};
	BOTH(kn_sys_utimensat(KN_AT_FDCWD, "f", t, 0), syscall(SYS_utimensat, AT_FDCWD, "f", t, 0));
	struct kn_stat ks;
	struct stat hs;
	BOTH(kn_sys_stat("f", &ks), stat("f", &hs));
	EQ(ks.st_mtim.tv_sec, hs.st_mtim.tv_sec);
	EQ(ks.st_mtim.tv_nsec, hs.st_mtim.tv_nsec);
	EQ(ks.st_atim.tv_nsec, hs.st_atim.tv_nsec);
	BOTH(kn_sys_utimensat(KN_AT_FDCWD, "l", t, KN_AT_SYMLINK_NOFOLLOW),
	     syscall(SYS_utimensat, AT_FDCWD, "l", t, AT_SYMLINK_NOFOLLOW));
	BOTH(kn_sys_lstat("l", &ks), lstat("l", &hs));
	EQ(ks.st_mtim.tv_sec, hs.st_mtim.tv_sec);
	BOTH(kn_sys_utimensat(KN_AT_FDCWD, "f", NULL, 0),
	     syscall(SYS_utimensat, AT_FDCWD, "f", NULL, 0));
	BOTH(kn_sys_utimensat(KN_AT_FDCWD, "f", NULL, 1),
	     syscall(SYS_utimensat, AT_FDCWD, "f", NULL, 1));
	BOTH(kn_sys_utimensat(KN_AT_FDCWD, "f", (void *)1, 0),
	     syscall(SYS_utimensat, AT_FDCWD, "f", (void *)1, 0));
	BOTH(kn_sys_utimensat(KN_AT_FDCWD, NULL, NULL, 0),
	     syscall(SYS_utimensat, AT_FDCWD, NULL, NULL, 0));
	BOTH(kn_sys_utimensat(99, NULL, NULL, 0), syscall(SYS_utimensat, 99, NULL, NULL, 0));
	BOTH(kn_sys_utimensat(99, "f", NULL, 0), syscall(SYS_utimensat, 99, "f", NULL, 0));
	BOTH(kn_sys_utimensat(KN_AT_FDCWD, "nope", NULL, 0),
	     syscall(SYS_utimensat, AT_FDCWD, "nope", NULL, 0));
	struct kn_timespec bad[2] = {{1, 1000000000}, {1, 0}},
			   omit[2] = {{1, KN_UTIME_OMIT}, {1, KN_UTIME_OMIT}};
	BOTH(kn_sys_utimensat(KN_AT_FDCWD, "f", bad, 0),
	     syscall(SYS_utimensat, AT_FDCWD, "f", bad, 0));
	BOTH(kn_sys_utimensat(KN_AT_FDCWD, "nope", bad, 0),
	     syscall(SYS_utimensat, AT_FDCWD, "nope", bad, 0));
	BOTH(kn_sys_utimensat(KN_AT_FDCWD, "nope", omit, 0),
	     syscall(SYS_utimensat, AT_FDCWD, "nope", omit, 0));
	struct pair p = popen2("f", O_RDONLY);
	BOTH(kn_sys_utimensat(p.k, NULL, t, 0), syscall(SYS_utimensat, p.h, NULL, t, 0));
	BOTH(kn_sys_utimensat(p.k, NULL, t, KN_AT_SYMLINK_NOFOLLOW),
	     syscall(SYS_utimensat, p.h, NULL, t, AT_SYMLINK_NOFOLLOW));
	BOTH(kn_sys_futimesat(p.k, NULL, NULL), syscall(SYS_futimesat, p.h, NULL, NULL));
	pclose2(p);
	struct kn_timeval tv[2] = {{5, 1}, {6, 999999}}, tvbad[2] = {{5, 1000000}, {6, 0}};
	BOTH(kn_sys_utimes("f", tv), syscall(SYS_utimes, "f", tv));
	BOTH(kn_sys_stat("f", &ks), stat("f", &hs));
	EQ(ks.st_mtim.tv_nsec, hs.st_mtim.tv_nsec);
	BOTH(kn_sys_utimes("f", tvbad), syscall(SYS_utimes, "f", tvbad));
	BOTH(kn_sys_utimes("f", (void *)1), syscall(SYS_utimes, "f", (void *)1));
	BOTH(kn_sys_futimesat(KN_AT_FDCWD, "f", tv), syscall(SYS_futimesat, AT_FDCWD, "f", tv));
	struct kn_utimbuf ub = {7, 8};
	BOTH(kn_sys_utime("f", &ub), syscall(SYS_utime, "f", &ub));
	BOTH(kn_sys_utime("f", NULL), syscall(SYS_utime, "f", NULL));
	BOTH(kn_sys_utime(NULL, NULL), syscall(SYS_utime, NULL, NULL));
	BOTH(kn_sys_utime("nope", &ub), syscall(SYS_utime, "nope", &ub));
}

/* Which of atime/mtime/ctime an operation moves, on both sides. */
struct snap {
	struct kn_stat k;
	struct stat h;
};

static void take(const char *p, struct snap *s)
{
	EQ(kn_sys_lstat(p, &s->k), 0);
	EQ(lstat(p, &s->h), 0);
}

static int moved(struct kn_timespec a, struct kn_timespec b)
{
	return a.tv_sec != b.tv_sec || a.tv_nsec != b.tv_nsec;
}

static int hmoved(struct timespec a, struct timespec b)
{
	return a.tv_sec != b.tv_sec || a.tv_nsec != b.tv_nsec;
}

static void changed(const char *p, struct snap *s, const char *op, int line)
{
	struct snap n;
	take(p, &n);
	int k = moved(s->k.st_atim, n.k.st_atim) | moved(s->k.st_mtim, n.k.st_mtim) << 1 |
		moved(s->k.st_ctim, n.k.st_ctim) << 2;
	int h = hmoved(s->h.st_atim, n.h.st_atim) | hmoved(s->h.st_mtim, n.h.st_mtim) << 1 |
		hmoved(s->h.st_ctim, n.h.st_ctim) << 2;
	if (k != h) {
		printf("FAIL line %d: times of %s after %s: kiln %d host %d (a=1 m=2 c=4)\n", line,
		       p, op, k, h);
		printf("  kiln a %ld.%09ld->%ld.%09ld host a %ld.%09ld->%ld.%09ld\n",
		       (long)s->k.st_atim.tv_sec, (long)s->k.st_atim.tv_nsec,
		       (long)n.k.st_atim.tv_sec, (long)n.k.st_atim.tv_nsec,
		       (long)s->h.st_atim.tv_sec, s->h.st_atim.tv_nsec, (long)n.h.st_atim.tv_sec,
		       n.h.st_atim.tv_nsec);
		failures++;
	}
}

/* Runs op on both sides after a pause (coarse host clocks), then compares
 * which times moved on the paths named. */
#define TIMES(op_k, op_h, p1, p2)                                                                  \
	do {                                                                                       \
		struct snap s1, s2;                                                                \
		pause_ms(15);                                                                      \
		take(p1, &s1);                                                                     \
		take(p2, &s2);                                                                     \
		BOTH(op_k, op_h);                                                                  \
		changed(p1, &s1, #op_k, __LINE__);                                                 \
		changed(p2, &s2, #op_k, __LINE__);                                                 \
	} while (0)

static void cmp_time_updates(void)
{
	struct pair p = popen2("f", O_RDWR);
	char b[4];
	TIMES(kn_sys_write(p.k, "zz", 2), write(p.h, "zz", 2), "f", ".");
	TIMES(kn_sys_write(p.k, "zz", 0), write(p.h, "zz", 0), "f", ".");
	TIMES(kn_sys_pread64(p.k, b, 2, 0), pread(p.h, b, 2, 0), "f", ".");
	TIMES(kn_sys_pread64(p.k, b, 2, 0), pread(p.h, b, 2, 0), "f", ".");
	TIMES(kn_sys_ftruncate(p.k, 3), ftruncate(p.h, 3), "f", ".");
	TIMES(kn_sys_ftruncate(p.k, 3), ftruncate(p.h, 3), "f", ".");
	TIMES(kn_sys_truncate("f", 3), truncate("f", 3), "f", ".");
	TIMES(kn_sys_truncate("f", 9), truncate("f", 9), "f", ".");
	TIMES(kn_sys_chmod("f", 0640), chmod("f", 0640), "f", ".");
	TIMES(kn_sys_chown("f", -1, -1), chown("f", -1, -1), "f", ".");
	TIMES(kn_sys_link("f", "f2"), link("f", "f2"), "f", ".");
	TIMES(kn_sys_rename("f2", "f3"), rename("f2", "f3"), "f", ".");
	TIMES(kn_sys_unlink("f3"), unlink("f3"), "f", ".");
	TIMES(kn_sys_rename("f", "d/f"), rename("f", "d/f"), "d", ".");
	TIMES(kn_sys_rename("d/f", "f"), rename("d/f", "f"), "d", ".");
	TIMES(kn_sys_mkdir("d/e", 0755), mkdir("d/e", 0755), "d", ".");
	TIMES(kn_sys_rmdir("d/e"), rmdir("d/e"), "d", ".");
	TIMES(kn_sys_symlink("f", "d/s"), symlink("f", "d/s"), "d", ".");
	TIMES(kn_sys_unlink("d/s"), unlink("d/s"), "d", ".");
	TIMES(kn_sys_utimensat(KN_AT_FDCWD, "f", NULL, 0), utimensat(AT_FDCWD, "f", NULL, 0), "f",
	      ".");
	TIMES(kn_sys_open("f", O_WRONLY | O_TRUNC, 0) >= 0, open("f", O_WRONLY | O_TRUNC) >= 0, "f",
	      ".");
	TIMES(kn_sys_fallocate(p.k, 0, 0, 100), fallocate(p.h, 0, 0, 100), "f", ".");
	TIMES(kn_sys_mknod("d/n", S_IFREG | 0644, 0), mknod("d/n", S_IFREG | 0644, 0), "d", ".");
	TIMES(kn_sys_unlink("d/n"), unlink("d/n"), "d", ".");
	pclose2(p);
}

static void compare(const char *tmp)
{
	char dir[4096];
	snprintf(dir, sizeof(dir), "%s/c", tmp);
	if (mkdir(dir, 0755) || chdir(dir)) {
		perror("host dir");
		exit(2);
	}
	umask(022);
	EQ(kn_sys_mkdir("/c", 0755), 0);
	EQ(kn_sys_chdir("/c"), 0);
	both_file("f", "hello world");
	both_file("x", "#!/bin/sh\n");
	BOTH(kn_sys_chmod("x", 0755), chmod("x", 0755));
	BOTH(kn_sys_mkdir("d", 0755), mkdir("d", 0755));
	BOTH(kn_sys_symlink("f", "l"), symlink("f", "l"));
	BOTH(kn_sys_symlink("nowhere", "dl"), symlink("nowhere", "dl"));
	cmp_statx();
	cmp_owner_access();
	cmp_rename_mknod();
	cmp_vector_io();
	cmp_copies();
	cmp_utimes();
	cmp_time_updates();
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	if (argc < 2)
		return 2;
	boot();
	const char *s = argv[1];
	long before = live_allocs;
	if (!strcmp(s, "basic"))
		basic();
	else if (!strcmp(s, "symlinks"))
		symlinks();
	else if (!strcmp(s, "errors"))
		errors();
	else if (!strcmp(s, "dups"))
		dups();
	else if (!strcmp(s, "devices"))
		devices();
	else if (!strcmp(s, "times"))
		times_();
	else if (!strcmp(s, "morecalls"))
		morecalls();
	else if (!strcmp(s, "compare"))
		compare(argc > 2 ? argv[2] : "/tmp");
	else if (!strcmp(s, "stress"))
		stress(argc > 2 ? (unsigned)atoi(argv[2]) : 1, argc > 3 ? argv[3] : "/tmp");
	else
		return 2;
	if (strcmp(s, "stress") && strcmp(s, "symlinks") && strcmp(s, "compare") &&
	    live_allocs != before) {
		printf("FAIL leak: %ld allocations live\n", live_allocs - before);
		failures++;
	}
	if (failures)
		return 1;
	printf("PASS %s\n", s);
	return 0;
}
