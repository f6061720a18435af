/* vfs-core: file readiness for poll/select and the one wait queue that
 * every readiness change wakes.
 *
 * One queue for all files, because a poller waits on many files at once
 * and a thread can block on one wait queue only. Waking every poller on
 * each change costs a re-check per poller, which is cheap for the few
 * threads of a unikernel. The scheduler is a weak reference: an image
 * without one has nobody to wake. */
#include <kn/errno.h>
#include <kn/sched.h>
#include <kn/time.h>
#include "vfs_internal.h"

#pragma weak kn_waitq_wait
#pragma weak kn_waitq_wake
#pragma weak kn_time_monotonic_ns

static struct kn_waitq pollers = KN_WAITQ_INIT;
/* When the next wait must end at the latest (0: no limit). The poll op
 * that sets it and the wait that consumes it run in the same thread with
 * no switch in between (a scan never blocks), so a global does. */
static uint64_t recheck_at;

int kn_vfs_fd_poll(int fd)
{
	struct kn_file *f = kn_vfs_fget(fd);
	if (!f)
		return -KN_EBADF;
	if (f->flags & KN_O_PATH) { /* not open for I/O: Linux's poll ignores it too */
		kn_vfs_fput(f);
		return -KN_EBADF;
	}
	struct kn_vnode *vn = f->vn;
	unsigned mask = vn->ops->poll ? vn->ops->poll(vn, f) : KN_POLL_ALWAYS;
	kn_vfs_fput(f);
	return (int)mask;
}

void kn_vfs_poll_notify(void)
{
	if (kn_waitq_wake && pollers.head)
		kn_waitq_wake(&pollers, 0x7fffffff);
}

int kn_vfs_poll_wait(uint64_t deadline_ns)
{
	if (!kn_waitq_wait)
		return -KN_ENOSYS;
	uint64_t at = recheck_at;
	recheck_at = 0;
	if (at && (!deadline_ns || at < deadline_ns)) {
		int r = kn_waitq_wait(&pollers, at);
		/* Only the recheck expired: to the caller, a possible change. */
		return r == -KN_ETIMEDOUT ? 0 : r;
	}
	return kn_waitq_wait(&pollers, deadline_ns);
}

void kn_vfs_poll_recheck(uint64_t ns)
{
	if (!kn_time_monotonic_ns)
		return;
	uint64_t at = kn_time_monotonic_ns() + ns;
	if (!recheck_at || at < recheck_at)
		recheck_at = at;
}
