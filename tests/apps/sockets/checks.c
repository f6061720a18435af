/* Socket semantics that need no peer, as Linux has them. */
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <unistd.h>
#include "check.h"

static int getint(int fd, int level, int name)
{
	int v = -1;
	socklen_t len = sizeof(v);
	if (getsockopt(fd, level, name, &v, &len) || len != sizeof(v))
		return -2;
	return v;
}

static void kinds_and_errors(void)
{
	int t = socket(AF_INET, SOCK_STREAM, 0), u = socket(AF_INET, SOCK_DGRAM, 0);
	CHECK(t >= 0 && u >= 0);
	CHECK(getint(t, SOL_SOCKET, SO_TYPE) == SOCK_STREAM);
	CHECK(getint(u, SOL_SOCKET, SO_TYPE) == SOCK_DGRAM);
	CHECK(getint(t, SOL_SOCKET, SO_DOMAIN) == AF_INET);
	CHECK(getint(t, SOL_SOCKET, SO_PROTOCOL) == IPPROTO_TCP);
	CHECK(getint(u, SOL_SOCKET, SO_PROTOCOL) == IPPROTO_UDP);
	CHECK(getint(t, SOL_SOCKET, SO_ERROR) == 0);
	struct stat st;
	CHECK(fstat(t, &st) == 0 && S_ISSOCK(st.st_mode));
	CHECK_ERR(lseek(t, 0, SEEK_SET), ESPIPE);
	CHECK_ERR(socket(AF_INET, 7, 0), ESOCKTNOSUPPORT); /* no such type */
	CHECK_ERR(socket(AF_INET, SOCK_STREAM, IPPROTO_UDP), EPROTONOSUPPORT);
	CHECK_ERR(socket(12345, SOCK_STREAM, 0), EAFNOSUPPORT);
	CHECK_ERR(socket(AF_INET, SOCK_STREAM | 0x100000, 0), EINVAL);
	int p[2];
	CHECK(pipe(p) == 0);
	CHECK_ERR(listen(p[0], 1), ENOTSOCK);
	CHECK_ERR(listen(1000, 1), EBADF);
	char c;
	CHECK_ERR(recv(t, &c, 1, 0), ENOTCONN);
	CHECK_ERR(send(t, "x", 1, MSG_NOSIGNAL), EPIPE); /* Linux's answer, not ENOTCONN */
	struct sockaddr_in sin = {0};
	socklen_t len = sizeof(sin);
	CHECK_ERR(getpeername(t, (struct sockaddr *)&sin, &len), ENOTCONN);
	CHECK_ERR(bind(t, (struct sockaddr *)&sin, 4), EINVAL);
	CHECK_ERR(bind(t, (struct sockaddr *)1, sizeof(sin)), EFAULT);
	sin.sin_family = AF_INET6;
	CHECK_ERR(connect(t, (struct sockaddr *)&sin, sizeof(sin)), EAFNOSUPPORT);
	CHECK_ERR(sendto(u, "x", 1, 0, NULL, 0), EDESTADDRREQ);
	CHECK_ERR(accept(u, NULL, NULL), EOPNOTSUPP);
	int v = 1;
	CHECK_ERR(setsockopt(t, SOL_SOCKET, 9999, &v, sizeof(v)), ENOPROTOOPT);
	CHECK_ERR(setsockopt(t, SOL_SOCKET, 9999, &v, 1), EINVAL); /* Linux checks the size first */
	close(p[0]);
	close(p[1]);
	close(t);
	close(u);
}

/* socketpair: AF_INET has no pairs (Linux's EOPNOTSUPP, once its own
 * checks passed); AF_UNIX pairs live beside the network. */
static void pairs(void)
{
	int s[2];
	char c = 0;
	CHECK_ERR(socketpair(AF_INET, SOCK_STREAM, 0, s), EOPNOTSUPP);
	CHECK_ERR(socketpair(AF_INET, SOCK_DGRAM, 0, s), EOPNOTSUPP);
	CHECK_ERR(socketpair(AF_INET, SOCK_STREAM, IPPROTO_UDP, s), EPROTONOSUPPORT);
	CHECK_ERR(socketpair(AF_INET, SOCK_STREAM | 0x100000, 0, s), EINVAL);
	CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, s) == 0);
	CHECK(write(s[0], "x", 1) == 1 && read(s[1], &c, 1) == 1 && c == 'x');
	close(s[0]);
	close(s[1]);
}

