#include <stdlib.h>
#include <string.h>

char *strndup(const char *s, size_t n)
{
	size_t k = strnlen(s, n);
	char *d = malloc(k + 1);
	if (!d)
		return NULL;
	memcpy(d, s, k);
	d[k] = '\0';
	return d;
}
