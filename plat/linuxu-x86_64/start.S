/* Process entry: the kernel left argc, argv, envp on the stack. */
	.text
	.globl _start
	.type _start, @function
_start:
	rdtsc                           /* first instruction: boot timestamp */
	movl %eax, kn_boot_times(%rip)
	movl %edx, kn_boot_times+4(%rip)
	xorl %ebp, %ebp                 /* backtraces stop here */
	movq %rsp, %rdi                 /* -> argc, argv[], NULL, envp[] */
	andq $-16, %rsp
	call kn_linuxu_start
	ud2
	.size _start, .-_start
	.section .note.GNU-stack,"",@progbits
