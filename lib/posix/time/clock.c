/* Reading and setting the clocks. */
#include <kn/errno.h>
#include <kn/syscall.h>
#include <kn/time.h>
#include "clock_internal.h"

/* Our process and main thread id (see posix-process). */
#define SELF_PID 1

int kn_posix_clock_base(int clk)
{
	if (clk < 0) {
		/* Linux encodes a CPU clock of pid P as (~P << 3) | type,
		 * bit 2 meaning a thread; type 3 is invalid. */
		int pid = ~(clk >> 3);
		if ((clk & 3) == 3 || (pid != 0 && pid != SELF_PID))
			return -KN_EINVAL;
		return KN_CLOCK_BASE_CPU;
	}
	switch (clk) {
	case KN_CLOCK_REALTIME:
	case KN_CLOCK_REALTIME_COARSE:
	case KN_CLOCK_REALTIME_ALARM:
	case KN_CLOCK_TAI: return KN_CLOCK_BASE_WALL;
	case KN_CLOCK_MONOTONIC:
	case KN_CLOCK_MONOTONIC_RAW:
	case KN_CLOCK_MONOTONIC_COARSE:
	case KN_CLOCK_BOOTTIME:
	case KN_CLOCK_BOOTTIME_ALARM: return KN_CLOCK_BASE_MONO;
	case KN_CLOCK_PROCESS_CPUTIME_ID:
	case KN_CLOCK_THREAD_CPUTIME_ID: return KN_CLOCK_BASE_CPU;
	default: return -KN_EINVAL;
	}
}

uint64_t kn_posix_clock_now(enum kn_clock_base base)
{
	/* CPU time: the image runs on one CPU for one process, so the time
	 * since boot is an upper bound that moves like the real thing. */
	return base == KN_CLOCK_BASE_WALL ? kn_time_wall_ns() : kn_time_monotonic_ns();
}

static void to_timespec(uint64_t ns, struct kn_timespec *ts)
{
	ts->tv_sec = (int64_t)(ns / KN_NSEC_PER_SEC);
	ts->tv_nsec = (int64_t)(ns % KN_NSEC_PER_SEC);
}

KN_SYSCALL(clock_gettime)(int clk, struct kn_timespec *ts)
{
	int base = kn_posix_clock_base(clk);
	if (base < 0)
		return base;
	if (kn_user_writable(ts, sizeof(*ts)))
		return -KN_EFAULT;
	to_timespec(kn_posix_clock_now(base), ts);
	return 0;
}

KN_SYSCALL(clock_getres)(int clk, struct kn_timespec *res)
{
	int base = kn_posix_clock_base(clk);
	if (base < 0)
		return base;
	if (!res)
		return 0;
	if (kn_user_writable(res, sizeof(*res)))
		return -KN_EFAULT;
	/* Every clock reads the nanosecond time source, coarse ones too. */
	res->tv_sec = 0;
	res->tv_nsec = 1;
	return 0;
}

static long set_wall(int64_t sec, int64_t nsec)
{
	if (sec < 0 || nsec < 0 || nsec >= (int64_t)KN_NSEC_PER_SEC)
		return -KN_EINVAL;
	if ((uint64_t)sec > UINT64_MAX / KN_NSEC_PER_SEC - 1)
		return -KN_EINVAL;
	kn_time_set_wall_ns((uint64_t)sec * KN_NSEC_PER_SEC + (uint64_t)nsec);
	return 0;
}

KN_SYSCALL(clock_settime)(int clk, const struct kn_timespec *ts)
{
	int base = kn_posix_clock_base(clk);
	if (base < 0)
		return base;
	if (kn_user_readable(ts, sizeof(*ts)))
		return -KN_EFAULT;
	if (clk != KN_CLOCK_REALTIME)
		return -KN_EINVAL; /* only the wall clock can be set, as on Linux */
	return set_wall(ts->tv_sec, ts->tv_nsec);
}

KN_SYSCALL(gettimeofday)(struct kn_timeval *tv, struct kn_timezone *tz)
{
	if (tv && kn_user_writable(tv, sizeof(*tv)))
		return -KN_EFAULT;
	if (tz && kn_user_writable(tz, sizeof(*tz)))
		return -KN_EFAULT;
	if (tv) {
		uint64_t ns = kn_time_wall_ns();
		tv->tv_sec = (int64_t)(ns / KN_NSEC_PER_SEC);
		tv->tv_usec = (int64_t)(ns % KN_NSEC_PER_SEC / KN_NSEC_PER_USEC);
	}
	if (tz) {
		tz->tz_minuteswest = 0; /* UTC */
		tz->tz_dsttime = 0;
	}
	return 0;
}

KN_SYSCALL(settimeofday)(const struct kn_timeval *tv, const struct kn_timezone *tz)
{
	if (tv && kn_user_readable(tv, sizeof(*tv)))
		return -KN_EFAULT;
	if (tz && kn_user_readable(tz, sizeof(*tz)))
		return -KN_EFAULT;
	if (tz && (tz->tz_minuteswest < -15 * 60 || tz->tz_minuteswest > 15 * 60))
		return -KN_EINVAL;
	if (!tv)
		return 0; /* the time zone is not kept: the kernel runs in UTC */
	if (tv->tv_usec < 0 || tv->tv_usec >= 1000000)
		return -KN_EINVAL;
	return set_wall(tv->tv_sec, tv->tv_usec * (int64_t)KN_NSEC_PER_USEC);
}

KN_SYSCALL(time)(int64_t *tloc)
{
	if (tloc && kn_user_writable(tloc, sizeof(*tloc)))
		return -KN_EFAULT;
	int64_t now = (int64_t)(kn_time_wall_ns() / KN_NSEC_PER_SEC);
	if (tloc)
		*tloc = now;
	return now;
}

KN_SYSCALL(times)(struct kn_tms *buf)
{
	if (buf && kn_user_writable(buf, sizeof(*buf)))
		return -KN_EFAULT;
	long ticks = (long)(kn_time_monotonic_ns() / (KN_NSEC_PER_SEC / KN_USER_HZ));
	if (buf) {
		buf->tms_utime = ticks; /* all of it, see kn_posix_clock_now */
		buf->tms_stime = 0;
		buf->tms_cutime = 0;
		buf->tms_cstime = 0;
	}
	return ticks;
}
