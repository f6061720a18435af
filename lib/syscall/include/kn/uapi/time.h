/* Linux x86-64 ABI: time values as system calls pass them. */
#ifndef KN_UAPI_TIME_H
#define KN_UAPI_TIME_H

#include <stdint.h>

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

struct kn_timespec {
	int64_t tv_sec;
	int64_t tv_nsec;
};

/* Linux's __kernel_old_timeval: gettimeofday, select, utimes, futimesat. */
struct kn_timeval {
	int64_t tv_sec;
	int64_t tv_usec;
};

struct kn_timezone {
	int tz_minuteswest;
	int tz_dsttime;
};

/* utime(2)'s struct utimbuf. */
struct kn_utimbuf {
	int64_t actime;
	int64_t modtime;
};

/* times(2)'s struct tms, in KN_USER_HZ ticks. */
struct kn_tms {
	long tms_utime, tms_stime, tms_cutime, tms_cstime;
};

#endif
