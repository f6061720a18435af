/* x86-64 specifics shared by the kvm and linuxu platforms: the one narrow
 * seam a new architecture would re-implement. */
#ifndef KN_ARCH_H
#define KN_ARCH_H

#include <stdint.h>
#include <kn/compiler.h>

/* A suspended thread: everything else lives on its stack. */
struct kn_arch_ctx {
	uintptr_t sp;
};

KN_API_BEGIN
/* Saves the callee-saved state on the current stack into `from` and resumes
 * `to`. Returns when something switches back to `from`. */
void kn_arch_ctx_switch(struct kn_arch_ctx *from, struct kn_arch_ctx *to);
/* Prepares `ctx` so that switching to it calls entry(arg) on a fresh stack
 * ending at stack_top (16-byte aligned). entry must never return. */
void kn_arch_ctx_init(struct kn_arch_ctx *ctx, void *stack_top,
		      void (*entry)(void *), void *arg);
KN_API_END

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
