/* PVH entry: the VMM starts us in 32-bit protected mode, paging off, with
 * ebx = physical address of struct hvm_start_info. We reach 64-bit mode on
 * boot page tables that identity map the first GiB (paging.c replaces them)
 * and call kn_kvm_start(start_info) on the boot stack. */

#define CR0_PE (1 << 0)
#define CR0_MP (1 << 1)
#define CR0_EM (1 << 2)
#define CR0_TS (1 << 3)
#define CR0_NE (1 << 5)
#define CR0_WP (1 << 16)
#define CR0_NW (1 << 29)
#define CR0_CD (1 << 30)
#define CR0_PG (1 << 31)
#define CR4_PAE (1 << 5)
#define CR4_OSFXSR (1 << 9)
#define CR4_OSXMMEXCPT (1 << 10)
#define MSR_EFER 0xc0000080
#define EFER_LME (1 << 8)
#define EFER_NXE (1 << 11)
#define PTE_P 0x1
#define PTE_W 0x2
#define PTE_PS 0x80
#define BOOT_STACK_SIZE (32 * 1024)

/* The PVH note tells the VMM where the 32-bit entry is. */
	.section .note.Xen, "a", @note
	.p2align 2
	.long 4                         /* name size */
	.long 4                         /* desc size */
	.long 18                        /* XEN_ELFNOTE_PHYS32_ENTRY */
	.asciz "Xen"
	.long kn_pvh_entry

	.section .text.kn_entry, "ax", @progbits
	.code32
	.globl kn_pvh_entry
	.type kn_pvh_entry, @function
kn_pvh_entry:
	rdtsc                           /* boot time starts here */
	movl %eax, kn_boot_times
	movl %edx, kn_boot_times + 4
	movl %ebx, %ebp                 /* cpuid clobbers ebx */

	/* Identity map the first GiB with 2 MiB pages. */
	movl $(kn_kvm_boot_pdpt + PTE_P + PTE_W), kn_kvm_boot_pml4
	movl $(kn_kvm_boot_pd + PTE_P + PTE_W), kn_kvm_boot_pdpt
	movl $kn_kvm_boot_pd, %edi
	movl $(PTE_P + PTE_W + PTE_PS), %eax
	movl $512, %ecx
1:	movl %eax, (%edi)
	addl $0x200000, %eax
	addl $8, %edi
	decl %ecx
	jnz 1b

	movl %cr4, %eax
	orl $(CR4_PAE | CR4_OSFXSR | CR4_OSXMMEXCPT), %eax
	movl %eax, %cr4
	movl $kn_kvm_boot_pml4, %eax
	movl %eax, %cr3

	/* Long mode, and no-execute when the CPU has it (paging.c asks
	 * EFER.NXE before it sets NX bits). */
	movl $0x80000001, %eax
	cpuid
	movl %edx, %esi
	movl $MSR_EFER, %ecx
	rdmsr
	orl $EFER_LME, %eax
	btl $20, %esi
	jnc 2f
	orl $EFER_NXE, %eax
2:	wrmsr

	/* Paging on, caches on (QEMU enters PVH with CR0.CD set, which
	 * makes a KVM guest crawl), x87/SSE usable, and WP so the kernel
	 * itself cannot write read-only pages. */
	movl %cr0, %eax
	andl $~(CR0_CD | CR0_NW | CR0_EM | CR0_TS), %eax
	orl $(CR0_PE | CR0_MP | CR0_NE | CR0_WP | CR0_PG), %eax
	movl %eax, %cr0

	lgdt kn_kvm_gdt_ptr
	ljmpl $0x08, $3f

	.code64
3:	movl $0x10, %eax
	movl %eax, %ds
	movl %eax, %es
	movl %eax, %ss
	movl %eax, %fs
	movl %eax, %gs
	leaq kn_kvm_boot_stack_top(%rip), %rsp
	fninit
	movl %ebp, %edi
	xorl %ebp, %ebp                 /* backtraces end here */
	call kn_kvm_start
	ud2
	.size kn_pvh_entry, .-kn_pvh_entry

/* Segments: null, 64-bit code (0x08), data (0x10), and the TSS (0x18,
 * 16 bytes, filled by idt.c). Writable: ltr sets the TSS busy bit. */
	.section .data.kn_kvm_gdt, "aw", @progbits
	.p2align 4
	.globl kn_kvm_gdt
	.hidden kn_kvm_gdt
kn_kvm_gdt:
	.quad 0
	.quad 0x00af9b000000ffff
	.quad 0x00cf93000000ffff
	.quad 0, 0
kn_kvm_gdt_end:
	.p2align 3
kn_kvm_gdt_ptr:
	.word kn_kvm_gdt_end - kn_kvm_gdt - 1
	.quad kn_kvm_gdt

	.section .bss.kn_kvm_boot, "aw", @nobits
	.p2align 12
kn_kvm_boot_pml4:
	.skip 4096
kn_kvm_boot_pdpt:
	.skip 4096
kn_kvm_boot_pd:
	.skip 4096
	/* A guard page below the boot stack (main's stack when the image
	 * has no scheduler): paging.c leaves it unmapped, so an overflow
	 * faults (and trap.c names it) instead of overwriting .data. */
	.p2align 12
	.globl kn_kvm_boot_guard, kn_kvm_boot_stack_top
kn_kvm_boot_guard:
	.skip 4096
kn_kvm_boot_stack:
	.skip BOOT_STACK_SIZE
kn_kvm_boot_stack_top:

	.section .note.GNU-stack, "", @progbits
