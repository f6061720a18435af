/* virtio over PCI, the legacy interface of transitional devices (virtio
 * 1.x section 4.1.4.8), which QEMU's virtio-*-pci devices keep on pc.
 *
 * Devices are found by walking configuration space (walk.c); a BAR0
 * the firmware left without ports (qboot does) gets some here (ports.c),
 * and the interrupt line comes from the board's router (route.c). The
 * line is level triggered and may be shared: reading the ISR status
 * register acknowledges the device and lowers it. MSI-X stays off, so the device-specific configuration
 * starts right after the common registers. */
#include <kn/console.h>
#include <kn/errno.h>
#include <kn/format.h>
#include <kn/init.h>
#include <kn/plat.h>
#include <kn/virtio.h>
#include "bus.h"
#include <kn/portio.h>

/* The legacy register block in BAR0. */
#define REG_HOST_FEATURES 0x00
#define REG_GUEST_FEATURES 0x04
#define REG_QUEUE_PFN 0x08
#define REG_QUEUE_SIZE 0x0c
#define REG_QUEUE_SEL 0x0e
#define REG_QUEUE_NOTIFY 0x10
#define REG_STATUS 0x12
#define REG_ISR 0x13
#define REG_CONFIG 0x14 /* without MSI-X */

#define PAGE_SIZE 4096
#define MAX_DEVICES 16

struct kn_vpci {
	struct kn_virtio_dev vdev;
	unsigned bdf;
	uint16_t io;
	uint8_t irq; /* 0: none */
};

static struct kn_vpci kn_vpci_devs[MAX_DEVICES];
static unsigned kn_vpci_count;

static struct kn_vpci *of(struct kn_virtio_dev *d)
{
	return d->transport_data;
}

static uint32_t kn_vpci_features(struct kn_virtio_dev *d)
{
	return kn_inl(of(d)->io + REG_HOST_FEATURES);
}

static void kn_vpci_set_features(struct kn_virtio_dev *d, uint32_t features)
{
	kn_outl(of(d)->io + REG_GUEST_FEATURES, features);
}

static uint8_t kn_vpci_status(struct kn_virtio_dev *d)
{
	return kn_inb(of(d)->io + REG_STATUS);
}

static void kn_vpci_set_status(struct kn_virtio_dev *d, uint8_t status)
{
	kn_outb(of(d)->io + REG_STATUS, status);
}

static uint8_t kn_vpci_config8(struct kn_virtio_dev *d, unsigned offset)
{
	return kn_inb(of(d)->io + REG_CONFIG + offset);
}

/* Legacy PCI queues have the device's size, whatever the driver wants. */
static uint16_t kn_vpci_queue_size(struct kn_virtio_dev *d, unsigned index, uint16_t wanted)
{
	(void)wanted;
	kn_outw(of(d)->io + REG_QUEUE_SEL, (uint16_t)index);
	return kn_inw(of(d)->io + REG_QUEUE_SIZE);
}

static int kn_vpci_queue_enable(struct kn_virtio_dev *d, unsigned index, struct kn_virtq *q)
{
	uint16_t io = of(d)->io;
	uint64_t pfn = (uintptr_t)q->desc / PAGE_SIZE;
	if (pfn > UINT32_MAX) /* the register holds a 32-bit page number */
		return -KN_ENOMEM;
	kn_outw(io + REG_QUEUE_SEL, (uint16_t)index);
	if (kn_inl(io + REG_QUEUE_PFN))
		return -KN_EBUSY;
	kn_outl(io + REG_QUEUE_PFN, (uint32_t)pfn);
	return 0;
}

static void kn_vpci_notify(struct kn_virtio_dev *d, unsigned index)
{
	kn_outw(of(d)->io + REG_QUEUE_NOTIFY, (uint16_t)index);
}

/* The read acknowledges and lowers the line; 0 means another device on
 * the shared line raised it. */
static void kn_vpci_irq(void *arg)
{
	struct kn_vpci *p = arg;
	uint8_t isr = kn_inb(p->io + REG_ISR);
	if (isr)
		kn_virtio_interrupt(&p->vdev, isr);
}

static int kn_vpci_irq_attach(struct kn_virtio_dev *d)
{
	struct kn_vpci *p = of(d);
	if (!p->irq) {
		kn_printk("kn: virtio-pci: %s has no routed interrupt line\n", d->name);
		return -KN_ENODEV;
	}
	return kn_plat_irq_attach(p->irq, KN_PLAT_IRQ_LEVEL, kn_vpci_irq, p);
}

static const struct kn_virtio_transport kn_vpci_transport = {
	.features = kn_vpci_features,
	.set_features = kn_vpci_set_features,
	.status = kn_vpci_status,
	.set_status = kn_vpci_set_status,
	.config8 = kn_vpci_config8,
	.queue_size = kn_vpci_queue_size,
	.queue_enable = kn_vpci_queue_enable,
	.notify = kn_vpci_notify,
	.irq_attach = kn_vpci_irq_attach,
};

static struct kn_vpci_ports kn_vpci_ports = {KN_VPCI_PORTS_START};

