/* AF_INET sockets on lwIP's raw API, registered with posix-socket when
 * the image has it. lwIP's callbacks run on the net thread and only
 * record what happened and wake the socket; the operations run in the
 * caller's thread, never block (posix-socket waits), and kick the net
 * thread after calls that may start lwIP timers. Linux's constants and
 * errors at the boundary, lwIP's inside. */
#include <kn/config.h>
#ifdef CONFIG_HAVE_POSIX_SOCKET
#include <kn/alloc.h>
#include <kn/errno.h>
#include <kn/socket.h>
#include <kn/uapi/poll.h>
#include "lwip/priv/tcp_priv.h" /* TCP_KEEP*_DEFAULT */
#include "lwip/tcp.h"
#include "lwip/udp.h"
#include "internal.h"

#define POLLRDHUP 0x2000
#define UDP_QUEUE_MAX 256
#define UDP_PAYLOAD_MAX 65507
#define SOMAXCONN 4096

/* Socket states (lwIP has its own TCP states, named without S_). */
enum { S_NEW, S_LISTENING, S_CONNECTING, S_CONNECTED, S_CLOSED };

struct dgram {
	struct dgram *next;
	struct pbuf *p;
	ip_addr_t addr;
	u16_t port;
};

struct lsock {
	struct kn_socket s;
	int state;
	int err;      /* an error to report once (Linux errno, positive) */
	int reported; /* connect's outcome was reported */
	int peer_closed, shut_rd, shut_wr;
	int linger_abort; /* SO_LINGER on with 0 s: reset on close */
	int rcvbuf, sndbuf;
	/* TCP_CORK: sends queue without pushing; lwIP still sends what an
	 * arriving ACK or a full send buffer lets go (Linux, too, sends full
	 * frames while corked), and uncorking pushes the rest. */
	int cork;
	/* A send failed for want of lwIP's shared segments or memory, not
	 * of this socket's buffer: the next segment freed anywhere wakes it
	 * (its own sends may have nothing in flight to free). */
	int mem_wait;
	struct lsock *next_mem_wait;
	struct tcp_pcb *tcp;
	struct udp_pcb *udp;
	/* TCP: received, unread (rx_off bytes of the first pbuf read):
	 * a chain counted here, as its tot_len (16 bits) cannot count a
	 * window above 64 KiB. */
	struct pbuf *rx, *rx_last;
	u16_t rx_off;
	size_t rx_len;
	/* Listening: connections not accepted yet. */
	struct lsock *queue, *next;
	int backlog;
	/* UDP: datagrams not read yet. */
	struct dgram *dq_head, *dq_tail;
	int dq_count;
};

static const struct kn_socket_ops tcp_ops, udp_ops;

static struct lsock *of(struct kn_socket *s)
{
	return (struct lsock *)s;
}

static void wake(struct lsock *ls, unsigned key)
{
	kn_socket_wake(&ls->s, key);
}

static int errno_of(err_t err)
{
	switch (err) {
	case ERR_MEM: return KN_ENOMEM;
	case ERR_BUF: return KN_ENOBUFS;
	case ERR_TIMEOUT: return KN_ETIMEDOUT;
	case ERR_RTE: return KN_EHOSTUNREACH;
	case ERR_INPROGRESS: return KN_EINPROGRESS;
	case ERR_WOULDBLOCK: return KN_EAGAIN;
	case ERR_USE: return KN_EADDRINUSE;
	case ERR_ALREADY: return KN_EALREADY;
	case ERR_ISCONN: return KN_EISCONN;
	case ERR_CONN: return KN_ENOTCONN;
	case ERR_IF: return KN_ENETDOWN;
	case ERR_ABRT: return KN_ECONNABORTED;
	case ERR_RST: return KN_ECONNRESET;
	case ERR_CLSD: return KN_ENOTCONN;
	default: return KN_EINVAL;
	}
}

static struct lsock *lsock_new(const struct kn_socket_ops *ops)
{
	struct lsock *ls = kn_calloc(1, sizeof(*ls));
	if (!ls)
		return NULL;
	ls->s.ops = ops;
	ls->s.priv = ls;
	return ls;
}

/* sockaddr_in in, as Linux checks it. */
static int addr_from(const void *addr, unsigned len, ip_addr_t *ip, u16_t *port)
{
	const struct kn_sockaddr_in *sin = addr;
	if (len < sizeof(*sin))
		return -KN_EINVAL;
	if (sin->sin_family != KN_AF_INET)
		return -KN_EAFNOSUPPORT;
	ip_addr_set_ip4_u32(ip, sin->sin_addr);
	*port = lwip_ntohs(sin->sin_port);
	return 0;
}

