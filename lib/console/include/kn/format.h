/* The printf formatting engine: kn_printk and kn_console_printf use it,
 * and so does a libc's printf family. It writes to a sink, never to a
 * device, so it depends on nothing but the compiler. */
#ifndef KN_FORMAT_H
#define KN_FORMAT_H

#include <stdarg.h>
#include <stddef.h>
#include <kn/compiler.h>

/* Where formatted output goes: called with each piece, in order. */
typedef void (*kn_fmt_sink)(void *ctx, const char *s, size_t n);

KN_API_BEGIN
/* printf-style formatting for the kernel and for libc. Supports the C99
 * conversions d i u o x X c s p n % f F e E g G a A, the flags - + space # 0,
 * width and precision (also as *), and the length modifiers hh h l ll z j t L.
 * Returns the number of bytes produced. */
int kn_vformat(kn_fmt_sink sink, void *ctx, const char *fmt, va_list ap);
KN_PRINTF(3, 0) int kn_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
KN_PRINTF(3, 4) int kn_snprintf(char *buf, size_t size, const char *fmt, ...);
KN_API_END

#endif
