/* The configuration-space walk (../walk.c) over a simulated PCI bus: a
 * few functions with their 256-byte headers, everything else answering
 * all ones as an empty slot does. Prints "failures=N" last; driven by
 * host.py. */
#include <stdio.h>
#include <string.h>
#include "../bus.h"

static long checks, fails;

#define CHECK(cond)                                                                                \
	do {                                                                                       \
		checks++;                                                                          \
		if (!(cond)) {                                                                     \
			fails++;                                                                   \
			printf("FAIL %s:%d: %s\n", __FILE__, __LINE__, #cond);                     \
		}                                                                                  \
	} while (0)

#define BDF(bus, dev, fn) ((bus) << 8 | (dev) << 3 | (fn))

static struct function {
	unsigned bdf;
	uint8_t cfg[256];
} functions[16];
static unsigned nfunctions;
static unsigned reads;

static void put32(uint8_t *cfg, unsigned off, uint32_t v)
{
	memcpy(cfg + off, &v, 4);
}

static struct function *add(unsigned bdf, uint16_t vendor, uint16_t device, uint8_t header)
{
	struct function *f = &functions[nfunctions++];
	memset(f, 0, sizeof(*f));
	f->bdf = bdf;
	put32(f->cfg, KN_PCI_ID, (uint32_t)device << 16 | vendor);
	put32(f->cfg, KN_PCI_HEADER, (uint32_t)header << 16);
	return f;
}

static void bridge_to(struct function *f, unsigned secondary)
{
	put32(f->cfg, KN_PCI_BUSES, secondary << 8);
}

static uint32_t sim_read32(unsigned bdf, unsigned offset)
{
	reads++;
	for (unsigned i = 0; i < nfunctions; i++)
		if (functions[i].bdf == bdf) {
			uint32_t v;
			memcpy(&v, functions[i].cfg + (offset & 0xfc), 4);
			return v;
		}
	return 0xffffffff;
}

static unsigned seen[32], nseen;

static void record(unsigned bdf, uint32_t id, void *arg)
{
	(void)id;
	(*(unsigned *)arg)++;
	if (nseen < 32)
		seen[nseen++] = bdf;
}

static unsigned walk(void)
{
	unsigned calls = 0;
	nseen = 0;
	unsigned n = kn_vpci_walk(sim_read32, record, &calls);
	CHECK(n == calls);
	return n;
}

static int was_seen(unsigned bdf)
{
	for (unsigned i = 0; i < nseen; i++)
		if (seen[i] == bdf)
			return 1;
	return 0;
}

/* QEMU pc's shape, plus a bridge with a bus behind it. */
static void test_pc_with_a_bridge(void)
{
	nfunctions = 0;
	add(BDF(0, 0, 0), 0x8086, 0x1237, 0);    /* host bridge */
	add(BDF(0, 1, 0), 0x8086, 0x7000, 0x80); /* PIIX3, multifunction */
	add(BDF(0, 1, 1), 0x8086, 0x7010, 0);
	add(BDF(0, 1, 3), 0x8086, 0x7113, 0);
	add(BDF(0, 3, 0), 0x1af4, 0x1000, 0); /* virtio-net-pci */
	add(BDF(0, 3, 2), 0x1af4, 0x1001, 0); /* not multifunction: never looked at */
	bridge_to(add(BDF(0, 4, 0), 0x1b36, 0x0001, 0x01), 1);
	add(BDF(1, 0, 0), 0x1af4, 0x1001, 0);
	add(BDF(1, 5, 0), 0x1af4, 0x1041, 0);
	add(BDF(2, 0, 0), 0x1af4, 0x1009, 0); /* behind no bridge */
	CHECK(walk() == 8);
	CHECK(was_seen(BDF(0, 0, 0)) && was_seen(BDF(0, 1, 1)) && was_seen(BDF(0, 1, 3)));
	CHECK(was_seen(BDF(0, 3, 0)) && !was_seen(BDF(0, 3, 2)));
	CHECK(was_seen(BDF(1, 0, 0)) && was_seen(BDF(1, 5, 0)));
	CHECK(!was_seen(BDF(2, 0, 0)));
}

/* Bridges numbered badly by firmware: each bus is walked once. */
static void test_bridge_loops_end(void)
{
	nfunctions = 0;
	bridge_to(add(BDF(0, 2, 0), 0x1b36, 0x0001, 0x01), 1);
	bridge_to(add(BDF(0, 3, 0), 0x1b36, 0x0001, 0x01), 1); /* the same bus again */
	bridge_to(add(BDF(1, 0, 0), 0x1b36, 0x0001, 0x01), 0); /* back to bus 0 */
	bridge_to(add(BDF(1, 1, 0), 0x1b36, 0x0001, 0x81), 0);
	add(BDF(1, 1, 1), 0x1af4, 0x1000, 0);
	reads = 0;
	CHECK(walk() == 5);
	CHECK(reads < 2 * 32 * 8 * 4); /* two buses, not a loop */
}

/* Some VMMs answer 0 rather than all ones where nothing is. */
static void test_vendor_zero_is_empty(void)
{
	nfunctions = 0;
	add(BDF(0, 7, 0), 0x0000, 0x0000, 0);
	CHECK(walk() == 0);
}

static void test_capabilities(void)
{
	nfunctions = 0;
	struct function *f = add(BDF(0, 3, 0), 0x1af4, 0x1000, 0);
	CHECK(kn_vpci_find_cap(sim_read32, f->bdf, KN_PCI_CAP_MSIX) == 0); /* no list */
	put32(f->cfg, KN_PCI_COMMAND, KN_PCI_STATUS_CAPS);
	f->cfg[KN_PCI_CAPS] = 0x98;
	f->cfg[0x98] = 0x09; /* vendor-specific */
	f->cfg[0x99] = 0x84;
	f->cfg[0x84] = KN_PCI_CAP_MSIX;
	f->cfg[0x85] = 0x70;
	f->cfg[0x70] = 0x05; /* MSI, the last */
	CHECK(kn_vpci_find_cap(sim_read32, f->bdf, KN_PCI_CAP_MSIX) == 0x84);
	CHECK(kn_vpci_find_cap(sim_read32, f->bdf, 0x05) == 0x70);
	CHECK(kn_vpci_find_cap(sim_read32, f->bdf, 0x10) == 0);
	f->cfg[0x71] = 0x98; /* a loop */
	CHECK(kn_vpci_find_cap(sim_read32, f->bdf, 0x10) == 0);
	f->cfg[KN_PCI_CAPS] = 0x10; /* inside the header */
	CHECK(kn_vpci_find_cap(sim_read32, f->bdf, 0x09) == 0);
	f->cfg[KN_PCI_CAPS] = 0x9b; /* low bits are reserved */
	CHECK(kn_vpci_find_cap(sim_read32, f->bdf, 0x09) == 0x98);
}

static void test_virtio_ids(void)
{
	CHECK(!kn_vpci_is_legacy_virtio(0x0fff1af4));
	CHECK(kn_vpci_is_legacy_virtio(0x10001af4));
	CHECK(kn_vpci_is_legacy_virtio(0x103f1af4));
	CHECK(!kn_vpci_is_legacy_virtio(0x10401af4));
	CHECK(!kn_vpci_is_legacy_virtio(0x10008086));
	CHECK(kn_vpci_is_modern_virtio(0x10401af4));
	CHECK(kn_vpci_is_modern_virtio(0x107f1af4));
	CHECK(!kn_vpci_is_modern_virtio(0x10801af4));
	CHECK(!kn_vpci_is_modern_virtio(0x103f1af4));
}

static void test_io_ports(void)
{
	/* What a 32-port BAR reads back, with and without its upper half. */
	CHECK(kn_vpci_io_bar_size(0xffffffe1) == 32);
	CHECK(kn_vpci_io_bar_size(0x0000ffe1) == 32);
	CHECK(kn_vpci_io_bar_size(0xffffff01) == 256);
	CHECK(kn_vpci_io_bar_size(0xfffffe01) == 0); /* more than PCI allows */
	CHECK(kn_vpci_io_bar_size(0xfffffff0) == 0); /* a memory BAR */
	CHECK(kn_vpci_io_bar_size(0x00000001) == 0); /* nothing implemented */

	struct kn_vpci_ports w = {KN_VPCI_PORTS_START};
	kn_vpci_ports_reserve(&w, 0x1f0);  /* legacy IDE: below the range */
	kn_vpci_ports_reserve(&w, 0xc040); /* SeaBIOS placed one */
	kn_vpci_ports_reserve(&w, 0xc000); /* lower: changes nothing */
	uint32_t a = kn_vpci_ports_take(&w, 32);
	CHECK(a == 0xc140);
	uint32_t b = kn_vpci_ports_take(&w, 64);
	CHECK(b == 0xc180 && b % 64 == 0);
	CHECK(kn_vpci_ports_take(&w, 0) == 0);
	CHECK(kn_vpci_ports_take(&w, 48) == 0); /* no power of two */
	w.next = 0xffe1;
	CHECK(kn_vpci_ports_take(&w, 32) == 0); /* past 0xffff */
	w.next = 0xffc1;
	CHECK(kn_vpci_ports_take(&w, 32) == 0xffe0);
}

/* qboot notes IRQ 11 for slot 2's INTA; the PIIX3 router says 10. */
static void test_intx_routing(void)
{
	CHECK(kn_vpci_i440fx_pirq(2, 1) == 1);
	CHECK(kn_vpci_i440fx_pirq(1, 1) == 0);
	CHECK(kn_vpci_i440fx_pirq(4, 4) == 2);
	nfunctions = 0;
	add(BDF(0, 0, 0), 0x8086, 0x1237, 0);
	struct function *piix = add(BDF(0, 1, 0), 0x8086, 0x7000, 0x80);
	put32(piix->cfg, 0x60, 0x0b0b0a0a); /* PIRQA..D -> 10, 10, 11, 11 */
	struct function *net = add(BDF(0, 2, 0), 0x1af4, 0x1000, 0);
	put32(net->cfg, KN_PCI_INTERRUPT, 1 << 8 | 11);
	struct function *blk = add(BDF(0, 4, 0), 0x1af4, 0x1001, 0);
	put32(blk->cfg, KN_PCI_INTERRUPT, 1 << 8 | 10);
	struct function *far = add(BDF(1, 2, 0), 0x1af4, 0x1001, 0);
	put32(far->cfg, KN_PCI_INTERRUPT, 2 << 8 | 5);
	struct function *none = add(BDF(0, 5, 0), 0x1af4, 0x1001, 0);
	put32(none->cfg, KN_PCI_INTERRUPT, 0 << 8 | 10);
	CHECK(kn_vpci_intx_line(sim_read32, net->bdf) == 10);
	CHECK(kn_vpci_intx_line(sim_read32, blk->bdf) == 11);
	CHECK(kn_vpci_intx_line(sim_read32, far->bdf) == 5);  /* behind a bridge: the note */
	CHECK(kn_vpci_intx_line(sim_read32, none->bdf) == 0); /* no pin */
	piix->cfg[0x61] = 0x80;                               /* PIRQB routed nowhere */
	CHECK(kn_vpci_intx_line(sim_read32, net->bdf) == 0);
	/* Another board: the firmware's note, when it names an IOAPIC pin. */
	put32(functions[0].cfg, KN_PCI_ID, 0x29c08086);
	CHECK(kn_vpci_intx_line(sim_read32, net->bdf) == 11);
	put32(net->cfg, KN_PCI_INTERRUPT, 1 << 8 | 0xff);
	CHECK(kn_vpci_intx_line(sim_read32, net->bdf) == 0);
}

int main(void)
{
	test_intx_routing();
	test_io_ports();
	test_pc_with_a_bridge();
	test_bridge_loops_end();
	test_vendor_zero_is_empty();
	test_capabilities();
	test_virtio_ids();
	printf("checks=%ld failures=%ld\n", checks, fails);
	return fails != 0;
}
