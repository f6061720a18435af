/* In-kernel tests of the vfs syscalls (need a writable root, e.g. ramfs). */
#include <kn/ktest.h>
#include <kn/vfs.h>
#include <kn/errno.h>

static int streq(const char *a, const char *b, size_t n)
{
	return !__builtin_memcmp(a, b, n);
}

#define NEED_ROOT()                                                                                \
	do {                                                                                       \
		if (!kn_vfs_has_root())                                                            \
			return;                                                                    \
	} while (0)

KN_TEST(vfs, create_write_read)
{
	NEED_ROOT();
	long fd = kn_sys_open("/kt_file", KN_O_CREAT | KN_O_RDWR | KN_O_TRUNC, 0644);
	KN_ASSERT(fd >= 0);
	KN_EXPECT(kn_sys_write((int)fd, "hello world", 11) == 11);
	KN_EXPECT(kn_sys_lseek((int)fd, 0, KN_SEEK_SET) == 0);
	char buf[32];
	KN_EXPECT(kn_sys_read((int)fd, buf, sizeof(buf)) == 11);
	KN_EXPECT(streq(buf, "hello world", 11));
	KN_EXPECT(kn_sys_pread64((int)fd, buf, 5, 6) == 5 && streq(buf, "world", 5));
	struct kn_stat st;
	KN_EXPECT(kn_sys_fstat((int)fd, &st) == 0 && st.st_size == 11 && KN_S_ISREG(st.st_mode));
	KN_EXPECT(kn_sys_close((int)fd) == 0);
	KN_EXPECT(kn_sys_unlink("/kt_file") == 0);
	KN_EXPECT(sizeof(struct kn_stat) == 144);
}

KN_TEST(vfs, mkdir_getdents)
{
	NEED_ROOT();
	KN_ASSERT(kn_sys_mkdir("/kt_dir", 0755) == 0);
	KN_EXPECT(kn_sys_mkdir("/kt_dir", 0755) == -KN_EEXIST);
	long fd = kn_sys_creat("/kt_dir/a", 0644);
	KN_ASSERT(fd >= 0);
	kn_sys_close((int)fd);
	KN_EXPECT(kn_sys_mkdir("/kt_dir//b/", 0755) == 0);
	fd = kn_sys_open("/kt_dir", KN_O_RDONLY | KN_O_DIRECTORY, 0);
	KN_ASSERT(fd >= 0);
	char buf[512];
	long n = kn_sys_getdents64((int)fd, buf, sizeof(buf));
	int seen = 0;
	for (long off = 0; off < n;) {
		struct kn_linux_dirent64 *d = (void *)(buf + off);
		if (!__builtin_strcmp(d->d_name, "a") && d->d_type == KN_DT_REG)
			seen |= 1;
		if (!__builtin_strcmp(d->d_name, "b") && d->d_type == KN_DT_DIR)
			seen |= 2;
		if (!__builtin_strcmp(d->d_name, ".") || !__builtin_strcmp(d->d_name, ".."))
			seen |= 4;
		off += d->d_reclen;
	}
	KN_EXPECT(seen == 7);
	KN_EXPECT(kn_sys_getdents64((int)fd, buf, sizeof(buf)) == 0);
	kn_sys_close((int)fd);
	KN_EXPECT(kn_sys_rmdir("/kt_dir") == -KN_ENOTEMPTY);
	KN_EXPECT(kn_sys_rmdir("/kt_dir/b") == 0);
	KN_EXPECT(kn_sys_unlink("/kt_dir/a") == 0);
	KN_EXPECT(kn_sys_rmdir("/kt_dir") == 0);
}

KN_TEST(vfs, rename_unlink)
{
	NEED_ROOT();
	long fd = kn_sys_creat("/kt_r1", 0644);
	KN_ASSERT(fd >= 0);
	kn_sys_write((int)fd, "x", 1);
	kn_sys_close((int)fd);
	KN_EXPECT(kn_sys_rename("/kt_r1", "/kt_r2") == 0);
	struct kn_stat st;
	KN_EXPECT(kn_sys_stat("/kt_r1", &st) == -KN_ENOENT);
	KN_EXPECT(kn_sys_stat("/kt_r2", &st) == 0 && st.st_size == 1);
	KN_EXPECT(kn_sys_unlink("/kt_r2") == 0);
	KN_EXPECT(kn_sys_unlink("/kt_r2") == -KN_ENOENT);
}

