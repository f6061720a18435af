/* A Linux tap device as a netdev (linuxu): each read of the device's
 * descriptor is one Ethernet frame in, each write one frame out
 * (IFF_TAP | IFF_NO_PI: no packet-information header in front).
 *
 * The descriptor is non-blocking. Its "receive interrupt" is the
 * platform's watch (kn/linuxu_watch.h): while on, linuxu's idling and
 * scheduler switches look for POLLIN and call kn_netdev_rx_event; while
 * the stack polls, it is off and nothing else looks at the descriptor.
 *
 * The device is named by the tap.dev kernel parameter (`kiln run --net
 * tap` passes the one it created); without it there is no card. An
 * existing device is only attached to, never created: an image run
 * outside a namespace must not add devices to the host. */
#include <kn/console.h>
#include <kn/errno.h>
#include <kn/init.h>
#include <kn/linuxu_syscall.h>
#include <kn/linuxu_watch.h>
#include <kn/netdev.h>
#include <kn/param.h>

#define O_RDONLY 0
#define O_RDWR 02
#define O_DIRECTORY 0200000
#define O_NONBLOCK 04000
#define O_CLOEXEC 02000000
#define TUNSETIFF 0x400454ca
#define IFF_TAP 0x0002
#define IFF_NO_PI 0x1000
#define IFNAMSIZ 16

/* Frames lent to the stack at once; lwIP copies each and gives it back
 * before taking the next, so a few are plenty. */
#define RX_BUFS 4
#define BUF_SIZE 2048

/* struct ifreq as TUNSETIFF reads it: a name and the flags, in 40 bytes. */
struct tap_ifreq {
	char name[IFNAMSIZ];
	short flags;
	char pad[22];
};

struct kn_tap {
	struct kn_netdev ndev;
	struct kn_linuxu_watch watch;
	int fd;
	bool rx_on, tx_on; /* the "interrupts" the stack asked for */
	bool failed;       /* the descriptor reported an error: watched no more */
	struct kn_netbuf rx[RX_BUFS];
	bool rx_lent[RX_BUFS];
	uint8_t rx_mem[RX_BUFS][BUF_SIZE];
	uint8_t tx_mem[BUF_SIZE];
};

static struct kn_tap kn_tap;
static const char *kn_tap_dev;
KN_PARAM(tap, dev, KN_PARAM_STR, kn_tap_dev,
	 "the tap device to attach to (kiln run --net tap gives it); none: no network card");

static struct kn_tap *of(struct kn_netdev *ndev)
{
	return ndev->driver_data;
}

static struct kn_netbuf *kn_tap_receive(struct kn_netdev *ndev)
{
	struct kn_tap *t = of(ndev);
	unsigned i = 0;
	while (i < RX_BUFS && t->rx_lent[i])
		i++;
	if (i == RX_BUFS)
		return NULL; /* the stack holds them all: it releases before more */
	for (;;) {
		long n = kn_linuxu_syscall(KN_SYS_read, t->fd, t->rx_mem[i], BUF_SIZE);
		if (n == -KN_EINTR)
			continue;
		if (n < 0) /* -EAGAIN: none left; other errors: none to read */
			return NULL;
		if (n < KN_NETDEV_ETH_HLEN) { /* a runt: never from a tap, but cheap to refuse */
			ndev->stats.rx_dropped++;
			continue;
		}
		t->rx_lent[i] = true;
		t->rx[i].len = (uint16_t)n;
		return &t->rx[i];
	}
}

static void kn_tap_release(struct kn_netdev *ndev, struct kn_netbuf *buf)
{
	of(ndev)->rx_lent[buf - of(ndev)->rx] = false;
}

static int kn_tap_transmit(struct kn_netdev *ndev, const struct kn_netdev_piece *pieces, unsigned n)
{
	struct kn_tap *t = of(ndev);
	size_t len = 0;
	for (unsigned i = 0; i < n; i++) {
		if (len + pieces[i].len > KN_NETDEV_FRAME_MAX)
			return -KN_EMSGSIZE;
		__builtin_memcpy(t->tx_mem + len, pieces[i].data, pieces[i].len);
		len += pieces[i].len;
	}
	long w;
	do
		w = kn_linuxu_syscall(KN_SYS_write, t->fd, t->tx_mem, len);
	while (w == -KN_EINTR);
	if (w == -KN_EAGAIN)
		return -KN_EAGAIN;
	return w < 0 ? -KN_EIO : 0;
}

static void kn_tap_rx_intr_disable(struct kn_netdev *ndev)
{
	of(ndev)->rx_on = false;
}

/* On again, then one look for frames that came while it was off: the
 * watch only reports what arrives from the next idle or switch on. */
static bool kn_tap_rx_intr_enable(struct kn_netdev *ndev)
{
	struct kn_tap *t = of(ndev);
	t->rx_on = true;
	/* Only POLLIN: an error, also reported, would make the poll loop
	 * spin on a descriptor that has no frame to give. */
	return !t->failed && (kn_linuxu_fd_events(t->fd, KN_LINUXU_POLLIN) & KN_LINUXU_POLLIN);
}

static bool kn_tap_tx_intr_enable(struct kn_netdev *ndev)
{
	struct kn_tap *t = of(ndev);
	t->tx_on = true;
	return !t->failed && (kn_linuxu_fd_events(t->fd, KN_LINUXU_POLLOUT) & KN_LINUXU_POLLOUT);
}

