/* alloc-buddy: binary buddy allocator.
 *
 * Blocks are naturally aligned powers of two from 64 bytes up; a block of
 * order k at address a has its buddy at a ^ 2^k. Each region keeps one
 * metadata byte per 64-byte unit, carved from the region's start. Only the
 * bytes at block starts are meaningful, so the array is never cleared:
 * add_region writes O(log len) bytes and touches O(log len) pages.
 *
 * Why a buddy's byte can be trusted: add_region cuts the region greedily into
 * the largest naturally aligned blocks that fit (capped at MAX_ORDER, where
 * merging stops anyway). If such an initial block's parent were inside the
 * region, the greedy step at the parent's start would have taken the parent
 * (or a larger block containing it), so no initial block below MAX_ORDER has
 * its parent inside the region. Hence a block's buddy is inside the region
 * only when the block comes from splitting a larger one; that split wrote the
 * buddy's byte, and every later change to the block starting there rewrites
 * it. Merging clears the upper half's byte, so a stale pointer to it reads
 * "not a block". Allocated blocks carry no header. */
#include <kn/alloc.h>

#define MIN_ORDER 6
#define MAX_ORDER 46 /* largest block: 64 TiB */
#define M_ORDER 0x3f
#define M_FREE 0x40
#define M_ALLOC 0x80 /* start of an allocated block */
#define MAX_REGIONS 32

struct fnode { /* lives in the first bytes of a free block */
	struct fnode *next, *prev;
};

struct region {
	uintptr_t start, end; /* the blocks: [start, end), both 64-aligned */
	uint8_t *meta;        /* one byte per 64 bytes from start */
};

static struct fnode *lists[MAX_ORDER + 1];
static uint64_t list_map; /* bit k: lists[k] is not empty */
static struct region regions[MAX_REGIONS];
static unsigned nregions;
static struct kn_alloc_stats stats;

const char kn_alloc_impl_name[] = "buddy";

static uint8_t *meta_of(const struct region *r, uintptr_t a)
{
	return &r->meta[(a - r->start) >> MIN_ORDER];
}

static const struct region *region_of(uintptr_t a)
{
	for (unsigned i = 0; i < nregions; i++)
		if (a >= regions[i].start && a < regions[i].end)
			return &regions[i];
	return NULL;
}

/* The order of the smallest block holding `size` bytes. */
static unsigned order_for(size_t size)
{
	if (size <= (1UL << MIN_ORDER))
		return MIN_ORDER;
	return 64 - (unsigned)__builtin_clzl(size - 1);
}

/* The parent of block (a, k) lies inside r, i.e. the buddy does too. */
static int parent_inside(const struct region *r, uintptr_t a, unsigned k)
{
	uintptr_t parent = a & ~((2UL << k) - 1);

	return k < MAX_ORDER && parent >= r->start && r->end - parent >= (2UL << k);
}

static void push(const struct region *r, uintptr_t a, unsigned k)
{
	struct fnode *n = (struct fnode *)a;

	*meta_of(r, a) = (uint8_t)(M_FREE | k);
	n->prev = NULL;
	n->next = lists[k];
	if (n->next)
		n->next->prev = n;
	lists[k] = n;
	list_map |= 1ULL << k;
	stats.free += 1UL << k;
}

static void unlink_free(uintptr_t a, unsigned k)
{
	struct fnode *n = (struct fnode *)a;

	if (n->prev)
		n->prev->next = n->next;
	else
		lists[k] = n->next;
	if (n->next)
		n->next->prev = n->prev;
	if (!lists[k])
		list_map &= ~(1ULL << k);
	stats.free -= 1UL << k;
}

