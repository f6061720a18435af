/* The console is the process's standard output; its input is the
 * process's standard input, read only when the host says it is ready
 * (the host descriptor stays blocking: it may be shared with a shell). */
#include <kn/console.h>
#include <kn/errno.h>
#include "linuxu.h"

static void stdout_write(const char *s, size_t n)
{
	while (n) {
		long w = kn_linuxu_syscall(KN_SYS_write, 1, s, n);
		if (w == -4) /* EINTR */
			continue;
		if (w <= 0)
			return;
		s += w;
		n -= (size_t)w;
	}
}
KN_CONSOLE_DRIVER(stdout, stdout_write);

struct host_pollfd {
	int fd;
	short events, revents;
};

#define HOST_POLLIN 1
#define HOST_POLLNVAL 0x20

static long stdin_read(void *buf, size_t n)
{
	struct host_pollfd p = {0, HOST_POLLIN, 0};
	long r = kn_linuxu_syscall(KN_SYS_poll, &p, 1, 0);
	if (r == 0 || r == -4) /* nothing yet, or EINTR */
		return -KN_EAGAIN;
	if (r < 0 || (p.revents & HOST_POLLNVAL))
		return 0; /* no usable stdin: end of input */
	/* Readable, hung up or failed: read returns data, 0 or an error. */
	r = kn_linuxu_syscall(KN_SYS_read, 0, buf, n);
	if (r == -4 || r == -KN_EAGAIN)
		return -KN_EAGAIN;
	return r < 0 ? 0 : r;
}
KN_CONSOLE_INPUT(stdin, stdin_read);
