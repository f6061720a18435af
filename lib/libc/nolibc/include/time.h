/* Clocks over kn/time.h: CLOCK_REALTIME is the wall clock, the other
 * clocks are the monotonic time since boot. */
#ifndef _TIME_H
#define _TIME_H

#include <features.h>
#include <stddef.h>
#include <bits/types.h>

#define CLOCKS_PER_SEC 1000000L

#define CLOCK_REALTIME 0
#define CLOCK_MONOTONIC 1
#define CLOCK_PROCESS_CPUTIME_ID 2
#define CLOCK_THREAD_CPUTIME_ID 3
#define CLOCK_MONOTONIC_RAW 4
#define CLOCK_REALTIME_COARSE 5
#define CLOCK_MONOTONIC_COARSE 6
#define CLOCK_BOOTTIME 7

struct timespec {
	time_t tv_sec;
	long tv_nsec;
};

__NL_BEGIN
time_t time(time_t *t);
double difftime(time_t t1, time_t t0);
/* Monotonic time since boot (no separate CPU-time accounting). */
clock_t clock(void);
int clock_gettime(clockid_t clk, struct timespec *ts);
/* Sleeps the whole request (nothing interrupts it); rem is set to 0. */
int nanosleep(const struct timespec *req, struct timespec *rem);
__NL_END

#endif
