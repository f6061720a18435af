#include "stdio_impl.h"

size_t fwrite(const void *__restrict p, size_t size, size_t n, FILE *__restrict f)
{
	if (!size || !n)
		return 0;
	return __nl_fwrite(f, p, size * n) ? 0 : n;
}
