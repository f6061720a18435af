/* The C heap is the image's allocator (kn/alloc.h). */
#include <errno.h>
#include <malloc.h>
#include <stdlib.h>
#include <kn/alloc.h>

void *malloc(size_t size)
{
	void *p = kn_malloc(size);
	if (!p)
		errno = ENOMEM;
	return p;
}

void free(void *ptr)
{
	kn_free(ptr);
}

void *calloc(size_t nmemb, size_t size)
{
	void *p = kn_calloc(nmemb, size);
	if (!p)
		errno = ENOMEM;
	return p;
}

/* realloc(p, 0) frees p and returns NULL, as glibc does. */
void *realloc(void *ptr, size_t size)
{
	if (!ptr)
		return malloc(size);
	if (!size) {
		kn_free(ptr);
		return NULL;
	}
	void *p = kn_realloc(ptr, size);
	if (!p)
		errno = ENOMEM;
	return p;
}

size_t malloc_usable_size(void *ptr)
{
	return ptr ? kn_malloc_usable_size(ptr) : 0;
}
