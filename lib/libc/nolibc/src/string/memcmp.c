#include <string.h>
#include "../internal/nolibc.h"

int memcmp(const void *a, const void *b, size_t n)
{
	const unsigned char *p = a, *q = b;

	/* Skip equal words, then find the differing byte. */
	for (; n >= 8 && *(const nl_u64u *)p == *(const nl_u64u *)q; n -= 8) {
		p += 8;
		q += 8;
	}
	for (; n; n--, p++, q++)
		if (*p != *q)
			return *p - *q;
	return 0;
}
