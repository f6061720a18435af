/* The console is the process's standard output. */
#include <kn/console.h>
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
