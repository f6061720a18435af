/* virtio over MMIO, the legacy (version 1) register layout QEMU's microvm
 * uses by default (virtio 1.x section 4.2.4).
 *
 * Devices are found the way Linux finds them on microvm: QEMU appends a
 * "virtio_mmio.device=SIZE@BASE:IRQ" entry to the command line for each
 * transport that has a device, when the machine runs with acpi=off (with
 * ACPI the transports sit on a second IOAPIC described only in ACPI
 * tables, which Kiln does not read). Boot hands each entry to
 * kn_vmmio_param; the devices start once the heap exists. */
#include <kn/console.h>
#include <kn/errno.h>
#include <kn/format.h>
#include <kn/init.h>
#include <kn/param.h>
#include <kn/plat.h>
#include <kn/virtio.h>

#define REG_MAGIC 0x000
#define REG_VERSION 0x004
#define REG_DEVICE_ID 0x008
#define REG_HOST_FEATURES 0x010
#define REG_HOST_FEATURES_SEL 0x014
#define REG_GUEST_FEATURES 0x020
#define REG_GUEST_FEATURES_SEL 0x024
#define REG_GUEST_PAGE_SIZE 0x028
#define REG_QUEUE_SEL 0x030
#define REG_QUEUE_NUM_MAX 0x034
#define REG_QUEUE_NUM 0x038
#define REG_QUEUE_ALIGN 0x03c
#define REG_QUEUE_PFN 0x040
#define REG_QUEUE_NOTIFY 0x050
#define REG_INTERRUPT_STATUS 0x060
#define REG_INTERRUPT_ACK 0x064
#define REG_STATUS 0x070
#define REG_CONFIG 0x100

#define MAGIC 0x74726976 /* "virt" */
#define PAGE_SIZE 4096
#define MAX_DEVICES 16

struct kn_vmmio {
	struct kn_virtio_dev vdev;
	uintptr_t base;
	unsigned irq;
};

static struct kn_vmmio kn_vmmio_devs[MAX_DEVICES];
static unsigned kn_vmmio_count;

static uint32_t rd(struct kn_vmmio *m, unsigned reg)
{
	return *(volatile uint32_t *)(m->base + reg);
}

static void wr(struct kn_vmmio *m, unsigned reg, uint32_t v)
{
	*(volatile uint32_t *)(m->base + reg) = v;
}

static struct kn_vmmio *of(struct kn_virtio_dev *d)
{
	return d->transport_data;
}

static uint32_t kn_vmmio_features(struct kn_virtio_dev *d)
{
	wr(of(d), REG_HOST_FEATURES_SEL, 0);
	return rd(of(d), REG_HOST_FEATURES);
}

static void kn_vmmio_set_features(struct kn_virtio_dev *d, uint32_t features)
{
	wr(of(d), REG_GUEST_FEATURES_SEL, 0);
	wr(of(d), REG_GUEST_FEATURES, features);
}

static uint8_t kn_vmmio_status(struct kn_virtio_dev *d)
{
	return (uint8_t)rd(of(d), REG_STATUS);
}

static void kn_vmmio_set_status(struct kn_virtio_dev *d, uint8_t status)
{
	wr(of(d), REG_STATUS, status);
}

static uint8_t kn_vmmio_config8(struct kn_virtio_dev *d, unsigned offset)
{
	return *(volatile uint8_t *)(of(d)->base + REG_CONFIG + offset);
}

static uint16_t kn_vmmio_queue_size(struct kn_virtio_dev *d, unsigned index, uint16_t wanted)
{
	wr(of(d), REG_QUEUE_SEL, index);
	uint32_t max = rd(of(d), REG_QUEUE_NUM_MAX);
	if (!max)
		return 0;
	if (wanted && wanted < max)
		max = wanted;
	uint16_t num = 1;
	while ((uint32_t)num * 2 <= max && num < 32768)
		num *= 2;
	return num;
}

static int kn_vmmio_queue_enable(struct kn_virtio_dev *d, unsigned index, struct kn_virtq *q)
{
	struct kn_vmmio *m = of(d);
	wr(m, REG_QUEUE_SEL, index);
	if (rd(m, REG_QUEUE_PFN))
		return -KN_EBUSY;
	wr(m, REG_QUEUE_NUM, q->num);
	wr(m, REG_QUEUE_ALIGN, KN_VIRTQ_LEGACY_ALIGN);
	wr(m, REG_QUEUE_PFN, (uint32_t)((uintptr_t)q->desc / PAGE_SIZE));
	return 0;
}

