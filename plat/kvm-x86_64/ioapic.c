/* The IOAPIC: routes ISA device interrupts to the local APIC.
 *
 * Its address is taken as the fixed 0xfec00000 rather than read from the
 * ACPI MADT or the MP table: QEMU (microvm and pc) and Firecracker all
 * put the first IOAPIC there, microvm may run without ACPI and Firecracker
 * without one or the other, and the PVH start info need not carry an RSDP.
 * The version register proves it is there (an empty MMIO slot reads all
 * ones). ISA interrupt n arrives at pin n on all three, except the PIT's
 * IRQ 0 (pin 2), which Kiln does not use: no interrupt source override
 * matters for the pins routed here, beyond the trigger mode of PCI lines,
 * which their drivers state (kn_plat_irq_attach). */
#include "io.h"
#include "kvm.h"

#define IOAPIC_BASE 0xfec00000UL
#define IOREGSEL 0x00
#define IOWIN 0x10
#define REG_VERSION 0x01
#define REG_REDIR(pin) (0x10 + 2 * (pin))
#define REDIR_MASKED (1U << 16)
#define REDIR_LEVEL (1U << 15)
#define LAPIC_ID 0x20

static unsigned kn_kvm_ioapic_pins; /* 0: no IOAPIC */

static uint32_t kn_kvm_ioapic_read(uint32_t reg)
{
	kn_kvm_mmio_write32(IOAPIC_BASE + IOREGSEL, reg);
	return kn_kvm_mmio_read32(IOAPIC_BASE + IOWIN);
}

static void kn_kvm_ioapic_write(uint32_t reg, uint32_t v)
{
	kn_kvm_mmio_write32(IOAPIC_BASE + IOREGSEL, reg);
	kn_kvm_mmio_write32(IOAPIC_BASE + IOWIN, v);
}

int kn_kvm_ioapic_init(void)
{
	uint32_t version = kn_kvm_ioapic_read(REG_VERSION);
	if (version == 0xffffffff || (version & 0xff) < 0x10)
		return -1;
	kn_kvm_ioapic_pins = ((version >> 16) & 0xff) + 1;
	/* Nothing arrives until a driver asks for it. */
	for (unsigned pin = 0; pin < kn_kvm_ioapic_pins; pin++)
		kn_kvm_ioapic_write(REG_REDIR(pin), REDIR_MASKED);
	return 0;
}

int kn_kvm_ioapic_route(unsigned irq, unsigned vector, bool level)
{
	if (irq >= kn_kvm_ioapic_pins)
		return -1;
	uint32_t apic_id = kn_kvm_lapic_read(LAPIC_ID) >> 24;
	kn_kvm_ioapic_write(REG_REDIR(irq) + 1, apic_id << 24);
	/* Fixed delivery, physical destination, active high, unmasked.
	 * Active high for PCI lines too: QEMU's MADT marks its PCI lines
	 * (5, 9, 10, 11 on pc) level triggered, active high. */
	kn_kvm_ioapic_write(REG_REDIR(irq), vector | (level ? REDIR_LEVEL : 0));
	return 0;
}