/* sockaddr_in out, cut to the room the caller gave. */
static void addr_to(void *addr, unsigned *alen, const ip_addr_t *ip, u16_t port)
{
	struct kn_sockaddr_in sin = {KN_AF_INET, lwip_htons(port), ip_addr_get_ip4_u32(ip), {0}};
	unsigned n = *alen < sizeof(sin) ? *alen : sizeof(sin);
	__builtin_memcpy(addr, &sin, n);
	*alen = sizeof(sin);
}

/* ---- TCP: lwIP's callbacks (net thread) ---- */

static err_t on_recv(void *arg, struct tcp_pcb *pcb, struct pbuf *p, err_t err)
{
	struct lsock *ls = arg;
	if (!p) {
		ls->peer_closed = 1;
		wake(ls, KN_POLLIN | KN_POLLRDNORM | POLLRDHUP);
		return ERR_OK;
	}
	if (ls->rx)
		ls->rx_last->next = p; /* p's reference passes to the chain */
	else
		ls->rx = p;
	for (;; p = p->next) {
		ls->rx_len += p->len;
		if (!p->next)
			break;
	}
	ls->rx_last = p;
	wake(ls, KN_POLLIN | KN_POLLRDNORM);
	return ERR_OK;
}

static struct lsock *mem_waiters;

static void mem_wait_add(struct lsock *ls)
{
	if (ls->mem_wait)
		return;
	ls->mem_wait = 1;
	ls->next_mem_wait = mem_waiters;
	mem_waiters = ls;
}

static void mem_wait_remove(struct lsock *ls)
{
	for (struct lsock **p = &mem_waiters; *p; p = &(*p)->next_mem_wait)
		if (*p == ls) {
			*p = ls->next_mem_wait;
			break;
		}
	ls->mem_wait = 0;
}

/* Segments came free (acknowledged, or their connection gone): whoever
 * waited for them may send again. */
static void mem_waiters_wake(void)
{
	while (mem_waiters) {
		struct lsock *ls = mem_waiters;
		mem_waiters = ls->next_mem_wait;
		ls->mem_wait = 0;
		wake(ls, KN_POLLOUT | KN_POLLWRNORM);
	}
}

static err_t on_sent(void *arg, struct tcp_pcb *pcb, u16_t len)
{
	wake(arg, KN_POLLOUT | KN_POLLWRNORM);
	mem_waiters_wake();
	return ERR_OK;
}

/* The pcb is gone already when this runs. */
static void on_err(void *arg, err_t err)
{
	struct lsock *ls = arg;
	ls->err = ls->state == S_CONNECTING && err == ERR_RST    ? KN_ECONNREFUSED
		  : ls->state == S_CONNECTING && err == ERR_ABRT ? KN_ETIMEDOUT
								 : errno_of(err);
	ls->tcp = NULL;
	ls->state = S_CLOSED;
	wake(ls, 0);
	mem_waiters_wake();
}

static err_t on_connected(void *arg, struct tcp_pcb *pcb, err_t err)
{
	struct lsock *ls = arg;
	ls->state = S_CONNECTED;
	wake(ls, 0);
	return ERR_OK;
}

static void attach(struct lsock *ls, struct tcp_pcb *pcb)
{
	ls->tcp = pcb;
	tcp_arg(pcb, ls);
	tcp_recv(pcb, on_recv);
	tcp_sent(pcb, on_sent);
	tcp_err(pcb, on_err);
}

static void detach(struct tcp_pcb *pcb)
{
	tcp_arg(pcb, NULL);
	tcp_recv(pcb, NULL);
	tcp_sent(pcb, NULL);
	tcp_err(pcb, NULL);
}

static err_t on_accept(void *arg, struct tcp_pcb *pcb, err_t err)
{
	struct lsock *ls = arg;
	if (err != ERR_OK || !pcb)
		return ERR_VAL;
	struct lsock *conn = lsock_new(&tcp_ops);
	if (!conn) { /* no memory: refuse it */
		tcp_abort(pcb);
		return ERR_ABRT;
	}
	/* It counts against the backlog until accept() takes it: beyond
	 * the backlog, lwIP ignores new SYNs and peers try again later, as
	 * with Linux's full queue (a reset would fail them). */
	tcp_backlog_delayed(pcb);
	conn->state = S_CONNECTED;
	conn->reported = 1;
	attach(conn, pcb);
	struct lsock **tail = &ls->queue;
	while (*tail)
		tail = &(*tail)->next;
	*tail = conn;
	wake(ls, KN_POLLIN | KN_POLLRDNORM);
	return ERR_OK;
}

