#include <unistd.h>
#include <kn/time.h>
#include "../internal/nolibc.h"

unsigned int sleep(unsigned int seconds)
{
	__nl_sleep_ns((uint64_t)seconds * KN_NSEC_PER_SEC);
	return 0;
}
