/* alloc-region: a bump allocator that never reuses memory.
 *
 * For images that allocate at start-up and then run: the smallest and
 * fastest allocator. Each region is a [cur, end) range eaten from the front;
 * when one cannot serve a request the next ones are tried, and a region with
 * almost nothing left is skipped for good. kn_free only checks the pointer and
 * marks the block dead. Blocks from kn_malloc and friends carry a 16-byte
 * header (size and a check word) so realloc and usable_size work; the most
 * recent block can grow or shrink in place. Pages from kn_palloc carry no
 * header. */
#include <kn/alloc.h>

#define HDR 16UL
#define MAX_REGIONS 32
#define USEFUL 64UL               /* a region with less left is skipped */
#define SIZE_LIMIT (SIZE_MAX / 2) /* larger requests cannot fit anywhere */
#define LIVE_KEY 0x6b6e7267U      /* check word of a live block */
#define DEAD_KEY 0x64656164U      /* ... and of a freed one */

struct hdr {            /* just before every kn_malloc'd block */
	size_t size;    /* usable bytes */
	uint32_t check; /* key ^ bits of the block address */
	uint32_t unused;
};

struct region {
	uintptr_t start, cur, end;
};

static struct region regions[MAX_REGIONS];
static unsigned nregions, first; /* regions before `first` are used up */
static void *last;               /* the most recent kn_malloc'd block */
static struct region *last_region;
static struct kn_alloc_stats stats;

const char kn_alloc_impl_name[] = "region";

static struct hdr *hdr_of(void *p)
{
	return (struct hdr *)p - 1;
}

static uint32_t check_word(const void *p, uint32_t key)
{
	return key ^ (uint32_t)((uintptr_t)p >> 4);
}

static struct region *region_of(const void *p)
{
	uintptr_t a = (uintptr_t)p;

	for (unsigned i = 0; i < nregions; i++)
		if (a >= regions[i].start && a < regions[i].cur)
			return &regions[i];
	return NULL;
}

/* Takes [p, p + size) with p aligned and `head` bytes free before it. */
static void *bump(size_t align, size_t size, size_t head)
{
	for (unsigned i = first; i < nregions; i++) {
		struct region *r = &regions[i];
		uintptr_t p;

		if (align + head > r->end - r->cur)
			continue;
		p = KN_ALIGN_UP(r->cur + head, align);
		if (r->end - p < size)
			continue;
		stats.free -= p + size - r->cur;
		r->cur = p + size;
		while (first < nregions && regions[first].end - regions[first].cur < USEFUL)
			first++;
		last_region = r;
		return (void *)p;
	}
	return NULL;
}

static void *alloc_block(size_t align, size_t size)
{
	void *p;

	if (size > SIZE_LIMIT || align > SIZE_LIMIT)
		return NULL;
	size = size ? KN_ALIGN_UP(size, HDR) : HDR; /* p < cur: findable */
	p = bump(KN_MAX(align, HDR), size, HDR);
	if (!p)
		return NULL;
	hdr_of(p)->size = size;
	hdr_of(p)->check = check_word(p, LIVE_KEY);
	last = p;
	stats.allocated += size;
	stats.allocs++;
	return p;
}

/* The header of a live kn_malloc'd block, or a panic. */
static struct hdr *live_hdr(void *p, const char *what)
{
	struct region *r = region_of(p);

	if (!r || ((uintptr_t)p & (HDR - 1)) || (uintptr_t)p < r->start + HDR)
		kn_panic("%s: %p is not a heap pointer", what, p);
	if (hdr_of(p)->check == check_word(p, DEAD_KEY))
		kn_panic("%s: double free of %p", what, p);
	if (hdr_of(p)->check != check_word(p, LIVE_KEY) || r->cur - (uintptr_t)p < hdr_of(p)->size)
		kn_panic("%s: bad pointer %p (or corrupt heap)", what, p);
	return hdr_of(p);
}

