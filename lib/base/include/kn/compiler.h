/* Compiler helpers shared by every Kiln library.
 *
 * Visibility: libraries are compiled with -fvisibility=hidden and, after the
 * per-library partial link, hidden symbols become local. A public API header
 * wraps its declarations in KN_API_BEGIN / KN_API_END so exactly the API is
 * exported and nothing else can be reached from another library. */
#ifndef KN_COMPILER_H
#define KN_COMPILER_H

#define KN_API_BEGIN _Pragma("GCC visibility push(default)")
#define KN_API_END _Pragma("GCC visibility pop")

#define KN_USED __attribute__((used))
#define KN_UNUSED __attribute__((unused))
#define KN_NORETURN __attribute__((noreturn))
/* Kept out of line under its own name (no .constprop/.isra clone). */
#define KN_NOINLINE __attribute__((noinline, noclone))
/* Only where the answer is known at link time, not build time (see
 * docs/libraries.md): a compile-time test of `uses` is the rule. */
#define KN_WEAK __attribute__((weak))
#define KN_ALIGNED(n) __attribute__((aligned(n)))
#define KN_PACKED __attribute__((packed))
#define KN_SECTION(s) __attribute__((section(s)))
#define KN_PRINTF(f, a) __attribute__((format(printf, f, a)))
#define KN_LIKELY(x) __builtin_expect(!!(x), 1)
#define KN_UNLIKELY(x) __builtin_expect(!!(x), 0)

#define KN_STR_(x) #x
#define KN_STR(x) KN_STR_(x)
#define KN_CAT_(a, b) a##b
#define KN_CAT(a, b) KN_CAT_(a, b)

#define KN_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define KN_ALIGN_UP(x, a) (((x) + ((a)-1)) & ~((__typeof__(x))(a)-1))
#define KN_ALIGN_DOWN(x, a) ((x) & ~((__typeof__(x))(a)-1))
#define KN_MIN(a, b) ((a) < (b) ? (a) : (b))
#define KN_MAX(a, b) ((a) > (b) ? (a) : (b))

#endif