/* ---- TCP operations (the caller's thread) ---- */

static int tcp_bind_op(struct kn_socket *s, const void *addr, unsigned len)
{
	struct lsock *ls = of(s);
	ip_addr_t ip;
	u16_t port;
	int r = addr_from(addr, len, &ip, &port);
	if (r)
		return r;
	if (!ls->tcp || ls->state != S_NEW || ls->tcp->local_port)
		return -KN_EINVAL;
	err_t err = tcp_bind(ls->tcp, &ip, port);
	return err == ERR_OK ? 0 : -errno_of(err);
}

/* As Linux's, a queue holds one more than the backlog; lwIP counts in 8
 * bits. */
static u8_t lwip_backlog(int backlog)
{
	return (u8_t)(backlog < 254 ? backlog + 1 : 255);
}

static int tcp_listen_op(struct kn_socket *s, int backlog)
{
	struct lsock *ls = of(s);
	if (ls->state == S_LISTENING) {
		ls->backlog = backlog < 0 || backlog > SOMAXCONN ? SOMAXCONN : backlog;
		((struct tcp_pcb_listen *)ls->tcp)->backlog = lwip_backlog(ls->backlog);
		return 0;
	}
	if (ls->state != S_NEW || !ls->tcp)
		return -KN_EINVAL;
	if (!ls->tcp->local_port && tcp_bind(ls->tcp, IP_ANY_TYPE, 0) != ERR_OK)
		return -KN_EADDRINUSE;
	ls->backlog = backlog < 0 || backlog > SOMAXCONN ? SOMAXCONN : backlog;
	struct tcp_pcb *lpcb = tcp_listen_with_backlog(ls->tcp, lwip_backlog(ls->backlog));
	if (!lpcb)
		return -KN_ENOBUFS;
	ls->tcp = lpcb;
	ls->state = S_LISTENING;
	tcp_arg(lpcb, ls);
	tcp_accept(lpcb, on_accept);
	return 0;
}

static int tcp_accept_op(struct kn_socket *s, struct kn_socket **out)
{
	struct lsock *ls = of(s);
	if (ls->state != S_LISTENING)
		return -KN_EINVAL;
	struct lsock *conn = ls->queue;
	if (!conn)
		return -KN_EAGAIN;
	ls->queue = conn->next;
	conn->next = NULL;
	if (conn->tcp)
		tcp_backlog_accepted(conn->tcp);
	*out = &conn->s;
	return 0;
}

static int tcp_connect_op(struct kn_socket *s, const void *addr, unsigned len)
{
	struct lsock *ls = of(s);
	if (!addr) { /* posix-socket asking how it goes */
		if (ls->state == S_CONNECTING)
			return -KN_EALREADY;
		if (ls->err) {
			int err = ls->err;
			ls->err = 0;
			return -err;
		}
		ls->reported = 1;
		return ls->state == S_CONNECTED ? 0 : -KN_ECONNABORTED;
	}
	switch (ls->state) {
	case S_CONNECTING: return -KN_EALREADY;
	case S_CONNECTED:
		if (!ls->reported) {
			ls->reported = 1;
			return 0;
		}
		return -KN_EISCONN;
	case S_LISTENING: return -KN_EINVAL;
	case S_CLOSED:
		if (ls->err) {
			int err = ls->err;
			ls->err = 0;
			return -err;
		}
		return -KN_EINVAL;
	}
	ip_addr_t ip;
	u16_t port;
	int r = addr_from(addr, len, &ip, &port);
	if (r)
		return r;
	err_t err = tcp_connect(ls->tcp, &ip, port, on_connected);
	if (err != ERR_OK)
		return -errno_of(err);
	ls->state = S_CONNECTING;
	kn_net_kick();
	return -KN_EINPROGRESS;
}

