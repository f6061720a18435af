/* httpreply: the smallest networked app worth measuring. An HTTP/1.1
 * server that answers every GET or HEAD with one page, as nginx answers
 * for its index.html: non-blocking sockets on epoll, edge-triggered
 * connections, keep-alive and pipelined requests, partial writes kept
 * for later. Malformed requests get 400 and a close; idle connections
 * are closed after a while, so half-open clients cannot pin memory.
 *
 *   httpreply [PORT [BODY_BYTES]]      (defaults: 80, 612)
 *
 * A line "stats" on stdin prints what is open and the free memory; any
 * other line stops it, and it prints its counts. */
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/sysinfo.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#define MAX_CONNS 1024
#define REQUEST_MAX 8192 /* a request head longer than this gets 431 */
#define IDLE_SECONDS 30
#define STDIN_ID MAX_CONNS
#define LISTEN_ID (MAX_CONNS + 1)

struct conn {
	int fd, id;
	char in[REQUEST_MAX]; /* received, not yet answered */
	size_t in_len;
	/* The reply being written: its head, then body_len - body_off bytes
	 * of the page. One reply at a time bounds a connection's memory,
	 * however many requests a client pipelines. */
	char head[256];
	size_t head_len, head_off, body_off, body_len;
	int closing; /* close once the reply is written */
	time_t last;
};

static struct conn *conns[MAX_CONNS];
static char *page;
static size_t page_len;
static unsigned long accepted, requests, bad_requests, idle_closed;

static time_t now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec;
}

static void reply(struct conn *c, int status, const char *reason, int body, int keep)
{
	size_t len = status == 200 ? page_len : 0;
	int n = snprintf(c->head, sizeof(c->head),
			 "HTTP/1.1 %d %s\r\nServer: httpreply\r\nContent-Type: text/html\r\n"
			 "Content-Length: %zu\r\n%s\r\n",
			 status, reason, len, keep ? "" : "Connection: close\r\n");
	c->head_len = (size_t)n;
	c->head_off = c->body_off = 0;
	c->body_len = body ? len : 0;
	c->closing = !keep;
}

/* Does the header block carry this header, with a value starting with
 * `value`? Names and values compare case-insensitively. */
static int has_header(const char *headers, const char *end, const char *name, const char *value)
{
	size_t nlen = strlen(name), vlen = strlen(value);
	for (const char *line = headers; line < end;) {
		const char *eol = memchr(line, '\n', (size_t)(end - line));
		if (!eol)
			eol = end;
		if ((size_t)(eol - line) > nlen && !strncasecmp(line, name, nlen) &&
		    line[nlen] == ':') {
			const char *v = line + nlen + 1;
			while (v < eol && (*v == ' ' || *v == '\t'))
				v++;
			if ((size_t)(eol - v) >= vlen && !strncasecmp(v, value, vlen))
				return 1;
		}
		line = eol + 1;
	}
	return 0;
}

static void refuse(struct conn *c, int status, const char *reason)
{
	bad_requests++;
	reply(c, status, reason, 1, 0);
}

/* Answers the first request in c->in if it is complete: 1 when a reply
 * is ready to write, 0 when more bytes are needed. */
