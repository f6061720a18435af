#include <sys/time.h>
#include <kn/time.h>

int gettimeofday(struct timeval *__restrict tv, void *__restrict tz)
{
	if (tv) {
		uint64_t us = kn_time_wall_ns() / KN_NSEC_PER_USEC;
		tv->tv_sec = (time_t)(us / 1000000);
		tv->tv_usec = (suseconds_t)(us % 1000000);
	}
	return 0;
}
