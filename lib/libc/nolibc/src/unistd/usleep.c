#include <unistd.h>
#include <kn/time.h>
#include "../internal/nolibc.h"

int usleep(useconds_t usec)
{
	__nl_sleep_ns((uint64_t)usec * KN_NSEC_PER_USEC);
	return 0;
}
