/* TCP and UDP echo on one port, every socket non-blocking and driven by
 * poll() or by epoll (edge-triggered for connections, as nginx does), as
 * an event-loop server is: accept4, readv, writev with partial writes
 * kept for later, recvfrom/sendto. A TCP client whose whole request is
 * "quit\n" stops it. Prints its counts. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/epoll.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>
#include "check.h"

#define MAX_CLIENTS 128
#define BUF 65536

struct client {
	int fd;
	char *buf;
	size_t head, len; /* bytes received, not yet echoed */
	int eof;
};

static struct client clients[MAX_CLIENTS];
static unsigned long accepted, tcp_bytes, datagrams, resets;

static int listen_on(int type, int port)
{
	int fd = socket(AF_INET, type | SOCK_NONBLOCK, 0), one = 1;
	struct sockaddr_in sin = {.sin_family = AF_INET, .sin_port = htons(port)};
	if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    bind(fd, (struct sockaddr *)&sin, sizeof(sin)) ||
	    (type == SOCK_STREAM && listen(fd, 511))) {
		perror("server: listen");
		exit(1);
	}
	return fd;
}

static void drop(struct client *c)
{
	close(c->fd);
	free(c->buf);
	c->fd = -1;
}

/* Echoes what is buffered; returns -1 when the client is gone. */
static int flush(struct client *c)
{
	while (c->len) {
		size_t first = BUF - c->head < c->len ? BUF - c->head : c->len;
		struct iovec iov[2] = {{c->buf + c->head, first}, {c->buf, c->len - first}};
		ssize_t n = writev(c->fd, iov, 2);
		if (n < 0)
			return errno == EAGAIN ? 0 : -1;
		c->head = (c->head + (size_t)n) % BUF;
		c->len -= (size_t)n;
		tcp_bytes += (size_t)n;
	}
	if (c->eof) /* all echoed and the client is done sending */
		return -1;
	return 0;
}

/* Reads what fits; returns 1 for "quit", -1 when the client is gone. */
static int fill(struct client *c)
{
	while (c->len < BUF && !c->eof) {
		size_t tail = (c->head + c->len) % BUF;
		size_t room = BUF - c->len;
		size_t first = BUF - tail < room ? BUF - tail : room;
		struct iovec iov[2] = {{c->buf + tail, first}, {c->buf, room - first}};
		ssize_t n = readv(c->fd, iov, 2);
		if (n < 0) {
			if (errno == EAGAIN)
				break;
			if (errno == ECONNRESET)
				resets++;
			return -1;
		}
		if (n == 0)
			c->eof = 1;
		c->len += (size_t)n;
		if (c->len == 5 && c->head == 0 && !memcmp(c->buf, "quit\n", 5))
			return 1;
	}
	return 0;
}

static void accept_all(int tcp, int ep)
{
	int fd;
	while ((fd = accept4(tcp, NULL, NULL, SOCK_NONBLOCK)) >= 0) {
		int i = 0;
		while (i < MAX_CLIENTS && clients[i].fd >= 0)
			i++;
		if (i == MAX_CLIENTS) {
			close(fd);
			continue;
		}
		int one = 1;
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		clients[i] = (struct client){fd, malloc(BUF), 0, 0, 0};
		accepted++;
		if (ep >= 0) {
			struct epoll_event ev = {.events =
							 EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET,
						 .data.u32 = (uint32_t)i};
			if (epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev))
				perror("server: epoll_ctl");
		}
	}
}

static void echo_datagrams(int udp)
{
	char d[2048];
	struct sockaddr_in from;
	socklen_t len;
	ssize_t k;
	while (len = sizeof(from),
	       (k = recvfrom(udp, d, sizeof(d), 0, (struct sockaddr *)&from, &len)) >= 0) {
		sendto(udp, d, (size_t)k, 0, (struct sockaddr *)&from, len);
		datagrams++;
	}
}

static void report(void)
{
	printf("server: %lu connections, %lu bytes echoed, %lu datagrams, %lu resets\n", accepted,
	       tcp_bytes, datagrams, resets);
}

/* Edge-triggered: read and write until EAGAIN, as long as either moves.
 * 1: "quit"; -1: the client is gone. */
