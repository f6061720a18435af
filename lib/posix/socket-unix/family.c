/* posix-socket-unix: the AF_UNIX family. Each socket is one end; a pair
 * made by socketpair points each end at the other, and a write lands in
 * the peer's queue. Stream sockets only: Linux's datagram and
 * seqpacket types answer ESOCKTNOSUPPORT here. */
#include <kn/alloc.h>
#include <kn/errno.h>
#include "unix.h"

static void unix_close(struct kn_socket *s);

static const struct kn_socket_ops stream_ops = {
	.bind = kn_unix_bind,
	.listen = kn_unix_listen,
	.accept = kn_unix_accept,
	.connect = kn_unix_connect,
	.send = kn_unix_send,
	.recv = kn_unix_recv,
	.shutdown = kn_unix_shutdown,
	.name = kn_unix_name,
	.setopt = kn_unix_setopt,
	.getopt = kn_unix_getopt,
	.poll = kn_unix_poll,
	.nread = kn_unix_nread,
	.close = unix_close,
};

/* Linux's checks, protocol first: 0 or PF_UNIX. */
static int check(int type, int protocol)
{
	if (protocol && protocol != KN_AF_UNIX)
		return -KN_EPROTONOSUPPORT;
	return type == KN_SOCK_STREAM ? 0 : -KN_ESOCKTNOSUPPORT;
}

static struct kn_unix_end *end_new(void)
{
	struct kn_unix_end *u = kn_calloc(1, sizeof(*u));
	if (!u)
		return NULL;
	u->s.ops = &stream_ops;
	u->s.priv = u;
	kn_unix_options_init(u);
	return u;
}

/* socket(AF_UNIX, SOCK_STREAM): an end with no peer, which nothing can
 * connect to yet (no named sockets). */
static int unix_create(int type, int protocol, struct kn_socket **out)
{
	int r = check(type, protocol);
	if (r)
		return r;
	struct kn_unix_end *u = end_new();
	if (!u)
		return -KN_ENOMEM;
	*out = &u->s;
	return 0;
}

static int unix_pair(int type, int protocol, struct kn_socket *out[2])
{
	int r = check(type, protocol);
	if (r)
		return r;
	struct kn_unix_end *a = end_new(), *b = a ? end_new() : NULL;
	if (!b) {
		kn_free(a);
		return -KN_ENOMEM;
	}
	a->peer = b;
	b->peer = a;
	a->connected = b->connected = 1;
	out[0] = &a->s;
	out[1] = &b->s;
	return 0;
}

/* The last file of an end closed. Linux's rules for the peer: no more
 * reads past its queue, no more writes, and ECONNRESET if this end
 * dropped data it never read. */
static void unix_close(struct kn_socket *s)
{
	struct kn_unix_end *u = kn_unix_of(s), *p = u->peer;
	if (p) {
		p->peer = NULL;
		p->shut = KN_UNIX_SHUT_BOTH;
		if (u->queued)
			p->err = KN_ECONNRESET;
		kn_socket_wake(&p->s, 0);
	}
	kn_unix_drop_queue(u);
	kn_free(u);
}

KN_SOCKET_FAMILY(kn_unix_family) = {
	.domain = KN_AF_UNIX,
	.create = unix_create,
	.pair = unix_pair,
};
