/* vfs-poll: deadlines and the wait loop. */
#include <kn/errno.h>
#include <kn/syscall.h>
#include <kn/time.h>
#include "poll_internal.h"

#define SIGSET_SIZE 8 /* the kernel's sigset_t on x86-64 */

uint64_t kn_poll_deadline(uint64_t sec, uint64_t nsec)
{
	if (!sec && !nsec)
		return 0;
	uint64_t ns, at;
	if (__builtin_mul_overflow(sec, KN_NSEC_PER_SEC, &ns) ||
	    __builtin_add_overflow(ns, nsec, &ns) ||
	    __builtin_add_overflow(kn_time_monotonic_ns(), ns, &at) || at == POLL_FOREVER)
		return POLL_FOREVER - 1;
	return at;
}

uint64_t kn_poll_left_ns(uint64_t deadline)
{
	uint64_t now = kn_time_monotonic_ns();
	return deadline > now ? deadline - now : 0;
}

long kn_poll_until(long (*check)(void *ctx, struct kn_poll_table *pt), void *ctx, unsigned files,
		   uint64_t deadline)
{
	if (!deadline) /* a question, no wait: nothing to register */
		return check(ctx, 0);
	struct kn_poll_table pt;
	if (kn_poll_table_init(&pt, files))
		return -KN_ENOMEM;
	long r;
	for (;;) {
		kn_poll_table_prepare(&pt);
		r = check(ctx, &pt);
		if (r || (r = pt.error))
			break;
		if (deadline != POLL_FOREVER && kn_time_monotonic_ns() >= deadline)
			break;
		/* Woken or timed out, check again: the last check after the
		 * deadline still reports what became ready. */
		r = kn_poll_table_wait(&pt, deadline == POLL_FOREVER ? 0 : deadline);
		if (r && r != -KN_ETIMEDOUT)
			break;
	}
	kn_poll_table_free(&pt);
	return r;
}

int kn_poll_check_sigmask(const void *set, size_t size)
{
	if (!set)
		return 0;
	if (size != SIGSET_SIZE)
		return -KN_EINVAL;
	return kn_user_readable(set, size) ? -KN_EFAULT : 0;
}

int kn_poll_timespec_ok(const struct kn_timespec *ts)
{
	return ts->tv_sec >= 0 && ts->tv_nsec >= 0 && ts->tv_nsec < (int64_t)KN_NSEC_PER_SEC;
}
