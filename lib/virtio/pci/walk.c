/* Walking PCI configuration space: the buses, the functions on them and
 * a function's capability list. Pure logic over a read function, so the
 * host tests run it against a simulated bus (tests/walk_test.c). */
#include "bus.h"

#define VENDOR_VIRTIO 0x1af4
#define HEADER_MULTIFUNCTION 0x80
#define HEADER_TYPE_BRIDGE 0x01
#define BUSES 256

struct walk {
	kn_vpci_read32_fn read32;
	void (*found)(unsigned bdf, uint32_t id, void *arg);
	void *arg;
	unsigned count;
	uint8_t seen[BUSES / 8];
};

/* No function answers with all ones; some VMMs answer 0 for nothing. */
static bool present(uint32_t id)
{
	uint16_t vendor = id & 0xffff;
	return vendor != 0xffff && vendor != 0;
}

static void walk_bus(struct walk *w, unsigned bus);

static void walk_function(struct walk *w, unsigned bdf, uint32_t id, uint8_t header)
{
	w->count++;
	w->found(bdf, id, w->arg);
	if ((header & 0x7f) == HEADER_TYPE_BRIDGE)
		walk_bus(w, (w->read32(bdf, KN_PCI_BUSES) >> 8) & 0xff);
}

static void walk_bus(struct walk *w, unsigned bus)
{
	/* Each bus once: firmware that left a bridge unnumbered (secondary
	 * bus 0) or numbered two alike must not loop the walk. */
	if (w->seen[bus / 8] & (1 << bus % 8))
		return;
	w->seen[bus / 8] |= (uint8_t)(1 << bus % 8);
	for (unsigned dev = 0; dev < 32; dev++) {
		unsigned bdf = bus << 8 | dev << 3;
		uint32_t id = w->read32(bdf, KN_PCI_ID);
		if (!present(id))
			continue;
		uint8_t header = (uint8_t)(w->read32(bdf, KN_PCI_HEADER) >> 16);
		walk_function(w, bdf, id, header);
		if (!(header & HEADER_MULTIFUNCTION))
			continue;
		for (unsigned fn = 1; fn < 8; fn++) {
			uint32_t fid = w->read32(bdf | fn, KN_PCI_ID);
			if (present(fid))
				walk_function(w, bdf | fn, fid,
					      (uint8_t)(w->read32(bdf | fn, KN_PCI_HEADER) >> 16));
		}
	}
}

unsigned kn_vpci_walk(kn_vpci_read32_fn read32, void (*found)(unsigned bdf, uint32_t id, void *arg),
		      void *arg)
{
	struct walk w = {.read32 = read32, .found = found, .arg = arg};
	walk_bus(&w, 0);
	return w.count;
}

unsigned kn_vpci_find_cap(kn_vpci_read32_fn read32, unsigned bdf, uint8_t cap_id)
{
	if (!(read32(bdf, KN_PCI_COMMAND) & KN_PCI_STATUS_CAPS))
		return 0;
	unsigned at = read32(bdf, KN_PCI_CAPS) & 0xfc;
	/* At most 48 capabilities fit past the header: more is a loop. */
	for (unsigned n = 0; at >= 0x40 && n < 48; n++) {
		uint32_t head = read32(bdf, at);
		if ((head & 0xff) == cap_id)
			return at;
		at = (head >> 8) & 0xfc;
	}
	return 0;
}

bool kn_vpci_is_legacy_virtio(uint32_t id)
{
	uint16_t device = id >> 16;
	return (id & 0xffff) == VENDOR_VIRTIO && device >= 0x1000 && device <= 0x103f;
}

bool kn_vpci_is_modern_virtio(uint32_t id)
{
	uint16_t device = id >> 16;
	return (id & 0xffff) == VENDOR_VIRTIO && device >= 0x1040 && device <= 0x107f;
}
