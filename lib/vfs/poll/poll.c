/* vfs-poll: poll and ppoll. */
#include <kn/errno.h>
#include <kn/syscall.h>
#include <kn/time.h>
#include "poll_internal.h"

struct poll_req {
	struct kn_pollfd *fds;
	unsigned long n;
};

/* Fills every revents; returns how many are non-zero. */
static long scan(void *ctx, struct kn_poll_table *pt)
{
	struct poll_req *req = ctx;
	long ready = 0;
	for (unsigned long i = 0; i < req->n; i++) {
		struct kn_pollfd *p = &req->fds[i];
		p->revents = 0;
		if (p->fd < 0)
			continue; /* ignored, as POSIX allows to disable entries */
		int mask = kn_vfs_fd_poll(p->fd, pt);
		if (mask < 0)
			p->revents = KN_POLLNVAL;
		else
			p->revents = (short)((unsigned)mask &
					     ((unsigned short)p->events | KN_POLLERR | KN_POLLHUP));
		if (p->revents)
			ready++;
	}
	return ready;
}

static long do_poll(struct kn_pollfd *fds, unsigned long nfds, uint64_t deadline)
{
	if (nfds > KN_FD_MAX)
		return -KN_EINVAL;
	if (nfds && kn_user_writable(fds, nfds * sizeof(*fds)))
		return -KN_EFAULT;
	struct poll_req req = {fds, nfds};
	return kn_poll_until(scan, &req, (unsigned)nfds, deadline);
}

KN_SYSCALL(poll)(struct kn_pollfd *fds, unsigned long nfds, int timeout_ms)
{
	uint64_t deadline = POLL_FOREVER;
	if (timeout_ms >= 0)
		deadline = kn_poll_deadline((uint64_t)timeout_ms / 1000,
					    (uint64_t)timeout_ms % 1000 * KN_NSEC_PER_MSEC);
	return do_poll(fds, nfds, deadline);
}

KN_SYSCALL(ppoll)
(struct kn_pollfd *fds, unsigned long nfds, struct kn_timespec *tsp, const void *sigmask,
 size_t sigsetsize)
{
	uint64_t deadline = POLL_FOREVER;
	if (tsp) {
		if (kn_user_readable(tsp, sizeof(*tsp)))
			return -KN_EFAULT;
		if (!kn_poll_timespec_ok(tsp))
			return -KN_EINVAL;
		deadline = kn_poll_deadline((uint64_t)tsp->tv_sec, (uint64_t)tsp->tv_nsec);
	}
	long r = kn_poll_check_sigmask(sigmask, sigsetsize);
	if (r)
		return r;
	r = do_poll(fds, nfds, deadline);
	if (tsp && deadline) { /* Linux leaves a zero timeout as it is */
		uint64_t left = kn_poll_left_ns(deadline);
		tsp->tv_sec = (int64_t)(left / KN_NSEC_PER_SEC);
		tsp->tv_nsec = (int64_t)(left % KN_NSEC_PER_SEC);
	}
	return r;
}
