/* Shared by clock.c and sleep.c. */
#ifndef KN_POSIX_TIME_INTERNAL_H
#define KN_POSIX_TIME_INTERNAL_H

#include <stdint.h>
#include <kn/posix_time.h>

enum kn_clock_base { KN_CLOCK_BASE_WALL, KN_CLOCK_BASE_MONO, KN_CLOCK_BASE_CPU };

/* The base a clock id reads, or -EINVAL for an unknown or foreign clock
 * (negative ids are CPU clocks of a pid/tid: ours, 0 and self, only). */
int kn_posix_clock_base(int clk);
/* Now, in nanoseconds, on that base. */
uint64_t kn_posix_clock_now(enum kn_clock_base base);

#endif