static int serve_one(struct conn *c)
{
	char *head_end = memmem(c->in, c->in_len, "\r\n\r\n", 4);
	if (!head_end) {
		if (c->in_len < REQUEST_MAX)
			return 0;
		refuse(c, 431, "Request Header Fields Too Large");
		return 1;
	}
	char *line_end = memchr(c->in, '\r', (size_t)(head_end - c->in) + 1);
	const char *headers = line_end + 2, *headers_end = head_end + 2;
	char line[2048 + 64], method[16], target[2048], version[16];
	size_t line_len = (size_t)(line_end - c->in);
	int fields = 0;
	if (line_len < sizeof(line)) {
		memcpy(line, c->in, line_len);
		line[line_len] = 0;
		fields = sscanf(line, "%15s %2047s %15s", method, target, version);
	}
	size_t used = (size_t)(head_end + 4 - c->in);
	memmove(c->in, c->in + used, c->in_len - used);
	c->in_len -= used;
	int v11 = fields == 3 && !strcmp(version, "HTTP/1.1");
	if (line_len >= sizeof(line)) {
		refuse(c, 414, "URI Too Long");
	} else if (fields != 3 || (!v11 && strcmp(version, "HTTP/1.0")) || target[0] != '/') {
		refuse(c, 400, "Bad Request");
	} else if (has_header(headers, headers_end, "Transfer-Encoding", "") ||
		   (has_header(headers, headers_end, "Content-Length", "") &&
		    !has_header(headers, headers_end, "Content-Length", "0"))) {
		/* No request here has a body; one cannot be skipped unread. */
		refuse(c, 413, "Content Too Large");
	} else {
		int keep = v11 ? !has_header(headers, headers_end, "Connection", "close")
			       : has_header(headers, headers_end, "Connection", "keep-alive");
		int head = !strcmp(method, "HEAD");
		requests++;
		if (head || !strcmp(method, "GET"))
			reply(c, 200, "OK", !head, keep);
		else
			reply(c, 405, "Method Not Allowed", 1, keep);
	}
	return 1;
}

static int writing(const struct conn *c)
{
	return c->head_off < c->head_len || c->body_off < c->body_len;
}

/* Writes the reply; 0 when it is out or the socket is full, -1 when
 * the connection is done (an error, or closing and all written). */
static int flush(struct conn *c)
{
	while (writing(c)) {
		struct iovec iov[2] = {{c->head + c->head_off, c->head_len - c->head_off},
				       {page + c->body_off, c->body_len - c->body_off}};
		ssize_t n = writev(c->fd, iov, 2);
		if (n < 0)
			return errno == EAGAIN ? 0 : -1;
		size_t from_head = (size_t)n < iov[0].iov_len ? (size_t)n : iov[0].iov_len;
		c->head_off += from_head;
		c->body_off += (size_t)n - from_head;
	}
	return c->closing ? -1 : 0;
}

static void drop(struct conn *c)
{
	close(c->fd); /* which takes it out of the epoll set */
	conns[c->id] = NULL;
	free(c);
}

/* Edge-triggered: writes, answers and reads until the socket is full or
 * has nothing more; -1 when the connection is done. */
static int service(struct conn *c)
{
	c->last = now();
	for (;;) {
		if (flush(c) < 0)
			return -1;
		if (writing(c))
			return 0; /* the next EPOLLOUT edge brings us back */
		if (serve_one(c))
			continue; /* a pipelined request was waiting */
		ssize_t n = read(c->fd, c->in + c->in_len, REQUEST_MAX - c->in_len);
		if (n == 0)
			return -1; /* the client is done, and all it asked is answered */
		if (n < 0)
			return errno == EAGAIN ? 0 : -1;
		c->in_len += (size_t)n;
	}
}

static void accept_all(int listener, int ep)
{
	int fd;
	while ((fd = accept4(listener, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC)) >= 0) {
		int id = 0;
		while (id < MAX_CONNS && conns[id])
			id++;
		struct conn *c = id < MAX_CONNS ? calloc(1, sizeof(*c)) : NULL;
		if (!c) { /* full: the client sees the connection close */
			close(fd);
			continue;
		}
		int one = 1;
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		c->fd = fd;
		c->id = id;
		c->last = now();
		conns[id] = c;
		accepted++;
		struct epoll_event ev = {.events = EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET,
					 .data.u32 = (uint32_t)id};
		if (epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev)) {
			perror("httpreply: epoll_ctl");
			drop(c);
		}
	}
}

static void close_idle(void)
{
	static time_t checked;
	if (now() == checked)
		return; /* once a second is enough */
	checked = now();
	time_t limit = checked - IDLE_SECONDS;
	for (int id = 0; id < MAX_CONNS; id++)
		if (conns[id] && conns[id]->last < limit) {
			drop(conns[id]);
			idle_closed++;
		}
}

