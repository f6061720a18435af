/* Raw Linux system calls: the platform uses no host libc at all. Public
 * (include/) for the linuxu drivers (netdev-tap), which are host programs
 * too; a kvm image never sees it. */
#ifndef KN_LINUXU_SYSCALL_H
#define KN_LINUXU_SYSCALL_H

#define KN_SYS_write 1
#define KN_SYS_mmap 9
#define KN_SYS_mprotect 10
#define KN_SYS_rt_sigaction 13
#define KN_SYS_sigaltstack 131
#define KN_SYS_arch_prctl 158
#define KN_SYS_clock_gettime 228
#define KN_SYS_clock_settime 227
#define KN_SYS_clock_nanosleep 230
#define KN_SYS_exit_group 231
#define KN_SYS_read 0
#define KN_SYS_poll 7
#define KN_SYS_ppoll 271
#define KN_SYS_open 2
#define KN_SYS_close 3
#define KN_SYS_lseek 8
#define KN_SYS_prlimit64 302
#define KN_SYS_ioctl 16
#define KN_SYS_getpid 39

static inline long kn_linuxu_syscall6(long n, long a, long b, long c, long d, long e, long f)
{
	long ret;
	register long r10 __asm__("r10") = d;
	register long r8 __asm__("r8") = e;
	register long r9 __asm__("r9") = f;
	__asm__ volatile("syscall"
			 : "=a"(ret)
			 : "a"(n), "D"(a), "S"(b), "d"(c), "r"(r10), "r"(r8), "r"(r9)
			 : "rcx", "r11", "memory");
	return ret;
}

#define kn_linuxu_syscall(n, a, b, c)                                                              \
	kn_linuxu_syscall6(n, (long)(a), (long)(b), (long)(c), 0, 0, 0)

struct kn_linuxu_timespec {
	long tv_sec;
	long tv_nsec;
};

#endif
