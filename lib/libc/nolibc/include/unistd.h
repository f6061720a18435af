#ifndef _UNISTD_H
#define _UNISTD_H

#include <features.h>
#include <stddef.h>
#include <bits/types.h>

#define STDIN_FILENO 0
#define STDOUT_FILENO 1
#define STDERR_FILENO 2

__NL_BEGIN
/* fd 1 and 2 go to the console; others fail with EBADF. */
ssize_t write(int fd, const void *buf, size_t n);
/* Leaves at once: no atexit handlers, no stdio flush. */
__nl_noreturn void _exit(int code);
/* Block the calling thread when a scheduler is linked, else spin. */
unsigned int sleep(unsigned int seconds);
int usleep(useconds_t usec);
__NL_END

#endif
