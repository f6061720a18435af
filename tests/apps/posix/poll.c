/* poll/ppoll/select/pselect over pipes and files, with timeouts. */
#include <fcntl.h>
#include <poll.h>
#include <sys/select.h>
#include <time.h>
#include <unistd.h>

#include "check.h"

static long elapsed_ms(const struct timespec *a)
{
	struct timespec b;
	clock_gettime(CLOCK_MONOTONIC, &b);
	return (b.tv_sec - a->tv_sec) * 1000 + (b.tv_nsec - a->tv_nsec) / 1000000;
}

void test_poll(void)
{
	int p[2];
	struct timespec t0;
	CHECK(pipe(p) == 0);
	struct pollfd fds[3] = {{p[0], POLLIN, 0}, {p[1], POLLOUT, 0}, {-1, POLLIN, 0}};
	CHECK(poll(fds, 3, 0) == 1);
	CHECK(fds[0].revents == 0 && fds[1].revents == POLLOUT && fds[2].revents == 0);

	clock_gettime(CLOCK_MONOTONIC, &t0);
	CHECK(poll(fds, 1, 30) == 0); /* the timeout must really expire */
	CHECK(elapsed_ms(&t0) >= 29);

	CHECK(write(p[1], "z", 1) == 1);
	CHECK(poll(fds, 1, -1) == 1 && fds[0].revents == POLLIN);
	struct timespec ts = {0, 0};
	CHECK(ppoll(fds, 1, &ts, NULL) == 1 && fds[0].revents == POLLIN);

	fd_set r, w;
	FD_ZERO(&r);
	FD_ZERO(&w);
	FD_SET(p[0], &r);
	FD_SET(p[1], &w);
	struct timeval tv = {0, 0};
	CHECK(select(p[1] + 1, &r, &w, NULL, &tv) == 2);
	CHECK(FD_ISSET(p[0], &r) && FD_ISSET(p[1], &w));

	char c;
	CHECK(read(p[0], &c, 1) == 1);
	FD_ZERO(&r);
	FD_SET(p[0], &r);
	tv.tv_sec = 0;
	tv.tv_usec = 20000;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	CHECK(select(p[0] + 1, &r, NULL, NULL, &tv) == 0 && !FD_ISSET(p[0], &r));
	CHECK(elapsed_ms(&t0) >= 19);
	ts.tv_nsec = 1000000;
	FD_SET(p[0], &r);
	CHECK(pselect(p[0] + 1, &r, NULL, NULL, &ts, NULL) == 0);

	close(p[1]); /* hang-up: readable (EOF) */
	fds[0].events = POLLIN;
	CHECK(poll(fds, 1, 0) == 1 && (fds[0].revents & POLLHUP));

	struct pollfd bad = {999, POLLIN, 0};
	CHECK(poll(&bad, 1, 0) == 1 && bad.revents == POLLNVAL);
	FD_ZERO(&r);
	FD_SET(p[1], &r); /* closed */
	tv.tv_usec = 0;
	CHECK_ERR(select(p[1] + 1, &r, NULL, NULL, &tv), EBADF);
	CHECK_ERR(select(-1, NULL, NULL, NULL, &tv), EINVAL);
	CHECK_ERR(poll(nowhere, 1, 0), EFAULT);

	int fd = open("poll.txt", O_CREAT | O_RDWR, 0600);
	struct pollfd f = {fd, POLLIN | POLLOUT, 0};
	CHECK(poll(&f, 1, 0) == 1 && f.revents == (POLLIN | POLLOUT));
	close(fd);
	unlink("poll.txt");
	close(p[0]);
}
