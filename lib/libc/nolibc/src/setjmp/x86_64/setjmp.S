/* int setjmp(jmp_buf env): saves what survives a call (System V x86-64):
 * rbx, rbp, r12-r15, the caller's rsp and the return address. */
	.text
	.globl setjmp
	.type setjmp, @function
setjmp:
	movq %rbx, 0(%rdi)
	movq %rbp, 8(%rdi)
	movq %r12, 16(%rdi)
	movq %r13, 24(%rdi)
	movq %r14, 32(%rdi)
	movq %r15, 40(%rdi)
	leaq 8(%rsp), %rdx      /* rsp as it will be after our return */
	movq %rdx, 48(%rdi)
	movq (%rsp), %rdx       /* return address */
	movq %rdx, 56(%rdi)
	xorl %eax, %eax
	ret
	.size setjmp, .-setjmp

	.section .note.GNU-stack,"",@progbits
