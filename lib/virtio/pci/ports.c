/* I/O port space for BARs the firmware left unassigned: qboot (kiln's
 * firmware on pc) assigns none, SeaBIOS all. Ports come from pc's PCI
 * I/O range, past every BAR already there. Pure logic: the host tests
 * run it (tests/walk_test.c). */
#include "bus.h"

/* The PCI spec caps an I/O BAR at 256 bytes. */
#define IO_BAR_MAX 256

void kn_vpci_ports_reserve(struct kn_vpci_ports *w, uint32_t base)
{
	if (base >= KN_VPCI_PORTS_START && base + IO_BAR_MAX > w->next)
		w->next = base + IO_BAR_MAX;
}

uint32_t kn_vpci_io_bar_size(uint32_t probed)
{
	if (!(probed & KN_PCI_BAR_IO))
		return 0;
	uint32_t size = (~(probed & 0xfffc) + 1) & 0xffff;
	return size <= IO_BAR_MAX ? size : 0;
}

uint32_t kn_vpci_ports_take(struct kn_vpci_ports *w, uint32_t size)
{
	if (!size || size & (size - 1))
		return 0;
	uint32_t base = (w->next + size - 1) & ~(size - 1);
	if (base + size > KN_VPCI_PORTS_END)
		return 0;
	w->next = base + size;
	return base;
}