static void *alloc_order(unsigned k)
{
	uint64_t avail;
	unsigned j;
	uintptr_t a;
	const struct region *r;

	if (k > MAX_ORDER)
		return NULL;
	avail = list_map & (~0ULL << k);
	if (!avail)
		return NULL;
	j = (unsigned)__builtin_ctzll(avail);
	a = (uintptr_t)lists[j];
	unlink_free(a, j);
	r = region_of(a);
	while (j > k) { /* give back the upper halves */
		j--;
		push(r, a + (1UL << j), j);
	}
	*meta_of(r, a) = (uint8_t)(M_ALLOC | k);
	stats.allocated += 1UL << k;
	stats.allocs++;
	return (void *)a;
}

/* The order of the allocated block starting at p, or a panic. */
static unsigned live_order(const struct region **rp, void *p, const char *what)
{
	uintptr_t a = (uintptr_t)p;
	const struct region *r = region_of(a);
	uint8_t m;
	unsigned k;

	if (!r || (a & ((1UL << MIN_ORDER) - 1)))
		kn_panic("%s: %p is not a heap pointer", what, p);
	m = *meta_of(r, a);
	k = m & M_ORDER;
	if (!(m & M_ALLOC) || (m & M_FREE))
		kn_panic("%s: bad or double free of %p", what, p);
	if (k < MIN_ORDER || k > MAX_ORDER || (a & ((1UL << k) - 1)) || r->end - a < (1UL << k))
		kn_panic("%s: corrupt block metadata at %p", what, p);
	*rp = r;
	return k;
}

static void free_block(const struct region *r, uintptr_t a, unsigned k)
{
	stats.allocated -= 1UL << k;
	stats.allocs--;
	while (parent_inside(r, a, k)) {
		uintptr_t buddy = a ^ (1UL << k);

		if (*meta_of(r, buddy) != (M_FREE | k))
			break;
		unlink_free(buddy, k);
		*meta_of(r, KN_MAX(a, buddy)) = 0; /* no longer a block start */
		a &= buddy;
		k++;
	}
	push(r, a, k);
}

size_t kn_alloc_add_region(void *base, size_t len)
{
	uintptr_t b = (uintptr_t)base, e = b + len, units, a;
	struct region *r;

	if (e < b)
		e = UINTPTR_MAX;
	e = KN_ALIGN_DOWN(e, 1UL << MIN_ORDER);
	if (nregions == MAX_REGIONS || e <= b + (4UL << MIN_ORDER))
		return 0;
	/* Enough bytes for every 64-byte unit of [b, e): a slight overcount
	 * of the units left after the array itself. */
	units = (e - b) >> MIN_ORDER;
	r = &regions[nregions];
	r->meta = (uint8_t *)b;
	r->start = KN_ALIGN_UP(b + units, 1UL << MIN_ORDER);
	r->end = e;
	if (r->start >= e)
		return 0;
	nregions++;
	for (a = r->start; a < e;) {
		unsigned k = a ? (unsigned)__builtin_ctzl(a) : MAX_ORDER;

		if (k > MAX_ORDER)
			k = MAX_ORDER;
		while (e - a < (1UL << k))
			k--;
		push(r, a, k);
		a += 1UL << k;
	}
	stats.total += e - b;
	return e - b;
}

void *kn_malloc(size_t size)
{
	if (size > (1UL << MAX_ORDER))
		return NULL;
	return alloc_order(order_for(size));
}

void *kn_memalign(size_t align, size_t size)
{
	if (!align || (align & (align - 1)))
		return NULL;
	return kn_malloc(KN_MAX(size, align)); /* blocks are naturally aligned */
}

void kn_free(void *ptr)
{
	const struct region *r;
	unsigned k;

	if (!ptr)
		return;
	k = live_order(&r, ptr, "kn_free");
	free_block(r, (uintptr_t)ptr, k);
}

void *kn_realloc(void *ptr, size_t size)
{
	const struct region *r;
	unsigned k, want;
	void *q;

	if (!ptr)
		return kn_malloc(size);
	k = live_order(&r, ptr, "kn_realloc");
	if (size > (1UL << MAX_ORDER))
		return NULL;
	want = order_for(size);
	if (want <= k) { /* shrink in place: the upper halves go back */
		uintptr_t a = (uintptr_t)ptr;

		stats.allocated -= (1UL << k) - (1UL << want);
		while (k > want) {
			k--;
			push(r, a + (1UL << k), k);
		}
		*meta_of(r, a) = (uint8_t)(M_ALLOC | want);
		return ptr;
	}
	q = alloc_order(want);
	if (!q)
		return NULL;
	__builtin_memcpy(q, ptr, 1UL << k);
	free_block(r, (uintptr_t)ptr, k);
	return q;
}

