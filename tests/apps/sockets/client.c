/* A client of the host's echo server at 10.0.2.2:PORT (QEMU's user
 * network maps it to the host's 127.0.0.1): a blocking connect, 1 MiB
 * written while the echo is read back, then a file sent with sendfile(),
 * then half-close and the end of the echo; and a refused connection.
 * First, a corked send whose echo must come back once uncorked. */
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdlib.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>
#include "check.h"

#define PAYLOAD (1 << 20)
#define FILE_SIZE 300000

static unsigned char pattern(size_t i)
{
	return (unsigned char)(i * 31 + (i >> 12));
}

int run_client(int port)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in host = {.sin_family = AF_INET, .sin_port = htons(port)};
	inet_pton(AF_INET, "10.0.2.2", &host.sin_addr);
	/* main's first call: the kernel held main until DHCP answered
	 * (net.wait), or this fails with EHOSTUNREACH. */
	CHECK(connect(fd, (struct sockaddr *)&host, sizeof(host)) == 0);
	CHECK_ERR(connect(fd, (struct sockaddr *)&host, sizeof(host)), EISCONN);
	struct sockaddr_in me, peer;
	socklen_t len = sizeof(me);
	CHECK(getsockname(fd, (struct sockaddr *)&me, &len) == 0);
	CHECK(me.sin_addr.s_addr == inet_addr("10.0.2.15") && me.sin_port != 0);
	len = sizeof(peer);
	CHECK(getpeername(fd, (struct sockaddr *)&peer, &len) == 0);
	CHECK(peer.sin_addr.s_addr == host.sin_addr.s_addr && peer.sin_port == host.sin_port);

	/* TCP_CORK (nginx's tcp_nopush around a reply): a corked send may be
	 * held, and uncorking pushes it, so its echo comes back (a receive
	 * timeout turns a send that was never pushed into a failed check). */
	int one = 1, zero = 0;
	char corked[6] = "corked", back[6];
	struct timeval patience = {120, 0};
	CHECK(setsockopt(fd, IPPROTO_TCP, TCP_CORK, &one, sizeof(one)) == 0);
	CHECK(send(fd, corked, sizeof(corked), 0) == sizeof(corked));
	CHECK(setsockopt(fd, IPPROTO_TCP, TCP_CORK, &zero, sizeof(zero)) == 0);
	CHECK(setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &patience, sizeof(patience)) == 0);
	CHECK(recv(fd, back, sizeof(back), MSG_WAITALL) == sizeof(back) &&
	      !memcmp(back, corked, sizeof(back)));
	patience.tv_sec = 0;
	CHECK(setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &patience, sizeof(patience)) == 0);

	/* The file to send: in the ramfs /tmp. */
	int file = open("/tmp/payload", O_RDWR | O_CREAT | O_TRUNC, 0600);
	unsigned char *data = malloc(PAYLOAD + FILE_SIZE);
	for (size_t i = 0; i < PAYLOAD + FILE_SIZE; i++)
		data[i] = pattern(i);
	CHECK(write(file, data + PAYLOAD, FILE_SIZE) == FILE_SIZE);

	/* Write and read at once, non-blocking, so neither side's buffers
	 * can fill up and stall the other. */
	CHECK(fcntl(fd, F_SETFL, O_NONBLOCK) == 0);
	unsigned char *echo = malloc(PAYLOAD + FILE_SIZE);
	size_t sent = 0, got = 0, total = PAYLOAD + FILE_SIZE;
	off_t off = 0;
	int shut = 0;
	while (got < total) {
		struct pollfd p = {fd, POLLIN | (shut ? 0 : POLLOUT), 0};
		if (poll(&p, 1, -1) < 0)
			break;
		if (p.revents & POLLOUT) {
			ssize_t n;
			if (sent < PAYLOAD)
				n = send(fd, data + sent, PAYLOAD - sent, 0);
			else
				n = sendfile(fd, file, &off, (size_t)(FILE_SIZE - off));
			if (n > 0)
				sent += (size_t)n;
			else if (n < 0 && errno != EAGAIN)
				break;
			if (sent == total) {
				CHECK(shutdown(fd, SHUT_WR) == 0);
				shut = 1;
			}
		}
		if (p.revents & (POLLIN | POLLHUP)) {
			ssize_t n = recv(fd, echo + got, total - got, 0);
			if (n == 0)
				break;
			if (n > 0)
				got += (size_t)n;
			else if (errno != EAGAIN)
				break;
		}
	}
	CHECK(sent == total && got == total && !memcmp(data, echo, total));
	CHECK(off == FILE_SIZE);
	char c;
	CHECK(fcntl(fd, F_SETFL, 0) == 0);
	CHECK(recv(fd, &c, 1, 0) == 0); /* the host closed after echoing all */
	close(fd);
	close(file);
	printf("client: %zu bytes sent (%d by sendfile), %zu echoed intact\n", sent, FILE_SIZE,
	       got);

	/* Nothing listens one port up (the test keeps it free). */
	int r = socket(AF_INET, SOCK_STREAM, 0);
	host.sin_port = htons(port + 1);
	CHECK_ERR(connect(r, (struct sockaddr *)&host, sizeof(host)), ECONNREFUSED);
	close(r);
	printf("client: %d checks, %d failed\n", checks_run, checks_failed);
	return checks_failed ? 1 : 0;
}