/* Gives BAR0 ports of its own when the firmware did not (qboot). */
static uint32_t kn_vpci_assign_bar0(unsigned bdf)
{
	uint16_t command = (uint16_t)kn_vpci_cfg_read32(bdf, KN_PCI_COMMAND);
	/* No decoding while the BAR holds the all-ones probe. */
	kn_vpci_cfg_write16(bdf, KN_PCI_COMMAND, command & ~KN_PCI_CMD_IO);
	kn_vpci_cfg_write32(bdf, KN_PCI_BAR0, 0xffffffff);
	uint32_t size = kn_vpci_io_bar_size(kn_vpci_cfg_read32(bdf, KN_PCI_BAR0));
	uint32_t base = kn_vpci_ports_take(&kn_vpci_ports, size);
	kn_vpci_cfg_write32(bdf, KN_PCI_BAR0, base | KN_PCI_BAR_IO);
	kn_vpci_cfg_write16(bdf, KN_PCI_COMMAND, command);
	return kn_vpci_cfg_read32(bdf, KN_PCI_BAR0);
}

/* Reads what the transport needs of a virtio function, or says in one
 * line why it is skipped (-1). */
static int kn_vpci_setup(struct kn_vpci *p)
{
	unsigned bdf = p->bdf;
	uint32_t bar = kn_vpci_cfg_read32(bdf, KN_PCI_BAR0);
	if (bar == KN_PCI_BAR_IO && bdf >> 8 == 0) /* behind a bridge it needs a window */
		bar = kn_vpci_assign_bar0(bdf);
	if (!(bar & KN_PCI_BAR_IO) || !(bar & ~3U) || (bar & ~3U) > 0xffff) {
		kn_printk("kn: virtio-pci: %s: BAR0 is not an assigned I/O port range (%#x); "
			  "ignored\n",
			  p->vdev.name, bar);
		return -1;
	}
	p->io = (uint16_t)(bar & ~3U);
	/* The config offset is 24 while MSI-X is on: keep it off, so
	 * interrupts take the INTx line and the offset is 20. */
	unsigned msix = kn_vpci_find_cap(kn_vpci_cfg_read32, bdf, KN_PCI_CAP_MSIX);
	if (msix) {
		uint16_t control = (uint16_t)(kn_vpci_cfg_read32(bdf, msix) >> 16);
		if (control & KN_PCI_MSIX_ENABLE)
			kn_vpci_cfg_write16(bdf, msix + 2, control & ~KN_PCI_MSIX_ENABLE);
	}
	uint16_t command = (uint16_t)kn_vpci_cfg_read32(bdf, KN_PCI_COMMAND);
	command |= KN_PCI_CMD_IO | KN_PCI_CMD_BUS_MASTER; /* the rings are DMA */
	command &= ~KN_PCI_CMD_INTX_DISABLE;
	kn_vpci_cfg_write16(bdf, KN_PCI_COMMAND, command);
	p->irq = (uint8_t)kn_vpci_intx_line(kn_vpci_cfg_read32, bdf);
	/* A transitional device's subsystem ID is its virtio device ID. */
	p->vdev.device_id = kn_vpci_cfg_read32(bdf, KN_PCI_SUBSYSTEM) >> 16;
	p->vdev.transport = &kn_vpci_transport;
	p->vdev.transport_data = p;
	return 0;
}

/* Ports firmware gave any function stay its own. */
static void kn_vpci_reserve_bars(unsigned bdf)
{
	if ((kn_vpci_cfg_read32(bdf, KN_PCI_HEADER) >> 16 & 0x7f) != 0)
		return; /* bridges: their windows are the devices' ports */
	for (unsigned bar = 0; bar < 6; bar++) {
		uint32_t v = kn_vpci_cfg_read32(bdf, KN_PCI_BAR0 + 4 * bar);
		if (v & KN_PCI_BAR_IO)
			kn_vpci_ports_reserve(&kn_vpci_ports, v & ~3U);
		else if ((v & KN_PCI_BAR_MEM_TYPE) == KN_PCI_BAR_MEM_64)
			bar++; /* its upper half is an address, not a BAR */
	}
}

static void kn_vpci_found(unsigned bdf, uint32_t id, void *arg)
{
	(void)arg;
	kn_vpci_reserve_bars(bdf);
	char name[32];
	kn_snprintf(name, sizeof(name), "virtio-pci@%02x:%02x.%x", bdf >> 8, (bdf >> 3) & 0x1f,
		    bdf & 7);
	if (kn_vpci_is_modern_virtio(id)) {
		kn_printk("kn: virtio-pci: %s has no legacy interface; Kiln drives transitional "
			  "devices (QEMU: leave disable-legacy off)\n",
			  name);
		return;
	}
	if (!kn_vpci_is_legacy_virtio(id))
		return;
	if (kn_vpci_count == MAX_DEVICES) {
		kn_printk("kn: virtio-pci: more than %d devices; %s ignored\n", MAX_DEVICES, name);
		return;
	}
	struct kn_vpci *p = &kn_vpci_devs[kn_vpci_count++];
	__builtin_memcpy(p->vdev.name, name, sizeof(name));
	p->bdf = bdf;
}

/* Walks first, so ports are handed out past every BAR already placed. */
static int kn_vpci_init(void)
{
	kn_vpci_walk(kn_vpci_cfg_read32, kn_vpci_found, NULL);
	for (unsigned i = 0; i < kn_vpci_count; i++)
		if (kn_vpci_setup(&kn_vpci_devs[i]) == 0)
			kn_virtio_device_found(&kn_vpci_devs[i].vdev);
	return 0;
}
KN_INIT(kn_vpci_init, KN_INIT_PLAT, 50);