static long tcp_send_op(struct kn_socket *s, const struct kn_iovec *iov, int cnt, int flags,
			const void *addr, unsigned alen)
{
	struct lsock *ls = of(s);
	if (ls->err) {
		int err = ls->err;
		ls->err = 0;
		return -err;
	}
	if (ls->state == S_CONNECTING)
		return -KN_EAGAIN; /* sends once connected, as Linux's waits */
	/* Never connected, closed, or shut down for writing: Linux's EPIPE. */
	if (ls->shut_wr || ls->state != S_CONNECTED)
		return -KN_EPIPE;
	size_t done = 0;
	for (int i = 0; i < cnt; i++) {
		const char *p = iov[i].iov_base;
		size_t left = iov[i].iov_len;
		while (left) {
			u16_t room = tcp_sndbuf(ls->tcp);
			if (!room || tcp_sndqueuelen(ls->tcp) >= TCP_SND_QUEUELEN)
				goto out;
			u16_t n = (u16_t)(left < room ? left : room);
			u8_t more = (n < left || i + 1 < cnt) ? TCP_WRITE_FLAG_MORE : 0;
			if (tcp_write(ls->tcp, p, n, TCP_WRITE_FLAG_COPY | more) != ERR_OK) {
				if (!done)
					mem_wait_add(ls);
				goto out;
			}
			p += n;
			left -= n;
			done += n;
		}
	}
out:
	if (!done)
		return -KN_EAGAIN;
	if (ls->cork && tcp_sndbuf(ls->tcp) && tcp_sndqueuelen(ls->tcp) < TCP_SND_QUEUELEN)
		return (long)done; /* corked with room left: hold it */
	tcp_output(ls->tcp);
	kn_net_kick();
	return (long)done;
}

static long rx_bytes(struct lsock *ls)
{
	return (long)ls->rx_len;
}

static long tcp_recv_op(struct kn_socket *s, const struct kn_iovec *iov, int cnt, int flags,
			void *addr, unsigned *alen)
{
	struct lsock *ls = of(s);
	if (!ls->rx || ls->shut_rd) {
		if (ls->err) {
			int err = ls->err;
			ls->err = 0;
			return -err;
		}
		if (ls->peer_closed || ls->shut_rd || ls->state == S_CLOSED)
			return 0;
		if (ls->state != S_CONNECTED)
			return -KN_ENOTCONN;
		return -KN_EAGAIN;
	}
	size_t done = 0;
	u16_t off = ls->rx_off;
	struct pbuf *p = ls->rx;
	for (int i = 0; i < cnt && p; i++) {
		size_t want = iov[i].iov_len, got = 0;
		while (want > got && p) {
			size_t avail = (size_t)(p->len - off);
			u16_t n = (u16_t)(avail < want - got ? avail : want - got);
			__builtin_memcpy((char *)iov[i].iov_base + got, (char *)p->payload + off,
					 n);
			got += n;
			off += n;
			if (off == p->len) {
				p = p->next;
				off = 0;
			}
		}
		done += got;
	}
	if (flags & KN_MSG_PEEK)
		return (long)done;
	/* Drop what was read, then open the window by as much. */
	while (ls->rx != p) {
		struct pbuf *first = ls->rx;
		ls->rx = first->next;
		if (ls->rx)
			pbuf_ref(ls->rx);
		pbuf_free(first);
	}
	ls->rx_off = off;
	ls->rx_len -= done;
	if (ls->tcp) {
		for (size_t left = done; left;) {
			u16_t n = (u16_t)(left < 0xffff ? left : 0xffff);
			tcp_recved(ls->tcp, n);
			left -= n;
		}
		kn_net_kick();
	}
	return (long)done;
}

static int tcp_shutdown_op(struct kn_socket *s, int how)
{
	struct lsock *ls = of(s);
	if (ls->state != S_CONNECTED)
		return -KN_ENOTCONN;
	if (how != KN_SHUT_WR)
		ls->shut_rd = 1;
	if (how != KN_SHUT_RD && !ls->shut_wr) {
		ls->shut_wr = 1;
		tcp_shutdown(ls->tcp, 0, 1);
		kn_net_kick();
	}
	wake(ls, 0);
	return 0;
}

static int tcp_name_op(struct kn_socket *s, void *addr, unsigned *alen, int peer)
{
	struct lsock *ls = of(s);
	if (peer && ls->state != S_CONNECTED)
		return -KN_ENOTCONN;
	if (!ls->tcp) {
		ip_addr_t any = *IP_ADDR_ANY;
		addr_to(addr, alen, &any, 0);
		return 0;
	}
	if (peer)
		addr_to(addr, alen, &ls->tcp->remote_ip, ls->tcp->remote_port);
	else
		addr_to(addr, alen, &ls->tcp->local_ip, ls->tcp->local_port);
	return 0;
}

