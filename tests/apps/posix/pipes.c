/* Pipes and eventfd: data, EOF, EPIPE, non-blocking behaviour. */
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "check.h"

static volatile int sigpipes;

static void on_sigpipe(int sig)
{
	sigpipes += sig == SIGPIPE;
}

static void test_pipe(void)
{
	int p[2];
	char buf[8];
	CHECK(pipe(p) == 0);
	CHECK(write(p[1], "abc", 3) == 3);
	CHECK(read(p[0], buf, sizeof buf) == 3 && memcmp(buf, "abc", 3) == 0);
	CHECK_ERR(write(p[0], "x", 1), EBADF);
	CHECK_ERR(read(p[1], buf, 1), EBADF);
	CHECK_ERR(lseek(p[0], 0, SEEK_SET), ESPIPE);
	CHECK(close(p[1]) == 0);
	CHECK(read(p[0], buf, sizeof buf) == 0); /* EOF: no writers left */
	close(p[0]);

	CHECK(pipe2(p, O_NONBLOCK | O_CLOEXEC) == 0);
	CHECK((fcntl(p[0], F_GETFL) & O_NONBLOCK) && fcntl(p[1], F_GETFD) == FD_CLOEXEC);
	CHECK_ERR(read(p[0], buf, 1), EAGAIN);
	/* Fill the pipe: a non-blocking writer stops with EAGAIN. */
	static char chunk[4096];
	long total = 0;
	for (;;) {
		ssize_t n = write(p[1], chunk, sizeof chunk);
		if (n < 0)
			break;
		total += n;
	}
	CHECK(errno == EAGAIN && total == 65536);
	close(p[0]);
	signal(SIGPIPE, on_sigpipe); /* the default action would end the program */
	CHECK_ERR(write(p[1], "x", 1), EPIPE);
	CHECK(sigpipes == 1);
	signal(SIGPIPE, SIG_IGN);
	CHECK_ERR(write(p[1], "x", 1), EPIPE);
	CHECK(sigpipes == 1);
	close(p[1]);
	CHECK_ERR(pipe(NULL), EFAULT);
	CHECK_ERR(pipe2(p, 0x12345678), EINVAL);
}

static void test_eventfd(void)
{
	uint64_t v;
	int fd = eventfd(3, EFD_NONBLOCK);
	CHECK(fd >= 0);
	v = 4;
	CHECK(write(fd, &v, sizeof v) == 8);
	CHECK(read(fd, &v, sizeof v) == 8 && v == 7);
	CHECK_ERR(read(fd, &v, sizeof v), EAGAIN);
	CHECK_ERR(read(fd, &v, 4), EINVAL);
	v = UINT64_MAX;
	CHECK_ERR(write(fd, &v, sizeof v), EINVAL);
	close(fd);

	fd = eventfd(2, EFD_SEMAPHORE | EFD_NONBLOCK);
	CHECK(read(fd, &v, sizeof v) == 8 && v == 1);
	CHECK(read(fd, &v, sizeof v) == 8 && v == 1);
	CHECK_ERR(read(fd, &v, sizeof v), EAGAIN);
	close(fd);
}

void test_pipes(void)
{
	test_pipe();
	test_eventfd();
}
