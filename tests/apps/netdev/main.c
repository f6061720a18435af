/* Drives eth0 through the netdev API alone (no TCP/IP stack): asks QEMU's
 * user network (slirp) for its gateway's MAC by ARP, then pings the
 * gateway, which slirp answers itself, one echo at a time with payloads
 * of every size up to a full frame, then in bursts, checking each reply
 * byte for byte. Waits are interrupt driven: the driver's receive
 * interrupt wakes this thread through rx_ready. Prints what it found;
 * tests/boot/test_netdev.py reads it. Exit 0 when everything came back. */
#include <stdint.h>
#include <kn/console.h>
#include <kn/errno.h>
#include <kn/netdev.h>
#include <kn/sched.h>
#include <kn/time.h>

#define ETH_ARP 0x0806
#define ETH_IP 0x0800
#define GUEST_IP 0x0a00020f   /* 10.0.2.15, slirp's first address */
#define GATEWAY_IP 0x0a000202 /* 10.0.2.2 */
#define ECHO_ID 0x4b4e
#define ROUNDS 300
#define BURST 64
#define MAX_PAYLOAD (KN_NETDEV_MTU - 20 - 8)
/* A reply not here by then is lost (the test fails; it never passes
 * by waiting less). */
#define GIVE_UP_NS (20 * KN_NSEC_PER_SEC)

static struct kn_waitq rx_waitq = KN_WAITQ_INIT_IRQ;
static uint8_t gateway_mac[6];
static int have_gateway;
static unsigned replies, bad_replies;
static uint8_t replied[ROUNDS + BURST * 4];

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, v >> 16);
	put16(p + 2, (uint16_t)v);
}

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)get16(p) << 16 | get16(p + 2);
}

