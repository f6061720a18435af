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

/* Page protections, as bits (the values of Linux's PROT_*). x86 has no
 * write-only or execute-only pages: WRITE and EXEC imply READ. */
#define KN_PLAT_PROT_NONE 0
#define KN_PLAT_PROT_READ 1
#define KN_PLAT_PROT_WRITE 2
#define KN_PLAT_PROT_EXEC 4

/* Sets the protection of the heap pages [va, va + len) (pages the
 * allocator took from kn_plat_mem_regions): va and len page aligned, len
 * not 0. Heap memory starts READ|WRITE, not executable; whoever changes a
 * range sets it back to READ|WRITE before the pages return to the
 * allocator. Returns 0; -EINVAL for a range that is unaligned or not
 * heap memory (the image, page 0, MMIO are never changed); -ENOMEM when
 * page tables cannot be had (nothing changed then). Pages once given
 * anything but READ|WRITE keep fine-grained page tables, so later calls on
 * them (going back to READ|WRITE included) never allocate and never fail. */
int kn_plat_protect(uintptr_t va, size_t len, int prot);

/* The protection of the page holding va as the hardware sees it now
 * (KN_PLAT_PROT_* bits), for crash reports and tests; -EINVAL when
 * nothing is mapped there, -ENOSYS when the platform cannot tell. */
int kn_plat_protection(uintptr_t va);

/* Whether the kernel can access [va, va + len) (len > 0, no wrap) as
 * `prot`, KN_PLAT_PROT_READ or KN_PLAT_PROT_WRITE, without a fault:
 * 0, or -EFAULT when the address is not canonical or a page of the range
 * is unmapped, PROT_NONE or (for WRITE) read-only. Behind the syscall
 * layer's checks of user buffers (kn_user_readable/writable), so cheap:
 * kvm walks its page tables, linuxu keeps a record of the heap's
 * protections and of the host's other mappings. */
int kn_plat_access_ok(uintptr_t va, size_t len, int prot);

/* Called by the platform's crash report after a fault on a protected page,
 * with the faulting address: a library that placed guard pages there
 * (sched-coop, below thread stacks) may print what the fault means.
 * A hook, not an API: any library may define it, so it stays a weak
 * reference (KN_WEAK); images without a definition say nothing more. */
KN_WEAK void kn_fault_explain(uintptr_t addr);

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
/* Runs the handlers of device events that came meanwhile (interrupts
 * are enabled only while idling): a scheduler calls it at each switch,
 * so threads that never let the CPU idle do not hold up input. Thread
 * context, interrupts masked. */
void kn_plat_irq_poll(void);
/* How a device signals on its interrupt line. */
enum kn_plat_irq_trigger {
	/* A pulse per event (virtio-mmio on microvm): an event after the
	 * handler acknowledged its device raises the line again. */
	KN_PLAT_IRQ_EDGE,
	/* Held high until the device is acknowledged (PCI INTx on pc). The
	 * line stays blocked from the time it fires until its handlers have
	 * run, so each handler must quiet its device before returning. */
	KN_PLAT_IRQ_LEVEL,
};
/* Device interrupts: after interrupt line `irq` (the GSI the device's
 * discovery reported, e.g. virtio_mmio.device=...:12 or a PCI function's
 * interrupt line) fires, fn(arg) runs like kn_plat_irq_poll's handlers:
 * thread context, interrupts masked, free to wake threads. A handler
 * acknowledges its device before looking at its work. Level lines may be
 * shared: every handler attached to one runs when it fires, so a handler
 * returns quietly when its device has nothing to say. 0; -KN_ENOSPC when
 * every slot is taken; -KN_EINVAL when `irq` is already attached with the
 * other trigger, or shared edge-triggered; -KN_ENODEV when the platform
 * cannot route `irq` (no IOAPIC, no such pin, or a platform without
 * device interrupts). */
int kn_plat_irq_attach(unsigned irq, enum kn_plat_irq_trigger trigger, void (*fn)(void *arg),
		       void *arg);

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
