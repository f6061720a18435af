#include <errno.h>
#include <time.h>
#include <kn/time.h>
#include "../internal/nolibc.h"

int nanosleep(const struct timespec *req, struct timespec *rem)
{
	if (req->tv_sec < 0 || req->tv_nsec < 0 || req->tv_nsec >= (long)KN_NSEC_PER_SEC) {
		errno = EINVAL;
		return -1;
	}
	__nl_sleep_ns((uint64_t)req->tv_sec * KN_NSEC_PER_SEC + (uint64_t)req->tv_nsec);
	if (rem)
		rem->tv_sec = rem->tv_nsec = 0;
	return 0;
}
