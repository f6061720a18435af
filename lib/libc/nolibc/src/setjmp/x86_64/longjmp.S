/* void longjmp(jmp_buf env, int val): returns from setjmp again, with
 * val (1 when val is 0). */
	.text
	.globl longjmp
	.type longjmp, @function
longjmp:
	movl %esi, %eax
	testl %eax, %eax
	jnz 1f
	incl %eax
1:	movq 0(%rdi), %rbx
	movq 8(%rdi), %rbp
	movq 16(%rdi), %r12
	movq 24(%rdi), %r13
	movq 32(%rdi), %r14
	movq 40(%rdi), %r15
	movq 48(%rdi), %rsp
	jmp *56(%rdi)
	.size longjmp, .-longjmp

	.section .note.GNU-stack,"",@progbits
