/* gcc emits calls to memcpy for struct copies, so it must be fast for
 * small sizes: sizes up to 32 are copied with a few (possibly overlapping)
 * unaligned words and no loop; large ones use rep movsb, which current x86
 * CPUs run at full cache bandwidth. The library is compiled with
 * -ffreestanding, so gcc does not turn these loops back into memcpy calls. */
#include <string.h>
#include "../internal/nolibc.h"

#define REP_MOVSB_MIN 512

void *memcpy(void *__restrict dst, const void *__restrict src, size_t n)
{
	unsigned char *d = dst;
	const unsigned char *s = src;

	if (n <= 16) {
		if (n >= 8) {
			uint64_t a = *(const nl_u64u *)s, b = *(const nl_u64u *)(s + n - 8);
			*(nl_u64u *)d = a;
			*(nl_u64u *)(d + n - 8) = b;
		} else if (n >= 4) {
			uint32_t a = *(const nl_u32u *)s, b = *(const nl_u32u *)(s + n - 4);
			*(nl_u32u *)d = a;
			*(nl_u32u *)(d + n - 4) = b;
		} else if (n) {
			unsigned char a = s[0], b = s[n / 2], c = s[n - 1];
			d[0] = a;
			d[n / 2] = b;
			d[n - 1] = c;
		}
		return dst;
	}
#ifdef __x86_64__
	if (n >= REP_MOVSB_MIN) {
		__asm__ volatile("rep movsb" : "+D"(d), "+S"(s), "+c"(n) : : "memory");
		return dst;
	}
#endif
	/* 17..511 bytes: 16 at a time, then the last 16 (overlapping). */
	uint64_t t0 = *(const nl_u64u *)(s + n - 16), t1 = *(const nl_u64u *)(s + n - 8);
	unsigned char *tail = d + n - 16;
	for (; n > 16; n -= 16, d += 16, s += 16) {
		uint64_t a = *(const nl_u64u *)s, b = *(const nl_u64u *)(s + 8);
		*(nl_u64u *)d = a;
		*(nl_u64u *)(d + 8) = b;
	}
	*(nl_u64u *)tail = t0;
	*(nl_u64u *)(tail + 8) = t1;
	return dst;
}
