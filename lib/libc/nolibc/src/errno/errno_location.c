#include <errno.h>
#include "../internal/nolibc.h"

static int global_errno;

/* One errno per thread when a scheduler is in the image. */
int *__errno_location(void)
{
	if (kn_sched_errno_location)
		return kn_sched_errno_location();
	return &global_errno;
}
