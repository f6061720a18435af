/* The echo service (RFC 862) on TCP and UDP, started with the kernel
 * parameter net.echo=PORT: a way to see a VM's network work end to end
 * (`kiln run -p 7777:7 -k net.echo=7`, then `nc 127.0.0.1 7777`) that
 * needs no app. The TCP echo keeps lwIP's flow control: data is
 * acknowledged to the peer (tcp_recved) only once it is queued back, and
 * a peer that is done sending is closed only once all it sent is queued
 * back (closing earlier would lose that data, and lwIP resets a
 * connection closed with data not yet taken). */
#include <kn/alloc.h>
#include <kn/console.h>
#include <kn/init.h>
#include <kn/param.h>
#include "lwip/tcp.h"
#include "lwip/udp.h"
#include "internal.h"

static int kn_net_echo_port;
KN_PARAM(net, echo, KN_PARAM_INT, kn_net_echo_port,
	 "serve echo (RFC 862) on this TCP and UDP port (0: off)");

struct echo_conn {
	struct tcp_pcb *pcb;
	struct pbuf *pending; /* received, not yet queued back */
	size_t offset;        /* bytes of pending->payload already queued */
	int peer_closed;      /* the peer's FIN came */
};

static unsigned long connections, echoed;

/* Returns what the lwIP callback that closed must return. */
static err_t echo_close(struct echo_conn *c)
{
	struct tcp_pcb *pcb = c->pcb;
	err_t err = ERR_OK;
	tcp_arg(pcb, NULL);
	tcp_recv(pcb, NULL);
	tcp_sent(pcb, NULL);
	tcp_err(pcb, NULL);
	tcp_poll(pcb, NULL, 0);
	if (c->pending)
		pbuf_free(c->pending);
	kn_free(c);
	if (tcp_close(pcb) != ERR_OK) {
		tcp_abort(pcb);
		err = ERR_ABRT;
	}
	return err;
}

static err_t echo_flush(struct echo_conn *c)
{
	while (c->pending) {
		struct pbuf *p = c->pending;
		size_t left = p->len - c->offset;
		u16_t room = tcp_sndbuf(c->pcb);
		if (!room)
			break;
		u16_t n = (u16_t)(left < room ? left : room);
		if (tcp_write(c->pcb, (char *)p->payload + c->offset, n, TCP_WRITE_FLAG_COPY) !=
		    ERR_OK)
			break;
		tcp_recved(c->pcb, n);
		echoed += n;
		c->offset += n;
		if (c->offset == p->len) {
			c->pending = p->next;
			if (c->pending)
				pbuf_ref(c->pending);
			pbuf_free(p);
			c->offset = 0;
		}
	}
	if (c->peer_closed && !c->pending)
		return echo_close(c);
	tcp_output(c->pcb);
	return ERR_OK;
}

static err_t echo_recv(void *arg, struct tcp_pcb *pcb, struct pbuf *p, err_t err)
{
	struct echo_conn *c = arg;
	if (!p) /* the peer is done sending */
		c->peer_closed = 1;
	else if (c->pending)
		pbuf_cat(c->pending, p);
	else
		c->pending = p;
	return echo_flush(c);
}

static err_t echo_sent(void *arg, struct tcp_pcb *pcb, u16_t len)
{
	return echo_flush(arg);
}

/* Segments are a pool all connections share: a write refused for want
 * of one (ERR_MEM) is tried again from here when nothing of this
 * connection is in flight to bring echo_sent. */
static err_t echo_poll(void *arg, struct tcp_pcb *pcb)
{
	return echo_flush(arg);
}

static void echo_err(void *arg, err_t err)
{
	struct echo_conn *c = arg; /* the pcb is gone already */
	if (c) {
		if (c->pending)
			pbuf_free(c->pending);
		kn_free(c);
	}
}

static err_t echo_accept(void *arg, struct tcp_pcb *pcb, err_t err)
{
	if (err != ERR_OK || !pcb)
		return ERR_VAL;
	struct echo_conn *c = kn_calloc(1, sizeof(*c));
	if (!c)
		return ERR_MEM;
	c->pcb = pcb;
	connections++;
	tcp_arg(pcb, c);
	tcp_recv(pcb, echo_recv);
	tcp_sent(pcb, echo_sent);
	tcp_err(pcb, echo_err);
	tcp_poll(pcb, echo_poll, 1);
	return ERR_OK;
}

static void echo_udp(void *arg, struct udp_pcb *pcb, struct pbuf *p, const ip_addr_t *addr,
		     u16_t port)
{
	udp_sendto(pcb, p, addr, port);
	pbuf_free(p);
}

static int kn_net_echo_start(void)
{
	if (!kn_net_echo_port)
		return 0;
	u16_t port = (u16_t)kn_net_echo_port;
	struct tcp_pcb *listener = tcp_new();
	struct udp_pcb *udp = udp_new();
	if (kn_net_echo_port < 1 || kn_net_echo_port > 65535 || !listener || !udp ||
	    tcp_bind(listener, IP_ANY_TYPE, port) != ERR_OK || !(listener = tcp_listen(listener)) ||
	    udp_bind(udp, IP_ANY_TYPE, port) != ERR_OK) {
		kn_printk("kn: net: cannot serve echo on port %d\n", kn_net_echo_port);
		return 0;
	}
	tcp_accept(listener, echo_accept);
	udp_recv(udp, echo_udp, NULL);
	kn_printk("kn: net: echo on TCP and UDP port %u\n", port);
	return 0;
}
/* After the interfaces exist (net.c, at LIB 50). */
KN_INIT(kn_net_echo_start, KN_INIT_LIB, 60);
