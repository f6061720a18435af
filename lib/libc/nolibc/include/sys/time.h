#ifndef _SYS_TIME_H
#define _SYS_TIME_H

#include <features.h>
#include <bits/types.h>

struct timeval {
	time_t tv_sec;
	suseconds_t tv_usec;
};

__NL_BEGIN
/* tz is ignored (UTC). */
int gettimeofday(struct timeval *__restrict tv, void *__restrict tz);
__NL_END

#endif
