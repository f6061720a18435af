#ifndef SCHED_HOST_SHIM_H
#define SCHED_HOST_SHIM_H
#include <stdint.h>

#define PANIC_STATUS 99
extern uint64_t fake_now;
extern long pages_live;
extern long guards_live; /* stack guard pages currently protected */
extern int idle_calls;
/* What kn_arch_set_tls last loaded, and how often it was called: the
 * host's own FS base (glibc's TLS) is never touched. */
extern uintptr_t fake_tls;
extern int tls_loads;
/* Called instead of passing time when the scheduler idles: a fake
 * interrupt. */
extern void (*idle_hook)(void);
/* Called when the scheduler polls for device events at a switch. */
extern void (*irq_poll_hook)(void);

#endif
