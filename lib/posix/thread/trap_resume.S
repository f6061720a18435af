/* void kn_posix_trap_resume(const struct child_regs *r): becomes the child
 * of a trapped clone: every register as the parent had it at its
 * `syscall`, rax = 0, rsp = the new stack, and on to the parent's rip.
 * Like the syscall instruction, leaves rcx = rip and r11 = rflags. The
 * offsets are those of struct child_regs in trap_clone.c. */
	.section .text.kn_posix_trap_resume, "ax", @progbits
	.globl kn_posix_trap_resume
	.hidden kn_posix_trap_resume
	.type kn_posix_trap_resume, @function
kn_posix_trap_resume:
	fxrstorq 128(%rdi)
	movq 112(%rdi), %rsp            /* the child's stack, well above r */
	pushq 104(%rdi)
	popfq
	movq 0(%rdi), %rbx
	movq 8(%rdi), %rbp
	movq 16(%rdi), %r12
	movq 24(%rdi), %r13
	movq 32(%rdi), %r14
	movq 40(%rdi), %r15
	movq 56(%rdi), %rsi
	movq 64(%rdi), %rdx
	movq 72(%rdi), %r10
	movq 80(%rdi), %r8
	movq 88(%rdi), %r9
	movq 96(%rdi), %rcx
	movq 104(%rdi), %r11
	movq 48(%rdi), %rdi
	xorl %eax, %eax
	jmpq *%rcx
	.size kn_posix_trap_resume, .-kn_posix_trap_resume
	.section .note.GNU-stack,"",@progbits
