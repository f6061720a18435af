/* Shared between the linuxu platform's files. */
#ifndef KN_LINUXU_H
#define KN_LINUXU_H

#include <stdint.h>
#include <kn/compiler.h>
#include <kn/linuxu_syscall.h>

void kn_linuxu_time_init(void);
void kn_linuxu_crash_init(void);
/* events.c: whether any watch (kn/linuxu_watch.h) wants events now. */
int kn_linuxu_watching(void);
/* events.c: waits until a watched descriptor has events (running the
 * watches' ready) or the timeout passes (NULL: no timeout; zero: just
 * a look). */
void kn_linuxu_wait_events(const struct kn_linuxu_timespec *timeout);
KN_NORETURN void kn_linuxu_exit_group(int code);
/* setup.c: where the process's stack started (main's stack when the
 * image has no scheduler). */
extern uintptr_t kn_linuxu_stack_top;

#endif
