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
#include <sys/stat.h>
#include <unistd.h>
#include <kn/errno.h>
#include <kn/vfs.h>

int kn_ramfs_boot(void);
int kn_devfs_boot(void);
extern long live_allocs;

static int failures;
#define CHECK(c)                                                               \
	do {                                                                   \
		if (!(c)) {                                                    \
			printf("FAIL %s:%d: %s\n", __FILE__, __LINE__, #c);    \
			failures++;                                            \
		}                                                              \
	} while (0)
#define EQ(a, b)                                                               \
	do {                                                                   \
		long _a = (long)(a), _b = (long)(b);                           \
		if (_a != _b) {                                                \
			printf("FAIL %s:%d: %s == %ld, expected %ld\n", __FILE__,   \
			       __LINE__, #a, _a, _b);                          \
			failures++;                                            \
		}                                                              \
	} while (0)

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

static const char *const paths[] = {"a", "b", "c", "d", "e", "d/a", "d/b", "d/d", "e/a",
				    "d/d/a", "l1", "d/l2", "a/x", "d/", "a/", "./b", "d/../c"};
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
			long kn = kn_sys_read((int)kf, kb, sizeof(kb)), hn = read(hf, hb, sizeof(hb));
			if (!cmp(kn, hn, "content-len", step, paths[i], 0) && memcmp(kb, hb, (size_t)kn))
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
			static const int fl[] = {O_RDONLY, O_RDWR, O_CREAT | O_RDWR, O_CREAT | O_EXCL | O_RDWR,
						 O_CREAT | O_TRUNC | O_WRONLY, O_APPEND | O_RDWR,
						 O_CREAT | O_RDWR | O_NOFOLLOW, O_RDONLY | O_DIRECTORY};
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
			cmp(kn_sys_write(kfd[s], data, len), host(write(hfd[s], data, len)), "write", step, "", 0);
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
			cmp(kn_sys_lseek(kfd[s], off, wh), host(lseek(hfd[s], off, wh)), "lseek", step, "", 0);
			break;
		}
		case 6: {
			if (kfd[s] < 0)
				break;
			long off = rnd(10000);
			cmp(kn_sys_pwrite64(kfd[s], data, len, off), host(pwrite(hfd[s], data, len, off)),
			    "pwrite", step, "", 0);
			break;
		}
		case 7:
			if (kfd[s] < 0)
				break;
			len = rnd(12000);
			cmp(kn_sys_ftruncate(kfd[s], len), host(ftruncate(hfd[s], len)), "ftruncate", step, "", 0);
			break;
		case 8:
			cmp(kn_sys_mkdir(p, 0755), host(mkdir(p, 0755)), "mkdir", step, p, 0);
			break;
		case 9:
			cmp(kn_sys_rmdir(p), host(rmdir(p)), "rmdir", step, p, 0);
			break;
		case 10:
			cmp(kn_sys_unlink(p), host(unlink(p)), "unlink", step, p, 0);
			break;
		case 11:
			cmp(kn_sys_rename(p, q), host(rename(p, q)), "rename", step, p, q);
			break;
		case 12:
			cmp(kn_sys_link(p, q), host(link(p, q)), "link", step, p, q);
			break;
		case 13: {
			const char *t = targets[rnd(NT)];
			cmp(kn_sys_symlink(t, p), host(symlink(t, p)), "symlink", step, t, p);
			break;
		}
		case 14:
			len = rnd(12000);
			cmp(kn_sys_truncate(p, len), host(truncate(p, len)), "truncate", step, p, 0);
			break;
		case 15:
			compare_tree(step);
			break;
		}
	}
	compare_tree(-1);
	for (int i = 0; i < SLOTS; i++)
		if (kfd[i] >= 0) {
			kn_sys_close(kfd[i]);
			close(hfd[i]);
		}
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
	else if (!strcmp(s, "stress"))
		stress(argc > 2 ? (unsigned)atoi(argv[2]) : 1, argc > 3 ? argv[3] : "/tmp");
	else
		return 2;
	if (strcmp(s, "stress") && strcmp(s, "symlinks") && live_allocs != before) {
		printf("FAIL leak: %ld allocations live\n", live_allocs - before);
		failures++;
	}
	if (failures)
		return 1;
	printf("PASS %s\n", s);
	return 0;
}
