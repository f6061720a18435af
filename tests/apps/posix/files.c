/* Regular files: the read/write family, offsets, stat, fcntl, dup, links. */
#include <fcntl.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include "check.h"

static void test_read_write(void)
{
	char buf[64];
	int fd = open("f.txt", O_CREAT | O_EXCL | O_RDWR, 0640);
	CHECK(fd >= 0);
	CHECK(write(fd, "hello world", 11) == 11);
	CHECK(lseek(fd, 0, SEEK_CUR) == 11);
	CHECK(lseek(fd, 6, SEEK_SET) == 6);
	CHECK(read(fd, buf, sizeof buf) == 5 && memcmp(buf, "world", 5) == 0);
	CHECK(read(fd, buf, sizeof buf) == 0);
	CHECK(pwrite(fd, "W", 1, 6) == 1);
	CHECK(pread(fd, buf, 5, 6) == 5 && memcmp(buf, "World", 5) == 0);
	CHECK(lseek(fd, 0, SEEK_CUR) == 11); /* pread/pwrite keep the offset */
	CHECK(lseek(fd, 100, SEEK_END) == 111);
	CHECK(write(fd, "!", 1) == 1); /* leaves a hole of zeros */
	CHECK(pread(fd, buf, 4, 50) == 4 && buf[0] == 0 && buf[3] == 0);

	struct iovec iov[2] = {{"ab", 2}, {"cde", 3}};
	CHECK(lseek(fd, 0, SEEK_SET) == 0);
	CHECK(writev(fd, iov, 2) == 5);
	char x[2], y[3];
	struct iovec riov[2] = {{x, 2}, {y, 3}};
	CHECK(lseek(fd, 0, SEEK_SET) == 0);
	CHECK(readv(fd, riov, 2) == 5 && memcmp(x, "ab", 2) == 0 && memcmp(y, "cde", 3) == 0);

	struct stat st;
	CHECK(fstat(fd, &st) == 0 && st.st_size == 112 && S_ISREG(st.st_mode));
	CHECK((st.st_mode & 0777) == 0640);
	CHECK(ftruncate(fd, 3) == 0 && fstat(fd, &st) == 0 && st.st_size == 3);
	CHECK(fsync(fd) == 0 && fdatasync(fd) == 0);
	CHECK(close(fd) == 0);
	CHECK(truncate("f.txt", 10) == 0 && stat("f.txt", &st) == 0 && st.st_size == 10);

	CHECK_ERR(open("f.txt", O_CREAT | O_EXCL | O_RDWR, 0640), EEXIST);
	CHECK_ERR(open("missing.txt", O_RDONLY), ENOENT);
	CHECK_ERR(open("f.txt/x", O_RDONLY), ENOTDIR);
	CHECK_ERR(lseek(fd, 0, SEEK_SET), EBADF); /* closed */
	CHECK_ERR(read(-1, buf, 1), EBADF);
	CHECK_ERR(write(12345, buf, 1), EBADF);
	CHECK_ERR(close(12345), EBADF);
	fd = open("f.txt", O_RDONLY);
	CHECK_ERR(write(fd, "x", 1), EBADF); /* opened read-only */
	CHECK_ERR(lseek(fd, -1, SEEK_SET), EINVAL);
	CHECK_ERR(read(fd, nowhere, 4), EFAULT);
	close(fd);
}

static void test_append_and_flags(void)
{
	char buf[16];
	int fd = open("a.txt", O_CREAT | O_WRONLY | O_APPEND | O_TRUNC, 0600);
	CHECK(fd >= 0);
	CHECK(write(fd, "12", 2) == 2);
	CHECK(lseek(fd, 0, SEEK_SET) == 0);
	CHECK(write(fd, "34", 2) == 2); /* O_APPEND: still at the end */
	CHECK((fcntl(fd, F_GETFL) & O_APPEND) != 0);
	CHECK(fcntl(fd, F_SETFL, 0) == 0 && (fcntl(fd, F_GETFL) & O_APPEND) == 0);
	CHECK((fcntl(fd, F_GETFL) & O_ACCMODE) == O_WRONLY);
	CHECK(fcntl(fd, F_GETFD) == 0);
	CHECK(fcntl(fd, F_SETFD, FD_CLOEXEC) == 0 && fcntl(fd, F_GETFD) == FD_CLOEXEC);
	close(fd);
	fd = open("a.txt", O_RDONLY);
	CHECK(read(fd, buf, sizeof buf) == 4 && memcmp(buf, "1234", 4) == 0);

	int d = dup(fd);
	CHECK(d > fd);
	CHECK(lseek(d, 1, SEEK_SET) == 1 && lseek(fd, 0, SEEK_CUR) == 1); /* shared offset */
	CHECK(dup2(fd, 40) == 40 && fcntl(40, F_GETFD) == 0);
	CHECK(dup3(fd, 41, O_CLOEXEC) == 41 && fcntl(41, F_GETFD) == FD_CLOEXEC);
	CHECK_ERR(dup3(fd, fd, 0), EINVAL);
	CHECK(dup2(fd, fd) == fd);
	CHECK(fcntl(fd, F_DUPFD, 50) == 50);
	CHECK_ERR(dup(-5), EBADF);
	close(d);
	close(40);
	close(41);
	close(50);
	close(fd);
}

static void test_names(void)
{
	char buf[64];
	struct stat st;
	int fd = open("n1", O_CREAT | O_WRONLY, 0644);
	CHECK(fd >= 0 && write(fd, "data", 4) == 4 && close(fd) == 0);
	CHECK(link("n1", "n2") == 0);
	CHECK(stat("n2", &st) == 0 && st.st_nlink == 2 && st.st_size == 4);
	CHECK(rename("n2", "n3") == 0);
	CHECK_ERR(stat("n2", &st), ENOENT);
	CHECK(symlink("n3", "s1") == 0);
	ssize_t n = readlink("s1", buf, sizeof buf);
	CHECK(n == 2 && memcmp(buf, "n3", 2) == 0);
	CHECK(lstat("s1", &st) == 0 && S_ISLNK(st.st_mode));
	CHECK(stat("s1", &st) == 0 && S_ISREG(st.st_mode) && st.st_size == 4);
	CHECK_ERR(readlink("n1", buf, sizeof buf), EINVAL);
	CHECK(access("s1", R_OK | W_OK) == 0);
	CHECK_ERR(access("nothing", F_OK), ENOENT);
	CHECK(symlink("nowhere", "dangling") == 0);
	CHECK_ERR(open("dangling", O_RDONLY), ENOENT);
	CHECK(chmod("n1", 0600) == 0 && stat("n1", &st) == 0 && (st.st_mode & 0777) == 0600);
	CHECK(unlink("n1") == 0 && unlink("n3") == 0 && unlink("s1") == 0 &&
	      unlink("dangling") == 0);
	CHECK_ERR(unlink("n1"), ENOENT);
	mode_t old = umask(027);
	umask(old);
	CHECK(umask(old) == old);
}

void test_files(void)
{
	test_read_write();
	test_append_and_flags();
	test_names();
	unlink("f.txt");
	unlink("a.txt");
}
