/* vfs-poll internals: deadlines and the wait loop shared by poll and
 * select. */
#ifndef KN_POLL_INTERNAL_H
#define KN_POLL_INTERNAL_H
#include <kn/poll.h>
#include <kn/poll_table.h>

#define POLL_FOREVER UINT64_MAX /* no timeout; deadline 0 means "check once" */

/* The deadline sec/nsec from now (validated by the caller): 0 when both
 * are 0, saturating instead of overflowing. */
uint64_t kn_poll_deadline(uint64_t sec, uint64_t nsec);
/* Time left until deadline, 0 once it has passed. */
uint64_t kn_poll_left_ns(uint64_t deadline);
/* Calls check(ctx, pt) until it returns non-zero (the result), sleeping
 * in between until a file it polls wakes it; returns 0 once the deadline
 * has passed with check still 0. check passes pt to kn_vfs_fd_poll for
 * each of at most `files` descriptors (pt is NULL for a zero timeout). */
long kn_poll_until(long (*check)(void *ctx, struct kn_poll_table *pt), void *ctx, unsigned files,
		   uint64_t deadline);
/* A signal mask argument: 0, -KN_EINVAL (size) or -KN_EFAULT. The mask
 * itself is not applied (no asynchronous signals yet). */
int kn_poll_check_sigmask(const void *set, size_t size);
int kn_poll_timespec_ok(const struct kn_timespec *ts);
#endif
