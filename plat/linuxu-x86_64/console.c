/* The console is the process's standard output and standard error
 * (kernel messages and the guest's fd 2); its input is the
 * process's standard input, read only when the host says it is ready
 * (the host descriptor stays blocking: it may be shared with a shell).
 * While a thread waits for input, idling waits on stdin as well as on
 * the clock (a watch: events.c), so input wakes it at once; otherwise
 * stdin is not watched (unread input must not keep the process awake). */
#include <kn/console.h>
#ifdef CONFIG_HAVE_CONSOLE_INPUT
#include <kn/console_input.h>
#endif
#include <kn/errno.h>
#include <kn/init.h>
#include <kn/linuxu_watch.h>
#include <kn/plat.h>
#include <kn/time.h>
#include "linuxu.h"

static void host_write(int fd, const char *s, size_t n)
{
	while (n) {
		long w = kn_linuxu_syscall(KN_SYS_write, fd, s, n);
		if (w == -KN_EINTR)
			continue;
		if (w <= 0)
			return;
		s += w;
		n -= (size_t)w;
	}
}

static void stdout_write(const char *s, size_t n)
{
	host_write(1, s, n);
}

static void stderr_write(const char *s, size_t n)
{
	host_write(2, s, n);
}
KN_CONSOLE_DRIVER(stdio, stdout_write, stderr_write);

struct host_pollfd {
	int fd;
	short events, revents;
};

#define HOST_POLLIN 1
#define HOST_POLLNVAL 0x20

/* The platform cannot require console-input (it requires the scheduler,
 * which requires the platform): stdin is a source only when the image
 * has it. */
#ifdef CONFIG_HAVE_CONSOLE_INPUT
static long stdin_read(void *buf, size_t n)
{
	struct host_pollfd p = {0, HOST_POLLIN, 0};
	long r = kn_linuxu_syscall(KN_SYS_poll, &p, 1, 0);
	if (r == 0 || r == -KN_EINTR) /* nothing yet, or interrupted */
		return -KN_EAGAIN;
	if (r < 0 || (p.revents & HOST_POLLNVAL))
		return 0; /* no usable stdin: end of input */
	/* Readable, hung up or failed: read returns data, 0 or an error. */
	r = kn_linuxu_syscall(KN_SYS_read, 0, buf, n);
	if (r == -KN_EINTR || r == -KN_EAGAIN)
		return -KN_EAGAIN;
	return r < 0 ? 0 : r;
}
KN_CONSOLE_INPUT(stdin, stdin_read);
#endif

/* stdin is watched only while a thread waits for console input. */
static short stdin_wanted(struct kn_linuxu_watch *w)
{
#ifdef CONFIG_HAVE_CONSOLE_INPUT
	return kn_console_input_wanted() ? KN_LINUXU_POLLIN : 0;
#else
	return 0;
#endif
}

/* Readable, hung up or closed: the readers find out which. */
static void stdin_ready(struct kn_linuxu_watch *w, short revents)
{
#ifdef CONFIG_HAVE_CONSOLE_INPUT
	kn_console_input_notify();
#endif
}

static struct kn_linuxu_watch stdin_watch = {0, stdin_wanted, stdin_ready, NULL};

static int stdin_watch_init(void)
{
	kn_linuxu_watch_add(&stdin_watch);
	return 0;
}
KN_INIT(stdin_watch_init, KN_INIT_EARLY, 0);
