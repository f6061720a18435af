/* Linux x86-64 ABI: signal numbers, the flags of rt_sigaction(2),
 * rt_sigprocmask(2) and sigaltstack(2), and the kernel's structures
 * they take (struct sigaction as the kernel sees it, stack_t, the head of
 * siginfo_t). */
#ifndef KN_UAPI_SIGNAL_H
#define KN_UAPI_SIGNAL_H

#include <stddef.h>
#include <stdint.h>

#define KN_NSIG 64
#define KN_SIGHUP 1
#define KN_SIGINT 2
#define KN_SIGABRT 6
#define KN_SIGKILL 9
#define KN_SIGUSR1 10
#define KN_SIGSEGV 11
#define KN_SIGUSR2 12
#define KN_SIGPIPE 13
#define KN_SIGALRM 14
#define KN_SIGTERM 15
#define KN_SIGCHLD 17
#define KN_SIGCONT 18
#define KN_SIGSTOP 19
#define KN_SIGURG 23
#define KN_SIGWINCH 28
#define KN_SIGRTMIN 32

#define KN_SIG_DFL ((void *)0)
#define KN_SIG_IGN ((void *)1)

#define KN_SA_SIGINFO 0x00000004
#define KN_SA_ONSTACK 0x08000000
#define KN_SA_RESTART 0x10000000
#define KN_SA_NODEFER 0x40000000
#define KN_SA_RESETHAND 0x80000000
#define KN_SA_RESTORER 0x04000000

#define KN_SIG_BLOCK 0
#define KN_SIG_UNBLOCK 1
#define KN_SIG_SETMASK 2

#define KN_SS_ONSTACK 1
#define KN_SS_DISABLE 2
#define KN_SS_AUTODISARM (1u << 31)
#define KN_MINSIGSTKSZ 2048

#define KN_SI_USER 0
#define KN_SI_TKILL (-6)

/* The kernel's struct sigaction (what rt_sigaction takes). */
struct kn_sigaction {
	void *handler;
	unsigned long flags;
	void *restorer;
	uint64_t mask;
};

struct kn_stack {
	void *ss_sp;
	int ss_flags;
	size_t ss_size;
};

/* The head of Linux's siginfo_t (128 bytes in all). */
struct kn_siginfo {
	int si_signo, si_errno, si_code, pad0;
	int si_pid;
	uint32_t si_uid;
	char rest[128 - 24];
};

#endif
