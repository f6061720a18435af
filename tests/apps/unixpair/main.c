/* socketpair(AF_UNIX, SOCK_STREAM) as apps use it, checked the same way
 * on Linux (compiled natively) and on Kiln (tests/boot/test_unixpair.py
 * compares the two outputs). Threads stand in for an event loop's other
 * side; every check waits for a state, never for a time. Exit 0 when
 * all passed. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <unistd.h>

static int checks_run, checks_failed;

#define CHECK(expr)                                                                                \
	do {                                                                                       \
		checks_run++;                                                                      \
		if (!(expr)) {                                                                     \
			checks_failed++;                                                           \
			printf("FAIL %s:%d: %s (errno %d %s)\n", __FILE__, __LINE__, #expr, errno, \
			       strerror(errno));                                                   \
		}                                                                                  \
	} while (0)

#define CHECK_ERR(call, err)                                                                       \
	do {                                                                                       \
		errno = 0;                                                                         \
		long check_r_ = (long)(call);                                                      \
		CHECK(check_r_ == -1 && errno == (err));                                           \
	} while (0)

/* nginx's ngx_epoll_test_rdhup: does closing the peer report EPOLLRDHUP? */
static void nginx_rdhup_probe(void)
{
	int s[2];
	int ep = epoll_create(1);
	CHECK(ep >= 0);
	CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, s) == 0);
	struct epoll_event ee = {.events = EPOLLIN | EPOLLRDHUP | EPOLLET, .data.fd = s[0]};
	CHECK(epoll_ctl(ep, EPOLL_CTL_ADD, s[0], &ee) == 0);
	CHECK(close(s[1]) == 0);
	memset(&ee, 0, sizeof(ee));
	CHECK(epoll_wait(ep, &ee, 1, 5000) == 1);
	CHECK(ee.events & EPOLLRDHUP);
	CHECK(ee.data.fd == s[0]);
	CHECK(epoll_wait(ep, &ee, 1, 0) == 0); /* edge-triggered: once */
	close(s[0]);
	close(ep);
}

static void arguments(void)
{
	int s[2];
	int *volatile unmapped = (int *)8;
	CHECK_ERR(socketpair(AF_UNIX, SOCK_STREAM, 0, unmapped), EFAULT);
	CHECK_ERR(socketpair(AF_UNIX, SOCK_STREAM | O_APPEND, 0, s), EINVAL);
	CHECK_ERR(socketpair(4242, SOCK_STREAM, 0, s), EAFNOSUPPORT);
	CHECK_ERR(socketpair(AF_UNIX, SOCK_STREAM, 2, s), EPROTONOSUPPORT);
	CHECK(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, s) == 0);
	CHECK(fcntl(s[0], F_GETFL) & O_NONBLOCK);
	CHECK(fcntl(s[1], F_GETFD) & FD_CLOEXEC);
	int v;
	socklen_t len = sizeof(v);
	CHECK(getsockopt(s[0], SOL_SOCKET, SO_TYPE, &v, &len) == 0 && v == SOCK_STREAM);
	CHECK(getsockopt(s[0], SOL_SOCKET, SO_DOMAIN, &v, &len) == 0 && v == AF_UNIX);
	CHECK(getsockopt(s[0], SOL_SOCKET, SO_ERROR, &v, &len) == 0 && v == 0);
	CHECK(getsockopt(s[0], SOL_SOCKET, SO_ACCEPTCONN, &v, &len) == 0 && v == 0);
	CHECK(getsockopt(s[0], SOL_SOCKET, SO_SNDBUF, &v, &len) == 0 && v > 4096);
	v = 10000;
	CHECK(setsockopt(s[0], SOL_SOCKET, SO_RCVBUF, &v, sizeof(v)) == 0);
	CHECK(getsockopt(s[0], SOL_SOCKET, SO_RCVBUF, &v, &len) == 0 && v == 20000);
	struct sockaddr_un a;
	len = sizeof(a);
	CHECK(getsockname(s[0], (struct sockaddr *)&a, &len) == 0 && len == 2 &&
	      a.sun_family == AF_UNIX);
	len = sizeof(a);
	CHECK(getpeername(s[1], (struct sockaddr *)&a, &len) == 0 && len == 2);
	CHECK_ERR(listen(s[0], 1), EINVAL);
	CHECK_ERR(accept(s[0], NULL, NULL), EINVAL);
	struct sockaddr_un to = {.sun_family = AF_UNIX, .sun_path = "/no/such/socket"};
	CHECK_ERR(connect(s[0], (struct sockaddr *)&to, sizeof(to)), ENOENT);
	struct stat st;
	CHECK(fstat(s[0], &st) == 0 && S_ISSOCK(st.st_mode));
	close(s[0]);
	close(s[1]);
	int u = socket(AF_UNIX, SOCK_STREAM, 0);
	CHECK(u >= 0);
	CHECK_ERR(connect(u, (struct sockaddr *)&to, sizeof(to)), ENOENT);
	CHECK_ERR(send(u, "x", 1, 0), ENOTCONN);
	close(u);
}

