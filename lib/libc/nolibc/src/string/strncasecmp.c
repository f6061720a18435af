#include <ctype.h>
#include <strings.h>

int strncasecmp(const char *a, const char *b, size_t n)
{
	const unsigned char *p = (const unsigned char *)a, *q = (const unsigned char *)b;
	if (!n)
		return 0;
	for (; --n && *p && tolower(*p) == tolower(*q); p++, q++)
		;
	return tolower(*p) - tolower(*q);
}
