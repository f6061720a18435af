/* The raw clone syscall through the trap path (kvm): what an unmodified
 * binary's clone wrapper does, written here in assembly. */
#include <kn/errno.h>
#include <kn/ktest.h>
#include <kn/posix_thread.h>

#ifdef CONFIG_PLATFORM_KVM
#define THREAD_FLAGS                                                                               \
	0x7d0f00 /* musl's: VM FS FILES SIGHAND THREAD SYSVSEM
			       * SETTLS PARENT_SETTID CHILD_CLEARTID DETACHED */
#define FUTEX_WAIT 0

/* What the child saw in the callee-saved registers and r9 right after the
 * syscall returned 0: the values the parent had loaded before it. */
long trap_child_regs[6];

/* int raw_clone(int (*fn)(void *), void *stack, int flags, void *arg,
 *               int *ptid, void *tls, int *ctid)
 * The parent loads rbx, r12..r15 with known values around the syscall;
 * the child records them, then calls fn(arg) and ends with exit. */
int raw_clone(int (*fn)(void *), void *stack, int flags, void *arg, int *ptid, void *tls,
	      int *ctid);
__asm__(".pushsection .text.raw_clone, \"ax\", @progbits\n"
	"raw_clone:\n"
	"	pushq %rbx\n"
	"	pushq %r12\n"
	"	pushq %r13\n"
	"	pushq %r14\n"
	"	pushq %r15\n"
	"	andq $-16, %rsi\n"
	"	subq $16, %rsi\n"
	"	movq %rdi, (%rsi)\n" /* fn and arg wait on the child's stack */
	"	movq %rcx, 8(%rsi)\n"
	"	movq %rdx, %rdi\n"     /* flags */
	"	movq %r8, %rdx\n"      /* ptid */
	"	movq 48(%rsp), %r10\n" /* ctid: 5 pushes + return address */
	"	movq %r9, %r8\n"       /* tls */
	"	movq $0x9999, %r9\n"
	"	movq $0xb0b0, %rbx\n"
	"	movq $0x1212, %r12\n"
	"	movq $0x1313, %r13\n"
	"	movq $0x1414, %r14\n"
	"	movq $0x1515, %r15\n"
	"	movl $56, %eax\n"
	"	syscall\n"
	"	testq %rax, %rax\n"
	"	jz 1f\n"
	"	popq %r15\n"
	"	popq %r14\n"
	"	popq %r13\n"
	"	popq %r12\n"
	"	popq %rbx\n"
	"	ret\n"
	"1:	movq %rbx, trap_child_regs+0(%rip)\n"
	"	movq %r12, trap_child_regs+8(%rip)\n"
	"	movq %r13, trap_child_regs+16(%rip)\n"
	"	movq %r14, trap_child_regs+24(%rip)\n"
	"	movq %r15, trap_child_regs+32(%rip)\n"
	"	movq %r9, trap_child_regs+40(%rip)\n"
	"	xorl %ebp, %ebp\n"
	"	popq %rax\n"
	"	popq %rdi\n"
	"	call *%rax\n"
	"	movl %eax, %edi\n"
	"	movl $60, %eax\n"
	"	syscall\n"
	"	ud2\n"
	".popsection\n");

static char stack[16384] __attribute__((aligned(16)));

struct tls_block {
	struct tls_block *self;
	int tid_seen;
	int arg_seen;
};

static int child(void *arg)
{
	struct tls_block *b;
	__asm__ volatile("movq %%fs:0, %0" : "=r"(b));
	b->tid_seen = (int)kn_sys_gettid();
	b->arg_seen = (int)(long)arg;
	return 0;
}

KN_TEST(posix_thread, trap_clone_child_returns_zero_with_parent_registers)
{
	static struct tls_block block;
	block = (struct tls_block){.self = &block};
	int tid_word = 0;
	for (int i = 0; i < 6; i++)
		trap_child_regs[i] = 0;
	int tid = raw_clone(child, stack + sizeof(stack), THREAD_FLAGS, (void *)42, &tid_word,
			    &block, &tid_word);
	KN_ASSERT(tid > 1);
	KN_EXPECT(tid_word == tid);
	int v;
	while ((v = __atomic_load_n(&tid_word, __ATOMIC_ACQUIRE)))
		kn_sys_futex((uint32_t *)&tid_word, FUTEX_WAIT, (uint32_t)v, 0, 0, 0);
	KN_EXPECT(block.tid_seen == tid && block.arg_seen == 42);
	KN_EXPECT(trap_child_regs[0] == 0xb0b0 && trap_child_regs[1] == 0x1212 &&
		  trap_child_regs[2] == 0x1313 && trap_child_regs[3] == 0x1414 &&
		  trap_child_regs[4] == 0x1515 && trap_child_regs[5] == 0x9999);
}

KN_TEST(posix_thread, trap_clone_refuses_what_it_cannot_do)
{
	int w = 0;
	KN_EXPECT(raw_clone(child, stack + sizeof(stack), 17 /* SIGCHLD: fork */, 0, &w, 0, &w) ==
		  -KN_ENOSYS);
	KN_EXPECT(raw_clone(child, stack + sizeof(stack), THREAD_FLAGS | 0x20000, 0, &w, 0, &w) ==
		  -KN_EINVAL);
	KN_EXPECT(w == 0);
	/* The function-call path cannot make threads: a clear error. */
	KN_EXPECT(kn_sys_clone(THREAD_FLAGS, stack + sizeof(stack), &w, &w, 0) == -KN_ENOSYS);
	KN_EXPECT(kn_sys_clone(17, 0, 0, 0, 0) == -KN_ENOSYS);
}
#endif
