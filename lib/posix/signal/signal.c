/* Signal state and synchronous delivery (see kn/posix_signal.h). */
#include <kn/console.h>
#include <kn/errno.h>
#include <kn/plat.h>
#include <kn/posix_signal.h>
#include <kn/syscall.h>

#include <kn/alloc.h>
#ifdef CONFIG_LIB_POSIX_THREAD
#include <kn/clone.h>
#include <kn/posix_thread.h>
#endif

#define SELF_PID 1
#define BIT(sig) (1ULL << ((sig)-1))
/* SIGKILL and SIGSTOP can be neither caught nor blocked. */
#define UNBLOCKABLE (BIT(KN_SIGKILL) | BIT(KN_SIGSTOP))
/* SIG_DFL discards these (the stop signals too: no job control). */
#define DEFAULT_IGNORED                                                                            \
	(BIT(KN_SIGCHLD) | BIT(KN_SIGURG) | BIT(KN_SIGWINCH) | BIT(KN_SIGCONT) | BIT(KN_SIGSTOP) | \
	 BIT(20) | BIT(21) | BIT(22))

typedef void (*plain_handler)(int);
typedef void (*info_handler)(int, struct kn_siginfo *, void *);

static struct kn_sigaction actions[KN_NSIG + 1];
static uint64_t pending;
static struct kn_stack altstack = {0, KN_SS_DISABLE, 0};
/* si_code of each pending signal (SI_USER or SI_TKILL). */
static int pending_code[KN_NSIG + 1];

static int current_tid(void)
{
#ifdef CONFIG_LIB_POSIX_THREAD
	return kn_thread_tid();
#else
	return SELF_PID;
#endif
}

/* Signal masks are per thread, as libcs expect (musl blocks every signal
 * in a thread that is exiting). The main thread's mask is a variable;
 * other threads have a record while their mask is not empty. */
struct thread_mask {
	int tid;
	uint64_t mask;
	struct thread_mask *next;
};
static uint64_t main_mask;
static struct thread_mask *thread_masks;

static struct thread_mask *find_mask(int tid)
{
	for (struct thread_mask *m = thread_masks; m; m = m->next)
		if (m->tid == tid)
			return m;
	return NULL;
}

static uint64_t get_blocked(void)
{
	int tid = current_tid();
	if (tid == SELF_PID)
		return main_mask;
	struct thread_mask *m = find_mask(tid);
	return m ? m->mask : 0;
}

/* Drops the records of threads that have exited (posix-thread knows). */
static void forget_exited(void)
{
#ifdef CONFIG_LIB_POSIX_THREAD
	for (struct thread_mask **pp = &thread_masks; *pp;) {
		struct thread_mask *m = *pp;
		if (kn_sys_get_robust_list(m->tid, 0, 0) == -KN_ESRCH) {
			*pp = m->next;
			kn_free(m);
		} else {
			pp = &m->next;
		}
	}
#endif
}

static long set_blocked(uint64_t mask)
{
	int tid = current_tid();
	mask &= ~UNBLOCKABLE;
	if (tid == SELF_PID) {
		main_mask = mask;
		return 0;
	}
	struct thread_mask **pp = &thread_masks;
	while (*pp && (*pp)->tid != tid)
		pp = &(*pp)->next;
	if (*pp && !mask) {
		struct thread_mask *m = *pp;
		*pp = m->next;
		kn_free(m);
	} else if (*pp) {
		(*pp)->mask = mask;
	} else if (mask) {
		forget_exited();
		struct thread_mask *m = kn_malloc(sizeof(*m));
		if (!m)
			return -KN_ENOMEM;
		m->tid = tid;
		m->mask = mask;
		m->next = thread_masks;
		thread_masks = m;
	}
	return 0;
}

static KN_NORETURN void terminate(int sig)
{
	kn_printk("kn: terminated by signal %s\n", kn_signal_name(sig));
	kn_plat_exit(128 + sig);
}

static void run_handler(int sig, int code)
{
	struct kn_sigaction act = actions[sig];
	uint64_t saved = get_blocked(), during = saved | act.mask;
	if (!(act.flags & KN_SA_NODEFER))
		during |= BIT(sig);
	set_blocked(during);
	if (act.flags & KN_SA_RESETHAND) {
		actions[sig].handler = KN_SIG_DFL;
		actions[sig].flags &= ~KN_SA_SIGINFO;
	}
	if (act.flags & KN_SA_SIGINFO) {
		struct kn_siginfo info;
		unsigned char ucontext[1024]; /* at least a Linux ucontext_t */
		__builtin_memset(&info, 0, sizeof(info));
		__builtin_memset(ucontext, 0, sizeof(ucontext));
		info.si_signo = sig;
		info.si_code = code;
		info.si_pid = SELF_PID;
		((info_handler)act.handler)(sig, &info, ucontext);
	} else {
		((plain_handler)act.handler)(sig);
	}
	set_blocked(saved);
}

static void deliver_pending(void);

/* Acts on a signal that is not blocked. */
static void dispatch(int sig, int code)
{
	void *h = actions[sig].handler;
	if (h == KN_SIG_IGN)
		return;
	if (h == KN_SIG_DFL) {
		if (DEFAULT_IGNORED & BIT(sig))
			return;
		terminate(sig);
	}
	run_handler(sig, code);
	/* The handler's mask is lifted again: what it held back runs now. */
	deliver_pending();
}

