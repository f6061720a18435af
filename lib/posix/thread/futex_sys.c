/* The futex system call: argument checks and timeouts around kn_futex_*.
 * Unknown commands (the PI family, FUTEX_WAKE_OP, FUTEX_FD) are -ENOSYS
 * as on a Linux built without them, which libcs treat as "unsupported". */
#include <kn/futex.h>
#include <kn/posix_thread.h>
#include <kn/syscall.h>
#include <kn/time.h>
#include "internal.h"

#define FUTEX_WAIT 0
#define FUTEX_WAKE 1
#define FUTEX_REQUEUE 3
#define FUTEX_CMP_REQUEUE 4
#define FUTEX_WAIT_BITSET 9
#define FUTEX_WAKE_BITSET 10
#define FUTEX_PRIVATE_FLAG 128
#define FUTEX_CLOCK_REALTIME 256

/* The deadline on the monotonic clock for a timeout (0: none). `absolute`
 * timeouts are read on the realtime clock when `realtime` is set, on the
 * monotonic clock otherwise; relative ones count from now. */
static int deadline_of(const struct posix_timespec *ts, int absolute, int realtime,
		       uint64_t *deadline)
{
	*deadline = 0;
	if (!ts)
		return 0;
	if (kn_user_readable(ts, sizeof(*ts)))
		return -KN_EFAULT;
	if (ts->tv_sec < 0 || ts->tv_nsec < 0 || ts->tv_nsec >= (long)KN_NSEC_PER_SEC)
		return -KN_EINVAL;
	uint64_t now = kn_time_monotonic_ns();
	if ((uint64_t)ts->tv_sec > UINT64_MAX / KN_NSEC_PER_SEC / 2)
		return 0; /* centuries away: the same as no deadline */
	uint64_t t = (uint64_t)ts->tv_sec * KN_NSEC_PER_SEC + (uint64_t)ts->tv_nsec;
	if (!absolute)
		t += now;
	else if (realtime) {
		uint64_t wall = kn_time_wall_ns();
		t = t > wall ? now + (t - wall) : now;
	}
	*deadline = t ? t : 1; /* 0 would mean "no deadline" */
	return 0;
}

KN_SYSCALL(futex)
(uint32_t *uaddr, int op, uint32_t val, const void *timeout, uint32_t *uaddr2, uint32_t val3)
{
	int cmd = op & ~(FUTEX_PRIVATE_FLAG | FUTEX_CLOCK_REALTIME);
	int realtime = op & FUTEX_CLOCK_REALTIME;
	/* The requeue commands pass a count where the timeout goes. */
	int val2 = (int)(uintptr_t)timeout;
	uint64_t deadline;
	int rc;

	if (realtime && cmd != FUTEX_WAIT && cmd != FUTEX_WAIT_BITSET)
		return -KN_ENOSYS;
	switch (cmd) {
	case FUTEX_WAIT:
	case FUTEX_WAIT_BITSET:
	case FUTEX_WAKE:
	case FUTEX_WAKE_BITSET:
	case FUTEX_REQUEUE:
	case FUTEX_CMP_REQUEUE: break;
	default: return -KN_ENOSYS;
	}
	if ((uintptr_t)uaddr % sizeof(uint32_t))
		return -KN_EINVAL;
	if (kn_user_readable(uaddr, sizeof(uint32_t)))
		return -KN_EFAULT;
	switch (cmd) {
	case FUTEX_WAIT:
		val3 = KN_FUTEX_BITSET_ANY;
		/* fall through */
	case FUTEX_WAIT_BITSET:
		if (!val3)
			return -KN_EINVAL;
		rc = deadline_of((const struct posix_timespec *)timeout, cmd == FUTEX_WAIT_BITSET,
				 realtime, &deadline);
		if (rc)
			return rc;
		return kn_futex_wait(uaddr, val, deadline, val3);
	case FUTEX_WAKE:
		val3 = KN_FUTEX_BITSET_ANY;
		/* fall through */
	case FUTEX_WAKE_BITSET:
		if (!val3)
			return -KN_EINVAL;
		/* Linux wakes one waiter even when asked for none or fewer. */
		return kn_futex_wake(uaddr, (int)val > 0 ? (int)val : 1, val3);
	default: /* the requeues */
		if ((int)val < 0 || val2 < 0 || (uintptr_t)uaddr2 % sizeof(uint32_t))
			return -KN_EINVAL;
		if (kn_user_readable(uaddr2, sizeof(uint32_t)))
			return -KN_EFAULT;
		if (cmd == FUTEX_CMP_REQUEUE && __atomic_load_n(uaddr, __ATOMIC_RELAXED) != val3)
			return -KN_EAGAIN;
		return kn_futex_requeue(uaddr, (int)val, uaddr2, val2);
	}
}
