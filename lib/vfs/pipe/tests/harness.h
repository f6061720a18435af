/* Host tests of vfs-pipe and vfs-poll: shared checks. Each scenario runs
 * the same operations on Kiln (kn_sys_*) and on the host kernel (raw
 * syscalls) and compares results, errno values included. */
#ifndef PIPE_POLL_HARNESS_H
#define PIPE_POLL_HARNESS_H
#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <kn/errno.h>
#include <kn/pipe.h>
#include <kn/poll.h>
#include <kn/vfs.h>

extern int failures;
extern uint64_t fake_now;

/* The next time a call blocks, run fn(arg) as "another thread" would;
 * the wait ends as woken if that woke a queue the caller waits on.
 * Otherwise a wait with a deadline jumps the fake clock to it, and
 * blocking for ever is reported and the test exits. */
void then_run(void (*fn)(void *), void *arg);
extern int blocks;       /* waits so far */
extern int wakeups;      /* waits ended by a wake of one of their queues */
extern int entries_live; /* wait entries now queued on some file */

static inline long host_ret(long r)
{
	return r < 0 ? -errno : r;
}

#include "../../tests/expect.h"
/* Kiln's result of kexpr against the host's result of hexpr (-1/errno
 * turned into -errno). */
#define SAME(kexpr, hexpr)                                                                         \
	do {                                                                                       \
		long _k = (long)(kexpr);                                                           \
		long _h = host_ret((long)(hexpr));                                                 \
		if (_k != _h) {                                                                    \
			printf("FAIL %s:%d: kiln %s = %ld, host %s = %ld\n", __FILE__, __LINE__,   \
			       #kexpr, _k, #hexpr, _h);                                            \
			failures++;                                                                \
		}                                                                                  \
	} while (0)

/* Raw host calls: the glibc wrappers of ppoll/pselect/select hide the
 * timeout write-back and the signal-mask argument rules. */
#define HOST(name, ...) syscall(SYS_##name, __VA_ARGS__)

void pipe_scenarios(const char *name, int *found);
void poll_scenarios(const char *name, int *found);
void epoll_scenarios(const char *name, int *found);
#endif
