/* Thread start-up frames and frame-pointer backtraces for x86-64. */
#include <stdint.h>
#include <kn/arch.h>
#include <kn/console.h>
#include <kn/errno.h>
#include <kn/plat.h>

void kn_arch_thread_start(void);

void kn_arch_ctx_init(struct kn_arch_ctx *ctx, void *stack_top, void (*entry)(void *), void *arg)
{
	/* Mirror of what kn_arch_ctx_switch pops: control words, r15..rbp,
	 * then the return address. The "return" lands in kn_arch_thread_start
	 * with rsp 16-byte aligned minus 8, as after a call. */
	uint64_t *sp = (uint64_t *)((uintptr_t)stack_top & ~15UL);
	*--sp = 0; /* fake return of thread_start */
	*--sp = (uintptr_t)kn_arch_thread_start;
	*--sp = 0;                          /* rbp */
	*--sp = 0;                          /* rbx */
	*--sp = (uintptr_t)entry;           /* r12 */
	*--sp = (uintptr_t)arg;             /* r13 */
	*--sp = 0;                          /* r14 */
	*--sp = 0;                          /* r15 */
	*--sp = 0x1f80 | (0x037fULL << 32); /* mxcsr, x87 control word */
	ctx->sp = (uintptr_t)sp;
	ctx->tls = 0; /* no TLS until someone sets it (arch_prctl, clone) */
}

/* Whether the 16 bytes of a frame record can be read: the platform's page
 * protections say so (unknown, -ENOSYS, counts as yes). Code built without
 * frame pointers leaves any value in rbp. */
static int readable(uintptr_t frame)
{
	if ((uintptr_t)((intptr_t)(frame << 16) >> 16) != frame)
		return 0; /* not canonical: any access would #GP */
	for (uintptr_t p = frame; p < frame + 16; p += 8) {
		int prot = kn_plat_protection(p);
		if (prot == -KN_ENOSYS)
			continue;
		if (prot < 0 || !(prot & KN_PLAT_PROT_READ))
			return 0;
	}
	return 1;
}

/* Frames are only followed while they look sane (readable, growing
 * upwards, aligned, not absurdly far apart) so a corrupt stack or a
 * function built without frame pointers ends the walk instead of
 * faulting inside the fault handler. */
void kn_plat_backtrace(const void *fp)
{
	const uintptr_t *frame = fp;
	for (int i = 0; i < 32 && frame; i++) {
		if (((uintptr_t)frame & 7) || !readable((uintptr_t)frame))
			break;
		uintptr_t ret = frame[1];
		if (ret < 4096)
			break;
		/* ret points after the call: report the call site itself. */
		kn_printk("kn: bt #%d 0x%lx\n", i, (unsigned long)(ret - 1));
		const uintptr_t *next = (const uintptr_t *)frame[0];
		if (next <= frame || (uintptr_t)next - (uintptr_t)frame > (1UL << 24))
			break;
		frame = next;
	}
}
