#include <errno.h>
#include "../internal/nolibc.h"

#ifndef CONFIG_HAVE_SCHED
static int global_errno;
#endif

/* One errno per thread when a scheduler is in the image. */
int *__errno_location(void)
{
#ifdef CONFIG_HAVE_SCHED
	return kn_sched_errno_location();
#else
	return &global_errno;
#endif
}
