/* Leaving the VM. First the exit status goes out of band, on COM3 when
 * the VM has it, as the record "kn-exit <status>\n" (status 0..255, as a
 * Linux process's): QEMU's isa-debug-exit turns a code N into the
 * process status 2N+1, which keeps only 7 bits of N and cannot be told
 * apart from QEMU's own failures, so `kiln run` reads the status from
 * the record and treats a VM that stopped without one as a failure.
 * Then the VM stops: QEMU's isa-debug-exit device when present (the
 * runner adds it at port 0xf4), else a reset through the i8042 (pc,
 * Firecracker), else a triple fault for VMs without one (microvm): QEMU
 * with -no-reboot and Firecracker stop on a reset. Halting is the last
 * resort. */
#include <kn/format.h>
#include <kn/plat.h>
#include "io.h"
#include "kvm.h"

#define DEBUG_EXIT_PORT 0xf4
#define I8042_CMD 0x64
#define I8042_RESET 0xfe

static void kn_kvm_report_status(int code)
{
	char record[16];
	int n = kn_snprintf(record, sizeof(record), "kn-exit %d\n", code & 0xff);
	kn_kvm_serial_write_status(record, (size_t)n);
}

void kn_plat_exit(int code)
{
	kn_kvm_report_status(code);
	kn_outl(DEBUG_EXIT_PORT, (uint32_t)code);
	kn_outb(I8042_CMD, I8042_RESET);
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
