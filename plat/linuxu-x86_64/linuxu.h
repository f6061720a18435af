/* Shared between the linuxu platform's files. */
#ifndef KN_LINUXU_H
#define KN_LINUXU_H

#include <kn/compiler.h>
#include "syscall.h"

void kn_linuxu_time_init(void);
void kn_linuxu_crash_init(void);
KN_NORETURN void kn_linuxu_exit_group(int code);

#endif
