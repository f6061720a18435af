/* gcc's limits.h chains to the system's one unless told there is none
 * (it tests glibc's guard), which fails under -nostdinc; this header takes
 * the compiler's values and adds the POSIX ones. */
#ifndef _NL_LIMITS_H
#define _NL_LIMITS_H

#pragma GCC system_header /* for #include_next under -Wpedantic */

#ifndef _LIBC_LIMITS_H_
#define _LIBC_LIMITS_H_
#endif
#include_next <limits.h>

#define SSIZE_MAX LONG_MAX
#define PATH_MAX 4096
#define NAME_MAX 255
#define PIPE_BUF 4096
#define IOV_MAX 1024

#endif
