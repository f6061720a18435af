/* Shared between the linuxu platform's files. */
#ifndef KN_LINUXU_H
#define KN_LINUXU_H

#include <stdint.h>
#include <kn/compiler.h>
#include "syscall.h"

void kn_linuxu_time_init(void);
void kn_linuxu_crash_init(void);
/* console.c: the idle wait while a thread waits for console input:
 * until deadline_ns or until the host's stdin is readable (or gone),
 * which wakes the console's waiters. */
void kn_linuxu_stdin_idle(uint64_t deadline_ns);
/* Whether a thread waits for console input: idling watches stdin then. */
int kn_linuxu_stdin_wanted(void);
KN_NORETURN void kn_linuxu_exit_group(int code);
/* setup.c: where the process's stack started (main's stack when the
 * image has no scheduler). */
extern uintptr_t kn_linuxu_stack_top;

#endif
