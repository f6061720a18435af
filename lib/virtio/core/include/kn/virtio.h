/* The virtio core: what every virtio driver sees of a device, whatever
 * the transport (virtio-mmio on microvm, virtio-pci on pc).
 *
 * A transport finds devices and reports each with kn_virtio_device_found;
 * the core resets it, matches a driver from the .kn_virtio_drivers table
 * by device ID, negotiates features, lets the driver set up its queues
 * (kn_virtio_queue_setup), sets DRIVER_OK and tells the driver. The transport's interrupt
 * handler acknowledges the device and calls kn_virtio_interrupt, which
 * hands used-buffer and configuration events to the driver. Legacy
 * (virtio 0.9.5) register layouts only, for now: 32 feature bits, no
 * FEATURES_OK step, the used ring page aligned. */
#ifndef KN_VIRTIO_H
#define KN_VIRTIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <kn/compiler.h>
#include <kn/virtqueue.h>

/* Device status bits (virtio 1.x section 2.1). */
#define KN_VIRTIO_STATUS_ACKNOWLEDGE 1
#define KN_VIRTIO_STATUS_DRIVER 2
#define KN_VIRTIO_STATUS_DRIVER_OK 4
#define KN_VIRTIO_STATUS_FAILED 128

/* Device-independent feature bits a driver may ask for. */
#define KN_VIRTIO_F_ANY_LAYOUT (1U << 27)
#define KN_VIRTIO_F_EVENT_IDX (1U << 29)

/* Device IDs (virtio 1.x section 5). */
#define KN_VIRTIO_ID_NET 1
#define KN_VIRTIO_ID_BLOCK 2
#define KN_VIRTIO_ID_9P 9

/* Interrupt status bits, as both legacy transports report them. */
#define KN_VIRTIO_ISR_QUEUE 1
#define KN_VIRTIO_ISR_CONFIG 2

struct kn_virtio_dev;

/* A transport's registers, behind one interface. */
struct kn_virtio_transport {
	uint32_t (*features)(struct kn_virtio_dev *d); /* the device's */
	void (*set_features)(struct kn_virtio_dev *d, uint32_t features);
	uint8_t (*status)(struct kn_virtio_dev *d);
	void (*set_status)(struct kn_virtio_dev *d, uint8_t status); /* 0 resets */
	/* The device-specific configuration, byte by byte. */
	uint8_t (*config8)(struct kn_virtio_dev *d, unsigned offset);
	/* The size queue `index` will have if the driver wants `wanted`
	 * entries: 0 when there is no such queue. Legacy PCI fixes the size;
	 * MMIO takes any power of two up to its maximum. */
	uint16_t (*queue_size)(struct kn_virtio_dev *d, unsigned index, uint16_t wanted);
	/* Tells the device where the rings of `index` are (q laid out). */
	int (*queue_enable)(struct kn_virtio_dev *d, unsigned index, struct kn_virtq *q);
	void (*notify)(struct kn_virtio_dev *d, unsigned index);
	/* Routes the device's interrupt to the transport's handler. */
	int (*irq_attach)(struct kn_virtio_dev *d);
};

struct kn_virtio_driver;

struct kn_virtio_dev {
	const struct kn_virtio_transport *transport;
	void *transport_data;
	uint32_t device_id;
	char name[32];     /* "virtio-mmio@0xfeb00e00", for messages */
	uint32_t features; /* negotiated */
	const struct kn_virtio_driver *driver;
	void *driver_data;
};

struct kn_virtio_driver {
	const char *name;
	uint32_t device_id;
	uint32_t features; /* those it can use; the device's decide */
	/* Features negotiated, queues not yet set up: sets them up and
	 * registers the device with its API. 0, or a negative errno (the
	 * device is marked FAILED and left alone). */
	int (*probe)(struct kn_virtio_dev *d);
	/* After DRIVER_OK, when the device may be notified: hands it the
	 * buffers probe queued, registers with the API. Optional. */
	void (*ready)(struct kn_virtio_dev *d);
	/* Interrupt handling (thread context, interrupts masked): some queue
	 * has used buffers; the configuration changed. */
	void (*queue_event)(struct kn_virtio_dev *d);
	void (*config_event)(struct kn_virtio_dev *d);
};

/* Drivers register with KN_VIRTIO_DRIVER(name) = { ... }; */
#define KN_VIRTIO_DRIVER(var)                                                                      \
	static const struct kn_virtio_driver var KN_USED KN_ALIGNED(8)                             \
		KN_SECTION(".kn_virtio_drivers")

KN_API_BEGIN
/* For transports: a device answered at d (transport, transport_data,
 * device_id and name filled). Matches, negotiates and probes; returns 0
 * when a driver took it, -KN_ENODEV when no driver in the image knows its
 * ID (said once on the console), or the probe's error. */
int kn_virtio_device_found(struct kn_virtio_dev *d);
/* For transports' interrupt handlers: the ISR bits just acknowledged. */
void kn_virtio_interrupt(struct kn_virtio_dev *d, uint32_t isr);

/* For drivers: sets up queue `index` with at most `max` entries (0: as
 * many as the device offers), its ring memory zeroed and page aligned.
 * -KN_ENOENT when the device has no such queue, -KN_ENOMEM. */
int kn_virtio_queue_setup(struct kn_virtio_dev *d, unsigned index, struct kn_virtq *q,
			  uint16_t max);
/* Publishes what was added to q and notifies the device if it asked. */
void kn_virtio_kick(struct kn_virtio_dev *d, unsigned index, struct kn_virtq *q);
/* Device configuration fields, little-endian on every legacy x86 transport. */
uint16_t kn_virtio_config16(struct kn_virtio_dev *d, unsigned offset);
bool kn_virtio_has(const struct kn_virtio_dev *d, uint32_t feature);
KN_API_END

#endif
