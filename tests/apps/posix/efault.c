/* Bad buffers handed to system calls fail with EFAULT, as on Linux, and
 * the program goes on: a non-canonical pointer, NULL, a PROT_NONE page,
 * an unmapped address, and a read into a read-only page (reading from one
 * is fine). Calls whose libc wrapper would touch the buffer itself (stat's
 * struct, clock_gettime's vDSO on glibc, getcwd's NULL) go through
 * syscall(). */
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "check.h"

#define PAGE 4096

/* Every way a buffer can be bad, for a call that reads it. */
static char *bad_to_read[4];

static void setup(char **none, char **ro)
{
	*none = mmap(NULL, PAGE, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	*ro = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(*none != MAP_FAILED && *ro != MAP_FAILED);
	memcpy(*ro, "read-only!", 10);
	CHECK(mprotect(*ro, PAGE, PROT_READ) == 0);
	bad_to_read[0] = (char *)0xdead000000000000UL; /* not canonical */
	bad_to_read[1] = nowhere;                      /* NULL */
	bad_to_read[2] = *none;
	bad_to_read[3] = (char *)0x100000000000UL; /* 16 TiB: nothing there */
}

static void writes_from_bad_buffers(int fd, int pipe_w)
{
	for (int i = 0; i < 4; i++) {
		char *bad = bad_to_read[i];
		CHECK_ERR(write(1, bad, 10), EFAULT);
		CHECK_ERR(write(fd, bad, 10), EFAULT);
		CHECK_ERR(write(pipe_w, bad, 1), EFAULT);
		CHECK_ERR(pwrite(fd, bad, 4, 0), EFAULT);
		struct iovec iov = {bad, 4};
		CHECK_ERR(writev(fd, &iov, 1), EFAULT);
		CHECK_ERR(writev(fd, (struct iovec *)bad, 1), EFAULT);
		CHECK_ERR(open(bad, O_RDONLY), EFAULT);
		CHECK_ERR(mkdir(bad, 0700), EFAULT);
		CHECK_ERR(syscall(SYS_nanosleep, bad, NULL), EFAULT);
	}
	CHECK(lseek(fd, 0, SEEK_CUR) == 10); /* nothing was written */
}

static void reads_into_bad_buffers(int fd, char *ro)
{
	char buf[8];
	for (int i = 0; i < 5; i++) {
		char *bad = i < 4 ? bad_to_read[i] : ro;
		CHECK(lseek(fd, 0, SEEK_SET) == 0);
		CHECK_ERR(read(fd, bad, 4), EFAULT);
		CHECK_ERR(pread(fd, bad, 4, 0), EFAULT);
		struct iovec iov = {bad, 4};
		CHECK_ERR(readv(fd, &iov, 1), EFAULT);
		CHECK_ERR(syscall(SYS_fstat, fd, bad), EFAULT);
		CHECK_ERR(syscall(SYS_stat, "efault.txt", bad), EFAULT);
		CHECK_ERR(syscall(SYS_clock_gettime, CLOCK_MONOTONIC, bad), EFAULT);
		CHECK_ERR(syscall(SYS_uname, bad), EFAULT);
		CHECK_ERR(getrandom(bad, 8, 0), EFAULT);
		CHECK_ERR(pipe((int *)bad), EFAULT);
		CHECK_ERR(syscall(SYS_getcwd, bad, 64), EFAULT);
	}
	/* A failed read moves nothing: the data is still there to read. */
	CHECK(lseek(fd, 0, SEEK_CUR) == 0);
	CHECK(read(fd, buf, 4) == 4 && memcmp(buf, "read", 4) == 0);
	CHECK(memcmp(ro, "read-only!", 10) == 0);
}

void test_efault(void)
{
	char *none, *ro;
	int p[2];
	setup(&none, &ro);
	int fd = open("efault.txt", O_CREAT | O_RDWR | O_TRUNC, 0600);
	CHECK(fd >= 0 && pipe(p) == 0);
	CHECK(write(fd, ro, 10) == 10); /* reading a read-only page is fine */
	writes_from_bad_buffers(fd, p[1]);
	reads_into_bad_buffers(fd, ro);
	struct pollfd pfd = {p[0], POLLIN, 0};
	/* poll writes revents: a read-only array fails. */
	CHECK(mprotect(ro, PAGE, PROT_READ | PROT_WRITE) == 0);
	memcpy(ro, &pfd, sizeof(pfd));
	CHECK(mprotect(ro, PAGE, PROT_READ) == 0);
	CHECK_ERR(poll((struct pollfd *)ro, 1, 0), EFAULT);
	CHECK_ERR(poll((struct pollfd *)none, 1, 0), EFAULT);
	/* F_GETLK writes its answer back; F_SETLK only reads the request. */
	CHECK(mprotect(ro, PAGE, PROT_READ | PROT_WRITE) == 0);
	struct flock fl = {.l_type = F_RDLCK, .l_whence = SEEK_SET};
	memcpy(ro, &fl, sizeof(fl));
	CHECK(mprotect(ro, PAGE, PROT_READ) == 0);
	CHECK_ERR(fcntl(fd, F_GETLK, (struct flock *)ro), EFAULT);
	CHECK_ERR(fcntl(fd, F_GETLK, (struct flock *)none), EFAULT);
	CHECK(fcntl(fd, F_SETLK, (struct flock *)ro) == 0);
	close(p[0]);
	close(p[1]);
	close(fd);
	unlink("efault.txt");
	munmap(none, PAGE);
	munmap(ro, PAGE);
}
