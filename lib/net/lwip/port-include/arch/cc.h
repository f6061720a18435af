/* lwIP's port: the compiler and the platform (x86-64, little endian,
 * freestanding). Included by lwip/arch.h. */
#ifndef KN_LWIP_ARCH_CC_H
#define KN_LWIP_ARCH_CC_H

#include <stdint.h>
#include <kn/console.h>
#include <kn/panic.h>

#define BYTE_ORDER LITTLE_ENDIAN

/* No libc: no <inttypes.h>, <ctype.h>, <unistd.h>, <limits.h> (gcc's
 * wants the C library's next to it). */
#define LWIP_NO_INTTYPES_H 1
#define LWIP_NO_CTYPE_H 1
#define LWIP_NO_UNISTD_H 1
#define LWIP_NO_LIMITS_H 1
#ifndef INT_MAX
#define INT_MAX __INT_MAX__
#endif
/* lwIP's own ssize_t (int) would clash with a libc's: none is used. */
typedef long kn_lwip_ssize_t;
#define ssize_t kn_lwip_ssize_t
#define SSIZE_MAX __LONG_MAX__
#define X8_F "02x"
#define U16_F "hu"
#define S16_F "hd"
#define X16_F "hx"
#define U32_F "u"
#define S32_F "d"
#define X32_F "x"
#define SZT_F "zu"

#define LWIP_PLATFORM_DIAG(x)                                                                      \
	do {                                                                                       \
		kn_printk x;                                                                       \
	} while (0)
#define LWIP_PLATFORM_ASSERT(x) kn_panic("lwip: %s (%s:%d)", x, __FILE__, __LINE__)

/* Random numbers: DHCP transaction IDs, TCP initial sequence numbers,
 * first local ports (port.c). */
uint32_t kn_lwip_rand(void);
#define LWIP_RAND() kn_lwip_rand()

#endif
