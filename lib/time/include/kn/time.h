/* The time API, implemented by the platform (calibrated TSC on kvm,
 * clock_gettime on linuxu). */
#ifndef KN_TIME_H
#define KN_TIME_H

#include <stdint.h>
#include <kn/compiler.h>

#define KN_NSEC_PER_SEC 1000000000ULL
#define KN_NSEC_PER_MSEC 1000000ULL
#define KN_NSEC_PER_USEC 1000ULL

KN_API_BEGIN
/* Nanoseconds since boot; never goes backwards. */
uint64_t kn_time_monotonic_ns(void);
/* Nanoseconds since the Unix epoch (the host's wall clock at boot, then
 * advanced by the monotonic clock). */
uint64_t kn_time_wall_ns(void);
/* Moves the wall clock (clock_settime). */
void kn_time_set_wall_ns(uint64_t ns);
KN_API_END

#endif
