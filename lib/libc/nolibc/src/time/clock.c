#include <time.h>
#include <kn/time.h>

clock_t clock(void)
{
	return (clock_t)(kn_time_monotonic_ns() / (KN_NSEC_PER_SEC / CLOCKS_PER_SEC));
}
