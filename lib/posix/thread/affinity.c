/* Scheduling calls a libc makes: one CPU, one cooperative run queue. */
#include <kn/posix_thread.h>
#include <kn/syscall.h>
#include "internal.h"

/* Linux copies masks in units of longs, nr_cpu_ids bits rounded up: with
 * one CPU that is one 8-byte word. */
#define MASK_BYTES 8

KN_SYSCALL(sched_yield)(void)
{
	kn_yield();
	return 0;
}

KN_SYSCALL(sched_getaffinity)(int pid, unsigned int len, unsigned long *mask)
{
	if (pid < 0 || !posix_thread_known(pid))
		return -KN_ESRCH;
	if (len < MASK_BYTES || len % sizeof(unsigned long))
		return -KN_EINVAL;
	if (kn_user_writable(mask, MASK_BYTES))
		return -KN_EFAULT;
	*mask = 1; /* CPU 0 */
	return MASK_BYTES;
}

/* Any mask that includes CPU 0 is accepted; the rest of it cannot matter. */
KN_SYSCALL(sched_setaffinity)(int pid, unsigned int len, const unsigned char *mask)
{
	if (pid < 0 || !posix_thread_known(pid))
		return -KN_ESRCH;
	if (len == 0)
		return -KN_EINVAL; /* an empty mask has no CPU to run on */
	if (kn_user_readable(mask, len))
		return -KN_EFAULT;
	return mask[0] & 1 ? 0 : -KN_EINVAL;
}
