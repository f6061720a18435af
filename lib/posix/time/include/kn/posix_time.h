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
#include <kn/uapi/time.h>

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
