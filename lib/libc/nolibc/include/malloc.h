#ifndef _MALLOC_H
#define _MALLOC_H

#include <features.h>
#include <stddef.h>

__NL_BEGIN
void *malloc(size_t size);
void free(void *ptr);
void *calloc(size_t nmemb, size_t size);
void *realloc(void *ptr, size_t size);
void *memalign(size_t align, size_t size);
size_t malloc_usable_size(void *ptr);
__NL_END

#endif
