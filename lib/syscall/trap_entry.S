/* The trap path: a `syscall` instruction executed by the application (we
 * all run in ring 0) lands here through MSR_LSTAR. The CPU saved the
 * return address in rcx and the flags in r11 and switched no stack, so the
 * entry first steps over the caller's 128-byte red zone. Linux preserves
 * every register but rax, rcx and r11 across a syscall, SSE state
 * included, so we do too. Kernel code uses SSE registers but never x87
 * (no long double outside nolibc's strtod, which no syscall reaches), so
 * the common path saves only xmm0-15 and MXCSR with plain moves — FXSAVE
 * dominated the trap's cost — into the slots an FXSAVE image has for
 * them; clone, which hands the whole image to the child, uses FXSAVE. */
/* xmm0-15 and MXCSR at their offsets in a 512-byte FXSAVE area at (%rsp). */
.macro SAVE_SSE
	stmxcsr 24(%rsp)
	.irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15
	movaps %xmm\n, 160+16*\n(%rsp)
	.endr
.endm
.macro RESTORE_SSE
	ldmxcsr 24(%rsp)
	.irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15
	movaps 160+16*\n(%rsp), %xmm\n
	.endr
.endm

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
#ifdef CONFIG_HAVE_POSIX_THREAD
	/* clone (56) must copy the caller's registers: posix-thread's
	 * kn_syscall_trap_clone (uses) gets this frame, the still
	 * untouched rbx and r12..r15, and the FXSAVE image. */
	cmpq $56, %rax
	jne 3f
	movq $kn_syscall_trap_clone, %r11
	fxsaveq (%rsp)
	movq %rsp, %rdx
	pushq %rbx
	pushq %r12
	pushq %r13
	pushq %r14
	pushq %r15
	pushq %r15                      /* keeps rsp 16-byte aligned */
	leaq 8(%rsp), %rsi
	movq %rbp, %rdi
	call *%r11
	fxrstorq 48(%rsp)
	jmp 4f
#endif
3:	SAVE_SSE
	subq $8, %rsp
	pushq %r9                       /* a6 on the stack */
	movq %r8, %r9                   /* a5 */
	movq %r10, %r8                  /* a4 */
	movq %rdx, %rcx                 /* a3 */
	movq %rsi, %rdx                 /* a2 */
	movq %rdi, %rsi                 /* a1 */
	movq %rax, %rdi                 /* number */
	call kn_syscall
	addq $16, %rsp
	RESTORE_SSE
4:	movq %rbp, %rsp
	popq %rbp
	popq %r9
	popq %r8
	popq %r10
	popq %rdx
	popq %rsi
	popq %rdi
	popq %rcx
	/* Flags come back before the red zone is given back: popfq is below
	 * it, and lea leaves the flags alone. The saved copy on top of the
	 * stack, not r11, which kn_syscall's C code may have clobbered. */
	pushq (%rsp)
	popfq
	popq %r11
	leaq 128(%rsp), %rsp
	jmpq *%rcx
	.size kn_syscall_entry, .-kn_syscall_entry
	.section .note.GNU-stack,"",@progbits
