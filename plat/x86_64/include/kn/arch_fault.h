/* The one-line cause of a page fault that broke a page protection, shared
 * by the kvm trap handler and the linuxu SIGSEGV handler: both get the
 * CPU's page-fault error code and the faulting address. Header-only: the
 * platforms inline it, nothing is exported. */
#ifndef KN_ARCH_FAULT_H
#define KN_ARCH_FAULT_H

#include <stdint.h>
#include <kn/console.h>
#include <kn/plat.h>

#define KN_PF_WRITE 0x2  /* the access was a write */
#define KN_PF_FETCH 0x10 /* the access was an instruction fetch */

/* Prints "kn: page fault: write to read-only page 0x... (rip 0x...)" and
 * the like when the page's protection forbids the access; prints nothing
 * for other faults (NULL, unmapped memory), whose report says enough. */
static inline void kn_x86_protection_fault(uint64_t error, uint64_t addr, uint64_t rip)
{
	int prot = kn_plat_protection((uintptr_t)addr);
	const char *access = (error & KN_PF_FETCH)   ? "execution of"
			     : (error & KN_PF_WRITE) ? "write to"
						     : "read of";
	const char *page;
	if (prot < 0)
		return;
	if (prot == KN_PLAT_PROT_NONE)
		page = "PROT_NONE page";
	else if ((error & KN_PF_FETCH) && !(prot & KN_PLAT_PROT_EXEC))
		page = "non-executable page";
	else if ((error & KN_PF_WRITE) && !(prot & KN_PLAT_PROT_WRITE))
		page = "read-only page";
	else
		return;
	kn_printk("kn: page fault: %s %s 0x%lx (rip 0x%lx)\n", access, page, (unsigned long)addr,
		  (unsigned long)rip);
	if (kn_fault_explain)
		kn_fault_explain((uintptr_t)addr);
}

/* Names a stack overflow as sched-coop does for its threads
 * (kn_fault_explain): for the stacks the platform itself gives main when
 * the image has no scheduler. */
static inline void kn_x86_stack_overflow(uint64_t bytes, const char *fix)
{
	kn_printk("kn: stack overflow: thread main used all of its %lu KiB stack; give it "
		  "more (%s)\n",
		  (unsigned long)(bytes / 1024), fix);
}

/* Whether the image has a scheduler (the platforms use sched), which then
 * runs main on a stack of its own and explains overflows of it. */
static inline int kn_x86_has_sched(void)
{
#ifdef CONFIG_HAVE_SCHED
	return 1;
#else
	return 0;
#endif
}

#endif
