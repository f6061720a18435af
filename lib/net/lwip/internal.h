/* Shared between the net library's files only. */
#ifndef KN_NET_INTERNAL_H
#define KN_NET_INTERNAL_H

#include <kn/netdev.h>
#include "lwip/netif.h"

/* net.c: eth0's interface, or NULL without a card; the net thread woken
 * to look at lwIP's timers again after lwIP was called from another
 * thread (the scheduler is cooperative, so lwIP is only ever called from
 * one thread at a time; interrupts only wake the net thread). */
struct netif *kn_net_netif(void);
void kn_net_kick(void);

/* netif.c: an lwIP interface over a netdev. */
err_t kn_net_netif_init(struct netif *netif); /* netif->state: the netdev */
/* Feeds at most `budget` received frames to lwIP; the count fed. */
unsigned kn_net_netif_poll(struct netif *netif, unsigned budget);
/* Sends the frames waiting for transmit room; how many still wait (the
 * card then wakes the net thread through tx_ready). */
int kn_net_netif_flush(struct netif *netif);

#endif
