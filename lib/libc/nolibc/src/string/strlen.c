#include <string.h>
#include "../internal/nolibc.h"

/* Word at a time once aligned: an aligned 8-byte read never crosses into
 * an unmapped page. */
size_t strlen(const char *s)
{
	const char *p = s;
	for (; (uintptr_t)p & 7; p++)
		if (!*p)
			return p - s;
	const uint64_t *w = (const uint64_t *)(const void *)p;
	/* A word has a zero byte iff (x - 1s) & ~x & 0x80s is nonzero. */
	while (!((*w - NL_ONES) & ~*w & (NL_ONES << 7)))
		w++;
	for (p = (const char *)w; *p; p++)
		;
	return p - s;
}
