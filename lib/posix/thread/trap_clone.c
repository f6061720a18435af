/* The clone syscall on the trap path (kvm): the child must come back from
 * the same `syscall` instruction as its parent, on its new stack, with
 * the parent's registers and rax = 0. lib/syscall/trap_entry.S hands us
 * the registers it saved, plus the callee-saved ones, instead of going
 * through the table; we copy them onto the child's stack, just below the
 * stack pointer it will get, where a thread of ours starts and then
 * becomes the child (trap_resume.S). */
#include <kn/clone.h>
#include <kn/syscall.h>
#include "internal.h"

/* What trap_entry.S pushed, from its frame pointer up. */
struct entry_frame {
	uint64_t rbp, r9, r8, r10, rdx, rsi, rdi;
	uint64_t rcx; /* the caller's rip */
	uint64_t r11; /* the caller's rflags */
};
/* The callee-saved registers it pushed for clone, lowest address first. */
struct entry_callee_saved {
	uint64_t r15, r14, r13, r12, rbx;
};

/* Read by trap_resume.S: keep the offsets in step with it. */
struct child_regs {
	uint64_t rbx, rbp, r12, r13, r14, r15;            /* 0 */
	uint64_t rdi, rsi, rdx, r10, r8, r9;              /* 48 */
	uint64_t rip, rflags, rsp, unused;                /* 96 */
	uint8_t fxsave[512] __attribute__((aligned(16))); /* 128 */
};

/* Space kept free between the copy and the child's stack pointer. */
#define GAP 256

KN_NORETURN void kn_posix_trap_resume(const struct child_regs *r);

static int become_child(void *regs)
{
	kn_posix_trap_resume(regs);
}

long kn_syscall_trap_clone(const void *frame, const void *callee_saved, const void *fxsave)
{
	const struct entry_frame *f = frame;
	const struct entry_callee_saved *cs = callee_saved;
	unsigned flags = (unsigned)f->rdi;
	uintptr_t sp = f->rsi;
	int rc = posix_thread_clone_flags(flags);
	if (rc)
		return rc;
	if (!sp)
		return -KN_EINVAL; /* the parent's own stack cannot be shared */
	uintptr_t at = (sp - GAP - sizeof(struct child_regs)) & ~63ul;
	if (sp < GAP + sizeof(struct child_regs) || kn_user_writable((void *)at, sp - at))
		return -KN_EFAULT;
	struct child_regs *r = (struct child_regs *)at;
	*r = (struct child_regs){
		.rbx = cs->rbx,
		.rbp = f->rbp,
		.r12 = cs->r12,
		.r13 = cs->r13,
		.r14 = cs->r14,
		.r15 = cs->r15,
		.rdi = f->rdi,
		.rsi = f->rsi,
		.rdx = f->rdx,
		.r10 = f->r10,
		.r8 = f->r8,
		.r9 = f->r9,
		.rip = f->rcx,
		.rflags = f->r11,
		.rsp = sp,
	};
	__builtin_memcpy(r->fxsave, fxsave, sizeof(r->fxsave));
	/* Our thread starts below the copy and jumps away from there. */
	return posix_thread_spawn(flags, become_child, r, r, (int *)f->rdx, f->r8, (int *)f->r10);
}