static unsigned tcp_poll_op(struct kn_socket *s)
{
	struct lsock *ls = of(s);
	unsigned mask = 0;
	if (ls->err)
		mask |= KN_POLLERR;
	switch (ls->state) {
	case S_LISTENING:
		if (ls->queue)
			mask |= KN_POLLIN | KN_POLLRDNORM;
		break;
	case S_CONNECTED:
		if (ls->rx || ls->peer_closed || ls->shut_rd)
			mask |= KN_POLLIN | KN_POLLRDNORM;
		if (ls->peer_closed)
			mask |= POLLRDHUP;
		if (ls->peer_closed && ls->shut_wr)
			mask |= KN_POLLHUP;
		if (!ls->shut_wr && !ls->mem_wait && tcp_sndbuf(ls->tcp) > TCP_SNDLOWAT &&
		    tcp_sndqueuelen(ls->tcp) < TCP_SNDQUEUELOWAT)
			mask |= KN_POLLOUT | KN_POLLWRNORM;
		break;
	case S_CLOSED: mask |= KN_POLLIN | KN_POLLRDNORM | KN_POLLHUP | POLLRDHUP; break;
	case S_NEW: mask |= KN_POLLOUT | KN_POLLWRNORM | KN_POLLHUP; break;
	}
	return mask;
}

static long tcp_nread_op(struct kn_socket *s)
{
	return of(s)->state == S_LISTENING ? -KN_EINVAL : rx_bytes(of(s));
}

static int get_int(const void *val, unsigned len, int *out)
{
	if (len < sizeof(int))
		return -KN_EINVAL;
	*out = *(const int *)val;
	return 0;
}

static int put_int(void *val, unsigned *len, int v)
{
	if (*len < sizeof(int))
		return -KN_EINVAL;
	*(int *)val = v;
	*len = sizeof(int);
	return 0;
}

/* Options every AF_INET socket has; -KN_ENOPROTOOPT for the others. */
static int common_setopt(struct lsock *ls, struct ip_pcb *pcb, int level, int name, const void *val,
			 unsigned len)
{
	int v, r;
	if (level == KN_SOL_SOCKET && name == KN_SO_LINGER) {
		const struct kn_linger *l = val;
		if (len < sizeof(*l))
			return -KN_EINVAL;
		ls->linger_abort = l->l_onoff && !l->l_linger;
		return 0;
	}
	if ((r = get_int(val, len, &v)))
		return r;
	if (level == KN_SOL_SOCKET) {
		u8_t bit = name == KN_SO_REUSEADDR   ? SOF_REUSEADDR
			   : name == KN_SO_KEEPALIVE ? SOF_KEEPALIVE
			   : name == KN_SO_BROADCAST ? SOF_BROADCAST
						     : 0;
		if (bit && pcb) {
			if (v)
				ip_set_option(pcb, bit);
			else
				ip_reset_option(pcb, bit);
			return 0;
		}
		switch (name) {
		case KN_SO_RCVBUF: ls->rcvbuf = v < 256 ? 256 : v; return 0;
		case KN_SO_SNDBUF: ls->sndbuf = v < 1024 ? 1024 : v; return 0;
		/* One process owns every port: nothing to share. */
		case KN_SO_REUSEPORT: return 0;
		}
	} else if (level == KN_IPPROTO_IP && pcb) {
		if (name == KN_IP_TOS) {
			pcb->tos = (u8_t)v;
			return 0;
		}
		if (name == KN_IP_TTL) {
			pcb->ttl = v < 1 || v > 255 ? 64 : (u8_t)v;
			return 0;
		}
	}
	return -KN_ENOPROTOOPT;
}

static int common_getopt(struct lsock *ls, struct ip_pcb *pcb, int level, int name, void *val,
			 unsigned *len, int rcvbuf, int sndbuf)
{
	if (level == KN_SOL_SOCKET) {
		switch (name) {
		case KN_SO_ERROR: {
			int err = ls->err;
			ls->err = 0;
			return put_int(val, len, err);
		}
		case KN_SO_REUSEADDR:
			return put_int(val, len, pcb && ip_get_option(pcb, SOF_REUSEADDR));
		case KN_SO_KEEPALIVE:
			return put_int(val, len, pcb && ip_get_option(pcb, SOF_KEEPALIVE));
		case KN_SO_BROADCAST:
			return put_int(val, len, pcb && ip_get_option(pcb, SOF_BROADCAST));
		case KN_SO_ACCEPTCONN: return put_int(val, len, ls->state == S_LISTENING);
		/* Linux reports twice what was set (its bookkeeping share). */
		case KN_SO_RCVBUF: return put_int(val, len, ls->rcvbuf ? 2 * ls->rcvbuf : rcvbuf);
		case KN_SO_SNDBUF: return put_int(val, len, ls->sndbuf ? 2 * ls->sndbuf : sndbuf);
		case KN_SO_LINGER: {
			struct kn_linger l = {ls->linger_abort, 0};
			if (*len < sizeof(l))
				return -KN_EINVAL;
			*(struct kn_linger *)val = l;
			*len = sizeof(l);
			return 0;
		}
		}
	} else if (level == KN_IPPROTO_IP && pcb) {
		if (name == KN_IP_TOS)
			return put_int(val, len, pcb->tos);
		if (name == KN_IP_TTL)
			return put_int(val, len, pcb->ttl);
	}
	return -KN_ENOPROTOOPT;
}

