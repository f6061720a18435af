/* The program break: one contiguous region reserved from the heap on the
 * first brk call, up to POSIX_MMAP_BRK_KIB (kernel parameter
 * mmap.brk_kib). Like Linux, a failed move returns the current break. */
#include <kn/errno.h>
#include <kn/mman.h>
#include <kn/param.h>
#include <kn/syscall.h>
#include "vma.h"

static uint64_t brk_kib = CONFIG_POSIX_MMAP_BRK_KIB;
KN_PARAM(mmap, brk_kib, KN_PARAM_U64, brk_kib, "largest program break region in KiB");

static uintptr_t base, cur, limit;
static int reserved;

/* Reserves the region the first time: at most a quarter of the free
 * heap, halving the request when the heap cannot give it in one piece. */
static void reserve(void)
{
	reserved = 1;
	size_t npages = brk_kib > (MAP_MAX_BYTES >> 10) ? MAP_MAX_BYTES / PAGE
							: (size_t)(brk_kib * 1024 / PAGE);
	struct kn_alloc_stats st;
	kn_alloc_stats(&st);
	if (npages > st.free / 4 / PAGE)
		npages = st.free / 4 / PAGE;
	for (; npages; npages /= 2) {
		void *p = kn_palloc(npages);
		if (p) {
			base = cur = (uintptr_t)p;
			limit = base + npages * PAGE;
			return;
		}
	}
}

KN_SYSCALL(brk)(void *addr)
{
	uintptr_t want = (uintptr_t)addr;
	if (!reserved)
		reserve();
	if (!base || want < base || want > limit)
		return (long)cur;
	/* Memory given back and taken again reads as zeros, as on Linux;
	 * pages never handed out yet are cleared when first reached. */
	if (want > cur)
		__builtin_memset((void *)cur, 0, want - cur);
	cur = want;
	return (long)cur;
}