static void data_path(void)
{
	int s[2];
	char buf[64] = {0};
	CHECK(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, s) == 0);
	CHECK_ERR(read(s[0], buf, sizeof(buf)), EAGAIN);
	CHECK(write(s[1], "hello ", 6) == 6);
	struct iovec iov[2] = {{"wor", 3}, {"ld", 2}};
	CHECK(writev(s[1], iov, 2) == 5);
	int n = 0;
	CHECK(ioctl(s[0], FIONREAD, &n) == 0 && n == 11);
	CHECK(recv(s[0], buf, 5, MSG_PEEK) == 5 && !memcmp(buf, "hello", 5));
	CHECK(recv(s[0], buf, sizeof(buf), 0) == 11 && !memcmp(buf, "hello world", 11));
	CHECK_ERR(recv(s[0], buf, sizeof(buf), MSG_DONTWAIT), EAGAIN);
	/* The other way, and poll's view of both ends. */
	CHECK(send(s[0], "x", 1, 0) == 1);
	struct pollfd p[2] = {{s[0], POLLIN | POLLOUT | POLLRDHUP, 0},
			      {s[1], POLLIN | POLLOUT | POLLRDHUP, 0}};
	CHECK(poll(p, 2, 0) == 2);
	CHECK(p[0].revents == POLLOUT && p[1].revents == (POLLIN | POLLOUT));
	fd_set rd, wr;
	FD_ZERO(&rd);
	FD_ZERO(&wr);
	FD_SET(s[0], &rd);
	FD_SET(s[1], &rd);
	FD_SET(s[0], &wr);
	struct timeval now = {0, 0};
	CHECK(select(s[1] + 1, &rd, &wr, NULL, &now) == 2);
	CHECK(!FD_ISSET(s[0], &rd) && FD_ISSET(s[1], &rd) && FD_ISSET(s[0], &wr));
	/* Filled without blocking: a partial write, then EAGAIN. */
	static char big[1 << 20];
	long w = write(s[1], big, sizeof(big));
	CHECK(w > 0 && w < (long)sizeof(big));
	CHECK_ERR(write(s[1], big, sizeof(big)), EAGAIN);
	CHECK(poll(&p[1], 1, 0) == 1 && p[1].revents == POLLIN);
	close(s[0]);
	close(s[1]);
}

static void shutdown_and_close(void)
{
	int s[2];
	char buf[16];
	CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, s) == 0);
	CHECK(write(s[0], "end", 3) == 3);
	CHECK(shutdown(s[0], SHUT_WR) == 0);
	struct pollfd p = {s[1], POLLIN | POLLRDHUP, 0};
	CHECK(poll(&p, 1, -1) == 1 && p.revents == (POLLIN | POLLRDHUP));
	CHECK(read(s[1], buf, sizeof(buf)) == 3);
	CHECK(read(s[1], buf, sizeof(buf)) == 0);
	CHECK_ERR(send(s[0], "x", 1, MSG_NOSIGNAL), EPIPE);
	CHECK(write(s[1], "ok", 2) == 2); /* the other direction lives on */
	CHECK(read(s[0], buf, sizeof(buf)) == 2);
	CHECK_ERR(shutdown(s[0], 7), EINVAL);
	close(s[0]);
	CHECK(read(s[1], buf, sizeof(buf)) == 0);
	CHECK_ERR(send(s[1], "x", 1, MSG_NOSIGNAL), EPIPE);
	p.events = POLLIN | POLLOUT | POLLRDHUP;
	CHECK(poll(&p, 1, 0) == 1 && p.revents == (POLLIN | POLLOUT | POLLRDHUP | POLLHUP));
	close(s[1]);
	/* Closing with unread data: the peer's ECONNRESET, once. */
	CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, s) == 0);
	CHECK(write(s[1], "lost", 4) == 4);
	close(s[0]);
	CHECK_ERR(read(s[1], buf, sizeof(buf)), ECONNRESET);
	CHECK(read(s[1], buf, sizeof(buf)) == 0);
	close(s[1]);
	/* A dup keeps the end open. */
	CHECK(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, s) == 0);
	int d = dup(s[0]);
	close(s[0]);
	CHECK_ERR(read(s[1], buf, sizeof(buf)), EAGAIN);
	close(d);
	CHECK(read(s[1], buf, sizeof(buf)) == 0);
	close(s[1]);
}

