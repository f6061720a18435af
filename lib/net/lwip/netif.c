/* An lwIP interface over a netdev: frames out through kn_netdev_transmit,
 * frames in copied into heap pbufs (zero copy comes later).
 *
 * Nothing here waits: lwIP is not reentrant, and a thread that yielded
 * inside it would let the net thread in. When the card's transmit queue
 * is full, frames wait in a backlog (a reference on their pbuf, which
 * lwIP's TCP will not retransmit from meanwhile); the net thread sends
 * them as the card frees room, woken by its transmit interrupt. */
#include <kn/alloc.h>
#include <kn/errno.h>
#include "lwip/etharp.h"
#include "lwip/pbuf.h"
#include "netif/ethernet.h"
#include "internal.h"

#define MAX_PIECES 16
/* Frames; the ring holds only references to pbufs TCP keeps anyway
 * (unacknowledged segments), so it can cover all of them. Beyond it a
 * frame is dropped and TCP sends it again after its timeout. */
#define BACKLOG 4096

struct backlog {
	struct pbuf *ring[BACKLOG];
	unsigned head, len;
};

static int send_now(struct kn_netdev *dev, struct pbuf *p)
{
	struct kn_netdev_piece pieces[MAX_PIECES];
	unsigned n = 0;
	struct pbuf *q;
	for (q = p; q && n < MAX_PIECES; q = q->next)
		if (q->len)
			pieces[n++] = (struct kn_netdev_piece){q->payload, q->len};
	struct pbuf *flat = NULL;
	if (q) { /* a long chain: one copy */
		flat = pbuf_clone(PBUF_RAW, PBUF_RAM, p);
		if (!flat)
			return -KN_ENOMEM;
		pieces[0] = (struct kn_netdev_piece){flat->payload, flat->len};
		n = 1;
	}
	int err = kn_netdev_transmit(dev, pieces, n);
	if (flat)
		pbuf_free(flat);
	return err;
}

static err_t kn_net_linkoutput(struct netif *netif, struct pbuf *p)
{
	struct kn_netdev *dev = netif->state;
	struct backlog *b = dev->stack_data;
	if (!b->len) {
		int err = send_now(dev, p);
		if (err != -KN_EAGAIN)
			return err ? ERR_IF : ERR_OK;
	}
	if (b->len == BACKLOG) {
		dev->stats.tx_busy++;
		return ERR_MEM;
	}
	pbuf_ref(p);
	b->ring[(b->head + b->len++) % BACKLOG] = p;
	kn_net_kick(); /* the net thread sends it when there is room */
	return ERR_OK;
}

int kn_net_netif_flush(struct netif *netif)
{
	struct kn_netdev *dev = netif->state;
	struct backlog *b = dev->stack_data;
	for (;;) {
		while (b->len) {
			struct pbuf *p = b->ring[b->head];
			if (send_now(dev, p) == -KN_EAGAIN)
				break;
			pbuf_free(p);
			b->head = (b->head + 1) % BACKLOG;
			b->len--;
		}
		/* Frames left: wait for the card's room, unless it came meanwhile. */
		if (!b->len || !dev->ops->tx_intr_enable(dev))
			return (int)b->len;
	}
}

err_t kn_net_netif_init(struct netif *netif)
{
	struct kn_netdev *dev = netif->state;
	dev->stack_data = kn_calloc(1, sizeof(struct backlog));
	if (!dev->stack_data)
		return ERR_MEM;
	netif->name[0] = 'e';
	netif->name[1] = 'n';
	netif->hwaddr_len = ETH_HWADDR_LEN;
	for (unsigned i = 0; i < ETH_HWADDR_LEN; i++)
		netif->hwaddr[i] = dev->mac[i];
	netif->mtu = dev->mtu;
	netif->flags = NETIF_FLAG_BROADCAST | NETIF_FLAG_ETHARP | NETIF_FLAG_ETHERNET;
	if (dev->link_up)
		netif->flags |= NETIF_FLAG_LINK_UP;
	netif->output = etharp_output;
	netif->linkoutput = kn_net_linkoutput;
	return ERR_OK;
}

static void kn_net_deliver(struct kn_netdev *dev, struct kn_netbuf *buf, void *arg)
{
	struct netif *netif = arg;
	struct pbuf *p = pbuf_alloc(PBUF_RAW, buf->len, PBUF_RAM);
	if (p)
		pbuf_take(p, buf->data, buf->len);
	else
		dev->stats.rx_dropped++;
	kn_netdev_release(dev, buf);
	if (p && netif->input(p, netif) != ERR_OK)
		pbuf_free(p);
}

unsigned kn_net_netif_poll(struct netif *netif, unsigned budget)
{
	return kn_netdev_poll(netif->state, budget, kn_net_deliver, netif);
}
