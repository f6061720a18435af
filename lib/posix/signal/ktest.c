/* In-kernel tests of posix-signal. Terminating defaults end the image, so
 * they are tested by booting tests/apps/posixsys with "kill". */
#include <kn/errno.h>
#include <kn/ktest.h>
#include <kn/posix_signal.h>

#define BAD ((void *)8)
#define SS sizeof(uint64_t)
#define BIT(s) (1ULL << ((s)-1))

static int hits[KN_NSIG + 1], order[8], norder, last_code, last_pid;
static uint64_t mask_inside;

static void count(int sig)
{
	hits[sig]++;
	if (norder < 8)
		order[norder++] = sig;
	kn_sys_rt_sigprocmask(KN_SIG_BLOCK, 0, &mask_inside, SS);
}

static void info(int sig, struct kn_siginfo *si, void *uc)
{
	hits[sig]++;
	last_code = si->si_code;
	last_pid = si->si_pid;
}

static void reset(void)
{
	__builtin_memset(hits, 0, sizeof(hits));
	norder = 0;
	uint64_t none = 0;
	kn_sys_rt_sigprocmask(KN_SIG_SETMASK, &none, 0, SS);
}

static long set_action(int sig, void *h, unsigned long flags, uint64_t mask)
{
	struct kn_sigaction a = {h, flags, 0, mask};
	return kn_sys_rt_sigaction(sig, &a, 0, SS);
}

KN_TEST(posix_signal, sigaction_stores_and_validates)
{
	struct kn_sigaction a = {(void *)count, KN_SA_RESTART | KN_SA_RESTORER, (void *)info,
				 BIT(KN_SIGUSR2) | BIT(KN_SIGKILL)},
			    o;
	KN_EXPECT(kn_sys_rt_sigaction(KN_SIGUSR1, &a, 0, SS) == 0);
	KN_EXPECT(kn_sys_rt_sigaction(KN_SIGUSR1, 0, &o, SS) == 0);
	KN_EXPECT(o.handler == (void *)count && o.restorer == (void *)info &&
		  o.flags == (KN_SA_RESTART | KN_SA_RESTORER) && o.mask == BIT(KN_SIGUSR2));
	KN_EXPECT(kn_sys_rt_sigaction(KN_SIGKILL, &a, 0, SS) == -KN_EINVAL);
	KN_EXPECT(kn_sys_rt_sigaction(KN_SIGSTOP, &a, 0, SS) == -KN_EINVAL);
	KN_EXPECT(kn_sys_rt_sigaction(KN_SIGKILL, 0, &o, SS) == 0 && o.handler == KN_SIG_DFL);
	KN_EXPECT(kn_sys_rt_sigaction(0, &a, 0, SS) == -KN_EINVAL);
	KN_EXPECT(kn_sys_rt_sigaction(65, &a, 0, SS) == -KN_EINVAL);
	KN_EXPECT(kn_sys_rt_sigaction(KN_SIGUSR1, &a, 0, 4) == -KN_EINVAL);
	KN_EXPECT(kn_sys_rt_sigaction(KN_SIGUSR1, BAD, 0, SS) == -KN_EFAULT);
	KN_EXPECT(kn_sys_rt_sigaction(KN_SIGUSR1, 0, BAD, SS) == -KN_EFAULT);
	KN_EXPECT(set_action(KN_SIGUSR1, KN_SIG_DFL, 0, 0) == 0);
	KN_EXPECT(kn_sys_rt_sigreturn() == -KN_ENOSYS);
}

