/* The trap path: a `syscall` instruction executed by the application (we
 * all run in ring 0) lands here through MSR_LSTAR. The CPU saved the
 * return address in rcx and the flags in r11 and switched no stack, so the
 * entry first steps over the caller's 128-byte red zone. Linux preserves
 * every register but rax, rcx and r11 across a syscall, SSE state
 * included, so we do too. */
	.section .text.kn_syscall_entry, "ax", @progbits
	.globl kn_syscall_entry
	.hidden kn_syscall_entry
	.type kn_syscall_entry, @function
kn_syscall_entry:
	leaq -128(%rsp), %rsp
	pushq %r11
	pushq %rcx
	pushq %rdi
	pushq %rsi
	pushq %rdx
	pushq %r10
	pushq %r8
	pushq %r9
	pushq %rbp
	movq %rsp, %rbp
	andq $-16, %rsp
	subq $512, %rsp
	fxsaveq (%rsp)
	subq $8, %rsp
	pushq %r9                       /* a6 on the stack */
	movq %r8, %r9                   /* a5 */
	movq %r10, %r8                  /* a4 */
	movq %rdx, %rcx                 /* a3 */
	movq %rsi, %rdx                 /* a2 */
	movq %rdi, %rsi                 /* a1 */
	movq %rax, %rdi                 /* number */
	call kn_syscall
	fxrstorq 16(%rsp)
	movq %rbp, %rsp
	popq %rbp
	popq %r9
	popq %r8
	popq %r10
	popq %rdx
	popq %rsi
	popq %rdi
	popq %rcx
	/* Flags come back before the red zone is given back: popfq is below
	 * it, and lea leaves the flags alone. */
	pushq %r11
	popfq
	popq %r11
	leaq 128(%rsp), %rsp
	jmpq *%rcx
	.size kn_syscall_entry, .-kn_syscall_entry
	.section .note.GNU-stack,"",@progbits
