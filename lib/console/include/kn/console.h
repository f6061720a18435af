/* The console's output: kernel messages, a program's own output without
 * a libc, and the drivers that carry them. Formatting is kn/format.h;
 * input is the console-input library (kn/console_input.h). Output never
 * waits for anything, so it needs no scheduler: every library, the
 * scheduler included, may print.
 *
 * The console has two output streams, as a Unix process has: standard
 * output (kn_console_write: what fd 1 writes) and standard error
 * (kn_console_write_err: fd 2 and every kernel message, so a host can
 * keep diagnostics apart from the program's output). Platforms (and
 * later drivers) register console drivers with KN_CONSOLE_DRIVER; each
 * write goes to every registered one. A driver without an error stream
 * (write_err NULL) gets both streams through write. */
#ifndef KN_CONSOLE_H
#define KN_CONSOLE_H

#include <stdarg.h>
#include <stddef.h>
#include <kn/compiler.h>

struct kn_console_driver {
	const char *name;
	void (*write)(const char *s, size_t n);
	void (*write_err)(const char *s, size_t n);
};

#define KN_CONSOLE_DRIVER(id, writefn, errfn)                                                      \
	static const struct kn_console_driver __kn_console_##id KN_USED KN_ALIGNED(8)              \
		KN_SECTION(".kn_console") = {#id, writefn, errfn}

KN_API_BEGIN
/* Standard output, and standard error (where kn_printk writes). */
void kn_console_write(const char *s, size_t n);
void kn_console_write_err(const char *s, size_t n);

KN_PRINTF(1, 0) int kn_vprintk(const char *fmt, va_list ap);
/* Kernel messages: written to the console's error stream as they are
 * (no prefix added). */
KN_PRINTF(1, 2) int kn_printk(const char *fmt, ...);
/* A program's own output without a libc: to the console's standard
 * output, as printf would. */
KN_PRINTF(1, 2) int kn_console_printf(const char *fmt, ...);
KN_API_END

#endif
