/* In-kernel tests of the dispatch table and, on kvm, the trap entry. */
#include <kn/ktest.h>
#include <kn/syscall.h>

#define NR_UNUSED 335 /* a hole in the x86-64 table: never implemented */

KN_TEST(syscall, unknown_numbers_are_enosys)
{
	KN_EXPECT(kn_syscall(NR_UNUSED, 0, 0, 0, 0, 0, 0) == -KN_ENOSYS);
	KN_EXPECT(kn_syscall(-1, 0, 0, 0, 0, 0, 0) == -KN_ENOSYS);
	KN_EXPECT(kn_syscall(100000, 0, 0, 0, 0, 0, 0) == -KN_ENOSYS);
	const char *name = kn_syscall_name(0);
	KN_EXPECT(name && name[0] == 'r' && name[1] == 'e' && name[2] == 'a' &&
		  name[3] == 'd' && !name[4]);
	KN_EXPECT(kn_syscall_name(NR_UNUSED) == 0);
}

KN_TEST(syscall, user_pointer_checks)
{
	char buf[8] = {0};
	KN_EXPECT(kn_user_check(buf, sizeof(buf)) == 0);
	KN_EXPECT(kn_user_check(0, 1) == -KN_EFAULT);
	KN_EXPECT(kn_user_check((void *)16, 1) == -KN_EFAULT);
	KN_EXPECT(kn_user_check((void *)-16L, 32) == -KN_EFAULT);
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
			 : "=a"(ret), "+D"(rdi), "+S"(rsi), "+d"(rdx), "+r"(r8),
			   "+r"(r9), "+r"(r10), [x] "+m"(x)
			 : "a"((long)NR_UNUSED)
			 : "rcx", "r11", "xmm5", "memory");
	KN_EXPECT(ret == -KN_ENOSYS);
	KN_EXPECT(rdi == 0xd1 && rsi == 0x51 && rdx == 0xd4);
	KN_EXPECT(r8 == 0x8888 && r9 == 0x9999 && r10 == 0xaaaa);
	KN_EXPECT(x == 1.5);
}
#endif
