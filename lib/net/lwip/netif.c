/* An lwIP interface over a netdev: frames out through kn_netdev_transmit,
 * frames in copied into heap pbufs (zero copy comes later). */
#include <kn/errno.h>
#include <kn/sched.h>
#include "lwip/etharp.h"
#include "lwip/pbuf.h"
#include "netif/ethernet.h"
#include "internal.h"

#define MAX_PIECES 16
/* A full transmit queue is waited out by yielding this many times
 * before the frame is dropped (TCP sends it again). */
#define TX_RETRIES 1000

static err_t kn_net_linkoutput(struct netif *netif, struct pbuf *p)
{
	struct kn_netdev *dev = netif->state;
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
			return ERR_MEM;
		pieces[0] = (struct kn_netdev_piece){flat->payload, flat->len};
		n = 1;
	}
	int err;
	for (int tries = 0;
	     (err = kn_netdev_transmit(dev, pieces, n)) == -KN_EAGAIN && tries < TX_RETRIES;
	     tries++)
		kn_yield();
	if (flat)
		pbuf_free(flat);
	return err ? ERR_MEM : ERR_OK;
}

err_t kn_net_netif_init(struct netif *netif)
{
	struct kn_netdev *dev = netif->state;
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
