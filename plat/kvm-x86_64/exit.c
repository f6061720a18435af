/* Leaving the VM: QEMU's isa-debug-exit device when present (the runner
 * adds it at port 0xf4; QEMU then exits with status code * 2 + 1), else a
 * reset through the i8042 (pc, Firecracker), else a triple fault for VMs
 * without one (microvm): QEMU with -no-reboot and Firecracker stop on a
 * reset. Halting is the last resort. */
#include <kn/plat.h>
#include "io.h"

#define DEBUG_EXIT_PORT 0xf4
#define I8042_CMD 0x64
#define I8042_RESET 0xfe

void kn_plat_exit(int code)
{
	kn_kvm_outl(DEBUG_EXIT_PORT, (uint32_t)code);
	kn_kvm_outb(I8042_CMD, I8042_RESET);
	/* An empty IDT: the breakpoint, then the faults it raises, cannot
	 * be delivered, and the CPU shuts down. */
	static const struct {
		uint16_t limit;
		uint64_t base;
	} KN_PACKED no_idt = {0, 0};
	__asm__ volatile("cli; lidt %0; int3" : : "m"(no_idt));
	for (;;)
		__asm__ volatile("hlt");
}
