/* Signal names for the termination message. */
#include <kn/posix_signal.h>

static const char *const names[32] = {
	0,           "SIGHUP",  "SIGINT",    "SIGQUIT", "SIGILL",   "SIGTRAP", "SIGABRT", "SIGBUS",
	"SIGFPE",    "SIGKILL", "SIGUSR1",   "SIGSEGV", "SIGUSR2",  "SIGPIPE", "SIGALRM", "SIGTERM",
	"SIGSTKFLT", "SIGCHLD", "SIGCONT",   "SIGSTOP", "SIGTSTP",  "SIGTTIN", "SIGTTOU", "SIGURG",
	"SIGXCPU",   "SIGXFSZ", "SIGVTALRM", "SIGPROF", "SIGWINCH", "SIGIO",   "SIGPWR",  "SIGSYS",
};

/* Real-time signals are named by their offset from SIGRTMIN (32). */
static char rt_names[KN_NSIG - 31][8];

const char *kn_signal_name(int sig)
{
	if (sig < 1 || sig > KN_NSIG)
		return NULL;
	if (sig < 32)
		return names[sig];
	char *n = rt_names[sig - 32];
	if (!n[0]) {
		int off = sig - KN_SIGRTMIN, i = 5;
		__builtin_memcpy(n, "SIGRT", 5);
		if (off >= 10)
			n[i++] = (char)('0' + off / 10);
		n[i++] = (char)('0' + off % 10);
		n[i] = 0;
	}
	return n;
}
