/* Macros every nolibc header uses.
 *
 * libc is a Kiln micro-library: it is compiled with -fvisibility=hidden and
 * only symbols declared with default visibility leave its partial link, so
 * each header wraps its public declarations in __NL_BEGIN / __NL_END. */
#ifndef _FEATURES_H
#define _FEATURES_H

#ifdef __cplusplus
#define __NL_BEGIN                                                                                 \
	_Pragma("GCC visibility push(default)") extern "C"                                         \
	{
#define __NL_END                                                                                   \
	}                                                                                          \
	_Pragma("GCC visibility pop")
#else
#define __NL_BEGIN _Pragma("GCC visibility push(default)")
#define __NL_END _Pragma("GCC visibility pop")
#endif

#define __nl_noreturn __attribute__((__noreturn__))
#define __nl_printf(f, a) __attribute__((__format__(__printf__, f, a)))

#endif