static int tcp_setopt_op(struct kn_socket *s, int level, int name, const void *val, unsigned len)
{
	struct lsock *ls = of(s);
	if (level != KN_IPPROTO_TCP)
		return common_setopt(ls, (struct ip_pcb *)ls->tcp, level, name, val, len);
	int v, r = get_int(val, len, &v);
	if (r)
		return r;
	switch (name) {
	case KN_TCP_NODELAY:
		if (ls->tcp && ls->state != S_LISTENING) {
			if (v)
				tcp_nagle_disable(ls->tcp);
			else
				tcp_nagle_enable(ls->tcp);
		}
		return 0;
	case KN_TCP_CORK:
		ls->cork = v != 0;
		if (!ls->cork && ls->tcp && ls->state == S_CONNECTED) {
			tcp_output(ls->tcp);
			kn_net_kick();
		}
		return 0;
	case KN_TCP_QUICKACK: return 0; /* lwIP acknowledges without delay already */
#if LWIP_TCP_KEEPALIVE
	case KN_TCP_KEEPIDLE:
	case KN_TCP_KEEPINTVL:
	case KN_TCP_KEEPCNT:
		if (v < 1 || v > 32767)
			return -KN_EINVAL;
		if (ls->tcp && ls->state != S_LISTENING) {
			if (name == KN_TCP_KEEPIDLE)
				ls->tcp->keep_idle = (u32_t)v * 1000;
			else if (name == KN_TCP_KEEPINTVL)
				ls->tcp->keep_intvl = (u32_t)v * 1000;
			else
				ls->tcp->keep_cnt = (u32_t)v;
		}
		return 0;
#endif
	}
	return -KN_ENOPROTOOPT;
}

static int tcp_getopt_op(struct kn_socket *s, int level, int name, void *val, unsigned *len)
{
	struct lsock *ls = of(s);
	if (level != KN_IPPROTO_TCP)
		return common_getopt(ls, (struct ip_pcb *)ls->tcp, level, name, val, len, TCP_WND,
				     TCP_SND_BUF);
	int listening = ls->state == S_LISTENING || !ls->tcp;
	switch (name) {
	case KN_TCP_NODELAY: return put_int(val, len, !listening && tcp_nagle_disabled(ls->tcp));
	case KN_TCP_MAXSEG: return put_int(val, len, listening ? TCP_MSS : tcp_mss(ls->tcp));
	case KN_TCP_CORK: return put_int(val, len, ls->cork);
#if LWIP_TCP_KEEPALIVE
	case KN_TCP_KEEPIDLE:
		return put_int(
			val, len,
			(int)((listening ? TCP_KEEPIDLE_DEFAULT : ls->tcp->keep_idle) / 1000));
	case KN_TCP_KEEPINTVL:
		return put_int(
			val, len,
			(int)((listening ? TCP_KEEPINTVL_DEFAULT : ls->tcp->keep_intvl) / 1000));
	case KN_TCP_KEEPCNT:
		return put_int(val, len,
			       (int)(listening ? TCP_KEEPCNT_DEFAULT : ls->tcp->keep_cnt));
#endif
	}
	return -KN_ENOPROTOOPT;
}

static void tcp_close_op(struct kn_socket *s)
{
	struct lsock *ls = of(s);
	if (ls->mem_wait)
		mem_wait_remove(ls);
	if (ls->state == S_LISTENING) {
		while (ls->queue) { /* connections nobody accepted: reset */
			struct lsock *conn = ls->queue;
			ls->queue = conn->next;
			s = &conn->s;
			if (conn->tcp) {
				detach(conn->tcp);
				tcp_abort(conn->tcp);
			}
			if (conn->rx)
				pbuf_free(conn->rx);
			kn_free(conn);
		}
		tcp_arg(ls->tcp, NULL);
		tcp_accept(ls->tcp, NULL);
		tcp_close(ls->tcp);
	} else if (ls->tcp) {
		detach(ls->tcp);
		/* Unread data or SO_LINGER 0: reset, as Linux does. */
		if (ls->linger_abort || rx_bytes(ls) || tcp_close(ls->tcp) != ERR_OK)
			tcp_abort(ls->tcp);
	}
	if (ls->rx)
		pbuf_free(ls->rx);
	kn_free(ls);
	mem_waiters_wake();
	kn_net_kick();
}