static int service(struct client *c)
{
	for (;;) {
		int r = fill(c);
		if (r)
			return r;
		size_t full = c->len == BUF, before = c->len;
		if (flush(c) < 0)
			return -1;
		/* Reading stopped at a full buffer and writing made room: read
		 * on, for no edge will say the data is still there. */
		if (!full || c->len == before)
			return 0;
	}
}

static int run_epoll(int tcp, int udp)
{
	int ep = epoll_create1(EPOLL_CLOEXEC);
	struct epoll_event ev = {.events = EPOLLIN, .data.u32 = MAX_CLIENTS};
	epoll_ctl(ep, EPOLL_CTL_ADD, tcp, &ev);
	ev.data.u32 = MAX_CLIENTS + 1;
	epoll_ctl(ep, EPOLL_CTL_ADD, udp, &ev);
	for (;;) {
		struct epoll_event evs[32];
		int n = epoll_wait(ep, evs, 32, -1);
		if (n < 0) {
			perror("server: epoll_wait");
			return 1;
		}
		for (int j = 0; j < n; j++) {
			uint32_t id = evs[j].data.u32;
			if (id == MAX_CLIENTS) {
				accept_all(tcp, ep);
				continue;
			}
			if (id == MAX_CLIENTS + 1) {
				echo_datagrams(udp);
				continue;
			}
			struct client *c = &clients[id];
			if (c->fd < 0)
				continue;
			int r = service(c);
			if (r == 1) {
				drop(c);
				report();
				return 0;
			}
			if (r < 0)
				drop(c); /* closing the file takes it out of the set */
		}
	}
}

int run_server(int port, int use_epoll)
{
	int tcp = listen_on(SOCK_STREAM, port), udp = listen_on(SOCK_DGRAM, port);
	for (int i = 0; i < MAX_CLIENTS; i++)
		clients[i].fd = -1;
	printf("server: listening on %d%s\n", port, use_epoll ? " (epoll)" : "");
	fflush(stdout);
	if (use_epoll)
		return run_epoll(tcp, udp);
	for (;;) {
		struct pollfd pfd[MAX_CLIENTS + 2];
		int map[MAX_CLIENTS + 2], n = 0;
		pfd[n++] = (struct pollfd){tcp, POLLIN, 0};
		pfd[n++] = (struct pollfd){udp, POLLIN, 0};
		for (int i = 0; i < MAX_CLIENTS; i++) {
			struct client *c = &clients[i];
			if (c->fd < 0)
				continue;
			short ev = (c->len < BUF && !c->eof ? POLLIN : 0) | (c->len ? POLLOUT : 0);
			map[n] = i;
			pfd[n++] = (struct pollfd){c->fd, ev, 0};
		}
		if (poll(pfd, n, -1) < 0) {
			perror("server: poll");
			return 1;
		}
		if (pfd[0].revents & POLLIN) {
			int fd;
			while ((fd = accept4(tcp, NULL, NULL, SOCK_NONBLOCK)) >= 0) {
				int i = 0;
				while (i < MAX_CLIENTS && clients[i].fd >= 0)
					i++;
				if (i == MAX_CLIENTS) {
					close(fd);
					continue;
				}
				int one = 1;
				setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
				clients[i] = (struct client){fd, malloc(BUF), 0, 0, 0};
				accepted++;
			}
		}
		if (pfd[1].revents & POLLIN) {
			char d[2048];
			struct sockaddr_in from;
			socklen_t len;
			ssize_t k;
			while (len = sizeof(from),
			       (k = recvfrom(udp, d, sizeof(d), 0, (struct sockaddr *)&from,
					     &len)) >= 0) {
				sendto(udp, d, (size_t)k, 0, (struct sockaddr *)&from, len);
				datagrams++;
			}
		}
		for (int j = 2; j < n; j++) {
			struct client *c = &clients[map[j]];
			if (!pfd[j].revents)
				continue;
			int r = fill(c);
			if (r == 1) {
				drop(c);
				printf("server: %lu connections, %lu bytes echoed, %lu datagrams, "
				       "%lu "
				       "resets\n",
				       accepted, tcp_bytes, datagrams, resets);
				return 0;
			}
			if (r < 0 || flush(c) < 0)
				drop(c);
		}
	}
}
