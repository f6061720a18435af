/* In-kernel tests of posix-time: every call with good and bad arguments.
 * Sleeps are checked against lower bounds only (never upper ones). */
#include <kn/errno.h>
#include <kn/ktest.h>
#include <kn/posix_time.h>
#include <kn/time.h>

#define BAD ((void *)8)

static uint64_t ns_of(const struct kn_timespec *t)
{
	return (uint64_t)t->tv_sec * KN_NSEC_PER_SEC + (uint64_t)t->tv_nsec;
}

KN_TEST(posix_time, clocks_read_and_validate)
{
	static const int ids[] = {
		KN_CLOCK_REALTIME,          KN_CLOCK_MONOTONIC,     KN_CLOCK_PROCESS_CPUTIME_ID,
		KN_CLOCK_THREAD_CPUTIME_ID, KN_CLOCK_MONOTONIC_RAW, KN_CLOCK_REALTIME_COARSE,
		KN_CLOCK_MONOTONIC_COARSE,  KN_CLOCK_BOOTTIME,      KN_CLOCK_TAI,
		(-0 - 1) * 8 + 2,           (-1 - 1) * 8 + 2,       (-0 - 1) * 8 + 6};
	for (unsigned i = 0; i < sizeof(ids) / sizeof(ids[0]); i++) {
		struct kn_timespec a = {-1, -1}, r = {-1, -1};
		KN_EXPECT(kn_sys_clock_gettime(ids[i], &a) == 0);
		KN_EXPECT(a.tv_sec >= 0 && a.tv_nsec >= 0 && a.tv_nsec < 1000000000);
		KN_EXPECT(kn_sys_clock_getres(ids[i], &r) == 0 && r.tv_sec == 0 && r.tv_nsec == 1);
		KN_EXPECT(kn_sys_clock_getres(ids[i], 0) == 0);
	}
	struct kn_timespec t;
	KN_EXPECT(kn_sys_clock_gettime(100, &t) == -KN_EINVAL);
	KN_EXPECT(kn_sys_clock_gettime(10, &t) == -KN_EINVAL);
	KN_EXPECT(kn_sys_clock_gettime((-0 - 1) * 8 + 3, &t) == -KN_EINVAL);
	KN_EXPECT(kn_sys_clock_gettime((-99999 - 1) * 8 + 2, &t) == -KN_EINVAL);
	KN_EXPECT(kn_sys_clock_gettime(KN_CLOCK_MONOTONIC, BAD) == -KN_EFAULT);
	KN_EXPECT(kn_sys_clock_gettime(KN_CLOCK_MONOTONIC, 0) == -KN_EFAULT);
	KN_EXPECT(kn_sys_clock_getres(100, 0) == -KN_EINVAL);
	KN_EXPECT(kn_sys_clock_getres(KN_CLOCK_REALTIME, BAD) == -KN_EFAULT);
	struct kn_timespec m1, m2;
	kn_sys_clock_gettime(KN_CLOCK_MONOTONIC, &m1);
	kn_sys_clock_gettime(KN_CLOCK_MONOTONIC, &m2);
	KN_EXPECT(ns_of(&m2) >= ns_of(&m1));
	struct kn_timespec w;
	kn_sys_clock_gettime(KN_CLOCK_REALTIME, &w);
	KN_EXPECT(w.tv_sec > 1600000000); /* after 2020: the host's clock */
}

KN_TEST(posix_time, set_wall_clock)
{
	struct kn_timespec saved, t;
	kn_sys_clock_gettime(KN_CLOCK_REALTIME, &saved);
	struct kn_timespec set = {2000000000, 5};
	KN_EXPECT(kn_sys_clock_settime(KN_CLOCK_REALTIME, &set) == 0);
	kn_sys_clock_gettime(KN_CLOCK_REALTIME, &t);
	KN_EXPECT(t.tv_sec >= 2000000000 && t.tv_sec < 2000000100);
	KN_EXPECT(kn_sys_time(0) >= 2000000000);
	struct kn_timespec bad_ns = {1, 1000000000}, neg = {-1, 0};
	KN_EXPECT(kn_sys_clock_settime(KN_CLOCK_REALTIME, &bad_ns) == -KN_EINVAL);
	KN_EXPECT(kn_sys_clock_settime(KN_CLOCK_REALTIME, &neg) == -KN_EINVAL);
	KN_EXPECT(kn_sys_clock_settime(KN_CLOCK_MONOTONIC, &set) == -KN_EINVAL);
	KN_EXPECT(kn_sys_clock_settime(55, &set) == -KN_EINVAL);
	KN_EXPECT(kn_sys_clock_settime(KN_CLOCK_REALTIME, BAD) == -KN_EFAULT);
	struct kn_timeval tv = {1900000000, 250000}, badtv = {0, 1000000};
	KN_EXPECT(kn_sys_settimeofday(&tv, 0) == 0);
	struct kn_timeval now;
	struct kn_timezone tz = {99, 99};
	KN_EXPECT(kn_sys_gettimeofday(&now, &tz) == 0);
	KN_EXPECT(now.tv_sec >= 1900000000 && now.tv_sec < 1900000100);
	KN_EXPECT(now.tv_usec >= 0 && now.tv_usec < 1000000);
	KN_EXPECT(tz.tz_minuteswest == 0 && tz.tz_dsttime == 0);
	KN_EXPECT(kn_sys_settimeofday(&badtv, 0) == -KN_EINVAL);
	KN_EXPECT(kn_sys_settimeofday(0, 0) == 0);
	KN_EXPECT(kn_sys_settimeofday(BAD, 0) == -KN_EFAULT);
	KN_EXPECT(kn_sys_gettimeofday(0, 0) == 0);
	KN_EXPECT(kn_sys_gettimeofday(BAD, 0) == -KN_EFAULT);
	KN_EXPECT(kn_sys_gettimeofday(0, BAD) == -KN_EFAULT);
	KN_EXPECT(kn_sys_clock_settime(KN_CLOCK_REALTIME, &saved) == 0);
}