KN_TEST(vfs, symlink_walk)
{
	NEED_ROOT();
	KN_ASSERT(kn_sys_mkdir("/kt_s", 0755) == 0);
	long fd = kn_sys_creat("/kt_s/target", 0644);
	KN_ASSERT(fd >= 0);
	kn_sys_write((int)fd, "abc", 3);
	kn_sys_close((int)fd);
	KN_EXPECT(kn_sys_symlink("target", "/kt_s/ln") == 0);
	KN_EXPECT(kn_sys_symlink("/kt_s", "/kt_s/dirln") == 0);
	char buf[16];
	fd = kn_sys_open("/kt_s/dirln/./dirln/../kt_s//ln", KN_O_RDONLY, 0);
	KN_ASSERT(fd >= 0);
	KN_EXPECT(kn_sys_read((int)fd, buf, 16) == 3 && streq(buf, "abc", 3));
	kn_sys_close((int)fd);
	KN_EXPECT(kn_sys_readlink("/kt_s/ln", buf, 16) == 6 && streq(buf, "target", 6));
	KN_EXPECT(kn_sys_symlink("loop", "/kt_s/loop") == 0);
	KN_EXPECT(kn_sys_open("/kt_s/loop", KN_O_RDONLY, 0) == -KN_ELOOP);
	kn_sys_unlink("/kt_s/loop");
	kn_sys_unlink("/kt_s/ln");
	kn_sys_unlink("/kt_s/dirln");
	kn_sys_unlink("/kt_s/target");
	KN_EXPECT(kn_sys_rmdir("/kt_s") == 0);
}

KN_TEST(vfs, dup2_and_errors)
{
	NEED_ROOT();
	long fd = kn_sys_open("/kt_dup", KN_O_CREAT | KN_O_RDWR, 0644);
	KN_ASSERT(fd >= 0);
	KN_EXPECT(kn_sys_dup2((int)fd, 100) == 100);
	KN_EXPECT(kn_sys_write(100, "zz", 2) == 2);
	KN_EXPECT(kn_sys_lseek((int)fd, 0, KN_SEEK_CUR) == 2); /* shared offset */
	KN_EXPECT(kn_sys_close(100) == 0);
	KN_EXPECT(kn_sys_close(100) == -KN_EBADF);
	KN_EXPECT(kn_sys_read(999, 0, 1) == -KN_EBADF);
	KN_EXPECT(kn_sys_read((int)fd, 0, 4) == -KN_EFAULT);
	KN_EXPECT(kn_sys_open("/kt_missing/x", KN_O_RDONLY, 0) == -KN_ENOENT);
	KN_EXPECT(kn_sys_open("/kt_dup/x", KN_O_RDONLY, 0) == -KN_ENOTDIR);
	KN_EXPECT(kn_sys_open(0, KN_O_RDONLY, 0) == -KN_EFAULT);
	kn_sys_close((int)fd);
	kn_sys_unlink("/kt_dup");
}

KN_TEST(vfs, dev_and_console)
{
	NEED_ROOT();
	long fd = kn_sys_open("/dev/zero", KN_O_RDONLY, 0);
	if (fd < 0)
		return; /* no devfs in the image */
	char buf[8] = {1, 1, 1, 1, 1, 1, 1, 1};
	KN_EXPECT(kn_sys_read((int)fd, buf, 8) == 8 && buf[7] == 0);
	kn_sys_close((int)fd);
	struct kn_winsize ws;
	KN_EXPECT(kn_sys_ioctl(1, KN_TIOCGWINSZ, (unsigned long)&ws) == 0 && ws.ws_col == 80);
	KN_EXPECT(kn_sys_write(1, "vfs: console ok\n", 16) == 16);
}

KN_TEST(vfs, file_times_from_wall_clock)
{
	NEED_ROOT();
	long fd = kn_sys_open("/kt_times", KN_O_CREAT | KN_O_RDWR | KN_O_TRUNC, 0644);
	KN_ASSERT(fd >= 0);
	struct kn_statx sx;
	KN_EXPECT(kn_sys_statx((int)fd, "", KN_AT_EMPTY_PATH, KN_STATX_BASIC_STATS, &sx) == 0);
	KN_EXPECT(sx.stx_mtime.tv_sec > 1600000000); /* the platform's clock, not 0 */
	struct kn_timespec t[2] = {{1, 0}, {2, 0}};
	KN_EXPECT(kn_sys_utimensat((int)fd, 0, t, 0) == 0);
	KN_EXPECT(kn_sys_write((int)fd, "x", 1) == 1);
	struct kn_stat st;
	KN_EXPECT(kn_sys_fstat((int)fd, &st) == 0);
	KN_EXPECT(st.st_atim.tv_sec == 1 && st.st_mtim.tv_sec > 1600000000);
	KN_EXPECT(kn_sys_close((int)fd) == 0);
	KN_EXPECT(kn_sys_unlink("/kt_times") == 0);
}
