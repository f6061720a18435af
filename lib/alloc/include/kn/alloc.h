/* The alloc API: one heap for the whole unikernel.
 *
 * Exactly one implementation (alloc-buddy, alloc-tlsf, alloc-region) is linked
 * into an image; it defines every function below, so calls are direct.
 *
 * Contract, for every implementation:
 * - kn_alloc_add_region() hands the allocator a range of free memory. It may
 *   be called several times (one call per usable RAM range) and must cost no
 *   more than O(log len) per call: it never touches every page of the range.
 *   Ranges too small to be useful are ignored. Returns the bytes accepted.
 * - kn_malloc(0) returns a unique pointer that can be freed; every pointer
 *   returned by kn_malloc/kn_calloc/kn_realloc is aligned to KN_ALLOC_ALIGN.
 * - Out of memory is never fatal: the call returns NULL and the heap is left
 *   as it was (kn_realloc leaves the old block valid).
 * - kn_free(NULL) and kn_pfree(NULL, n) do nothing. Freeing a pointer the
 *   allocator did not hand out (or freeing twice) is a bug; implementations
 *   detect what they cheaply can and stop with kn_panic() (kn/panic.h).
 * - kn_memalign: align is a power of two (any size, up to the page size or
 *   more); the result can be passed to kn_free.
 * - kn_palloc(n) returns n contiguous pages aligned to KN_PAGE_SIZE, to be
 *   given back with kn_pfree(p, n) using the same n; kn_palloc(0) is NULL.
 *   Page blocks are not malloc blocks: kn_realloc, kn_free and
 *   kn_malloc_usable_size take only pointers from the malloc family.
 * - kn_realloc(p, 0) returns a minimum-size block (it never frees p).
 * - Not thread-safe by itself: the cooperative scheduler never preempts, and
 *   a preemptive scheduler wraps these calls. */
#ifndef KN_ALLOC_H
#define KN_ALLOC_H

#include <stddef.h>
#include <stdint.h>
#include <kn/compiler.h>
#include <kn/panic.h>

#define KN_PAGE_SIZE 4096UL
#define KN_ALLOC_ALIGN 16UL

struct kn_alloc_stats {
	size_t total;     /* bytes accepted by add_region, allocator overhead
			      (headers, metadata) included */
	size_t free;      /* bytes currently free (usable for allocation) */
	size_t allocated; /* sum of the usable sizes of live allocations */
	size_t allocs;    /* number of live allocations */
};

KN_API_BEGIN

size_t kn_alloc_add_region(void *base, size_t len);

void *kn_malloc(size_t size);
void *kn_calloc(size_t nmemb, size_t size);
void *kn_realloc(void *ptr, size_t size);
void *kn_memalign(size_t align, size_t size);
void kn_free(void *ptr);
/* The usable size of a live block (>= the size asked for). */
size_t kn_malloc_usable_size(void *ptr);

void *kn_palloc(size_t npages);
void kn_pfree(void *ptr, size_t npages);

void kn_alloc_stats(struct kn_alloc_stats *st);
/* Walks the allocator's own data structures and returns 0 when they are
 * consistent, or a negative number naming the first broken invariant.
 * Used by the host unit tests and the in-kernel tests. */
int kn_alloc_check(void);

/* The name of the implementation ("buddy", "tlsf", "region"). */
extern const char kn_alloc_impl_name[];

KN_API_END

#endif
