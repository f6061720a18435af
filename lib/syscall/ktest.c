/* In-kernel tests of the dispatch table and, on kvm, the trap entry. */
#include <kn/ktest.h>
#include <kn/syscall.h>

#define NR_UNUSED 335 /* a hole in the x86-64 table: never implemented */

KN_TEST(syscall, unknown_numbers_are_enosys)
{
	KN_EXPECT(kn_syscall(NR_UNUSED, 0, 0, 0, 0, 0, 0) == -KN_ENOSYS);
	KN_EXPECT(kn_syscall(-1, 0, 0, 0, 0, 0, 0) == -KN_ENOSYS);
	KN_EXPECT(kn_syscall(100000, 0, 0, 0, 0, 0, 0) == -KN_ENOSYS);
}

KN_TEST(syscall, user_pointer_checks)
{
	char buf[8] = {0};
	static const char constant[8] = "const";
	KN_EXPECT(kn_user_writable(buf, sizeof(buf)) == 0);
	KN_EXPECT(kn_user_readable(constant, sizeof(constant)) == 0);
	KN_EXPECT(kn_user_writable(constant, sizeof(constant)) == -KN_EFAULT);
	KN_EXPECT(kn_user_readable(0, 1) == -KN_EFAULT);
	KN_EXPECT(kn_user_readable((void *)16, 1) == -KN_EFAULT);
	KN_EXPECT(kn_user_readable((void *)-16L, 32) == -KN_EFAULT);
	KN_EXPECT(kn_user_readable((void *)0xdead000000000000UL, 10) == -KN_EFAULT);
	KN_EXPECT(kn_user_readable((void *)0x00007ffffffff000UL, 0x2000) == -KN_EFAULT);
}

#ifdef CONFIG_PLATFORM_KVM
/* A raw `syscall` instruction must come back with the result in rax and
 * every other register (but rcx, r11) as it was, SSE included. */
KN_TEST(syscall, trap_entry_preserves_registers)
{
	long ret;
	register long r8 __asm__("r8") = 0x8888;
	register long r9 __asm__("r9") = 0x9999;
	register long r10 __asm__("r10") = 0xaaaa;
	long rdi = 0xd1, rsi = 0x51, rdx = 0xd4;
	double x = 1.5;
	__asm__ volatile("movq %[x], %%xmm5\n\t"
			 "syscall\n\t"
			 "movq %%xmm5, %[x]"
			 : "=a"(ret), "+D"(rdi), "+S"(rsi), "+d"(rdx), "+r"(r8), "+r"(r9),
			   "+r"(r10), [x] "+m"(x)
			 : "a"((long)NR_UNUSED)
			 : "rcx", "r11", "xmm5", "memory");
	KN_EXPECT(ret == -KN_ENOSYS);
	KN_EXPECT(rdi == 0xd1 && rsi == 0x51 && rdx == 0xd4);
	KN_EXPECT(r8 == 0x8888 && r9 == 0x9999 && r10 == 0xaaaa);
	KN_EXPECT(x == 1.5);
}
/* All sixteen SSE registers survive a trap whose kernel side runs C code
 * (the first call of an unknown number logs its name through the console's
 * formatter, which the compiler is free to vectorise) and MXCSR's rounding
 * mode too: the entry saves them with plain moves, not FXSAVE. */
KN_TEST(syscall, trap_entry_preserves_all_sse_registers)
{
	uint64_t in[16][2], out[16][2];
	for (int i = 0; i < 16; i++) {
		in[i][0] = 0x0101010101010101ull * (uint64_t)(i + 1);
		in[i][1] = ~in[i][0];
	}
	uint32_t mxcsr_in = 0x1f80 | (3u << 13), mxcsr_out = 0, mxcsr_saved;
	long ret;
	__asm__ volatile(
		"stmxcsr %[saved]\n\t"
		"ldmxcsr %[min]\n\t"
		".irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15\n\t"
		"movdqu 16*\\n(%[in]), %%xmm\\n\n\t"
		".endr\n\t"
		"syscall\n\t"
		".irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15\n\t"
		"movdqu %%xmm\\n, 16*\\n(%[out])\n\t"
		".endr\n\t"
		"stmxcsr %[mout]\n\t"
		"ldmxcsr %[saved]"
		: "=a"(ret), [saved] "=m"(mxcsr_saved), [mout] "=m"(mxcsr_out)
		: "a"((long)NR_UNUSED + 1), [in] "r"(in), [out] "r"(out), [min] "m"(mxcsr_in)
		: "rcx", "r11", "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6", "xmm7",
		  "xmm8", "xmm9", "xmm10", "xmm11", "xmm12", "xmm13", "xmm14", "xmm15", "memory");
	KN_EXPECT(ret == -KN_ENOSYS);
	KN_EXPECT(__builtin_memcmp(in, out, sizeof(in)) == 0);
	KN_EXPECT(mxcsr_out == mxcsr_in);
}
#endif
