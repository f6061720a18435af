/* posix-time: the Linux time system calls over kn/time.h.
 *
 * REALTIME (and its COARSE, ALARM and TAI variants, TAI with a zero
 * offset as on an unsynchronised Linux) reads the wall clock; MONOTONIC,
 * MONOTONIC_RAW, MONOTONIC_COARSE, BOOTTIME read the monotonic clock
 * (the unikernel never suspends). CPU-time clocks are approximated by the
 * time since boot: one process, and the cooperative scheduler does not
 * account per-thread CPU time. Sleeps block on the scheduler's timer
 * (kn_sleep_until) and are never interrupted (signals run synchronously),
 * so nanosleep writes a zero remainder to rem when it is given. */
#ifndef KN_POSIX_TIME_H
#define KN_POSIX_TIME_H

#include <stdint.h>
#include <kn/compiler.h>
#include <kn/vfs.h> /* struct kn_timespec */

#define KN_CLOCK_REALTIME 0
#define KN_CLOCK_MONOTONIC 1
#define KN_CLOCK_PROCESS_CPUTIME_ID 2
#define KN_CLOCK_THREAD_CPUTIME_ID 3
#define KN_CLOCK_MONOTONIC_RAW 4
#define KN_CLOCK_REALTIME_COARSE 5
#define KN_CLOCK_MONOTONIC_COARSE 6
#define KN_CLOCK_BOOTTIME 7
#define KN_CLOCK_REALTIME_ALARM 8
#define KN_CLOCK_BOOTTIME_ALARM 9
#define KN_CLOCK_TAI 11
#define KN_TIMER_ABSTIME 1
#define KN_USER_HZ 100 /* the unit of times() and of clock_t */

struct kn_timeval {
	int64_t tv_sec;
	int64_t tv_usec;
};

struct kn_timezone {
	int tz_minuteswest;
	int tz_dsttime;
};

struct kn_tms {
	long tms_utime, tms_stime, tms_cutime, tms_cstime;
};

KN_API_BEGIN
long kn_sys_clock_gettime(int clk, struct kn_timespec *ts);
long kn_sys_clock_settime(int clk, const struct kn_timespec *ts);
long kn_sys_clock_getres(int clk, struct kn_timespec *res);
long kn_sys_gettimeofday(struct kn_timeval *tv, struct kn_timezone *tz);
long kn_sys_settimeofday(const struct kn_timeval *tv, const struct kn_timezone *tz);
long kn_sys_time(int64_t *tloc);
long kn_sys_times(struct kn_tms *buf);
long kn_sys_nanosleep(const struct kn_timespec *req, struct kn_timespec *rem);
long kn_sys_clock_nanosleep(int clk, int flags, const struct kn_timespec *req,
			    struct kn_timespec *rem);
KN_API_END

#endif
