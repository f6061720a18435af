/* The console is the process's standard output and standard error
 * (kernel messages and the guest's fd 2); its input is the
 * process's standard input, read only when the host says it is ready
 * (the host descriptor stays blocking: it may be shared with a shell).
 * While a thread waits for input, idling waits on stdin as well as on
 * the clock, so input wakes it at once; otherwise stdin is not watched
 * (unread input must not keep the process awake). */
#include <kn/console.h>
#ifdef CONFIG_HAVE_CONSOLE_INPUT
#include <kn/console_input.h>
#endif
#include <kn/errno.h>
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

int kn_linuxu_stdin_wanted(void)
{
#ifdef CONFIG_HAVE_CONSOLE_INPUT
	return kn_console_input_wanted();
#else
	return 0;
#endif
}

static void wake_readers(void)
{
#ifdef CONFIG_HAVE_CONSOLE_INPUT
	kn_console_input_notify();
#endif
}

void kn_linuxu_stdin_idle(uint64_t deadline_ns)
{
	struct host_pollfd p = {0, HOST_POLLIN, 0};
	struct kn_linuxu_timespec ts, *timeout = NULL;
	if (deadline_ns != UINT64_MAX) { /* else: until input comes */
		uint64_t now = kn_time_monotonic_ns();
		uint64_t left = deadline_ns > now ? deadline_ns - now : 0;
		ts.tv_sec = (long)(left / KN_NSEC_PER_SEC);
		ts.tv_nsec = (long)(left % KN_NSEC_PER_SEC);
		timeout = &ts;
	}
	/* A signal ends it early (-EINTR), which idling allows. Readable,
	 * hung up or closed: the readers find out which. */
	if (kn_linuxu_syscall6(KN_SYS_ppoll, (long)&p, 1, (long)timeout, 0, 8, 0) > 0)
		wake_readers();
}

/* The host's stdin is linuxu's one event source: looked at (a zero
 * timeout ppoll) only while a thread waits for it. */
void kn_plat_irq_poll(void)
{
	if (!kn_linuxu_stdin_wanted())
		return;
	struct host_pollfd p = {0, HOST_POLLIN, 0};
	struct kn_linuxu_timespec now = {0, 0};
	if (kn_linuxu_syscall6(KN_SYS_ppoll, (long)&p, 1, (long)&now, 0, 8, 0) > 0)
		wake_readers();
}
