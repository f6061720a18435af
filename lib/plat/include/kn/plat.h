/* The platform API: what every platform (kvm-x86_64, linuxu-x86_64) offers
 * the libraries above it. Time is in kn/time.h; console output goes through
 * a console driver the platform registers (kn/console.h). */
#ifndef KN_PLAT_H
#define KN_PLAT_H

#include <stddef.h>
#include <stdint.h>
#include <kn/compiler.h>

struct kn_mem_region {
	uintptr_t base;
	size_t len;
};

KN_API_BEGIN
/* Free RAM the heap may take: the memory map minus the image, the boot
 * stack, page tables, boot data and the initrd. Fills at most `max` entries,
 * returns how many there are. */
size_t kn_plat_mem_regions(struct kn_mem_region *out, size_t max);

/* The kernel command line (never NULL; empty when none was given). */
const char *kn_plat_cmdline(void);

/* The initrd the VMM loaded, if any: returns 0 and fills base/len, or -1. */
int kn_plat_initrd(const void **base, size_t *len);

/* Waits until the monotonic clock reaches deadline_ns, or something
 * (an interrupt, a signal) happens first. Returns with interrupts in the
 * state they were in on entry. */
void kn_plat_idle_until(uint64_t deadline_ns);

/* Interrupt masking for short critical sections (no-ops where there are
 * no asynchronous events). */
unsigned long kn_plat_irq_save(void);
void kn_plat_irq_restore(unsigned long flags);

/* Leaves the unikernel with an exit code for the VMM or the host. */
KN_NORETURN void kn_plat_exit(int code);

/* Prints a backtrace of the frame-pointer chain starting at `fp`
 * (__builtin_frame_address(0) for the caller), one line per frame:
 *   "kn: bt #N 0x<return address hex>"
 * The host tool adds symbol names from the .dbg ELF. */
void kn_plat_backtrace(const void *fp);

/* The platform's name ("kvm", "linuxu"). */
extern const char kn_plat_name[];
KN_API_END

#endif
