/* The virtio core (kn/virtio.h): what every transport and driver shares. */
#include <kn/alloc.h>
#include <kn/console.h>
#include <kn/errno.h>
#include <kn/virtio.h>

extern const struct kn_virtio_driver __kn_virtio_drivers_start[], __kn_virtio_drivers_end[];

static const struct kn_virtio_driver *find_driver(uint32_t device_id)
{
	for (const struct kn_virtio_driver *drv = __kn_virtio_drivers_start;
	     drv < __kn_virtio_drivers_end; drv++)
		if (drv->device_id == device_id)
			return drv;
	return NULL;
}

static const char *device_kind(uint32_t id)
{
	switch (id) {
	case KN_VIRTIO_ID_NET: return "a network card (add virtio-net)";
	case KN_VIRTIO_ID_BLOCK: return "a block device";
	case KN_VIRTIO_ID_9P: return "a 9p share";
	default: return "a device";
	}
}

static void add_status(struct kn_virtio_dev *d, uint8_t bits)
{
	d->transport->set_status(d, d->transport->status(d) | bits);
}

int kn_virtio_device_found(struct kn_virtio_dev *d)
{
	const struct kn_virtio_transport *t = d->transport;
	t->set_status(d, 0); /* reset: whatever firmware left is gone */
	add_status(d, KN_VIRTIO_STATUS_ACKNOWLEDGE);
	const struct kn_virtio_driver *drv = find_driver(d->device_id);
	if (!drv) {
		kn_printk("kn: virtio: %s is %s (device ID %u) that no driver in the image "
			  "takes; left alone\n",
			  d->name, device_kind(d->device_id), d->device_id);
		t->set_status(d, 0);
		return -KN_ENODEV;
	}
	add_status(d, KN_VIRTIO_STATUS_DRIVER);
	d->driver = drv;
	d->features = t->features(d) & drv->features;
	t->set_features(d, d->features);
	int err = drv->probe(d);
	if (!err)
		err = t->irq_attach(d);
	if (err) {
		kn_printk("kn: virtio: %s: %s could not start it (error %d)\n", d->name, drv->name,
			  -err);
		add_status(d, KN_VIRTIO_STATUS_FAILED);
		return err;
	}
	add_status(d, KN_VIRTIO_STATUS_DRIVER_OK);
	if (drv->ready)
		drv->ready(d);
	return 0;
}

void kn_virtio_interrupt(struct kn_virtio_dev *d, uint32_t isr)
{
	if (!d->driver)
		return;
	if (isr & KN_VIRTIO_ISR_CONFIG && d->driver->config_event)
		d->driver->config_event(d);
	if (isr & KN_VIRTIO_ISR_QUEUE && d->driver->queue_event)
		d->driver->queue_event(d);
}

int kn_virtio_queue_setup(struct kn_virtio_dev *d, unsigned index, struct kn_virtq *q, uint16_t max)
{
	uint16_t num = d->transport->queue_size(d, index, max);
	if (!num)
		return -KN_ENOENT;
	size_t bytes = kn_virtq_size(num, KN_VIRTQ_LEGACY_ALIGN);
	size_t pages = (bytes + 4095) / 4096;
	void *mem = kn_palloc(pages);
	void **cookies = kn_calloc(num, sizeof(void *));
	if (!mem || !cookies) {
		if (mem)
			kn_pfree(mem, pages);
		kn_free(cookies);
		return -KN_ENOMEM;
	}
	__builtin_memset(mem, 0, pages * 4096);
	int err = kn_virtq_init(q, num, mem, KN_VIRTQ_LEGACY_ALIGN, cookies,
				kn_virtio_has(d, KN_VIRTIO_F_EVENT_IDX));
	if (!err)
		err = d->transport->queue_enable(d, index, q);
	if (err) {
		kn_pfree(mem, pages);
		kn_free(cookies);
	}
	return err;
}

void kn_virtio_kick(struct kn_virtio_dev *d, unsigned index, struct kn_virtq *q)
{
	if (kn_virtq_kick_prepare(q))
		d->transport->notify(d, index);
}

uint16_t kn_virtio_config16(struct kn_virtio_dev *d, unsigned offset)
{
	return d->transport->config8(d, offset) | d->transport->config8(d, offset + 1) << 8;
}

bool kn_virtio_has(const struct kn_virtio_dev *d, uint32_t feature)
{
	return (d->features & feature) == feature;
}
