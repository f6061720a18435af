/* Stopping the unikernel on a bug it cannot recover from. */
#ifndef KN_PANIC_H
#define KN_PANIC_H

#include <kn/compiler.h>

/* Exit code an image returns when it panics or crashes (the VMM exit code
 * must fit 0..127 on QEMU's isa-debug-exit, so no 128+signal here). */
#define KN_EXIT_PANIC 125

KN_API_BEGIN
/* Prints "kn: panic: <message>", a backtrace, and exits with KN_EXIT_PANIC. */
KN_NORETURN KN_PRINTF(1, 2) void kn_panic(const char *fmt, ...);
KN_API_END

#define KN_BUG_ON(cond)                                                                            \
	do {                                                                                       \
		if (KN_UNLIKELY(cond))                                                             \
			kn_panic("%s:%d: BUG_ON(%s)", __FILE__, __LINE__, #cond);                  \
	} while (0)

#endif
