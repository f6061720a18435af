/* x86-64 specifics shared by the kvm and linuxu platforms: the one narrow
 * seam a new architecture would re-implement. */
#ifndef KN_ARCH_H
#define KN_ARCH_H

#include <stdint.h>
#include <kn/compiler.h>

/* A suspended thread: everything else lives on its stack. The thread
 * pointer (FS base on x86-64, what TLS addresses are relative to) is not
 * touched by kn_arch_ctx_switch: the scheduler reloads it with
 * kn_arch_set_tls only when it differs, so threads without TLS pay
 * nothing. */
struct kn_arch_ctx {
	uintptr_t sp; /* must stay first: switch.S stores it at offset 0 */
	uintptr_t tls;
};

KN_API_BEGIN
/* Saves the callee-saved state on the current stack into `from` and resumes
 * `to`. Returns when something switches back to `from`. */
void kn_arch_ctx_switch(struct kn_arch_ctx *from, struct kn_arch_ctx *to);
/* Prepares `ctx` so that switching to it calls entry(arg) on a fresh stack
 * ending at stack_top (16-byte aligned). entry must never return. */
void kn_arch_ctx_init(struct kn_arch_ctx *ctx, void *stack_top, void (*entry)(void *), void *arg);
/* Loads the thread pointer register (FS base), per platform: WRFSBASE or
 * MSR_FS_BASE on kvm, the host's arch_prctl on linuxu. `base` must be
 * canonical (kn_arch_tls_valid). The kernel itself never reads FS. */
void kn_arch_set_tls(uintptr_t base);
KN_API_END

/* An address the FS base can hold: canonical (bits 63..47 all equal), else
 * the CPU would fault on loading it. */
static inline int kn_arch_tls_valid(uintptr_t base)
{
	return (uintptr_t)(((intptr_t)base << 16) >> 16) == base;
}

static inline uint64_t kn_arch_rdtsc(void)
{
	uint32_t lo, hi;
	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}

static inline void kn_arch_pause(void)
{
	__asm__ volatile("pause");
}

#endif