/* The Internet checksum of [p, p + len): 0 over a correct header. */
static uint16_t checksum(const uint8_t *p, size_t len)
{
	uint32_t sum = 0;
	for (size_t i = 0; i + 1 < len; i += 2)
		sum += get16(p + i);
	if (len & 1)
		sum += p[len - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

static uint8_t pattern(unsigned seq, unsigned k)
{
	return (uint8_t)(seq * 7 + k * 13 + (k >> 8));
}

static void rx_ready(struct kn_netdev *dev)
{
	kn_waitq_wake(&rx_waitq, 1);
}

static void on_arp(struct kn_netdev *dev, const uint8_t *a, size_t len)
{
	if (len < 28 || get16(a + 6) != 2 || get32(a + 14) != GATEWAY_IP ||
	    get32(a + 24) != GUEST_IP)
		return;
	__builtin_memcpy(gateway_mac, a + 8, 6);
	have_gateway = 1;
}

static unsigned payload_size(unsigned seq)
{
	return seq < ROUNDS ? seq * 1009 % (MAX_PAYLOAD + 1) : seq % 97;
}

static void on_ip(const uint8_t *ip, size_t len)
{
	if (len < 20 || ip[0] != 0x45 || ip[9] != 1 || get32(ip + 12) != GATEWAY_IP)
		return;
	size_t total = get16(ip + 2);
	const uint8_t *icmp = ip + 20;
	if (total > len || total < 28 || icmp[0] != 0 || get16(icmp + 4) != ECHO_ID)
		return;
	unsigned seq = get16(icmp + 6), size = (unsigned)total - 28;
	int ok = checksum(ip, 20) == 0 && checksum(icmp, total - 20) == 0 &&
		 seq < sizeof(replied) && size == payload_size(seq) && !replied[seq];
	for (unsigned k = 0; ok && k < size; k++)
		ok = icmp[8 + k] == pattern(seq, k);
	if (!ok) {
		bad_replies++;
		return;
	}
	replied[seq] = 1;
	replies++;
}

static void deliver(struct kn_netdev *dev, struct kn_netbuf *buf, void *arg)
{
	const uint8_t *f = buf->data;
	if (buf->len >= KN_NETDEV_ETH_HLEN) {
		uint16_t type = get16(f + 12);
		if (type == ETH_ARP)
			on_arp(dev, f + 14, buf->len - 14u);
		else if (type == ETH_IP)
			on_ip(f + 14, buf->len - 14u);
	}
	kn_netdev_release(dev, buf);
}

/* Polls until *count reaches want, blocking between frames: the wait
 * entry is in place before the poll, so a frame whose interrupt comes
 * after the poll ran dry wakes the block. */
static int wait_for(struct kn_netdev *dev, unsigned *count, unsigned want)
{
	uint64_t give_up = kn_time_monotonic_ns() + GIVE_UP_NS;
	struct kn_wait_entry e;
	int result = 0;
	kn_wait_prepare();
	kn_waitq_add(&rx_waitq, &e);
	for (;;) {
		while (kn_netdev_poll(dev, 8, deliver, NULL) == 8)
			kn_yield();
		if (*count >= want)
			break;
		if (kn_wait_block(give_up) == -KN_ETIMEDOUT) {
			result = -1;
			break;
		}
		kn_wait_prepare();
	}
	kn_waitq_del(&e);
	return result;
}

static void send_echo(struct kn_netdev *dev, unsigned seq)
{
	static uint8_t frame[KN_NETDEV_FRAME_MAX];
	unsigned size = payload_size(seq);
	uint8_t *ip = frame + 14, *icmp = ip + 20;
	__builtin_memcpy(frame, gateway_mac, 6);
	__builtin_memcpy(frame + 6, dev->mac, 6);
	put16(frame + 12, ETH_IP);
	__builtin_memset(ip, 0, 20);
	ip[0] = 0x45;
	put16(ip + 2, (uint16_t)(28 + size));
	put16(ip + 4, (uint16_t)seq);
	ip[8] = 64;
	ip[9] = 1; /* ICMP */
	put32(ip + 12, GUEST_IP);
	put32(ip + 16, GATEWAY_IP);
	put16(ip + 10, checksum(ip, 20));
	icmp[0] = 8; /* echo request */
	icmp[1] = 0;
	put16(icmp + 2, 0);
	put16(icmp + 4, ECHO_ID);
	put16(icmp + 6, (uint16_t)seq);
	for (unsigned k = 0; k < size; k++)
		icmp[8 + k] = pattern(seq, k);
	put16(icmp + 2, checksum(icmp, 8 + size));
	/* Split in two pieces, as a stack with a separate header would. */
	struct kn_netdev_piece pieces[2] = {{frame, 14}, {ip, 28 + size}};
	while (kn_netdev_transmit(dev, pieces, 2) == -KN_EAGAIN)
		kn_yield();
}

int main(int argc, char *argv[])
{
	/* The arguments, to show the VMM's device words did not land here. */
	kn_console_printf("args:");
	for (int i = 1; i < argc; i++)
		kn_console_printf("%s%s", i > 1 ? "|" : " ", argv[i]);
	kn_console_printf("\n");
	struct kn_netdev *dev = kn_netdev_get(0);
	if (!dev) {
		kn_printk("netdev: no network device\n");
		return 2;
	}
	const uint8_t *m = dev->mac;
	kn_console_printf("netdev: %s MAC %02x:%02x:%02x:%02x:%02x:%02x MTU %u link %s\n",
			  dev->name, m[0], m[1], m[2], m[3], m[4], m[5], dev->mtu,
			  dev->link_up ? "up" : "down");
	dev->rx_ready = rx_ready;

	uint8_t arp[42] = {0};
	__builtin_memset(arp, 0xff, 6);
	__builtin_memcpy(arp + 6, dev->mac, 6);
	put16(arp + 12, ETH_ARP);
	put16(arp + 14, 1);      /* Ethernet */
	put16(arp + 16, ETH_IP); /* IPv4 */
	arp[18] = 6;
	arp[19] = 4;
	put16(arp + 20, 1); /* request */
	__builtin_memcpy(arp + 22, dev->mac, 6);
	put32(arp + 28, GUEST_IP);
	put32(arp + 38, GATEWAY_IP);
	struct kn_netdev_piece piece = {arp, sizeof(arp)};
	kn_netdev_transmit(dev, &piece, 1);
	if (wait_for(dev, (unsigned *)&have_gateway, 1)) {
		kn_console_printf("netdev: no ARP reply from 10.0.2.2\n");
		return 1;
	}
	const uint8_t *g = gateway_mac;
	kn_console_printf("arp: 10.0.2.2 is at %02x:%02x:%02x:%02x:%02x:%02x\n", g[0], g[1], g[2],
			  g[3], g[4], g[5]);

	/* One at a time: sizes 0..1472 (full 1514-byte frames among them). */
	for (unsigned seq = 0; seq < ROUNDS; seq++) {
		send_echo(dev, seq);
		if (wait_for(dev, &replies, seq + 1))
			break;
	}
	kn_console_printf("ping: %u of %u replies intact\n", replies, ROUNDS);
	/* Bursts larger than the budget, several frames per interrupt. */
	unsigned burst_replies = 0;
	for (unsigned b = 0; b < 4; b++) {
		unsigned first = ROUNDS + b * BURST, before = replies;
		for (unsigned seq = first; seq < first + BURST; seq++)
			send_echo(dev, seq);
		if (wait_for(dev, &replies, before + BURST))
			break;
		burst_replies += replies - before;
	}
	kn_console_printf("burst: %u of %u replies intact\n", burst_replies, 4 * BURST);
	kn_console_printf("netdev: bad replies %u, rx interrupts %lu, rx frames %lu, tx frames "
			  "%lu, tx busy %lu, idled %lu times\n",
			  bad_replies, (unsigned long)dev->stats.rx_interrupts,
			  (unsigned long)dev->stats.rx_frames, (unsigned long)dev->stats.tx_frames,
			  (unsigned long)dev->stats.tx_busy, (unsigned long)kn_sched_idle_count());
	return replies == ROUNDS + 4 * BURST && !bad_replies ? 0 : 1;
}