/* For soak tests: what is open now and the system's free memory (a
 * leak shows as free memory that does not come back). */
static void report(void)
{
	struct sysinfo si;
	unsigned open = 0;
	for (int id = 0; id < MAX_CONNS; id++)
		open += conns[id] != NULL;
	sysinfo(&si);
	printf("httpreply: %u open, %lu requests, %llu bytes free\n", open, requests,
	       (unsigned long long)si.freeram * si.mem_unit);
	fflush(stdout);
}

/* Reads stdin, which may come a few bytes at a time (a serial line),
 * and acts on whole lines: 0 at its end, 2 for a line that stops us,
 * 1 otherwise. */
static int command(void)
{
	static char line[64];
	static size_t len;
	ssize_t got = read(0, line + len, sizeof(line) - 1 - len);
	if (got <= 0)
		return got == 0 ? 0 : 1;
	len += (size_t)got;
	char *nl;
	while ((nl = memchr(line, '\n', len))) {
		*nl = 0;
		if (strcmp(line, "stats"))
			return 2;
		report();
		len -= (size_t)(nl + 1 - line);
		memmove(line, nl + 1, len);
	}
	if (len == sizeof(line) - 1) /* no command is this long: a stop */
		return 2;
	return 1;
}

static int listen_on(int port)
{
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0), one = 1;
	struct sockaddr_in sin = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
	if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    bind(fd, (struct sockaddr *)&sin, sizeof(sin)) || listen(fd, 511)) {
		perror("httpreply: listen");
		exit(1);
	}
	return fd;
}

static int number(const char *arg, long lo, long hi, const char *what)
{
	char *end;
	long v = strtol(arg, &end, 10);
	if (*arg && !*end && v >= lo && v <= hi)
		return (int)v;
	fprintf(stderr, "httpreply: %s '%s' is not a number %ld-%ld\n", what, arg, lo, hi);
	exit(2);
}

int main(int argc, char **argv)
{
	int port = argc > 1 ? number(argv[1], 1, 65535, "port") : 80;
	page_len = (size_t)(argc > 2 ? number(argv[2], 0, 64 << 20, "body size") : 612);
	page = malloc(page_len + 1);
	for (size_t i = 0; i < page_len; i++) /* a page a client can check */
		page[i] = "0123456789abcdefghijklmnopqrstuvwxyz\n"[i % 37];
	signal(SIGPIPE, SIG_IGN);
	int listener = listen_on(port);
	int ep = epoll_create1(EPOLL_CLOEXEC);
	struct epoll_event ev = {.events = EPOLLIN, .data.u32 = LISTEN_ID};
	epoll_ctl(ep, EPOLL_CTL_ADD, listener, &ev);
	ev.data.u32 = STDIN_ID;
	epoll_ctl(ep, EPOLL_CTL_ADD, 0, &ev); /* fails for a file: then only a kill stops it */
	printf("httpreply: serving %zu bytes on port %d\n", page_len, port);
	fflush(stdout);
	for (;;) {
		struct epoll_event evs[64];
		int n = epoll_wait(ep, evs, 64, 1000);
		if (n < 0 && errno != EINTR) {
			perror("httpreply: epoll_wait");
			return 1;
		}
		for (int i = 0; i < n; i++) {
			uint32_t id = evs[i].data.u32;
			if (id == LISTEN_ID) {
				accept_all(listener, ep);
			} else if (id == STDIN_ID) {
				int r = command();
				if (r == 0) /* no input at all (</dev/null): serve on */
					epoll_ctl(ep, EPOLL_CTL_DEL, 0, NULL);
				if (r == 2) {
					printf("httpreply: %lu connections, %lu requests, %lu bad, "
					       "%lu idle closed\n",
					       accepted, requests, bad_requests, idle_closed);
					return 0;
				}
			} else if (conns[id] && service(conns[id]) < 0) {
				drop(conns[id]);
			}
		}
		close_idle();
	}
}
