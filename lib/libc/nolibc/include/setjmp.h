#ifndef _SETJMP_H
#define _SETJMP_H

#include <features.h>

/* rbx, rbp, r12, r13, r14, r15, rsp, return address (x86-64). */
typedef long jmp_buf[8];

__NL_BEGIN
__attribute__((__returns_twice__)) int setjmp(jmp_buf env);
__nl_noreturn void longjmp(jmp_buf env, int val);
__NL_END

#endif