size_t kn_malloc_usable_size(void *ptr)
{
	const struct region *r;

	return ptr ? 1UL << live_order(&r, ptr, "kn_malloc_usable_size") : 0;
}

void *kn_palloc(size_t npages)
{
	if (!npages || npages > (1UL << MAX_ORDER) / KN_PAGE_SIZE)
		return NULL;
	return alloc_order(order_for(npages * KN_PAGE_SIZE));
}

void kn_pfree(void *ptr, size_t npages)
{
	const struct region *r;
	unsigned k;

	if (!ptr)
		return;
	k = live_order(&r, ptr, "kn_pfree");
	if (!npages || npages > (1UL << MAX_ORDER) / KN_PAGE_SIZE ||
	    order_for(npages * KN_PAGE_SIZE) != k)
		kn_panic("kn_pfree: %p was not allocated with %zu pages", ptr, npages);
	free_block(r, (uintptr_t)ptr, k);
}

void kn_alloc_stats(struct kn_alloc_stats *st)
{
	*st = stats;
}

/* Walks every region block by block (each block start has a valid byte). */
static int check_blocks(struct kn_alloc_stats *seen, size_t *nfree)
{
	for (unsigned i = 0; i < nregions; i++) {
		const struct region *r = &regions[i];

		for (uintptr_t a = r->start; a < r->end;) {
			uint8_t m = *meta_of(r, a);
			unsigned k = m & M_ORDER;

			if (!(m & (M_FREE | M_ALLOC)) ||
			    (m & (M_FREE | M_ALLOC)) == (M_FREE | M_ALLOC))
				return -1;
			if (k < MIN_ORDER || k > MAX_ORDER)
				return -2;
			if ((a & ((1UL << k) - 1)) || r->end - a < (1UL << k))
				return -3;
			if (m & M_FREE) {
				if (parent_inside(r, a, k) &&
				    *meta_of(r, a ^ (1UL << k)) == (M_FREE | k))
					return -4; /* buddies left unmerged */
				(*nfree)++;
				seen->free += 1UL << k;
			} else {
				seen->allocs++;
				seen->allocated += 1UL << k;
			}
			a += 1UL << k;
		}
	}
	return 0;
}

static int check_lists(size_t max, size_t *count, size_t *bytes)
{
	if (list_map >> (MAX_ORDER + 1))
		return -5;
	for (unsigned k = 0; k <= MAX_ORDER; k++) {
		struct fnode *n = lists[k], *prev = NULL;

		if (((list_map >> k) & 1) != (n != NULL))
			return -5;
		for (; n; prev = n, n = n->next) {
			const struct region *r = region_of((uintptr_t)n);

			if (++*count > max)
				return -6; /* a cycle or a stray node */
			if (!r || *meta_of(r, (uintptr_t)n) != (M_FREE | k))
				return -7;
			if (n->prev != prev)
				return -8;
			*bytes += 1UL << k;
		}
	}
	return 0;
}

int kn_alloc_check(void)
{
	struct kn_alloc_stats seen = {0};
	size_t nfree = 0, listed = 0, lbytes = 0;
	int err;

	err = check_blocks(&seen, &nfree);
	if (!err)
		err = check_lists(nfree, &listed, &lbytes);
	if (err)
		return err;
	if (listed != nfree || lbytes != seen.free)
		return -9; /* a free block missing from the lists */
	if (seen.free != stats.free || seen.allocated != stats.allocated ||
	    seen.allocs != stats.allocs)
		return -10;
	if (stats.free + stats.allocated > stats.total)
		return -11;
	return 0;
}
