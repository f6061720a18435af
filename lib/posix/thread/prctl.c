/* prctl: the per-thread name and the few process switches a libc or a
 * runtime sets. Everything else is -EINVAL, as Linux says for options it
 * does not know. */
#include <kn/posix_thread.h>
#include <kn/syscall.h>
#include "internal.h"

#define PR_SET_PDEATHSIG 1
#define PR_GET_PDEATHSIG 2
#define PR_GET_DUMPABLE 3
#define PR_SET_DUMPABLE 4
#define PR_SET_NAME 15
#define PR_GET_NAME 16
#define PR_SET_TIMERSLACK 29
#define PR_GET_TIMERSLACK 30
#define PR_SET_NO_NEW_PRIVS 38
#define PR_GET_NO_NEW_PRIVS 39

#define NSIG 64

static int dumpable = 1, no_new_privs, pdeathsig;
static unsigned long timerslack_ns = 50000; /* Linux's default */

/* The thread's name: set by PR_SET_NAME, else the scheduler's name. */
static long get_name(char *out)
{
	if (kn_user_writable(out, POSIX_THREAD_COMM_LEN))
		return -KN_EFAULT;
	struct posix_thread *p = posix_thread_self(false);
	const char *name = p && p->comm[0] ? p->comm : kn_thread_name(kn_thread_self());
	size_t i = 0;
	for (; name && name[i] && i < POSIX_THREAD_COMM_LEN - 1; i++)
		out[i] = name[i];
	out[i] = 0;
	return 0;
}

static long set_name(const char *name)
{
	struct posix_thread *p = posix_thread_self(true);
	if (!p)
		return -KN_ENOMEM;
	/* Linux copies up to 16 bytes and truncates without an error. */
	size_t i = 0;
	for (; i < POSIX_THREAD_COMM_LEN - 1; i++) {
		if (kn_user_readable(name + i, 1))
			return -KN_EFAULT;
		if (!name[i])
			break;
		p->comm[i] = name[i];
	}
	p->comm[i] = 0;
	return 0;
}

KN_SYSCALL(prctl)
(int option, unsigned long a2, unsigned long a3, unsigned long a4, unsigned long a5)
{
	switch (option) {
	case PR_SET_NAME: return set_name((const char *)a2);
	case PR_GET_NAME: return get_name((char *)a2);
	case PR_GET_DUMPABLE: return dumpable;
	case PR_SET_DUMPABLE:
		if (a2 > 1)
			return -KN_EINVAL;
		dumpable = (int)a2;
		return 0;
	case PR_SET_PDEATHSIG:
		if (a2 > NSIG)
			return -KN_EINVAL;
		pdeathsig = (int)a2; /* our parent never dies before us */
		return 0;
	case PR_GET_PDEATHSIG:
		if (kn_user_writable((void *)a2, sizeof(int)))
			return -KN_EFAULT;
		*(int *)a2 = pdeathsig;
		return 0;
	case PR_SET_TIMERSLACK: timerslack_ns = a2 ? a2 : 50000; return 0;
	case PR_GET_TIMERSLACK: return (long)timerslack_ns;
	case PR_SET_NO_NEW_PRIVS:
		if (a2 != 1 || a3 || a4 || a5)
			return -KN_EINVAL;
		no_new_privs = 1;
		return 0;
	case PR_GET_NO_NEW_PRIVS:
		if (a2 || a3 || a4 || a5)
			return -KN_EINVAL;
		return no_new_privs;
	default: return -KN_EINVAL;
	}
}
