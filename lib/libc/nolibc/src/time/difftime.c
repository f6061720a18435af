#include <time.h>

double difftime(time_t t1, time_t t0)
{
	return (double)(t1 - t0);
}
