/* Like memcpy: overlapping word stores for small sizes, rep stosb for
 * large ones (gcc emits calls to memset for zeroed structs). */
#include <string.h>
#include "../internal/nolibc.h"

#define REP_STOSB_MIN 512

void *memset(void *s, int c, size_t n)
{
	unsigned char *d = s;
	uint64_t w = (unsigned char)c * NL_ONES;

	if (n <= 16) {
		if (n >= 8) {
			*(nl_u64u *)d = w;
			*(nl_u64u *)(d + n - 8) = w;
		} else if (n >= 4) {
			*(nl_u32u *)d = (uint32_t)w;
			*(nl_u32u *)(d + n - 4) = (uint32_t)w;
		} else if (n) {
			d[0] = (unsigned char)c;
			d[n / 2] = (unsigned char)c;
			d[n - 1] = (unsigned char)c;
		}
		return s;
	}
#ifdef __x86_64__
	if (n >= REP_STOSB_MIN) {
		__asm__ volatile("rep stosb" : "+D"(d), "+c"(n) : "a"(c) : "memory");
		return s;
	}
#endif
	*(nl_u64u *)(d + n - 16) = w;
	*(nl_u64u *)(d + n - 8) = w;
	for (; n > 16; n -= 16, d += 16) {
		*(nl_u64u *)d = w;
		*(nl_u64u *)(d + 8) = w;
	}
	return s;
}
