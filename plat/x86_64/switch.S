/* Thread context switch (System V x86-64): only the callee-saved registers
 * and the x87/SSE control words survive a call, so only they are saved. */
	/* One section per function so --gc-sections can drop them. */
	.section .text.kn_arch_ctx_switch, "ax", @progbits
	.globl kn_arch_ctx_switch
	.type kn_arch_ctx_switch, @function
/* void kn_arch_ctx_switch(struct kn_arch_ctx *from (rdi), struct kn_arch_ctx *to (rsi)) */
kn_arch_ctx_switch:
	pushq %rbp
	pushq %rbx
	pushq %r12
	pushq %r13
	pushq %r14
	pushq %r15
	subq $8, %rsp
	stmxcsr (%rsp)
	fnstcw 4(%rsp)
	movq %rsp, (%rdi)
	movq (%rsi), %rsp
	ldmxcsr (%rsp)
	fldcw 4(%rsp)
	addq $8, %rsp
	popq %r15
	popq %r14
	popq %r13
	popq %r12
	popq %rbx
	popq %rbp
	ret
	.size kn_arch_ctx_switch, .-kn_arch_ctx_switch

/* First code a new thread runs: kn_arch_ctx_init put entry in r12 and its
 * argument in r13. rbp is zero so backtraces end here. */
	.section .text.kn_arch_thread_start, "ax", @progbits
	.globl kn_arch_thread_start
	.type kn_arch_thread_start, @function
kn_arch_thread_start:
	movq %r13, %rdi
	xorl %ebp, %ebp
	andq $-16, %rsp
	call *%r12
	ud2
	.size kn_arch_thread_start, .-kn_arch_thread_start
	.section .note.GNU-stack,"",@progbits
