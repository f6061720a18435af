/* Time from the host's clocks; idling sleeps on an absolute timer, or
 * also on the host descriptors a device watches (stdin while a thread
 * waits for console input, a tap device while its receive interrupts are
 * on: events.c). */
#include <kn/plat.h>
#include <kn/time.h>
#include "linuxu.h"

#define CLOCK_REALTIME 0
#define CLOCK_MONOTONIC 1
#define TIMER_ABSTIME 1

static uint64_t boot_ns;
static int64_t wall_offset; /* set by clock_settime: the host's stays put */

static uint64_t clock_ns(int clock)
{
	struct kn_linuxu_timespec ts;
	kn_linuxu_syscall(KN_SYS_clock_gettime, clock, &ts, 0);
	return (uint64_t)ts.tv_sec * KN_NSEC_PER_SEC + (uint64_t)ts.tv_nsec;
}

void kn_linuxu_time_init(void)
{
	boot_ns = clock_ns(CLOCK_MONOTONIC);
}

uint64_t kn_time_monotonic_ns(void)
{
	return clock_ns(CLOCK_MONOTONIC) - boot_ns;
}

uint64_t kn_time_wall_ns(void)
{
	return clock_ns(CLOCK_REALTIME) + wall_offset;
}

void kn_time_set_wall_ns(uint64_t ns)
{
	wall_offset = (int64_t)(ns - clock_ns(CLOCK_REALTIME));
}

void kn_plat_idle_until(uint64_t deadline_ns)
{
	if (kn_linuxu_watching()) {
		struct kn_linuxu_timespec ts, *timeout = NULL;
		if (deadline_ns != UINT64_MAX) { /* else: until an event comes */
			uint64_t now = kn_time_monotonic_ns();
			uint64_t left = deadline_ns > now ? deadline_ns - now : 0;
			ts.tv_sec = (long)(left / KN_NSEC_PER_SEC);
			ts.tv_nsec = (long)(left % KN_NSEC_PER_SEC);
			timeout = &ts;
		}
		kn_linuxu_wait_events(timeout);
		return;
	}
	/* "No deadline" (UINT64_MAX) becomes a time too far to reach. */
	uint64_t host = deadline_ns > UINT64_MAX / 2 ? UINT64_MAX / 2 : deadline_ns + boot_ns;
	struct kn_linuxu_timespec ts = {(long)(host / KN_NSEC_PER_SEC),
					(long)(host % KN_NSEC_PER_SEC)};
	/* Returns early on a signal, which is what idling allows. */
	kn_linuxu_syscall6(KN_SYS_clock_nanosleep, CLOCK_MONOTONIC, TIMER_ABSTIME, (long)&ts, 0, 0,
			   0);
}
