/* MMIO, MSR and CPUID helpers for the kvm platform (port I/O is
 * kn/portio.h, shared with drivers). */
#ifndef KN_KVM_IO_H
#define KN_KVM_IO_H

#include <stdint.h>
#include <kn/portio.h>

static inline uint32_t kn_kvm_mmio_read32(uintptr_t addr)
{
	return *(volatile uint32_t *)addr;
}

static inline void kn_kvm_mmio_write32(uintptr_t addr, uint32_t v)
{
	*(volatile uint32_t *)addr = v;
}

static inline uint64_t kn_kvm_rdmsr(uint32_t msr)
{
	uint32_t lo, hi;
	__asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
	return ((uint64_t)hi << 32) | lo;
}

static inline void kn_kvm_wrmsr(uint32_t msr, uint64_t v)
{
	__asm__ volatile("wrmsr" : : "c"(msr), "a"((uint32_t)v), "d"((uint32_t)(v >> 32)));
}

struct kn_kvm_cpuid {
	uint32_t eax, ebx, ecx, edx;
};

static inline struct kn_kvm_cpuid kn_kvm_cpuid(uint32_t leaf, uint32_t sub)
{
	struct kn_kvm_cpuid r;
	__asm__ volatile("cpuid"
			 : "=a"(r.eax), "=b"(r.ebx), "=c"(r.ecx), "=d"(r.edx)
			 : "a"(leaf), "c"(sub));
	return r;
}

#endif