KN_TEST(posix_signal, handler_runs_synchronously_with_mask)
{
	reset();
	KN_ASSERT(set_action(KN_SIGUSR1, (void *)count, 0, BIT(KN_SIGUSR2)) == 0);
	KN_EXPECT(kn_sys_kill(1, KN_SIGUSR1) == 0);
	KN_EXPECT(hits[KN_SIGUSR1] == 1);
	/* Inside: the signal itself and the action's mask were blocked. */
	KN_EXPECT((mask_inside & BIT(KN_SIGUSR1)) && (mask_inside & BIT(KN_SIGUSR2)));
	uint64_t now;
	KN_EXPECT(kn_sys_rt_sigprocmask(KN_SIG_BLOCK, 0, &now, SS) == 0 && now == 0);
	KN_EXPECT(kn_sys_kill(0, KN_SIGUSR1) == 0 && kn_sys_kill(-1, KN_SIGUSR1) == -KN_ESRCH);
	KN_EXPECT(hits[KN_SIGUSR1] == 2);
	KN_EXPECT(kn_sys_tkill(1, KN_SIGUSR1) == 0 && hits[KN_SIGUSR1] == 3); /* main's tid */
	/* SA_NODEFER leaves the signal unblocked inside its handler. */
	KN_ASSERT(set_action(KN_SIGUSR1, (void *)count, KN_SA_NODEFER, 0) == 0);
	KN_EXPECT(kn_sys_kill(1, KN_SIGUSR1) == 0 && !(mask_inside & BIT(KN_SIGUSR1)));
	/* SA_RESETHAND: once, then back to the default. */
	KN_ASSERT(set_action(KN_SIGWINCH, (void *)count, KN_SA_RESETHAND, 0) == 0);
	int before = hits[KN_SIGWINCH];
	kn_sys_kill(1, KN_SIGWINCH);
	kn_sys_kill(1, KN_SIGWINCH); /* default: ignored */
	KN_EXPECT(hits[KN_SIGWINCH] == before + 1);
	struct kn_sigaction o;
	KN_EXPECT(kn_sys_rt_sigaction(KN_SIGWINCH, 0, &o, SS) == 0 && o.handler == KN_SIG_DFL);
	set_action(KN_SIGUSR1, KN_SIG_DFL, 0, 0);
}

KN_TEST(posix_signal, blocked_signals_pend_until_unblocked)
{
	reset();
	KN_ASSERT(set_action(KN_SIGUSR1, (void *)count, 0, 0) == 0);
	KN_ASSERT(set_action(KN_SIGUSR2, (void *)count, 0, 0) == 0);
	uint64_t set = BIT(KN_SIGUSR1) | BIT(KN_SIGUSR2) | BIT(KN_SIGKILL), old = 1, pend = 0;
	KN_EXPECT(kn_sys_rt_sigprocmask(KN_SIG_BLOCK, &set, &old, SS) == 0 && old == 0);
	KN_EXPECT(kn_sys_kill(1, KN_SIGUSR2) == 0 && kn_sys_kill(1, KN_SIGUSR1) == 0);
	KN_EXPECT(kn_sys_kill(1, KN_SIGUSR1) == 0); /* standard signals do not queue */
	KN_EXPECT(hits[KN_SIGUSR1] == 0 && hits[KN_SIGUSR2] == 0);
	KN_EXPECT(kn_sys_rt_sigpending(&pend, SS) == 0 &&
		  pend == (BIT(KN_SIGUSR1) | BIT(KN_SIGUSR2)));
	uint64_t cur;
	kn_sys_rt_sigprocmask(KN_SIG_BLOCK, 0, &cur, SS);
	KN_EXPECT(!(cur & BIT(KN_SIGKILL))); /* SIGKILL cannot be blocked */
	KN_EXPECT(kn_sys_rt_sigprocmask(KN_SIG_UNBLOCK, &set, 0, SS) == 0);
	KN_EXPECT(hits[KN_SIGUSR1] == 1 && hits[KN_SIGUSR2] == 1);
	KN_EXPECT(norder == 2 && order[0] == KN_SIGUSR1 && order[1] == KN_SIGUSR2);
	KN_EXPECT(kn_sys_rt_sigpending(&pend, SS) == 0 && pend == 0);
	/* A pending signal whose action becomes SIG_IGN is dropped. */
	KN_EXPECT(kn_sys_rt_sigprocmask(KN_SIG_SETMASK, &set, 0, SS) == 0);
	kn_sys_kill(1, KN_SIGUSR1);
	set_action(KN_SIGUSR1, KN_SIG_IGN, 0, 0);
	KN_EXPECT(kn_sys_rt_sigpending(&pend, SS) == 0 && pend == 0);
	reset();
	KN_EXPECT(hits[KN_SIGUSR1] == 0);
	KN_EXPECT(kn_sys_rt_sigprocmask(7, &set, 0, SS) == -KN_EINVAL);
	KN_EXPECT(kn_sys_rt_sigprocmask(7, 0, 0, SS) == 0); /* how unused without set */
	KN_EXPECT(kn_sys_rt_sigprocmask(KN_SIG_BLOCK, &set, 0, 4) == -KN_EINVAL);
	KN_EXPECT(kn_sys_rt_sigprocmask(KN_SIG_BLOCK, BAD, 0, SS) == -KN_EFAULT);
	KN_EXPECT(kn_sys_rt_sigprocmask(KN_SIG_BLOCK, 0, BAD, SS) == -KN_EFAULT);
	KN_EXPECT(kn_sys_rt_sigpending(BAD, SS) == -KN_EFAULT);
	KN_EXPECT(kn_sys_rt_sigpending(&pend, 16) == -KN_EINVAL);
	set_action(KN_SIGUSR1, KN_SIG_DFL, 0, 0);
	set_action(KN_SIGUSR2, KN_SIG_DFL, 0, 0);
}