static void kn_tap_tx_intr_disable(struct kn_netdev *ndev)
{
	of(ndev)->tx_on = false;
}

static const struct kn_netdev_ops kn_tap_ops = {
	.transmit = kn_tap_transmit,
	.receive = kn_tap_receive,
	.release = kn_tap_release,
	.rx_intr_disable = kn_tap_rx_intr_disable,
	.rx_intr_enable = kn_tap_rx_intr_enable,
	.tx_intr_enable = kn_tap_tx_intr_enable,
	.tx_intr_disable = kn_tap_tx_intr_disable,
};

static short kn_tap_wanted(struct kn_linuxu_watch *w)
{
	struct kn_tap *t = (struct kn_tap *)((char *)w - __builtin_offsetof(struct kn_tap, watch));
	if (t->failed)
		return 0;
	return (short)((t->rx_on ? KN_LINUXU_POLLIN : 0) | (t->tx_on ? KN_LINUXU_POLLOUT : 0));
}

static void kn_tap_ready(struct kn_linuxu_watch *w, short revents)
{
	struct kn_tap *t = (struct kn_tap *)((char *)w - __builtin_offsetof(struct kn_tap, watch));
	/* An error or hang-up would be reported again at every look (the
	 * stack turns the watch back on after each poll): say it once and
	 * stop watching; sends then fail on their own. */
	if (revents & (KN_LINUXU_POLLERR | KN_LINUXU_POLLHUP | KN_LINUXU_POLLNVAL)) {
		kn_printk("kn: %s: tap device %s failed; no more frames\n", t->ndev.name,
			  kn_tap_dev);
		t->failed = true;
		return;
	}
	if (t->rx_on && (revents & KN_LINUXU_POLLIN))
		kn_netdev_rx_event(&t->ndev);
	if (t->tx_on && (revents & KN_LINUXU_POLLOUT))
		kn_netdev_tx_event(&t->ndev);
}

static int kn_tap_open(const char *name)
{
	long fd =
		kn_linuxu_syscall(KN_SYS_open, "/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC, 0);
	if (fd < 0)
		return (int)fd;
	struct tap_ifreq req = {0};
	for (unsigned i = 0; name[i] && i < IFNAMSIZ - 1; i++)
		req.name[i] = name[i];
	req.flags = IFF_TAP | IFF_NO_PI;
	long err = kn_linuxu_syscall(KN_SYS_ioctl, fd, TUNSETIFF, &req);
	if (err < 0) {
		kn_linuxu_syscall(KN_SYS_close, fd, 0, 0);
		return (int)err;
	}
	return (int)fd;
}

/* Whether the host has a network device `name` (in this namespace). */
static bool kn_tap_exists(const char *name)
{
	char path[64] = "/sys/class/net/";
	unsigned at = 15;
	for (unsigned i = 0; name[i] && at < sizeof(path) - 1; i++)
		path[at++] = name[i];
	path[at] = '\0';
	long fd = kn_linuxu_syscall(KN_SYS_open, path, O_RDONLY | O_DIRECTORY, 0);
	if (fd < 0)
		return false;
	kn_linuxu_syscall(KN_SYS_close, fd, 0, 0);
	return true;
}

static int kn_tap_init(void)
{
	if (!kn_tap_dev)
		return 0;
	struct kn_tap *t = &kn_tap;
	/* Only a device that exists: TUNSETIFF would create a missing one. */
	if (!kn_tap_exists(kn_tap_dev)) {
		kn_printk("kn: tap: no tap device %s on this host (tap.dev=); run with "
			  "`kiln run --net tap`\n",
			  kn_tap_dev);
		return 0;
	}
	t->fd = kn_tap_open(kn_tap_dev);
	if (t->fd < 0) {
		kn_printk("kn: tap: cannot attach to %s (error %d%s); no network card\n",
			  kn_tap_dev, -t->fd, t->fd == -KN_EPERM ? ": needs CAP_NET_ADMIN" : "");
		return 0;
	}
	for (unsigned i = 0; i < RX_BUFS; i++)
		t->rx[i].data = t->rx_mem[i];
	struct kn_netdev *ndev = &t->ndev;
	ndev->ops = &kn_tap_ops;
	ndev->driver_data = t;
	/* Locally administered; the pid keeps two guests on one bridge apart. */
	long pid = kn_linuxu_syscall(KN_SYS_getpid, 0, 0, 0);
	uint8_t mac[6] = {0x02, 0x4b, 0x4e};
	mac[3] = (uint8_t)(pid >> 16);
	mac[4] = (uint8_t)(pid >> 8);
	mac[5] = (uint8_t)pid;
	__builtin_memcpy(ndev->mac, mac, 6);
	ndev->mtu = KN_NETDEV_MTU;
	ndev->link_up = true;
	int err = kn_netdev_register(ndev);
	if (err)
		return err;
	t->watch = (struct kn_linuxu_watch){t->fd, kn_tap_wanted, kn_tap_ready, NULL};
	kn_linuxu_watch_add(&t->watch);
	kn_printk("kn: %s: tap device %s, MAC %02x:%02x:%02x:%02x:%02x:%02x, MTU %u\n", ndev->name,
		  kn_tap_dev, mac[0], mac[1], mac[2], mac[3], mac[4], mac[5], ndev->mtu);
	return 0;
}
KN_INIT(kn_tap_init, KN_INIT_PLAT, 50);