static const struct kn_socket_ops tcp_ops = {
	.bind = tcp_bind_op,
	.listen = tcp_listen_op,
	.accept = tcp_accept_op,
	.connect = tcp_connect_op,
	.send = tcp_send_op,
	.recv = tcp_recv_op,
	.shutdown = tcp_shutdown_op,
	.name = tcp_name_op,
	.setopt = tcp_setopt_op,
	.getopt = tcp_getopt_op,
	.poll = tcp_poll_op,
	.nread = tcp_nread_op,
	.close = tcp_close_op,
};

/* ---- UDP ---- */

static void on_udp(void *arg, struct udp_pcb *pcb, struct pbuf *p, const ip_addr_t *addr,
		   u16_t port)
{
	struct lsock *ls = arg;
	struct dgram *d = ls->dq_count < UDP_QUEUE_MAX ? kn_malloc(sizeof(*d)) : NULL;
	if (!d) { /* a full queue drops, as a full socket buffer does */
		pbuf_free(p);
		return;
	}
	d->next = NULL;
	d->p = p;
	ip_addr_copy(d->addr, *addr);
	d->port = port;
	if (ls->dq_tail)
		ls->dq_tail->next = d;
	else
		ls->dq_head = d;
	ls->dq_tail = d;
	ls->dq_count++;
	wake(ls, KN_POLLIN | KN_POLLRDNORM);
}

static int udp_bind_op(struct kn_socket *s, const void *addr, unsigned len)
{
	struct lsock *ls = of(s);
	ip_addr_t ip;
	u16_t port;
	int r = addr_from(addr, len, &ip, &port);
	if (r)
		return r;
	if (ls->udp->local_port)
		return -KN_EINVAL;
	err_t err = udp_bind(ls->udp, &ip, port);
	return err == ERR_OK ? 0 : -errno_of(err);
}

static int udp_listen_op(struct kn_socket *s, int backlog)
{
	return -KN_EOPNOTSUPP;
}

static int udp_accept_op(struct kn_socket *s, struct kn_socket **out)
{
	return -KN_EOPNOTSUPP;
}

static int udp_connect_op(struct kn_socket *s, const void *addr, unsigned len)
{
	struct lsock *ls = of(s);
	if (!addr)
		return 0;
	if (len >= sizeof(uint16_t) && *(const uint16_t *)addr == KN_AF_UNSPEC) {
		udp_disconnect(ls->udp);
		ls->state = S_NEW;
		return 0;
	}
	ip_addr_t ip;
	u16_t port;
	int r = addr_from(addr, len, &ip, &port);
	if (r)
		return r;
	err_t err = udp_connect(ls->udp, &ip, port);
	if (err != ERR_OK)
		return -errno_of(err);
	ls->state = S_CONNECTED;
	return 0;
}

static long udp_send_op(struct kn_socket *s, const struct kn_iovec *iov, int cnt, int flags,
			const void *addr, unsigned alen)
{
	struct lsock *ls = of(s);
	size_t total = 0;
	for (int i = 0; i < cnt; i++)
		total += iov[i].iov_len;
	if (total > UDP_PAYLOAD_MAX)
		return -KN_EMSGSIZE;
	ip_addr_t ip;
	u16_t port = 0;
	if (addr) {
		int r = addr_from(addr, alen, &ip, &port);
		if (r)
			return r;
	} else if (ls->state != S_CONNECTED) {
		return -KN_EDESTADDRREQ;
	}
	struct pbuf *p = pbuf_alloc(PBUF_TRANSPORT, (u16_t)total, PBUF_RAM);
	if (!p)
		return -KN_ENOBUFS;
	size_t at = 0;
	for (int i = 0; i < cnt; i++) {
		pbuf_take_at(p, iov[i].iov_base, (u16_t)iov[i].iov_len, (u16_t)at);
		at += iov[i].iov_len;
	}
	err_t err = addr ? udp_sendto(ls->udp, p, &ip, port) : udp_send(ls->udp, p);
	pbuf_free(p);
	kn_net_kick();
	return err == ERR_OK ? (long)total : -errno_of(err);
}

