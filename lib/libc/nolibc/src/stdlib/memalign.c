#include <errno.h>
#include <malloc.h>
#include <stdlib.h>
#include <kn/alloc.h>

static int is_pow2(size_t v)
{
	return v && !(v & (v - 1));
}

void *memalign(size_t align, size_t size)
{
	if (!is_pow2(align)) {
		errno = EINVAL;
		return NULL;
	}
	void *p = kn_memalign(align, size);
	if (!p)
		errno = ENOMEM;
	return p;
}

void *aligned_alloc(size_t align, size_t size)
{
	return memalign(align, size);
}

/* Reports errors by return value and leaves errno alone. */
int posix_memalign(void **out, size_t align, size_t size)
{
	if (!is_pow2(align) || align % sizeof(void *))
		return EINVAL;
	void *p = kn_memalign(align, size);
	if (!p)
		return ENOMEM;
	*out = p;
	return 0;
}
