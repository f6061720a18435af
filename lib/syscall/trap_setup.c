/* Points the `syscall` instruction at kn_syscall_entry (kvm only; a linuxu
 * process's syscall instruction belongs to the host kernel). */
#include <kn/init.h>
#include <stdint.h>

#define MSR_EFER 0xc0000080
#define MSR_STAR 0xc0000081
#define MSR_LSTAR 0xc0000082
#define MSR_FMASK 0xc0000084
#define EFER_SCE (1ULL << 0)
#define RFLAGS_TF (1ULL << 8)
#define RFLAGS_DF (1ULL << 10)
#define KERNEL_CS 0x08 /* the platform's 64-bit code segment; data is 0x10 */

void kn_syscall_entry(void);

static inline uint64_t rdmsr(uint32_t msr)
{
	uint32_t lo, hi;
	__asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
	return ((uint64_t)hi << 32) | lo;
}

static inline void wrmsr(uint32_t msr, uint64_t v)
{
	__asm__ volatile("wrmsr" : : "c"(msr), "a"((uint32_t)v), "d"((uint32_t)(v >> 32)));
}

static int kn_syscall_trap_init(void)
{
	wrmsr(MSR_STAR, (uint64_t)KERNEL_CS << 32);
	wrmsr(MSR_LSTAR, (uintptr_t)kn_syscall_entry);
	/* C code expects DF clear; single-stepping stops at the entry. */
	wrmsr(MSR_FMASK, RFLAGS_TF | RFLAGS_DF);
	wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_SCE);
	return 0;
}
KN_INIT(kn_syscall_trap_init, KN_INIT_PLAT, 50);
