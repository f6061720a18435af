/* No include guard: each inclusion re-reads NDEBUG, as C requires. */
#include <features.h>

#undef assert
#ifdef NDEBUG
#define assert(e) ((void)0)
#else
#define assert(e) ((e) ? (void)0 : __assert_fail(#e, __FILE__, __LINE__, __func__))
#endif

#ifndef _NL_ASSERT_DECLARED
#define _NL_ASSERT_DECLARED
__NL_BEGIN
/* Prints "Assertion failed: <expr> (<file>:<line>: <func>)" and aborts. */
__nl_noreturn void __assert_fail(const char *expr, const char *file, unsigned int line,
				 const char *func);
__NL_END
#if !defined(__cplusplus) && !defined(static_assert)
#define static_assert _Static_assert
#endif
#endif
