#include <stdio.h>
#include <stdlib.h>
#include <kn/panic.h>

/* A panic (exit code KN_EXIT_PANIC, with a backtrace) after what stdout
 * held, so the output before the abort is not lost. */
void abort(void)
{
	fflush(stdout);
	kn_panic("abort()");
}
