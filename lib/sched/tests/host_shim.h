#ifndef SCHED_HOST_SHIM_H
#define SCHED_HOST_SHIM_H
#include <stdint.h>

#define PANIC_STATUS 99
extern uint64_t fake_now;
extern long pages_live;
extern int idle_calls;

#endif
