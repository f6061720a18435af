/* musl's malloc family on the image's allocator (the alloc API), the way
 * Unikraft routes libc's malloc to ukalloc: an app's malloc is then the
 * TLSF, buddy or region heap the image was built with, with no brk or
 * mmap underneath and no second heap beside the kernel's.
 *
 * Defining every entry point musl's own malloc members define (the public
 * names and the __libc_* ones its internals call) keeps all of them out of
 * the static link, so mallocng never runs. With LIBC_MUSL_KILN_MALLOC off
 * this file defines nothing and musl's mallocng is linked as usual.
 *
 * Locking: the alloc API is not thread-safe by itself; the cooperative
 * scheduler never preempts, so a call runs to completion (kn/alloc.h). */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <kn/config.h>

#if CONFIG_LIBC_MUSL_KILN_MALLOC
#include <kn/alloc.h>

/* Libraries are built with hidden visibility; these must leave libc-musl's
 * partial link to take the place of musl's own. */
KN_API_BEGIN

void *malloc(size_t n)
{
	void *p = kn_malloc(n);
	if (!p)
		errno = ENOMEM;
	return p;
}

void *calloc(size_t m, size_t n)
{
	size_t total;
	if (__builtin_mul_overflow(m, n, &total)) {
		errno = ENOMEM;
		return NULL;
	}
	void *p = kn_calloc(m, n);
	if (!p)
		errno = ENOMEM;
	return p;
}

void *realloc(void *p, size_t n)
{
	void *q = kn_realloc(p, n);
	if (!q)
		errno = ENOMEM;
	return q;
}

void free(void *p)
{
	kn_free(p);
}

/* C11: align must be a power of two (musl accepts any size with it). */
void *aligned_alloc(size_t align, size_t n)
{
	if (!align || (align & (align - 1))) {
		errno = EINVAL;
		return NULL;
	}
	void *p = align <= KN_ALLOC_ALIGN ? kn_malloc(n) : kn_memalign(align, n);
	if (!p)
		errno = ENOMEM;
	return p;
}

size_t malloc_usable_size(void *p)
{
	return p ? kn_malloc_usable_size(p) : 0;
}

/* The names musl's internals (atexit, locale, dlerror, ...) call so that
 * an interposed malloc does not see libc's own allocations. Here there is
 * one heap either way. */
void *__libc_malloc(size_t n)
{
	return malloc(n);
}
void *__libc_malloc_impl(size_t n)
{
	return malloc(n);
}
void *__libc_calloc(size_t m, size_t n)
{
	return calloc(m, n);
}
void *__libc_realloc(void *p, size_t n)
{
	return realloc(p, n);
}
void __libc_free(void *p)
{
	free(p);
}

/* mallocng's hooks, referenced by members that might still be linked
 * (calloc's zero-page check, the dynamic linker's donation). */
int __malloc_replaced = 1;
int __aligned_alloc_replaced = 1;
void __malloc_donate(char *start, char *end)
{
	(void)start;
	(void)end;
}
KN_API_END
#endif
