/* PCI configuration mechanism #1: the address of a dword goes to port
 * 0xcf8, the dword comes and goes through 0xcfc. Interrupts are masked
 * in thread context (kn/plat.h), so no handler can move the address
 * between the two accesses. */
#include "bus.h"
#include <kn/portio.h>

#define CONFIG_ADDRESS 0xcf8
#define CONFIG_DATA 0xcfc
#define CONFIG_ENABLE 0x80000000U

static void select(unsigned bdf, unsigned offset)
{
	kn_outl(CONFIG_ADDRESS, CONFIG_ENABLE | (bdf & 0xffff) << 8 | (offset & 0xfc));
}

uint32_t kn_vpci_cfg_read32(unsigned bdf, unsigned offset)
{
	select(bdf, offset);
	return kn_inl(CONFIG_DATA);
}

/* Sixteen bits only: writing the whole COMMAND dword would write 1s back
 * to the status word's write-one-to-clear bits. */
void kn_vpci_cfg_write16(unsigned bdf, unsigned offset, uint16_t v)
{
	select(bdf, offset);
	kn_outw(CONFIG_DATA + (offset & 2), v);
}

void kn_vpci_cfg_write32(unsigned bdf, unsigned offset, uint32_t v)
{
	select(bdf, offset);
	kn_outl(CONFIG_DATA, v);
}
