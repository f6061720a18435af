/* Minimal signals: handlers run for signals sent to ourselves; blocked
 * signals wait until unblocked; ignored ones vanish. */
#include <signal.h>
#include <unistd.h>

#include "check.h"

static volatile int got_usr1, got_usr2, info_code;

static void on_usr1(int sig)
{
	got_usr1 += sig == SIGUSR1;
}

static void on_usr2(int sig, siginfo_t *info, void *ctx)
{
	(void)ctx;
	got_usr2 += sig == SIGUSR2;
	info_code = info->si_signo;
}

void test_signals(void)
{
	struct sigaction sa = {0}, old;
	sa.sa_handler = on_usr1;
	CHECK(sigaction(SIGUSR1, &sa, NULL) == 0);
	CHECK(raise(SIGUSR1) == 0 && got_usr1 == 1);
	CHECK(kill(getpid(), SIGUSR1) == 0 && got_usr1 == 2);

	sa.sa_handler = NULL;
	sa.sa_sigaction = on_usr2;
	sa.sa_flags = SA_SIGINFO;
	CHECK(sigaction(SIGUSR2, &sa, &old) == 0 && old.sa_handler == SIG_DFL);
	sigset_t set, prev;
	sigemptyset(&set);
	sigaddset(&set, SIGUSR2);
	CHECK(sigprocmask(SIG_BLOCK, &set, &prev) == 0);
	CHECK(raise(SIGUSR2) == 0 && got_usr2 == 0);
	sigset_t pending;
	CHECK(sigpending(&pending) == 0 && sigismember(&pending, SIGUSR2));
	CHECK(sigprocmask(SIG_SETMASK, &prev, NULL) == 0);
	CHECK(got_usr2 == 1 && info_code == SIGUSR2);

	CHECK(signal(SIGUSR1, SIG_IGN) == on_usr1);
	CHECK(raise(SIGUSR1) == 0 && got_usr1 == 2);
	CHECK_ERR(sigaction(SIGKILL, &sa, NULL), EINVAL);
	CHECK_ERR(kill(getpid(), 99), EINVAL);
	signal(SIGUSR1, SIG_DFL);
	signal(SIGUSR2, SIG_DFL);
}
