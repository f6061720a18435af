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
#include <kn/uapi/signal.h>

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
