#include <string.h>

/* Appends at most n bytes of src and always terminates. */
char *strncat(char *__restrict dst, const char *__restrict src, size_t n)
{
	char *d = dst + strlen(dst);
	size_t k = strnlen(src, n);
	memcpy(d, src, k);
	d[k] = '\0';
	return dst;
}
