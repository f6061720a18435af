#include <time.h>
#include <kn/time.h>

time_t time(time_t *t)
{
	time_t now = (time_t)(kn_time_wall_ns() / KN_NSEC_PER_SEC);
	if (t)
		*t = now;
	return now;
}
