/* What nolibc's sources share and applications never see. Everything
 * declared here is hidden (the library is built with -fvisibility=hidden)
 * and disappears at the library's partial link. */
#ifndef NL_INTERNAL_H
#define NL_INTERNAL_H

#include <stdint.h>

/* Unaligned word access that may alias anything. */
typedef uint64_t __attribute__((__may_alias__, __aligned__(1))) nl_u64u;
typedef uint32_t __attribute__((__may_alias__, __aligned__(1))) nl_u32u;

#define NL_ONES 0x0101010101010101ull

/* The scheduler, when the image has one (nolibc uses sched). */
#ifdef CONFIG_HAVE_SCHED
#include <kn/sched.h>
#endif

/* Blocks (with a scheduler) or spins for at least ns nanoseconds. */
void __nl_sleep_ns(uint64_t ns);
/* Flushes every stdio stream: exit and abort call it. */
void __nl_stdio_flush_all(void);
/* The integer parser behind strtol and friends: magnitude, sign and
 * overflow of the subject sequence, as glibc delimits it. */
unsigned long long __nl_strtox(const char *s, char **end, int base, int *neg, int *overflow);

#endif