KN_TEST(posix_signal, ignore_default_ignore_and_siginfo)
{
	reset();
	KN_ASSERT(set_action(KN_SIGTERM, KN_SIG_IGN, 0, 0) == 0);
	KN_EXPECT(kn_sys_kill(1, KN_SIGTERM) == 0); /* still running */
	set_action(KN_SIGTERM, KN_SIG_DFL, 0, 0);
	KN_EXPECT(kn_sys_kill(1, KN_SIGCHLD) == 0 && kn_sys_kill(1, KN_SIGURG) == 0);
	KN_EXPECT(kn_sys_kill(1, KN_SIGWINCH) == 0 && kn_sys_kill(1, KN_SIGCONT) == 0);
	KN_ASSERT(set_action(KN_SIGRTMIN + 3, (void *)info, KN_SA_SIGINFO, 0) == 0);
	KN_EXPECT(kn_sys_kill(1, KN_SIGRTMIN + 3) == 0 && hits[KN_SIGRTMIN + 3] == 1);
	KN_EXPECT(last_code == KN_SI_USER && last_pid == 1);
	KN_EXPECT(kn_sys_tgkill(1, 1, KN_SIGRTMIN + 3) == 0 && last_code == KN_SI_TKILL);
	KN_EXPECT(hits[KN_SIGRTMIN + 3] == 2);
	set_action(KN_SIGRTMIN + 3, KN_SIG_DFL, 0, 0);
	KN_EXPECT(!__builtin_memcmp(kn_signal_name(KN_SIGTERM), "SIGTERM", 8));
	KN_EXPECT(kn_signal_name(0) == 0 && kn_signal_name(65) == 0);
}

KN_TEST(posix_signal, kill_targets_and_errors)
{
	KN_EXPECT(kn_sys_kill(1, 0) == 0 && kn_sys_kill(0, 0) == 0);
	KN_EXPECT(kn_sys_kill(2, 0) == -KN_ESRCH && kn_sys_kill(-5, KN_SIGUSR1) == -KN_ESRCH);
	KN_EXPECT(kn_sys_kill(1, 65) == -KN_EINVAL && kn_sys_kill(1, -1) == -KN_EINVAL);
	KN_EXPECT(kn_sys_tkill(0, 0) == -KN_EINVAL && kn_sys_tkill(-3, 0) == -KN_EINVAL);
	KN_EXPECT(kn_sys_tkill(99999, 0) == -KN_ESRCH);
	KN_EXPECT(kn_sys_tkill(1, 99) == -KN_EINVAL);
	KN_EXPECT(kn_sys_tgkill(0, 1, 0) == -KN_EINVAL && kn_sys_tgkill(1, 0, 0) == -KN_EINVAL);
	KN_EXPECT(kn_sys_tgkill(2, 1, 0) == -KN_ESRCH && kn_sys_tgkill(1, 99999, 0) == -KN_ESRCH);
}

KN_TEST(posix_signal, sigaltstack_stored)
{
	static char stack[8192];
	struct kn_stack ss = {stack, 0, sizeof(stack)}, old;
	KN_EXPECT(kn_sys_sigaltstack(0, &old) == 0 && old.ss_flags == KN_SS_DISABLE);
	KN_EXPECT(kn_sys_sigaltstack(&ss, 0) == 0);
	KN_EXPECT(kn_sys_sigaltstack(0, &old) == 0 && old.ss_sp == stack &&
		  old.ss_size == sizeof(stack) && old.ss_flags == 0);
	struct kn_stack small = {stack, 0, 100}, bad_flags = {stack, 77, sizeof(stack)};
	KN_EXPECT(kn_sys_sigaltstack(&small, 0) == -KN_ENOMEM);
	KN_EXPECT(kn_sys_sigaltstack(&bad_flags, 0) == -KN_EINVAL);
	KN_EXPECT(kn_sys_sigaltstack(BAD, 0) == -KN_EFAULT);
	KN_EXPECT(kn_sys_sigaltstack(0, BAD) == -KN_EFAULT);
	struct kn_stack off = {0, KN_SS_DISABLE, 0};
	KN_EXPECT(kn_sys_sigaltstack(&off, &old) == 0 && old.ss_sp == stack);
	KN_EXPECT(kn_sys_sigaltstack(0, &old) == 0 && old.ss_flags == KN_SS_DISABLE);
}
