#include <string.h>

/* Quadratic in the worst case, which is fine for the short needles
 * unikernel apps search for. */
char *strstr(const char *hay, const char *needle)
{
	size_t n = strlen(needle);
	if (!n)
		return (char *)hay;
	for (; (hay = strchr(hay, *needle)); hay++)
		if (!strncmp(hay, needle, n))
			return (char *)hay;
	return NULL;
}