static volatile sig_atomic_t sigpipes;

static void on_sigpipe(int sig)
{
	sigpipes++;
}

static void broken_pipe(void)
{
	int s[2];
	CHECK(signal(SIGPIPE, on_sigpipe) != SIG_ERR);
	CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, s) == 0);
	close(s[1]);
	CHECK_ERR(write(s[0], "x", 1), EPIPE);
	CHECK(sigpipes == 1);
	CHECK_ERR(send(s[0], "x", 1, MSG_NOSIGNAL), EPIPE);
	CHECK(sigpipes == 1);
	CHECK_ERR(send(s[0], "x", 1, 0), EPIPE);
	CHECK(sigpipes == 2);
	close(s[0]);
	signal(SIGPIPE, SIG_DFL);
}

/* The other side of a wake-up channel, on its own thread. */
struct side {
	int fd;
	size_t n;   /* bytes to move */
	size_t got; /* what the reader took */
};

static void *writer(void *arg)
{
	struct side *w = arg;
	static char chunk[4096];
	for (size_t left = w->n; left;) {
		size_t k = left < sizeof(chunk) ? left : sizeof(chunk);
		ssize_t r = write(w->fd, chunk, k);
		if (r <= 0)
			break;
		left -= (size_t)r;
	}
	return NULL;
}

static void *reader(void *arg)
{
	struct side *r = arg;
	static char sink[65536];
	ssize_t k;
	while ((k = read(r->fd, sink, sizeof(sink))) > 0)
		r->got += (size_t)k;
	return NULL;
}

static void *closer(void *arg)
{
	close(*(int *)arg);
	return NULL;
}

static void threads(void)
{
	int s[2];
	pthread_t t;
	/* An event loop woken through the pair by another thread. */
	CHECK(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, s) == 0);
	int ep = epoll_create1(EPOLL_CLOEXEC);
	struct epoll_event ee = {.events = EPOLLIN | EPOLLET, .data.u32 = 7};
	CHECK(epoll_ctl(ep, EPOLL_CTL_ADD, s[0], &ee) == 0);
	struct side w = {s[1], 1, 0};
	CHECK(pthread_create(&t, NULL, writer, &w) == 0);
	memset(&ee, 0, sizeof(ee));
	CHECK(epoll_wait(ep, &ee, 1, -1) == 1 && ee.events == EPOLLIN && ee.data.u32 == 7);
	pthread_join(t, NULL);
	char c;
	CHECK(read(s[0], &c, 1) == 1);
	close(ep);
	close(s[0]);
	close(s[1]);
	/* A blocking write larger than the buffer returns whole. */
	CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, s) == 0);
	struct side r = {s[1], 0, 0};
	CHECK(pthread_create(&t, NULL, reader, &r) == 0);
	static char big[3 << 20];
	CHECK(write(s[0], big, sizeof(big)) == (long)sizeof(big));
	close(s[0]);
	pthread_join(t, NULL);
	CHECK(r.got == sizeof(big));
	close(s[1]);
	/* MSG_WAITALL waits for all it asked for, across many writes. */
	CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, s) == 0);
	w = (struct side){s[1], 100000, 0};
	CHECK(pthread_create(&t, NULL, writer, &w) == 0);
	CHECK(recv(s[0], big, 100000, MSG_WAITALL) == 100000);
	pthread_join(t, NULL);
	/* A blocked read ends with end of file when the peer goes. */
	CHECK(pthread_create(&t, NULL, closer, &s[1]) == 0);
	CHECK(read(s[0], big, 10) == 0);
	pthread_join(t, NULL);
	close(s[0]);
}

int main(void)
{
	nginx_rdhup_probe();
	arguments();
	data_path();
	shutdown_and_close();
	broken_pipe();
	threads();
	printf("unixpair: %d checks, %d failed\n", checks_run, checks_failed);
	return checks_failed != 0;
}
