/* posix-signal: the minimal signals of a one-process unikernel.
 *
 * Actions (rt_sigaction) are stored for the process and signal masks
 * (rt_sigprocmask) per thread; pending signals are one set for the
 * process, delivered by whichever thread unblocks them. A signal sent
 * to ourselves (kill to our pid or 0; tkill/tgkill to the calling
 * thread; anything else is -ESRCH) is handled at once, in the sender:
 *  - blocked: it becomes pending (one bit per signal, real-time signals do
 *    not queue) and is handled when rt_sigprocmask unblocks it;
 *  - SIG_IGN, or SIG_DFL of SIGCHLD/SIGURG/SIGWINCH/SIGCONT and of the
 *    stop signals (there is no job control): discarded;
 *  - SIG_DFL otherwise: prints "kn: terminated by signal SIGxxx" and
 *    leaves the image with status 128+signo (no atexit, no stdio flush,
 *    as on Linux; on kvm the VMM can carry only 0..127, so kiln reports
 *    signo);
 *  - a handler: called as a plain C function, on the current stack (an
 *    alternate stack is stored by sigaltstack, not switched to), with the
 *    action's mask (and the signal, unless SA_NODEFER) blocked meanwhile;
 *    SA_SIGINFO handlers get a siginfo (si_code SI_USER or SI_TKILL, our
 *    pid, uid 0) and a zeroed ucontext; SA_RESETHAND is honoured.
 * Because handlers return normally, rt_sigreturn is never needed and
 * returns -ENOSYS; SA_RESTORER is accepted and stored. Nothing is
 * delivered asynchronously, so no system call is ever interrupted. */
#ifndef KN_POSIX_SIGNAL_H
#define KN_POSIX_SIGNAL_H

#include <stddef.h>
#include <stdint.h>
#include <kn/compiler.h>

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

KN_API_BEGIN
/* Sends sig (1..64) to the process from inside the kernel, as kill to
 * ourselves does (for example SIGPIPE on a write to a closed pipe). */
void kn_signal_raise(int sig);
/* "SIGTERM", "SIGRT5", ... (NULL outside 1..64). */
const char *kn_signal_name(int sig);

long kn_sys_rt_sigaction(int sig, const struct kn_sigaction *act, struct kn_sigaction *oact,
			 size_t sigsetsize);
long kn_sys_rt_sigprocmask(int how, const uint64_t *set, uint64_t *oset, size_t sigsetsize);
long kn_sys_rt_sigpending(uint64_t *set, size_t sigsetsize);
long kn_sys_rt_sigreturn(void);
long kn_sys_sigaltstack(const struct kn_stack *ss, struct kn_stack *old);
long kn_sys_kill(int pid, int sig);
long kn_sys_tgkill(int tgid, int tid, int sig);
long kn_sys_tkill(int tid, int sig);
KN_API_END

#endif
