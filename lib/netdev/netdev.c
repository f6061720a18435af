/* What every netdev driver shares (kn/netdev.h): the registry and the
 * receive loop, so each driver supplies only its queues. */
#include <kn/errno.h>
#include <kn/netdev.h>

static struct kn_netdev *kn_netdevs[KN_NETDEV_MAX];
static unsigned kn_netdev_count;

int kn_netdev_register(struct kn_netdev *dev)
{
	if (kn_netdev_count == KN_NETDEV_MAX)
		return -KN_ENOSPC;
	unsigned index = kn_netdev_count;
	dev->name[0] = 'e';
	dev->name[1] = 't';
	dev->name[2] = 'h';
	dev->name[3] = (char)('0' + index);
	dev->name[4] = '\0';
	if (!dev->mtu)
		dev->mtu = KN_NETDEV_MTU;
	kn_netdevs[kn_netdev_count++] = dev;
	return 0;
}

struct kn_netdev *kn_netdev_get(unsigned index)
{
	return index < kn_netdev_count ? kn_netdevs[index] : NULL;
}

void kn_netdev_rx_event(struct kn_netdev *dev)
{
	dev->stats.rx_interrupts++;
	dev->ops->rx_intr_disable(dev);
	if (dev->rx_ready)
		dev->rx_ready(dev);
}

void kn_netdev_tx_event(struct kn_netdev *dev)
{
	dev->ops->tx_intr_disable(dev);
	if (dev->tx_ready)
		dev->tx_ready(dev);
}

unsigned kn_netdev_poll(struct kn_netdev *dev, unsigned budget, kn_netdev_deliver deliver,
			void *arg)
{
	unsigned done = 0;
	dev->ops->rx_intr_disable(dev);
	for (;;) {
		struct kn_netbuf *buf;
		while (done < budget && (buf = dev->ops->receive(dev))) {
			dev->stats.rx_frames++;
			dev->stats.rx_bytes += buf->len;
			done++;
			deliver(dev, buf, arg);
		}
		if (done == budget)
			return done;
		/* Ran dry: interrupts on, then one more look for a frame
		 * that came in between (its interrupt may never come). */
		if (!dev->ops->rx_intr_enable(dev))
			return done;
		dev->ops->rx_intr_disable(dev);
	}
}

void kn_netdev_release(struct kn_netdev *dev, struct kn_netbuf *buf)
{
	dev->ops->release(dev, buf);
}

int kn_netdev_transmit(struct kn_netdev *dev, const struct kn_netdev_piece *pieces, unsigned n)
{
	size_t len = 0;
	for (unsigned i = 0; i < n; i++)
		len += pieces[i].len;
	int err = dev->ops->transmit(dev, pieces, n);
	if (!err) {
		dev->stats.tx_frames++;
		dev->stats.tx_bytes += len;
	} else if (err == -KN_EAGAIN) {
		dev->stats.tx_busy++;
	}
	return err;
}
