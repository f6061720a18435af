/* The net API (kn/net.h) on lwIP: lwIP brought up over the netdevs at
 * boot, and the net thread that runs it. */
#include <kn/console.h>
#include <kn/errno.h>
#include <kn/init.h>
#include <kn/net.h>
#include <kn/param.h>
#include <kn/sched.h>
#include <kn/time.h>
#include "lwip/dhcp.h"
#include "lwip/etharp.h"
#include "lwip/init.h"
#include "lwip/ip4_addr.h"
#include "lwip/netif.h"
#include "lwip/timeouts.h"
#include "netif/ethernet.h"
#include "internal.h"

/* Frames fed to lwIP before the thread lets others run. */
#define RX_BUDGET 64

static struct netif kn_net_ifs[KN_NETDEV_MAX];
static unsigned kn_net_nifs;
static struct kn_waitq kn_net_wake = KN_WAITQ_INIT_IRQ; /* the net thread's */
static struct kn_waitq kn_net_up = KN_WAITQ_INIT;       /* kn_net_wait_up's */
static const char *kn_net_ip, *kn_net_gw;
KN_PARAM(net, ip, KN_PARAM_STR, kn_net_ip, "eth0's static address, ADDR/PREFIX (default: DHCP)");
KN_PARAM(net, gw, KN_PARAM_STR, kn_net_gw, "the default gateway with net.ip");
static int kn_net_wait_s = 30;
KN_PARAM(net, wait, KN_PARAM_INT, kn_net_wait_s,
	 "seconds main waits for eth0's address (DHCP), as a Linux boot does (0: no wait)");

static void kn_net_rx_ready(struct kn_netdev *dev)
{
	kn_waitq_wake(&kn_net_wake, 1);
}

void kn_net_kick(void)
{
	kn_waitq_wake(&kn_net_wake, 1);
}

struct netif *kn_net_netif(void)
{
	return kn_net_nifs ? &kn_net_ifs[0] : NULL;
}

static void *kn_net_thread(void *arg)
{
	struct kn_wait_entry e;
	kn_waitq_add(&kn_net_wake, &e);
	for (;;) {
		kn_wait_prepare();
		int busy = 0;
		for (unsigned i = 0; i < kn_net_nifs; i++)
			busy |= kn_net_netif_poll(&kn_net_ifs[i], RX_BUDGET) == RX_BUDGET;
		sys_check_timeouts();
		for (unsigned i = 0; i < kn_net_nifs; i++)
			kn_net_netif_flush(&kn_net_ifs[i]);
		if (busy) { /* more frames wait: let others run, then go on */
			kn_yield();
			continue;
		}
		u32_t sleep_ms = sys_timeouts_sleeptime();
		uint64_t deadline = sleep_ms == SYS_TIMEOUTS_SLEEPTIME_INFINITE
					    ? 0
					    : kn_time_monotonic_ns() + sleep_ms * KN_NSEC_PER_MSEC;
		kn_wait_block(deadline);
	}
	return NULL;
}

static void kn_net_status(struct netif *netif)
{
	if (ip4_addr_isany_val(*netif_ip4_addr(netif)))
		return;
	char ip[16], gw[16];
	ip4addr_ntoa_r(netif_ip4_addr(netif), ip, sizeof(ip));
	ip4addr_ntoa_r(netif_ip4_gw(netif), gw, sizeof(gw));
	struct kn_netdev *dev = netif->state;
	kn_printk(
		"kn: %s: %s/%d gateway %s (%s)\n", dev->name, ip,
		ip4_addr_netmask_valid(netif_ip4_netmask(netif)->addr)
			? 32 - __builtin_ctz(lwip_ntohl(netif_ip4_netmask(netif)->addr) | 1u << 31)
			: 0,
		gw, dhcp_supplied_address(netif) ? "DHCP" : "static");
	kn_waitq_wake(&kn_net_up, 1 << 30);
}

