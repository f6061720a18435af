#include <string.h>
#include "../internal/nolibc.h"

/* Copies 8 bytes at a time in the direction that never overwrites bytes
 * still to be read. */
void *memmove(void *dst, const void *src, size_t n)
{
	unsigned char *d = dst;
	const unsigned char *s = src;

	if (d == s || !n)
		return dst;
	if ((uintptr_t)d - (uintptr_t)s >= n && (uintptr_t)s - (uintptr_t)d >= n)
		return memcpy(dst, src, n); /* no overlap */
	if (d < s) {
		for (; n >= 8; n -= 8, d += 8, s += 8)
			*(nl_u64u *)d = *(const nl_u64u *)s;
		while (n--)
			*d++ = *s++;
	} else {
		d += n;
		s += n;
		for (; n >= 8; n -= 8) {
			d -= 8;
			s -= 8;
			*(nl_u64u *)d = *(const nl_u64u *)s;
		}
		while (n--)
			*--d = *--s;
	}
	return dst;
}
