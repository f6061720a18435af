#include <errno.h>
#include <unistd.h>
#include <kn/console.h>

/* Unbuffered: bypasses stdout's buffer, like the system call. */
ssize_t write(int fd, const void *buf, size_t n)
{
	if (fd != STDOUT_FILENO && fd != STDERR_FILENO) {
		errno = EBADF;
		return -1;
	}
	if (fd == STDERR_FILENO)
		kn_console_write_err(buf, n);
	else
		kn_console_write(buf, n);
	return (ssize_t)n;
}
