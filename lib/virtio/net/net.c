/* virtio-net (virtio 1.x section 5.1, legacy header): one receive and one
 * transmit queue behind the netdev API.
 *
 * Every buffer is a 2 KiB slot of a page-aligned area, so no buffer
 * crosses a page (a buffer that did would need two descriptors and make
 * the ring look full). A slot holds the 10-byte virtio-net header at 0
 * and the frame at 16; each is its own descriptor, which legacy devices
 * without ANY_LAYOUT require. Received frames are lent to the stack in
 * place; sent frames are copied in. Transmit interrupts stay off (used
 * transmit slots are taken back when the next frame needs one) except
 * while the stack waits for room (tx_intr_enable). */
#include <kn/alloc.h>
#include <kn/console.h>
#include <kn/errno.h>
#include <kn/netdev.h>
#include <kn/plat.h>
#include <kn/virtio.h>

#define NET_F_MTU (1U << 3)
#define NET_F_MAC (1U << 5)
#define NET_F_STATUS (1U << 16)
#define NET_S_LINK_UP 1
/* Device configuration: mac[6], status, max_virtqueue_pairs, mtu. */
#define CONFIG_MAC 0
#define CONFIG_STATUS 6
#define CONFIG_MTU 10

#define RXQ 0
#define TXQ 1
#define QUEUE_MAX 256
#define SLOT_SIZE 2048
#define HDR_LEN 10 /* struct virtio_net_hdr without MRG_RXBUF */
#define FRAME_AT 16

struct kn_vnet {
	struct kn_netdev ndev;
	struct kn_virtio_dev *vdev;
	struct kn_virtq rx, tx;
	uint8_t *rx_mem, *tx_mem;
	unsigned rx_slots, tx_slots;
	struct kn_netbuf *rx_bufs; /* one per receive slot */
	uint16_t *tx_free;         /* a stack of free transmit slots */
	unsigned tx_nfree;
};

static struct kn_vnet *of(struct kn_netdev *ndev)
{
	return ndev->driver_data;
}

/* Queues receive slot i: header and frame, both written by the device. */
static int rx_post(struct kn_vnet *vn, unsigned i)
{
	uint8_t *slot = vn->rx_mem + (size_t)i * SLOT_SIZE;
	struct kn_virtq_buf bufs[2] = {{slot, HDR_LEN}, {slot + FRAME_AT, SLOT_SIZE - FRAME_AT}};
	return kn_virtq_add(&vn->rx, bufs, 0, 2, &vn->rx_bufs[i]);
}

static struct kn_netbuf *kn_vnet_receive(struct kn_netdev *ndev)
{
	struct kn_vnet *vn = of(ndev);
	for (;;) {
		uint32_t len;
		unsigned long flags = kn_plat_irq_save();
		struct kn_netbuf *buf = kn_virtq_get_used(&vn->rx, &len);
		kn_plat_irq_restore(flags);
		if (!buf)
			return NULL;
		if (len >= HDR_LEN + KN_NETDEV_ETH_HLEN && len - HDR_LEN <= SLOT_SIZE - FRAME_AT) {
			buf->len = (uint16_t)(len - HDR_LEN);
			return buf;
		}
		ndev->stats.rx_dropped++; /* a runt: give the slot back */
		flags = kn_plat_irq_save();
		rx_post(vn, (unsigned)(buf - vn->rx_bufs));
		kn_virtio_kick(vn->vdev, RXQ, &vn->rx);
		kn_plat_irq_restore(flags);
	}
}

static void kn_vnet_release(struct kn_netdev *ndev, struct kn_netbuf *buf)
{
	struct kn_vnet *vn = of(ndev);
	unsigned long flags = kn_plat_irq_save();
	rx_post(vn, (unsigned)(buf - vn->rx_bufs));
	kn_virtio_kick(vn->vdev, RXQ, &vn->rx);
	kn_plat_irq_restore(flags);
}

