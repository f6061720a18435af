/* nanosleep and clock_nanosleep on the scheduler's timer. */
#include <kn/errno.h>
#include <kn/plat.h>
#include <kn/sched.h>
#include <kn/syscall.h>
#include <kn/time.h>
#include "clock_internal.h"

/* Without a scheduler in the image, sleeping idles the CPU instead. */
static void sleep_until_mono(uint64_t deadline)
{
#ifdef CONFIG_HAVE_SCHED
	kn_sleep_until(deadline);
#else
	while (kn_time_monotonic_ns() < deadline)
		kn_plat_idle_until(deadline);
#endif
}

/* Checks a request: 0 and *ns set, or -errno. */
static long read_request(const struct kn_timespec *req, uint64_t *ns)
{
	if (kn_user_readable(req, sizeof(*req)))
		return -KN_EFAULT;
	int64_t s = req->tv_sec, n = req->tv_nsec;
	if (n < 0 || n >= (int64_t)KN_NSEC_PER_SEC)
		return -KN_EINVAL;
	if (s < 0)
		return -KN_EINVAL;
	if ((uint64_t)s >= UINT64_MAX / KN_NSEC_PER_SEC - 1)
		*ns = UINT64_MAX; /* practically forever */
	else
		*ns = (uint64_t)s * KN_NSEC_PER_SEC + (uint64_t)n;
	return 0;
}

static uint64_t add_sat(uint64_t a, uint64_t b)
{
	return a + b < a ? UINT64_MAX : a + b;
}

static long finish(struct kn_timespec *rem)
{
	/* Never interrupted: nothing remains. */
	if (rem && !kn_user_writable(rem, sizeof(*rem))) {
		rem->tv_sec = 0;
		rem->tv_nsec = 0;
	}
	return 0;
}

KN_SYSCALL(nanosleep)(const struct kn_timespec *req, struct kn_timespec *rem)
{
	uint64_t ns;
	long err = read_request(req, &ns);
	if (err)
		return err;
	sleep_until_mono(add_sat(kn_time_monotonic_ns(), ns));
	return finish(rem);
}

KN_SYSCALL(clock_nanosleep)
(int clk, int flags, const struct kn_timespec *req, struct kn_timespec *rem)
{
	int base = kn_posix_clock_base(clk);
	if (base < 0)
		return base;
	/* No timers on these clocks, as on Linux (which ignores unknown
	 * flag bits, so we do too). */
	if (clk == KN_CLOCK_MONOTONIC_RAW || clk == KN_CLOCK_MONOTONIC_COARSE ||
	    clk == KN_CLOCK_REALTIME_COARSE || clk == KN_CLOCK_THREAD_CPUTIME_ID ||
	    (clk < 0 && (clk & 4)))
		return -KN_ENOTSUP;
	uint64_t ns;
	long err = read_request(req, &ns);
	if (err)
		return err;
	uint64_t mono = kn_time_monotonic_ns();
	if (!(flags & KN_TIMER_ABSTIME)) {
		sleep_until_mono(add_sat(mono, ns));
		return finish(rem);
	}
	/* An absolute deadline: converted once to the monotonic clock (a
	 * later clock_settime does not move it). */
	uint64_t now = kn_posix_clock_now(base);
	if (ns > now)
		sleep_until_mono(add_sat(mono, ns - now));
	return 0;
}
