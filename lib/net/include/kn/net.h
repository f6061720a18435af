/* The net API: the network stack (implemented by lwip). At boot it gives
 * every netdev an interface, configures eth0 by DHCP or from kernel
 * parameters, and starts the "net" thread, which feeds received frames to
 * the stack and runs its timers, sleeping in between (woken by the card's
 * receive interrupt or the next timer). Sockets (next) sit on top.
 *
 * Kernel parameters:
 *   net.ip=10.0.2.15/24   a static address and prefix (default: DHCP)
 *   net.gw=10.0.2.2       the default gateway with a static address */
#ifndef KN_NET_H
#define KN_NET_H

#include <stdint.h>
#include <kn/compiler.h>

KN_API_BEGIN
/* Waits until eth0 has an address, at most until deadline_ns (0: no
 * limit). 0, -KN_ENODEV without a network card, -KN_ETIMEDOUT. */
int kn_net_wait_up(uint64_t deadline_ns);
/* eth0's IPv4 address in network byte order, 0 while it has none. */
uint32_t kn_net_addr(void);
KN_API_END

#endif