static void deliver_pending(void)
{
	uint64_t ready;
	while ((ready = pending & ~get_blocked())) {
		int sig = __builtin_ctzll(ready) + 1; /* lowest first, as Linux */
		pending &= ~BIT(sig);
		dispatch(sig, pending_code[sig]);
	}
}

static void send(int sig, int code)
{
	if (get_blocked() & BIT(sig)) {
		pending |= BIT(sig);
		pending_code[sig] = code;
		return;
	}
	dispatch(sig, code);
}

void kn_signal_raise(int sig)
{
	if (sig >= 1 && sig <= KN_NSIG)
		send(sig, KN_SI_USER);
}

KN_SYSCALL(rt_sigaction)
(int sig, const struct kn_sigaction *act, struct kn_sigaction *oact, size_t sigsetsize)
{
	if (sigsetsize != sizeof(uint64_t) || sig < 1 || sig > KN_NSIG)
		return -KN_EINVAL;
	if (act && (sig == KN_SIGKILL || sig == KN_SIGSTOP))
		return -KN_EINVAL;
	if ((act && kn_user_readable(act, sizeof(*act))) ||
	    (oact && kn_user_writable(oact, sizeof(*oact))))
		return -KN_EFAULT;
	struct kn_sigaction old = actions[sig];
	if (act) {
		actions[sig] = *act;
		actions[sig].mask &= ~UNBLOCKABLE;
		/* Setting SIG_IGN discards a pending instance (POSIX). */
		if (act->handler == KN_SIG_IGN ||
		    (act->handler == KN_SIG_DFL && (DEFAULT_IGNORED & BIT(sig))))
			pending &= ~BIT(sig);
	}
	if (oact)
		*oact = old;
	return 0;
}

KN_SYSCALL(rt_sigprocmask)(int how, const uint64_t *set, uint64_t *oset, size_t sigsetsize)
{
	if (sigsetsize != sizeof(uint64_t))
		return -KN_EINVAL;
	if ((set && kn_user_readable(set, sizeof(*set))) ||
	    (oset && kn_user_writable(oset, sizeof(*oset))))
		return -KN_EFAULT;
	uint64_t old = get_blocked();
	if (set) {
		uint64_t s = *set, now;
		switch (how) {
		case KN_SIG_BLOCK: now = old | s; break;
		case KN_SIG_UNBLOCK: now = old & ~s; break;
		case KN_SIG_SETMASK: now = s; break;
		default: return -KN_EINVAL;
		}
		long err = set_blocked(now);
		if (err)
			return err;
	}
	if (oset)
		*oset = old;
	if (set)
		deliver_pending();
	return 0;
}

KN_SYSCALL(rt_sigpending)(uint64_t *set, size_t sigsetsize)
{
	if (sigsetsize > sizeof(uint64_t))
		return -KN_EINVAL;
	if (kn_user_writable(set, sigsetsize))
		return -KN_EFAULT;
	__builtin_memcpy(set, &pending, sigsetsize);
	return 0;
}

/* Handlers are plain calls that return normally: nothing to return to. */
KN_SYSCALL(rt_sigreturn)(void)
{
	return -KN_ENOSYS;
}

KN_SYSCALL(sigaltstack)(const struct kn_stack *ss, struct kn_stack *old)
{
	if ((ss && kn_user_readable(ss, sizeof(*ss))) ||
	    (old && kn_user_writable(old, sizeof(*old))))
		return -KN_EFAULT;
	struct kn_stack prev = altstack;
	if (ss) {
		int mode = ss->ss_flags & ~(int)KN_SS_AUTODISARM;
		if (mode != 0 && mode != KN_SS_DISABLE && mode != KN_SS_ONSTACK)
			return -KN_EINVAL;
		if (mode == KN_SS_DISABLE) {
			altstack.ss_sp = 0;
			altstack.ss_size = 0;
			altstack.ss_flags = KN_SS_DISABLE;
		} else {
			if (ss->ss_size < KN_MINSIGSTKSZ)
				return -KN_ENOMEM;
			altstack.ss_sp = ss->ss_sp;
			altstack.ss_size = ss->ss_size;
			altstack.ss_flags = ss->ss_flags & (int)KN_SS_AUTODISARM;
		}
	}
	if (old)
		*old = prev;
	return 0;
}

static long check_sig(int sig)
{
	return sig < 0 || sig > KN_NSIG ? -KN_EINVAL : 0;
}

KN_SYSCALL(kill)(int pid, int sig)
{
	long err = check_sig(sig);
	if (err)
		return err;
	/* Our pid or our process group (0). -1 means "every process but
	 * the caller and init" on Linux: here, nobody. */
	if (pid != SELF_PID && pid != 0)
		return -KN_ESRCH;
	if (sig)
		send(sig, KN_SI_USER);
	return 0;
}

KN_SYSCALL(tgkill)(int tgid, int tid, int sig)
{
	if (tgid <= 0 || tid <= 0)
		return -KN_EINVAL;
	long err = check_sig(sig);
	if (err)
		return err;
	if (tgid != SELF_PID || tid != current_tid())
		return -KN_ESRCH;
	if (sig)
		send(sig, KN_SI_TKILL);
	return 0;
}

KN_SYSCALL(tkill)(int tid, int sig)
{
	if (tid <= 0)
		return -KN_EINVAL;
	long err = check_sig(sig);
	if (err)
		return err;
	if (tid != current_tid())
		return -KN_ESRCH;
	if (sig)
		send(sig, KN_SI_TKILL);
	return 0;
}