KN_TEST(posix_time, time_and_times)
{
	int64_t t = 0;
	long r = kn_sys_time(&t);
	KN_EXPECT(r > 1600000000 && (r == t || r + 1 == t || r == t + 1));
	KN_EXPECT(kn_sys_time(BAD) == -KN_EFAULT);
	struct kn_tms tms;
	long ticks = kn_sys_times(&tms);
	KN_EXPECT(ticks >= 0 && tms.tms_utime >= 0 && tms.tms_stime >= 0);
	KN_EXPECT(tms.tms_cutime == 0 && tms.tms_cstime == 0);
	KN_EXPECT(kn_sys_times(0) >= ticks);
	KN_EXPECT(kn_sys_times(BAD) == -KN_EFAULT);
}

KN_TEST(posix_time, nanosleep_waits_at_least)
{
	struct kn_timespec req = {0, 20 * 1000000}, rem = {7, 7}, a, b;
	kn_sys_clock_gettime(KN_CLOCK_MONOTONIC, &a);
	KN_EXPECT(kn_sys_nanosleep(&req, &rem) == 0);
	kn_sys_clock_gettime(KN_CLOCK_MONOTONIC, &b);
	KN_EXPECT(ns_of(&b) - ns_of(&a) >= 20 * KN_NSEC_PER_MSEC);
	KN_EXPECT(rem.tv_sec == 0 && rem.tv_nsec == 0);
	struct kn_timespec zero = {0, 0}, bad_ns = {0, 1000000000}, neg = {-1, 0}, negns = {0, -1};
	KN_EXPECT(kn_sys_nanosleep(&zero, 0) == 0);
	KN_EXPECT(kn_sys_nanosleep(&bad_ns, 0) == -KN_EINVAL);
	KN_EXPECT(kn_sys_nanosleep(&neg, 0) == -KN_EINVAL);
	KN_EXPECT(kn_sys_nanosleep(&negns, 0) == -KN_EINVAL);
	KN_EXPECT(kn_sys_nanosleep(BAD, 0) == -KN_EFAULT);
	KN_EXPECT(kn_sys_nanosleep(0, 0) == -KN_EFAULT);
}

KN_TEST(posix_time, clock_nanosleep_relative_and_absolute)
{
	struct kn_timespec a, b, dl;
	kn_sys_clock_gettime(KN_CLOCK_MONOTONIC, &a);
	struct kn_timespec req = {0, 10 * 1000000};
	KN_EXPECT(kn_sys_clock_nanosleep(KN_CLOCK_MONOTONIC, 0, &req, 0) == 0);
	kn_sys_clock_gettime(KN_CLOCK_MONOTONIC, &b);
	KN_EXPECT(ns_of(&b) - ns_of(&a) >= 10 * KN_NSEC_PER_MSEC);
	/* Absolute deadline 15 ms ahead on the monotonic clock. */
	uint64_t target = ns_of(&b) + 15 * KN_NSEC_PER_MSEC;
	dl.tv_sec = (int64_t)(target / KN_NSEC_PER_SEC);
	dl.tv_nsec = (int64_t)(target % KN_NSEC_PER_SEC);
	KN_EXPECT(kn_sys_clock_nanosleep(KN_CLOCK_MONOTONIC, KN_TIMER_ABSTIME, &dl, 0) == 0);
	kn_sys_clock_gettime(KN_CLOCK_MONOTONIC, &b);
	KN_EXPECT(ns_of(&b) >= target);
	/* Absolute on the wall clock, 10 ms ahead; one in the past returns. */
	struct kn_timespec w;
	kn_sys_clock_gettime(KN_CLOCK_REALTIME, &w);
	uint64_t wt = ns_of(&w) + 10 * KN_NSEC_PER_MSEC;
	dl.tv_sec = (int64_t)(wt / KN_NSEC_PER_SEC);
	dl.tv_nsec = (int64_t)(wt % KN_NSEC_PER_SEC);
	KN_EXPECT(kn_sys_clock_nanosleep(KN_CLOCK_REALTIME, KN_TIMER_ABSTIME, &dl, 0) == 0);
	kn_sys_clock_gettime(KN_CLOCK_REALTIME, &w);
	KN_EXPECT(ns_of(&w) >= wt);
	struct kn_timespec past = {1, 0};
	KN_EXPECT(kn_sys_clock_nanosleep(KN_CLOCK_REALTIME, KN_TIMER_ABSTIME, &past, 0) == 0);
	struct kn_timespec bad_ns = {0, 2000000000};
	KN_EXPECT(kn_sys_clock_nanosleep(KN_CLOCK_MONOTONIC, 0, &bad_ns, 0) == -KN_EINVAL);
	KN_EXPECT(kn_sys_clock_nanosleep(100, 0, &req, 0) == -KN_EINVAL);
	KN_EXPECT(kn_sys_clock_nanosleep(KN_CLOCK_MONOTONIC_RAW, 0, &req, 0) == -KN_ENOTSUP);
	KN_EXPECT(kn_sys_clock_nanosleep(KN_CLOCK_THREAD_CPUTIME_ID, 0, &req, 0) == -KN_ENOTSUP);
	KN_EXPECT(kn_sys_clock_nanosleep(KN_CLOCK_MONOTONIC, 0, BAD, 0) == -KN_EFAULT);
}
