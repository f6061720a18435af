#include <kn/time.h>
#include "../internal/nolibc.h"

/* Without a scheduler there is nothing else to run: spin on the clock. */
void __nl_sleep_ns(uint64_t ns)
{
#ifdef CONFIG_HAVE_SCHED
	kn_sleep_ns(ns);
#else
	uint64_t deadline = kn_time_monotonic_ns() + ns;
	while (kn_time_monotonic_ns() < deadline)
#ifdef __x86_64__
		__builtin_ia32_pause();
#else
		;
#endif
#endif
}
