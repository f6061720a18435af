/* The thread pointer (FS base) on a VM. WRFSBASE is an ordinary
 * instruction once CR4.FSGSBASE is on; without CPUID support for it the
 * base goes through MSR_FS_BASE, which traps to the hypervisor under KVM. */
#include <kn/arch.h>
#include "io.h"
#include "kvm.h"

#define MSR_FS_BASE 0xc0000100
#define CPUID7_EBX_FSGSBASE (1u << 0)
#define CR4_FSGSBASE (1ul << 16)

static bool use_wrfsbase;

void kn_kvm_tls_init(void)
{
	if (kn_kvm_cpuid(0, 0).eax < 7 || !(kn_kvm_cpuid(7, 0).ebx & CPUID7_EBX_FSGSBASE))
		return;
	unsigned long cr4;
	__asm__ volatile("mov %%cr4, %0" : "=r"(cr4));
	__asm__ volatile("mov %0, %%cr4" : : "r"(cr4 | CR4_FSGSBASE));
	use_wrfsbase = true;
}

void kn_arch_set_tls(uintptr_t base)
{
	if (use_wrfsbase)
		__asm__ volatile("wrfsbase %0" : : "r"(base) : "memory");
	else
		kn_kvm_wrmsr(MSR_FS_BASE, base);
}