size_t kn_alloc_add_region(void *base, size_t len)
{
	uintptr_t start = KN_ALIGN_UP((uintptr_t)base, HDR);
	uintptr_t end = (uintptr_t)base + len;

	if (end < (uintptr_t)base)
		end = UINTPTR_MAX;
	end = KN_ALIGN_DOWN(end, HDR);
	if (nregions == MAX_REGIONS || end <= start || end - start < USEFUL)
		return 0;
	regions[nregions].start = start;
	regions[nregions].cur = start;
	regions[nregions].end = end;
	nregions++;
	stats.total += end - start;
	stats.free += end - start;
	return end - start;
}

void *kn_malloc(size_t size)
{
	return alloc_block(HDR, size);
}

void *kn_memalign(size_t align, size_t size)
{
	if (!align || (align & (align - 1)))
		return NULL;
	return alloc_block(align, size);
}

void kn_free(void *ptr)
{
	struct hdr *h;

	if (!ptr)
		return;
	h = live_hdr(ptr, "kn_free");
	h->check = check_word(ptr, DEAD_KEY);
	stats.allocated -= h->size;
	stats.allocs--;
}

void *kn_realloc(void *ptr, size_t size)
{
	struct hdr *h;
	void *q;

	if (!ptr)
		return kn_malloc(size);
	h = live_hdr(ptr, "kn_realloc");
	if (size > SIZE_LIMIT)
		return NULL;
	size = size ? KN_ALIGN_UP(size, HDR) : HDR;
	if (ptr == last && last_region->end - (uintptr_t)ptr >= size) {
		struct region *r = last_region;
		unsigned i = (unsigned)(r - regions);

		/* size_t arithmetic wraps, so this also gives back on shrink */
		stats.free -= (uintptr_t)ptr + size - r->cur;
		stats.allocated += size - h->size;
		r->cur = (uintptr_t)ptr + size;
		h->size = size;
		if (i < first && r->end - r->cur >= USEFUL)
			first = i;
		return ptr;
	}
	if (size <= h->size)
		return ptr;
	q = kn_malloc(size);
	if (!q)
		return NULL;
	__builtin_memcpy(q, ptr, h->size);
	kn_free(ptr);
	return q;
}

size_t kn_malloc_usable_size(void *ptr)
{
	return ptr ? live_hdr(ptr, "kn_malloc_usable_size")->size : 0;
}

void *kn_palloc(size_t npages)
{
	void *p;

	if (!npages || npages > SIZE_LIMIT / KN_PAGE_SIZE)
		return NULL;
	p = bump(KN_PAGE_SIZE, npages * KN_PAGE_SIZE, 0);
	if (!p)
		return NULL;
	last = NULL;
	stats.allocated += npages * KN_PAGE_SIZE;
	stats.allocs++;
	return p;
}

void kn_pfree(void *ptr, size_t npages)
{
	if (!ptr)
		return;
	if (!region_of(ptr) || ((uintptr_t)ptr & (KN_PAGE_SIZE - 1)))
		kn_panic("kn_pfree: %p is not a heap pointer", ptr);
	if (!stats.allocs || npages > stats.allocated / KN_PAGE_SIZE)
		kn_panic("kn_pfree: %p: more pages freed than allocated", ptr);
	stats.allocated -= npages * KN_PAGE_SIZE;
	stats.allocs--;
}

void kn_alloc_stats(struct kn_alloc_stats *st)
{
	*st = stats;
}

int kn_alloc_check(void)
{
	size_t free = 0;

	if (first > nregions)
		return -1;
	for (unsigned i = 0; i < nregions; i++) {
		const struct region *r = &regions[i];

		if (r->start > r->cur || r->cur > r->end || (r->cur & (HDR - 1)))
			return -2;
		if (i < first && r->end - r->cur >= USEFUL)
			return -3; /* skipped a region that still had room */
		free += r->end - r->cur;
	}
	if (free != stats.free)
		return -4;
	if (last && (hdr_of(last)->check != check_word(last, LIVE_KEY) &&
		     hdr_of(last)->check != check_word(last, DEAD_KEY)))
		return -5; /* the newest header was overwritten */
	if (stats.allocated > stats.total - stats.free || (!stats.allocs && stats.allocated))
		return -6;
	return 0;
}
