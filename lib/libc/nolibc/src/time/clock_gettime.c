#include <errno.h>
#include <time.h>
#include <kn/time.h>

int clock_gettime(clockid_t clk, struct timespec *ts)
{
	uint64_t ns;

	switch (clk) {
	case CLOCK_REALTIME:
	case CLOCK_REALTIME_COARSE: ns = kn_time_wall_ns(); break;
	case CLOCK_MONOTONIC:
	case CLOCK_MONOTONIC_RAW:
	case CLOCK_MONOTONIC_COARSE:
	case CLOCK_BOOTTIME:
	case CLOCK_PROCESS_CPUTIME_ID:
	case CLOCK_THREAD_CPUTIME_ID: ns = kn_time_monotonic_ns(); break;
	default: errno = EINVAL; return -1;
	}
	ts->tv_sec = (time_t)(ns / KN_NSEC_PER_SEC);
	ts->tv_nsec = (long)(ns % KN_NSEC_PER_SEC);
	return 0;
}
