/* Interrupt entry points. Exceptions save every register into a
 * struct kn_kvm_trap_frame and call kn_kvm_trap(), which never returns.
 * The timer and spurious handlers are a few instructions that touch no
 * SSE state, so nothing beyond what they use needs saving. */

/* Vectors for which the CPU pushes an error code. */
#define HAS_ERROR(v) ((v) == 8 || ((v) >= 10 && (v) <= 14) || (v) == 17 || \
		      (v) == 21 || (v) == 29 || (v) == 30)

	.text
.macro TRAP_STUB vec
	.p2align 4
kn_kvm_trap_\vec:
	.if !HAS_ERROR(\vec)
	pushq $0
	.endif
	pushq $\vec
	jmp kn_kvm_trap_common
.endm

.irp v, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	TRAP_STUB \v
.endr

	.p2align 4
kn_kvm_trap_common:
	cld
	pushq %rax
	pushq %rbx
	pushq %rcx
	pushq %rdx
	pushq %rsi
	pushq %rdi
	pushq %rbp
	pushq %r8
	pushq %r9
	pushq %r10
	pushq %r11
	pushq %r12
	pushq %r13
	pushq %r14
	pushq %r15
	movq %rsp, %rdi
	andq $-16, %rsp
	call kn_kvm_trap
	ud2

/* Local APIC timer: acknowledge and return; kn_plat_idle_until reads the
 * clock itself. */
	.globl kn_kvm_isr_timer
	.hidden kn_kvm_isr_timer
	.p2align 4
kn_kvm_isr_timer:
	pushq %rax
	movl $0xfee000b0, %eax          /* LAPIC EOI register */
	movl $0, (%rax)
	popq %rax
	iretq

/* Device interrupts through the IOAPIC, one stub per slot (slot 0 is
 * COM1, irq.c hands out the others): mark the slot pending and
 * acknowledge. The handler runs in kn_plat_idle_until after the halt or
 * in kn_plat_irq_poll (irq.c says why). A level-triggered slot is
 * acknowledged only after its handlers quieted the device (irq.c): an
 * EOI now would deliver the still-high line again at once, forever. */
.macro DEVICE_STUB slot
	.p2align 4
kn_kvm_isr_slot_\slot:
	pushq %rax
	orl $(1 << \slot), kn_kvm_irq_pending(%rip)
	incl kn_kvm_irq_entries(%rip)
	testl $(1 << \slot), kn_kvm_irq_level(%rip)
	jnz 1f
	movl $0xfee000b0, %eax          /* LAPIC EOI register */
	movl $0, (%rax)
1:	popq %rax
	iretq
.endm

.irp s, 0,1,2,3,4,5,6,7,8
	DEVICE_STUB \s
.endr

/* Spurious vectors: no EOI is due. */
	.globl kn_kvm_isr_ignore
	.hidden kn_kvm_isr_ignore
	.p2align 4
kn_kvm_isr_ignore:
	iretq

	.section .rodata.kn_kvm_trap_stubs, "a", @progbits
	.p2align 3
	.globl kn_kvm_trap_stubs
	.hidden kn_kvm_trap_stubs
kn_kvm_trap_stubs:
.irp v, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	.quad kn_kvm_trap_\v
.endr

	.p2align 3
	.globl kn_kvm_isr_slots
	.hidden kn_kvm_isr_slots
kn_kvm_isr_slots:
.irp s, 0,1,2,3,4,5,6,7,8
	.quad kn_kvm_isr_slot_\s
.endr

	.section .note.GNU-stack, "", @progbits