static void options(void)
{
	int t = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), one = 1, zero = 0;
	CHECK(fcntl(t, F_GETFD) == FD_CLOEXEC);
	CHECK(setsockopt(t, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) == 0);
	CHECK(getint(t, SOL_SOCKET, SO_REUSEADDR) == 1);
	CHECK(setsockopt(t, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof(one)) == 0);
	CHECK(getint(t, SOL_SOCKET, SO_KEEPALIVE) == 1);
	CHECK(setsockopt(t, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)) == 0);
	CHECK(getint(t, IPPROTO_TCP, TCP_NODELAY) == 1);
	CHECK(setsockopt(t, IPPROTO_TCP, TCP_NODELAY, &zero, sizeof(zero)) == 0);
	CHECK(getint(t, IPPROTO_TCP, TCP_NODELAY) == 0);
	/* nginx's tcp_nopush: corked around a reply, then uncorked. */
	CHECK(getint(t, IPPROTO_TCP, TCP_CORK) == 0);
	CHECK(setsockopt(t, IPPROTO_TCP, TCP_CORK, &one, sizeof(one)) == 0);
	CHECK(getint(t, IPPROTO_TCP, TCP_CORK) == 1);
	CHECK(setsockopt(t, IPPROTO_TCP, TCP_CORK, &zero, sizeof(zero)) == 0);
	CHECK(getint(t, IPPROTO_TCP, TCP_CORK) == 0);
	int idle = 300, intvl = 100, cnt = 3; /* what Redis sets */
	CHECK(setsockopt(t, IPPROTO_TCP, TCP_KEEPIDLE, &idle, sizeof(idle)) == 0);
	CHECK(setsockopt(t, IPPROTO_TCP, TCP_KEEPINTVL, &intvl, sizeof(intvl)) == 0);
	CHECK(setsockopt(t, IPPROTO_TCP, TCP_KEEPCNT, &cnt, sizeof(cnt)) == 0);
	CHECK(getint(t, IPPROTO_TCP, TCP_KEEPIDLE) == 300);
	CHECK(getint(t, IPPROTO_TCP, TCP_KEEPINTVL) == 100);
	CHECK(getint(t, IPPROTO_TCP, TCP_KEEPCNT) == 3);
	int buf = 65536;
	CHECK(setsockopt(t, SOL_SOCKET, SO_SNDBUF, &buf, sizeof(buf)) == 0);
	CHECK(getint(t, SOL_SOCKET, SO_SNDBUF) == 2 * 65536);
	struct linger lg = {1, 0};
	CHECK(setsockopt(t, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg)) == 0);
	/* Half a second: a whole number of ticks at any HZ Linux rounds to. */
	struct timeval tv = {0, 500000}, got = {0};
	socklen_t len = sizeof(got);
	CHECK(setsockopt(t, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) == 0);
	CHECK(getsockopt(t, SOL_SOCKET, SO_RCVTIMEO, &got, &len) == 0 && got.tv_sec == 0 &&
	      got.tv_usec == 500000);
	tv.tv_usec = 2000000;
	CHECK_ERR(setsockopt(t, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)), EDOM);
	CHECK_ERR(setsockopt(t, SOL_SOCKET, SO_REUSEADDR, &one, 2), EINVAL);
	close(t);
}

static void listening(void)
{
	int t = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in sin = {
		.sin_family = AF_INET, .sin_port = 0, .sin_addr.s_addr = htonl(INADDR_ANY)};
	CHECK(bind(t, (struct sockaddr *)&sin, sizeof(sin)) == 0);
	CHECK_ERR(bind(t, (struct sockaddr *)&sin, sizeof(sin)), EINVAL);
	socklen_t len = sizeof(sin);
	CHECK(getsockname(t, (struct sockaddr *)&sin, &len) == 0 && len == sizeof(sin));
	CHECK(sin.sin_family == AF_INET && ntohs(sin.sin_port) != 0);
	/* A second socket on the same port is refused. */
	int t2 = socket(AF_INET, SOCK_STREAM, 0);
	CHECK_ERR(bind(t2, (struct sockaddr *)&sin, sizeof(sin)), EADDRINUSE);
	close(t2);
	CHECK(listen(t, 16) == 0);
	CHECK(getint(t, SOL_SOCKET, SO_ACCEPTCONN) == 1);
	struct pollfd pfd = {t, POLLIN | POLLOUT, 0};
	CHECK(poll(&pfd, 1, 0) == 0);
	CHECK(fcntl(t, F_SETFL, fcntl(t, F_GETFL) | O_NONBLOCK) == 0);
	CHECK_ERR(accept(t, NULL, NULL), EAGAIN);
	int off = 0;
	CHECK(ioctl(t, FIONBIO, &off) == 0 && !(fcntl(t, F_GETFL) & O_NONBLOCK));
	struct timeval tv = {0, 100000};
	CHECK(setsockopt(t, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) == 0);
	CHECK_ERR(accept(t, NULL, NULL), EAGAIN); /* after 100 ms */
	/* musl's accept4 retries an EINVAL as accept (for old kernels): ask
	 * the kernel itself. */
	CHECK_ERR(syscall(SYS_accept4, t, NULL, NULL, 0x1234), EINVAL);
	close(t);
	/* A fresh stream socket polls writable and hung up, as on Linux. */
	int f = socket(AF_INET, SOCK_STREAM, 0);
	pfd = (struct pollfd){f, POLLIN | POLLOUT, 0};
	CHECK(poll(&pfd, 1, 0) == 1 && pfd.revents == (POLLOUT | POLLHUP));
	close(f);
	/* An unbound UDP socket: writable, nothing to read. */
	int u = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
	char c;
	CHECK_ERR(recv(u, &c, 1, 0), EAGAIN);
	int n = -1;
	CHECK(ioctl(u, FIONREAD, &n) == 0 && n == 0);
	close(u);
}

int run_checks(void)
{
	kinds_and_errors();
	pairs();
	options();
	listening();
	printf("checks: %d run, %d failed\n", checks_run, checks_failed);
	return checks_failed ? 1 : 0;
}
