/* kn_calloc is the same for every implementation: overflow check, malloc,
 * zero. Every implementation builds it (shared-sources in ../api.toml). */
#include <kn/alloc.h>

void *kn_calloc(size_t nmemb, size_t size)
{
	size_t bytes;
	if (__builtin_mul_overflow(nmemb, size, &bytes))
		return NULL;
	void *p = kn_malloc(bytes);
	if (p)
		__builtin_memset(p, 0, bytes);
	return p;
}