/* "a.b.c.d/prefix" into address and netmask; -1 when malformed. */
static int parse_cidr(const char *text, ip4_addr_t *addr, ip4_addr_t *mask)
{
	char buf[20];
	unsigned i = 0, prefix = 32;
	while (text[i] && text[i] != '/' && i < sizeof(buf) - 1) {
		buf[i] = text[i];
		i++;
	}
	buf[i] = '\0';
	if (text[i] == '/') {
		const char *p = text + i + 1;
		if (!*p)
			return -1;
		for (prefix = 0; *p; p++) {
			if (*p < '0' || *p > '9' || (prefix = prefix * 10 + (*p - '0')) > 32)
				return -1;
		}
	} else if (text[i]) {
		return -1;
	}
	if (!ip4addr_aton(buf, addr))
		return -1;
	ip4_addr_set_u32(mask, prefix ? lwip_htonl(~0u << (32 - prefix)) : 0);
	return 0;
}

static int kn_net_init(void)
{
	lwip_init();
	struct kn_netdev *dev;
	for (unsigned i = 0; (dev = kn_netdev_get(i)) && i < KN_NETDEV_MAX; i++) {
		struct netif *netif = &kn_net_ifs[kn_net_nifs];
		if (!netif_add(netif, NULL, NULL, NULL, dev, kn_net_netif_init, ethernet_input))
			continue;
		kn_net_nifs++;
		dev->rx_ready = kn_net_rx_ready;
		dev->tx_ready = kn_net_rx_ready; /* both wake the net thread */
		netif_set_status_callback(netif, kn_net_status);
	}
	if (!kn_net_nifs) {
		kn_printk("kn: net: no network card; the VM has no network\n");
		return 0;
	}
	struct netif *eth0 = &kn_net_ifs[0];
	netif_set_default(eth0);
	netif_set_up(eth0);
	ip4_addr_t addr, mask, gw;
	if (kn_net_ip && parse_cidr(kn_net_ip, &addr, &mask) == 0) {
		ip4_addr_set_zero(&gw);
		if (kn_net_gw && !ip4addr_aton(kn_net_gw, &gw))
			kn_printk("kn: net: net.gw=%s is not an IPv4 address; no gateway\n",
				  kn_net_gw);
		netif_set_addr(eth0, &addr, &mask, &gw);
	} else {
		if (kn_net_ip)
			kn_printk("kn: net: net.ip=%s is not ADDR/PREFIX (e.g. 10.0.2.15/24); "
				  "using DHCP\n",
				  kn_net_ip);
		dhcp_start(eth0);
	}
	if (!kn_thread_create("net", kn_net_thread, NULL, 0))
		return -KN_ENOMEM;
	return 0;
}
KN_INIT(kn_net_init, KN_INIT_LIB, 50);

/* An app expects the network configured when it starts, as on Linux: a
 * connect() before DHCP has answered would fail with EHOSTUNREACH. */
static int kn_net_wait_for_address(void)
{
	if (!kn_net_nifs || kn_net_wait_s <= 0)
		return 0;
	uint64_t deadline = kn_time_monotonic_ns() + (uint64_t)kn_net_wait_s * KN_NSEC_PER_SEC;
	if (kn_net_wait_up(deadline) == -KN_ETIMEDOUT)
		kn_printk("kn: net: eth0 has no address after %d s (no DHCP answer?); main starts "
			  "anyway (give one with -k net.ip=ADDR/PREFIX)\n",
			  kn_net_wait_s);
	return 0;
}
KN_INIT(kn_net_wait_for_address, KN_INIT_THREAD, 50);

int kn_net_wait_up(uint64_t deadline_ns)
{
	struct netif *eth0 = kn_net_netif();
	if (!eth0)
		return -KN_ENODEV;
	while (ip4_addr_isany_val(*netif_ip4_addr(eth0)))
		if (kn_waitq_wait(&kn_net_up, deadline_ns) == -KN_ETIMEDOUT)
			return -KN_ETIMEDOUT;
	return 0;
}

uint32_t kn_net_addr(void)
{
	struct netif *eth0 = kn_net_netif();
	return eth0 ? ip4_addr_get_u32(netif_ip4_addr(eth0)) : 0;
}
