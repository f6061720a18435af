/* The FS base really reaches the CPU, by whichever way tls.c chose. */
#include <kn/arch.h>
#include <kn/ktest.h>
#include "io.h"

#define MSR_FS_BASE 0xc0000100
#define CR4_FSGSBASE (1ul << 16)

KN_TEST(plat_kvm, fs_base_is_loaded)
{
	uint64_t saved = kn_kvm_rdmsr(MSR_FS_BASE);
	unsigned long cr4;
	__asm__ volatile("mov %%cr4, %0" : "=r"(cr4));
	static const uintptr_t values[] = {0x123456789000, 0, 0xffff800000001000};
	for (unsigned i = 0; i < KN_ARRAY_SIZE(values); i++) {
		kn_arch_set_tls(values[i]);
		KN_EXPECT(kn_kvm_rdmsr(MSR_FS_BASE) == values[i]);
		if (cr4 & CR4_FSGSBASE) {
			uintptr_t got;
			__asm__ volatile("rdfsbase %0" : "=r"(got));
			KN_EXPECT(got == values[i]);
		}
	}
	kn_arch_set_tls(saved);
}
