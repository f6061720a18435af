/* PCI configuration space as the virtio-pci transport sees it (internal
 * to this library). A function is named by its address
 * bus << 8 | device << 3 | function, "bdf". */
#ifndef KN_VPCI_BUS_H
#define KN_VPCI_BUS_H

#include <stdbool.h>
#include <stdint.h>

#define KN_PCI_ID 0x00      /* device << 16 | vendor */
#define KN_PCI_COMMAND 0x04 /* 16 bits; status above it */
#define KN_PCI_HEADER 0x0c  /* header type in bits 16..23 */
#define KN_PCI_BAR0 0x10
#define KN_PCI_BUSES 0x18             /* bridges: secondary bus in bits 8..15 */
#define KN_PCI_SUBSYSTEM 0x2c         /* subsystem ID << 16 | subsystem vendor */
#define KN_PCI_CAPS 0x34              /* first capability's offset, bits 0..7 */
#define KN_PCI_INTERRUPT 0x3c         /* pin << 8 | line */
#define KN_PCI_STATUS_CAPS (1U << 20) /* in the COMMAND dword */

#define KN_PCI_BAR_IO 0x1       /* an I/O port BAR; the address is bits 2.. */
#define KN_PCI_BAR_MEM_TYPE 0x6 /* a memory BAR's width */
#define KN_PCI_BAR_MEM_64 0x4

#define KN_PCI_CMD_IO 0x1
#define KN_PCI_CMD_BUS_MASTER 0x4
#define KN_PCI_CMD_INTX_DISABLE 0x400

#define KN_PCI_CAP_MSIX 0x11
#define KN_PCI_MSIX_ENABLE 0x8000 /* in the capability's control word */

/* Reads the aligned dword at `offset` of function `bdf`: all ones when
 * there is no such function. */
typedef uint32_t (*kn_vpci_read32_fn)(unsigned bdf, unsigned offset);

/* config.c: configuration mechanism #1, ports 0xcf8/0xcfc. */
uint32_t kn_vpci_cfg_read32(unsigned bdf, unsigned offset);
void kn_vpci_cfg_write16(unsigned bdf, unsigned offset, uint16_t v);
void kn_vpci_cfg_write32(unsigned bdf, unsigned offset, uint32_t v);

/* walk.c: calls found(bdf, id, arg) for every function on bus 0 and on
 * the buses behind its PCI-to-PCI bridges (as firmware numbered them),
 * each bus once. Returns the number of functions found. */
unsigned kn_vpci_walk(kn_vpci_read32_fn read32, void (*found)(unsigned bdf, uint32_t id, void *arg),
		      void *arg);
/* The offset of the function's first capability with ID `cap_id`, 0
 * when it has none; a looping or misplaced list ends the search. */
unsigned kn_vpci_find_cap(kn_vpci_read32_fn read32, unsigned bdf, uint8_t cap_id);
/* A transitional or legacy virtio function: vendor 0x1af4, device
 * 0x1000..0x103f (virtio 1.x section 4.1.2). */
bool kn_vpci_is_legacy_virtio(uint32_t id);
/* A virtio 1.0 function without the legacy interface (0x1040..0x107f). */
bool kn_vpci_is_modern_virtio(uint32_t id);

/* route.c: the interrupt line (GSI) function `bdf`'s INTx pin reaches;
 * 0 when it has no pin or the pin is routed nowhere. */
unsigned kn_vpci_intx_line(kn_vpci_read32_fn read32, unsigned bdf);
/* i440fx's PCI wiring: the PIRQ (0..3 for A..D) pin `pin` (1 = INTA) of
 * the card in bus 0 slot `slot` drives. */
unsigned kn_vpci_i440fx_pirq(unsigned slot, unsigned pin);

/* ports.c: pc's PCI I/O port range [0xc000, 0x10000), handed out from
 * `next` upwards. */
#define KN_VPCI_PORTS_START 0xc000
#define KN_VPCI_PORTS_END 0x10000
struct kn_vpci_ports {
	uint32_t next;
};
/* Keeps the ports of an assigned I/O BAR at `base` from being handed out. */
void kn_vpci_ports_reserve(struct kn_vpci_ports *w, uint32_t base);
/* The size of an I/O BAR from what it reads after all ones were written
 * to it; 0 when it is no I/O BAR or asks for more than PCI allows. */
uint32_t kn_vpci_io_bar_size(uint32_t probed);
/* `size` ports aligned to `size` (a power of two), or 0 when none are left. */
uint32_t kn_vpci_ports_take(struct kn_vpci_ports *w, uint32_t size);

#endif