static void kn_vmmio_notify(struct kn_virtio_dev *d, unsigned index)
{
	wr(of(d), REG_QUEUE_NOTIFY, index);
}

/* Acknowledge first: the line is edge triggered, and an event after the
 * acknowledgement raises it again. */
static void kn_vmmio_irq(void *arg)
{
	struct kn_vmmio *m = arg;
	uint32_t isr = rd(m, REG_INTERRUPT_STATUS);
	if (!isr)
		return;
	wr(m, REG_INTERRUPT_ACK, isr);
	kn_virtio_interrupt(&m->vdev, isr);
}

static int kn_vmmio_irq_attach(struct kn_virtio_dev *d)
{
	return kn_plat_irq_attach(of(d)->irq, KN_PLAT_IRQ_EDGE, kn_vmmio_irq, of(d));
}

static const struct kn_virtio_transport kn_vmmio_transport = {
	.features = kn_vmmio_features,
	.set_features = kn_vmmio_set_features,
	.status = kn_vmmio_status,
	.set_status = kn_vmmio_set_status,
	.config8 = kn_vmmio_config8,
	.queue_size = kn_vmmio_queue_size,
	.queue_enable = kn_vmmio_queue_enable,
	.notify = kn_vmmio_notify,
	.irq_attach = kn_vmmio_irq_attach,
};

/* SIZE@BASE:IRQ[:ID], as Linux's virtio_mmio.device= takes it (the
 * optional platform-device ID is read and not used). */
static int kn_vmmio_param(const char *value)
{
	uint64_t size, base, irq, id;
	const char *p = value;
	if (kn_param_parse_u64(&p, &size) || *p++ != '@' || kn_param_parse_u64(&p, &base) ||
	    *p++ != ':' || kn_param_parse_u64(&p, &irq))
		return -1;
	if (*p == ':' && (p++, kn_param_parse_u64(&p, &id)))
		return -1;
	if (*p || size < REG_CONFIG || base % PAGE_SIZE + size > PAGE_SIZE || irq > 255)
		return -1;
	if (kn_vmmio_count == MAX_DEVICES) {
		kn_printk("kn: virtio-mmio: more than %d devices; %s ignored\n", MAX_DEVICES,
			  value);
		return 0;
	}
	struct kn_vmmio *m = &kn_vmmio_devs[kn_vmmio_count++];
	m->base = (uintptr_t)base;
	m->irq = (unsigned)irq;
	return 0;
}

static kn_param_fn kn_vmmio_param_fn = kn_vmmio_param;
KN_PARAM(virtio_mmio, device, KN_PARAM_CALL, kn_vmmio_param_fn,
	 "a virtio-mmio transport, SIZE@BASE:IRQ (QEMU's microvm adds them with acpi=off)");

static int kn_vmmio_init(void)
{
	for (unsigned i = 0; i < kn_vmmio_count; i++) {
		struct kn_vmmio *m = &kn_vmmio_devs[i];
		kn_snprintf(m->vdev.name, sizeof(m->vdev.name), "virtio-mmio@%#lx",
			    (unsigned long)m->base);
		/* A mistyped -k virtio_mmio.device= must not fault the boot. */
		if (kn_plat_access_ok(m->base, REG_CONFIG, KN_PLAT_PROT_READ)) {
			kn_printk("kn: virtio-mmio: %s is not mapped device memory; ignored\n",
				  m->vdev.name);
			continue;
		}
		uint32_t magic = rd(m, REG_MAGIC), version = rd(m, REG_VERSION);
		if (magic != MAGIC) {
			kn_printk("kn: virtio-mmio: no device at %s (magic %#x)\n", m->vdev.name,
				  magic);
			continue;
		}
		if (version != 1) {
			kn_printk("kn: virtio-mmio: %s has register layout %u; Kiln drives the "
				  "legacy layout 1 (QEMU's default: leave force-legacy on)\n",
				  m->vdev.name, version);
			continue;
		}
		m->vdev.device_id = rd(m, REG_DEVICE_ID);
		if (!m->vdev.device_id) /* a transport with nothing plugged in */
			continue;
		m->vdev.transport = &kn_vmmio_transport;
		m->vdev.transport_data = m;
		/* Legacy queues are placed by page number: say the page size
		 * before the first QueuePFN. */
		wr(m, REG_GUEST_PAGE_SIZE, PAGE_SIZE);
		kn_virtio_device_found(&m->vdev);
	}
	return 0;
}
KN_INIT(kn_vmmio_init, KN_INIT_PLAT, 50);