static long udp_recv_op(struct kn_socket *s, const struct kn_iovec *iov, int cnt, int flags,
			void *addr, unsigned *alen)
{
	struct lsock *ls = of(s);
	struct dgram *d = ls->dq_head;
	if (!d)
		return ls->shut_rd ? 0 : -KN_EAGAIN;
	size_t done = 0;
	for (int i = 0; i < cnt && done < d->p->tot_len; i++) {
		size_t room = d->p->tot_len - done;
		size_t n = iov[i].iov_len < room ? iov[i].iov_len : room;
		pbuf_copy_partial(d->p, iov[i].iov_base, (u16_t)n, (u16_t)done);
		done += n;
	}
	size_t full = d->p->tot_len;
	if (addr)
		addr_to(addr, alen, &d->addr, d->port);
	if (!(flags & KN_MSG_PEEK)) {
		ls->dq_head = d->next;
		if (!ls->dq_head)
			ls->dq_tail = NULL;
		ls->dq_count--;
		pbuf_free(d->p);
		kn_free(d);
	}
	/* MSG_TRUNC: the datagram's real length, as Linux returns it. */
	return (long)(flags & KN_MSG_TRUNC ? full : done);
}

static int udp_shutdown_op(struct kn_socket *s, int how)
{
	struct lsock *ls = of(s);
	if (ls->state != S_CONNECTED)
		return -KN_ENOTCONN;
	if (how != KN_SHUT_WR)
		ls->shut_rd = 1;
	wake(ls, 0);
	return 0;
}

static int udp_name_op(struct kn_socket *s, void *addr, unsigned *alen, int peer)
{
	struct lsock *ls = of(s);
	if (peer && ls->state != S_CONNECTED)
		return -KN_ENOTCONN;
	if (peer)
		addr_to(addr, alen, &ls->udp->remote_ip, ls->udp->remote_port);
	else
		addr_to(addr, alen, &ls->udp->local_ip, ls->udp->local_port);
	return 0;
}

static int udp_setopt_op(struct kn_socket *s, int level, int name, const void *val, unsigned len)
{
	return common_setopt(of(s), (struct ip_pcb *)of(s)->udp, level, name, val, len);
}

static int udp_getopt_op(struct kn_socket *s, int level, int name, void *val, unsigned *len)
{
	return common_getopt(of(s), (struct ip_pcb *)of(s)->udp, level, name, val, len,
			     UDP_QUEUE_MAX * 2048, 65536);
}

static unsigned udp_poll_op(struct kn_socket *s)
{
	struct lsock *ls = of(s);
	unsigned mask = KN_POLLOUT | KN_POLLWRNORM;
	if (ls->dq_head || ls->shut_rd)
		mask |= KN_POLLIN | KN_POLLRDNORM;
	return mask;
}

static long udp_nread_op(struct kn_socket *s)
{
	return of(s)->dq_head ? of(s)->dq_head->p->tot_len : 0;
}

static void udp_close_op(struct kn_socket *s)
{
	struct lsock *ls = of(s);
	udp_remove(ls->udp);
	while (ls->dq_head) {
		struct dgram *d = ls->dq_head;
		ls->dq_head = d->next;
		pbuf_free(d->p);
		kn_free(d);
	}
	kn_free(ls);
}

static const struct kn_socket_ops udp_ops = {
	.bind = udp_bind_op,
	.listen = udp_listen_op,
	.accept = udp_accept_op,
	.connect = udp_connect_op,
	.send = udp_send_op,
	.recv = udp_recv_op,
	.shutdown = udp_shutdown_op,
	.name = udp_name_op,
	.setopt = udp_setopt_op,
	.getopt = udp_getopt_op,
	.poll = udp_poll_op,
	.nread = udp_nread_op,
	.close = udp_close_op,
};

static int inet_create(int type, int protocol, struct kn_socket **out)
{
	struct lsock *ls;
	if (type == KN_SOCK_STREAM && (!protocol || protocol == KN_IPPROTO_TCP)) {
		if (!(ls = lsock_new(&tcp_ops)))
			return -KN_ENOMEM;
		if (!(ls->tcp = tcp_new())) {
			kn_free(ls);
			return -KN_ENOBUFS;
		}
		attach(ls, ls->tcp);
		ls->s.protocol = KN_IPPROTO_TCP;
	} else if (type == KN_SOCK_DGRAM && (!protocol || protocol == KN_IPPROTO_UDP)) {
		if (!(ls = lsock_new(&udp_ops)))
			return -KN_ENOMEM;
		if (!(ls->udp = udp_new())) {
			kn_free(ls);
			return -KN_ENOBUFS;
		}
		udp_recv(ls->udp, on_udp, ls);
		ls->s.protocol = KN_IPPROTO_UDP;
	} else if (type == KN_SOCK_STREAM || type == KN_SOCK_DGRAM) {
		return -KN_EPROTONOSUPPORT;
	} else {
		return -KN_ESOCKTNOSUPPORT;
	}
	*out = &ls->s;
	return 0;
}

KN_SOCKET_FAMILY(kn_lwip_inet) = {
	.domain = KN_AF_INET,
	.create = inet_create,
};
#endif
