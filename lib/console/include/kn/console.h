/* The console API: kernel output and the formatting engine libc reuses.
 *
 * Platforms (and later drivers) register console drivers with
 * KN_CONSOLE_DRIVER; kn_console_write sends bytes to every registered one. */
#ifndef KN_CONSOLE_H
#define KN_CONSOLE_H

#include <stdarg.h>
#include <stddef.h>
#include <kn/compiler.h>

struct kn_console_driver {
	const char *name;
	void (*write)(const char *s, size_t n);
};

#define KN_CONSOLE_DRIVER(id, writefn)                                         \
	static const struct kn_console_driver __kn_console_##id KN_USED KN_ALIGNED(8)       \
		KN_SECTION(".kn_console") = {#id, writefn}

/* Where formatted output goes: called with each piece, in order. */
typedef void (*kn_fmt_sink)(void *ctx, const char *s, size_t n);

KN_API_BEGIN
void kn_console_write(const char *s, size_t n);

/* printf-style formatting for the kernel and for libc. Supports the C99
 * conversions d i u o x X c s p n % f F e E g G a A, the flags - + space # 0,
 * width and precision (also as *), and the length modifiers hh h l ll z j t L.
 * Returns the number of bytes produced. */
int kn_vformat(kn_fmt_sink sink, void *ctx, const char *fmt, va_list ap);
KN_PRINTF(3, 0) int kn_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
KN_PRINTF(3, 4) int kn_snprintf(char *buf, size_t size, const char *fmt, ...);
KN_PRINTF(1, 0) int kn_vprintk(const char *fmt, va_list ap);
/* Kernel messages: written to the console as they are (no prefix added). */
KN_PRINTF(1, 2) int kn_printk(const char *fmt, ...);
KN_API_END

#endif