static int kn_vnet_transmit(struct kn_netdev *ndev, const struct kn_netdev_piece *pieces,
			    unsigned n)
{
	struct kn_vnet *vn = of(ndev);
	size_t len = 0;
	for (unsigned i = 0; i < n; i++)
		len += pieces[i].len;
	if (len > KN_NETDEV_FRAME_MAX)
		return -KN_EMSGSIZE;
	unsigned long flags = kn_plat_irq_save();
	void *done;
	uint32_t ignored;
	while ((done = kn_virtq_get_used(&vn->tx, &ignored)))
		vn->tx_free[vn->tx_nfree++] = (uint16_t)((uintptr_t)done - 1);
	if (!vn->tx_nfree) {
		kn_plat_irq_restore(flags);
		return -KN_EAGAIN;
	}
	unsigned i = vn->tx_free[--vn->tx_nfree];
	kn_plat_irq_restore(flags);

	uint8_t *slot = vn->tx_mem + (size_t)i * SLOT_SIZE, *p = slot + FRAME_AT;
	__builtin_memset(slot, 0, HDR_LEN); /* no offloads asked for */
	for (unsigned k = 0; k < n; k++) {
		__builtin_memcpy(p, pieces[k].data, pieces[k].len);
		p += pieces[k].len;
	}
	struct kn_virtq_buf bufs[2] = {{slot, HDR_LEN}, {slot + FRAME_AT, (uint32_t)len}};
	flags = kn_plat_irq_save();
	int err = kn_virtq_add(&vn->tx, bufs, 2, 0, (void *)((uintptr_t)i + 1));
	if (!err)
		kn_virtio_kick(vn->vdev, TXQ, &vn->tx);
	else
		vn->tx_free[vn->tx_nfree++] = (uint16_t)i;
	kn_plat_irq_restore(flags);
	return err == -KN_ENOSPC ? -KN_EAGAIN : err;
}

static void kn_vnet_rx_intr_disable(struct kn_netdev *ndev)
{
	kn_virtq_disable_intr(&of(ndev)->rx);
}

static bool kn_vnet_rx_intr_enable(struct kn_netdev *ndev)
{
	return kn_virtq_enable_intr(&of(ndev)->rx);
}

static bool kn_vnet_tx_intr_enable(struct kn_netdev *ndev)
{
	struct kn_vnet *vn = of(ndev);
	unsigned long flags = kn_plat_irq_save();
	bool room = vn->tx_nfree || kn_virtq_enable_intr(&vn->tx);
	kn_plat_irq_restore(flags);
	return room;
}

static void kn_vnet_tx_intr_disable(struct kn_netdev *ndev)
{
	kn_virtq_disable_intr(&of(ndev)->tx);
}

static const struct kn_netdev_ops kn_vnet_ops = {
	.transmit = kn_vnet_transmit,
	.receive = kn_vnet_receive,
	.release = kn_vnet_release,
	.rx_intr_disable = kn_vnet_rx_intr_disable,
	.rx_intr_enable = kn_vnet_rx_intr_enable,
	.tx_intr_enable = kn_vnet_tx_intr_enable,
	.tx_intr_disable = kn_vnet_tx_intr_disable,
};

static void *slots_alloc(unsigned slots)
{
	return kn_palloc(((size_t)slots * SLOT_SIZE + 4095) / 4096);
}

static void read_link(struct kn_vnet *vn)
{
	vn->ndev.link_up = !kn_virtio_has(vn->vdev, NET_F_STATUS) ||
			   (kn_virtio_config16(vn->vdev, CONFIG_STATUS) & NET_S_LINK_UP);
}

