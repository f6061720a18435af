/* Which interrupt line a PCI function's INTx pin reaches on pc.
 *
 * The interrupt line register is only firmware's note, and qboot's note
 * is wrong on i440fx: it rotates the pins one slot off from the board,
 * so a card in slot 2 is told IRQ 11 while its interrupts arrive on 10.
 * The PIIX3 router itself is the truth: slot S's pin P (1 = INTA) drives
 * PIRQ (S - 1 + P - 1) mod 4, and the router's PIRQ registers say which
 * ISA interrupt each PIRQ is steered to. Pure logic over a read
 * function, so the host tests run it (tests/walk_test.c). */
#include "bus.h"

#define I440FX_ID 0x12378086 /* host bridge at 00:00.0 */
#define PIIX3_ID 0x70008086  /* its ISA bridge at 00:01.0 */
#define PIIX3_BDF (1 << 3)
#define PIIX_PIRQ_ROUTE 0x60 /* PIRQA..D, one byte each */
#define PIIX_PIRQ_DISABLED 0x80
#define LINE_MAX 23 /* the IOAPIC's last pin */

unsigned kn_vpci_i440fx_pirq(unsigned slot, unsigned pin)
{
	return (slot - 1 + pin - 1) & 3;
}

static unsigned line_register(uint32_t interrupt)
{
	unsigned line = interrupt & 0xff;
	return line && line <= LINE_MAX ? line : 0;
}

unsigned kn_vpci_intx_line(kn_vpci_read32_fn read32, unsigned bdf)
{
	uint32_t interrupt = read32(bdf, KN_PCI_INTERRUPT);
	unsigned pin = (interrupt >> 8) & 0xff;
	if (pin < 1 || pin > 4)
		return 0; /* no INTx pin */
	/* Behind a bridge the pin is swizzled on the way: trust firmware. */
	if (bdf >> 8 != 0 || read32(0, KN_PCI_ID) != I440FX_ID ||
	    read32(PIIX3_BDF, KN_PCI_ID) != PIIX3_ID)
		return line_register(interrupt);
	unsigned pirq = kn_vpci_i440fx_pirq((bdf >> 3) & 0x1f, pin);
	uint8_t route = (uint8_t)(read32(PIIX3_BDF, PIIX_PIRQ_ROUTE) >> (8 * pirq));
	if (route & PIIX_PIRQ_DISABLED)
		return 0;
	return line_register(route & 0x0f);
}
