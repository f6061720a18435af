/* The stream data path: bytes go into the peer's queue of chunks, up to
 * the writer's SO_SNDBUF in flight (Linux charges a stream writer for
 * what its peer has not read yet), and readiness as Linux's unix_poll. */
#include <kn/alloc.h>
#include <kn/errno.h>
#include <kn/uapi/poll.h>
#include "unix.h"

#define POLLRDHUP 0x2000
#define READABLE (KN_POLLIN | KN_POLLRDNORM)
/* The keys of Linux's wakes: data arrived, room freed. */
#define DATA_KEY (KN_POLLIN | KN_POLLPRI | KN_POLLRDNORM | KN_POLLRDBAND)
#define ROOM_KEY (KN_POLLOUT | KN_POLLWRNORM | KN_POLLWRBAND)
/* What a write costs its writer besides its bytes, as Linux charges an
 * sk_buff's bookkeeping: a byte at a time cannot queue a million chunks. */
#define CHUNK_COST 256

static size_t iov_total(const struct kn_iovec *iov, int cnt)
{
	size_t n = 0;
	for (int i = 0; i < cnt; i++)
		n += iov[i].iov_len;
	return n;
}

/* Linux's unix_writable: a quarter of SO_SNDBUF or less in flight. */
static int writable(struct kn_unix_end *u)
{
	return !u->peer || u->peer->charged * 4 <= (size_t)u->sndbuf;
}

/* Appends n bytes gathered from iov to u's queue as one chunk. */
static int enqueue(struct kn_unix_end *u, const struct kn_iovec *iov, int cnt, size_t n)
{
	struct kn_unix_chunk *c = kn_malloc(sizeof(*c) + n);
	if (!c)
		return -KN_ENOMEM;
	c->next = NULL;
	c->len = n;
	c->off = 0;
	size_t done = 0;
	for (int i = 0; i < cnt && done < n; i++) {
		size_t k = iov[i].iov_len < n - done ? iov[i].iov_len : n - done;
		__builtin_memcpy(c->data + done, iov[i].iov_base, k);
		done += k;
	}
	if (u->tail)
		u->tail->next = c;
	else
		u->head = c;
	u->tail = c;
	u->queued += n;
	u->charged += n + CHUNK_COST;
	return 0;
}

long kn_unix_send(struct kn_socket *s, const struct kn_iovec *iov, int cnt, int flags,
		  const void *addr, unsigned alen)
{
	struct kn_unix_end *u = kn_unix_of(s);
	if (flags & KN_MSG_OOB)
		return -KN_EOPNOTSUPP;
	if (alen)
		return u->connected ? -KN_EISCONN : -KN_EOPNOTSUPP;
	if (!u->connected)
		return -KN_ENOTCONN;
	if (u->shut & KN_UNIX_SHUT_WR) /* also once the peer closed */
		return -KN_EPIPE;
	size_t n = iov_total(iov, cnt);
	if (!n)
		return 0;
	struct kn_unix_end *p = u->peer;
	if (p->charged >= (size_t)u->sndbuf)
		return -KN_EAGAIN;
	if (n > u->sndbuf - p->charged)
		n = u->sndbuf - p->charged;
	int r = enqueue(p, iov, cnt, n);
	if (r)
		return r;
	kn_socket_wake(&p->s, DATA_KEY);
	return (long)n;
}

/* Copies up to the iovs' room from u's queue; consumes it unless peek.
 * *freed: whether a whole chunk went (the writer's room grew). */
static size_t dequeue(struct kn_unix_end *u, const struct kn_iovec *iov, int cnt, int peek,
		      int *freed)
{
	struct kn_unix_chunk *c = u->head;
	size_t off = c ? c->off : 0, done = 0;
	for (int i = 0; i < cnt && c; i++) {
		char *dst = iov[i].iov_base;
		size_t room = iov[i].iov_len;
		while (room && c) {
			size_t m = c->len - off < room ? c->len - off : room;
			__builtin_memcpy(dst, c->data + off, m);
			dst += m;
			room -= m;
			done += m;
			off += m;
			if (off == c->len) {
				struct kn_unix_chunk *next = c->next;
				if (!peek) {
					u->charged -= c->len + CHUNK_COST;
					kn_free(c);
					*freed = 1;
				}
				c = next;
				off = c ? c->off : 0;
			}
		}
	}
	if (!peek) {
		u->head = c;
		if (c)
			c->off = off;
		else
			u->tail = NULL;
		u->queued -= done;
	}
	return done;
}

long kn_unix_recv(struct kn_socket *s, const struct kn_iovec *iov, int cnt, int flags, void *addr,
		  unsigned *alen)
{
	struct kn_unix_end *u = kn_unix_of(s);
	if (flags & KN_MSG_OOB)
		return -KN_EINVAL;
	if (!u->connected)
		return -KN_EINVAL;
	if (alen)
		*alen = 0; /* an unnamed sender: no address, as Linux */
	if (!u->queued) {
		/* Linux's order once the queue is empty: the pending error
		 * (once), then end of file. */
		if (u->err) {
			int err = u->err;
			u->err = 0;
			return -err;
		}
		if (u->shut & KN_UNIX_SHUT_RD)
			return 0;
		return -KN_EAGAIN;
	}
	int freed = 0;
	size_t done = dequeue(u, iov, cnt, flags & KN_MSG_PEEK, &freed);
	/* Linux wakes writers when a whole write is gone, if that made
	 * room enough. */
	if (freed && u->peer && writable(u->peer))
		kn_socket_wake(&u->peer->s, ROOM_KEY);
	return (long)done;
}

int kn_unix_shutdown(struct kn_socket *s, int how)
{
	struct kn_unix_end *u = kn_unix_of(s);
	unsigned mode = (unsigned)how + 1;
	u->shut |= mode;
	kn_socket_wake(s, 0);
	if (u->peer) {
		/* The peer sees the mirror image: our SHUT_WR is its end of
		 * file, our SHUT_RD its broken pipe. */
		unsigned mirror = (mode & KN_UNIX_SHUT_RD ? KN_UNIX_SHUT_WR : 0) |
				  (mode & KN_UNIX_SHUT_WR ? KN_UNIX_SHUT_RD : 0);
		u->peer->shut |= mirror;
		kn_socket_wake(&u->peer->s, 0);
	}
	return 0;
}

unsigned kn_unix_poll(struct kn_socket *s)
{
	struct kn_unix_end *u = kn_unix_of(s);
	unsigned mask = 0;
	if (u->err)
		mask |= KN_POLLERR;
	if (u->shut == KN_UNIX_SHUT_BOTH || !u->connected)
		mask |= KN_POLLHUP;
	if (u->shut & KN_UNIX_SHUT_RD)
		mask |= POLLRDHUP | READABLE;
	if (u->queued)
		mask |= READABLE;
	if (writable(u))
		mask |= KN_POLLOUT | KN_POLLWRNORM | KN_POLLWRBAND;
	return mask;
}

long kn_unix_nread(struct kn_socket *s)
{
	return (long)kn_unix_of(s)->queued;
}

void kn_unix_drop_queue(struct kn_unix_end *u)
{
	for (struct kn_unix_chunk *c = u->head, *next; c; c = next) {
		next = c->next;
		kn_free(c);
	}
	u->head = u->tail = NULL;
	u->queued = u->charged = 0;
}