static int kn_vnet_probe(struct kn_virtio_dev *d)
{
	struct kn_vnet *vn = kn_calloc(1, sizeof(*vn));
	if (!vn)
		return -KN_ENOMEM;
	vn->vdev = d;
	d->driver_data = vn;
	int err = kn_virtio_queue_setup(d, RXQ, &vn->rx, QUEUE_MAX);
	if (!err)
		err = kn_virtio_queue_setup(d, TXQ, &vn->tx, QUEUE_MAX);
	if (err)
		return err;
	/* Two descriptors per frame. */
	vn->rx_slots = vn->rx.num / 2;
	vn->tx_slots = vn->tx.num / 2;
	vn->rx_mem = slots_alloc(vn->rx_slots);
	vn->tx_mem = slots_alloc(vn->tx_slots);
	vn->rx_bufs = kn_calloc(vn->rx_slots, sizeof(*vn->rx_bufs));
	vn->tx_free = kn_calloc(vn->tx_slots, sizeof(*vn->tx_free));
	if (!vn->rx_mem || !vn->tx_mem || !vn->rx_bufs || !vn->tx_free)
		return -KN_ENOMEM;
	for (unsigned i = 0; i < vn->rx_slots; i++) {
		vn->rx_bufs[i].data = vn->rx_mem + (size_t)i * SLOT_SIZE + FRAME_AT;
		rx_post(vn, i);
	}
	for (unsigned i = 0; i < vn->tx_slots; i++)
		vn->tx_free[vn->tx_nfree++] = (uint16_t)(vn->tx_slots - 1 - i);
	kn_virtq_disable_intr(&vn->tx);

	struct kn_netdev *ndev = &vn->ndev;
	ndev->ops = &kn_vnet_ops;
	ndev->driver_data = vn;
	if (kn_virtio_has(d, NET_F_MAC)) {
		for (unsigned i = 0; i < 6; i++)
			ndev->mac[i] = d->transport->config8(d, CONFIG_MAC + i);
	} else { /* locally administered, unique per device in this VM */
		static const uint8_t mac[6] = {0x02, 0x4b, 0x4e, 0x00, 0x00, 0x00};
		__builtin_memcpy(ndev->mac, mac, 6);
		ndev->mac[5] = (uint8_t)d->device_id ^ (uint8_t)(uintptr_t)vn;
	}
	ndev->mtu = KN_NETDEV_MTU;
	if (kn_virtio_has(d, NET_F_MTU) && kn_virtio_config16(d, CONFIG_MTU) < KN_NETDEV_MTU)
		ndev->mtu = kn_virtio_config16(d, CONFIG_MTU);
	read_link(vn);
	return kn_netdev_register(ndev);
}

static void kn_vnet_ready(struct kn_virtio_dev *d)
{
	struct kn_vnet *vn = d->driver_data;
	kn_virtio_kick(d, RXQ, &vn->rx); /* the receive buffers probe queued */
	const uint8_t *m = vn->ndev.mac;
	kn_printk("kn: %s: virtio-net at %s, MAC %02x:%02x:%02x:%02x:%02x:%02x, MTU %u, link %s\n",
		  vn->ndev.name, d->name, m[0], m[1], m[2], m[3], m[4], m[5], vn->ndev.mtu,
		  vn->ndev.link_up ? "up" : "down");
}

static void kn_vnet_queue_event(struct kn_virtio_dev *d)
{
	struct kn_vnet *vn = d->driver_data;
	if (kn_virtq_has_used(&vn->rx))
		kn_netdev_rx_event(&vn->ndev);
	if (!vn->tx.intr_off && kn_virtq_has_used(&vn->tx))
		kn_netdev_tx_event(&vn->ndev);
}

static void kn_vnet_config_event(struct kn_virtio_dev *d)
{
	read_link(d->driver_data);
}

KN_VIRTIO_DRIVER(kn_vnet_driver) = {
	.name = "virtio-net",
	.device_id = KN_VIRTIO_ID_NET,
	.features = NET_F_MAC | NET_F_STATUS | NET_F_MTU | KN_VIRTIO_F_EVENT_IDX,
	.probe = kn_vnet_probe,
	.ready = kn_vnet_ready,
	.queue_event = kn_vnet_queue_event,
	.config_event = kn_vnet_config_event,
};
