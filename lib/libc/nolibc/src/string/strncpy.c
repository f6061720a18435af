#include <string.h>

/* Pads with NULs up to n, and does not terminate when src is too long. */
char *strncpy(char *__restrict dst, const char *__restrict src, size_t n)
{
	size_t k = strnlen(src, n);
	memcpy(dst, src, k);
	memset(dst + k, 0, n - k);
	return dst;
}
