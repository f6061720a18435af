/* The smallest PVH guest we can think of: it prints one line on the
 * COM1 serial port and leaves QEMU through isa-debug-exit. It sets the
 * floor QEMU itself puts under any PVH boot (bench/boot_e2e.py).
 *
 * The VMM enters it in 32-bit protected mode with paging off, so no mode
 * switch, no stack and no memory map are needed. */

#define COM1 0x3f8
#define COM1_LSR (COM1 + 5)
#define LSR_THRE 0x20
#define DEBUG_EXIT 0xf4

/* XEN_ELFNOTE_PHYS32_ENTRY (18): where the VMM jumps. */
	.section .note.Xen, "a", @note
	.p2align 2
	.long 4
	.long 4
	.long 18
	.asciz "Xen"
	.long stub_entry

	.text
	.code32
	.globl stub_entry
stub_entry:
	movl $message, %esi
next_char:
	movb (%esi), %bl
	testb %bl, %bl
	jz done
	movw $COM1_LSR, %dx
wait_ready:
	inb %dx, %al
	testb $LSR_THRE, %al
	jz wait_ready
	movw $COM1, %dx
	movb %bl, %al
	outb %al, %dx
	incl %esi
	jmp next_char
done:
	/* isa-debug-exit: QEMU exits with status (0 << 1) | 1 = 1. */
	xorl %eax, %eax
	movw $DEBUG_EXIT, %dx
	outl %eax, %dx
halt:
	cli
	hlt
	jmp halt

	.section .rodata
message:
	.asciz "Hello from the PVH stub\n"
