/* alloc-tlsf: Two-Level Segregated Fit (after Masmano et al., ECRTS 2004).
 *
 * Free blocks are kept in segregated lists indexed by two levels: the first
 * level is the power of two of the size, the second splits that range into
 * SL_COUNT equal steps. Two bitmaps say which lists are non-empty, so finding
 * a fitting list is a couple of find-first-set instructions: malloc and free
 * are O(1). Blocks are coalesced with their physical neighbours as soon as
 * they are freed.
 *
 * Every block starts with a 16-byte header: the previous physical block and
 * the payload size with two flags (this block free, previous block free).
 * Free blocks also hold their list links in the first payload bytes. Each
 * region ends with a used zero-size sentinel header, so walking to the next
 * block never leaves the region. */
#include <kn/alloc.h>

#define HDR 16UL         /* block header size = payload alignment */
#define MIN_PAYLOAD 16UL /* room for the free-list links */
#define F_FREE 1UL       /* this block is free */
#define F_PREV_FREE 2UL  /* the previous physical block is free */
#define FLAGS (HDR - 1)  /* sizes are multiples of HDR */

#define SL_LOG 5 /* 32 second-level lists per power of two */
#define SL_COUNT (1U << SL_LOG)
#define FL_SHIFT (SL_LOG + 4) /* below 512 bytes: one list per 16 bytes */
#define SMALL_SIZE (1UL << FL_SHIFT)
#define CLASS_LOG 47 /* classes cover payloads below 2^47 */
#define FL_COUNT (CLASS_LOG - FL_SHIFT + 1)

#define PAYLOAD_MAX ((1UL << CLASS_LOG) - HDR) /* largest block (merges stop) */
#define REQ_MAX (1UL << 46)                    /* largest request: rounding stays in class */
#define PIECE_MAX (1UL << 46)                  /* a huge region is cut into such blocks */
#define MAX_REGIONS 32

struct blk {
	struct blk *prev_phys; /* NULL for a region's first block */
	size_t word;           /* payload size | F_FREE | F_PREV_FREE */
	struct blk *next_free; /* the links exist only while the block is free */
	struct blk *prev_free;
};

struct region {
	struct blk *first;
	struct blk *sentinel;
};

static struct blk *heads[FL_COUNT][SL_COUNT];
static uint64_t fl_map;
static uint32_t sl_map[FL_COUNT];
static struct region regions[MAX_REGIONS];
static unsigned nregions;
static struct kn_alloc_stats stats;

const char kn_alloc_impl_name[] = "tlsf";

static size_t bsize(const struct blk *b)
{
	return b->word & ~FLAGS;
}
static int is_free(const struct blk *b)
{
	return (b->word & F_FREE) != 0;
}
static int prev_is_free(const struct blk *b)
{
	return (b->word & F_PREV_FREE) != 0;
}
static void *payload(struct blk *b)
{
	return (char *)b + HDR;
}
static struct blk *blk_of(void *p)
{
	return (struct blk *)((char *)p - HDR);
}

static struct blk *next_phys(const struct blk *b)
{
	return (struct blk *)((char *)b + HDR + bsize(b));
}

static void set_size(struct blk *b, size_t size)
{
	b->word = size | (b->word & FLAGS);
}

static int fls_(uint64_t x)
{
	return 63 - __builtin_clzl(x);
}

static void mapping(size_t size, unsigned *fl, unsigned *sl)
{
	if (size < SMALL_SIZE) {
		*fl = 0;
		*sl = (unsigned)(size / HDR);
	} else {
		int f = fls_(size);
		*fl = (unsigned)(f - FL_SHIFT + 1);
		*sl = (unsigned)(size >> (f - SL_LOG)) ^ SL_COUNT;
	}
}

/* The list to search: rounding the size up to the next class boundary means
 * any block found there is big enough, which keeps the search O(1). */
static void mapping_search(size_t size, unsigned *fl, unsigned *sl)
{
	if (size >= SMALL_SIZE)
		size += (1UL << (fls_(size) - SL_LOG)) - 1;
	mapping(size, fl, sl);
}

static void insert_free(struct blk *b)
{
	unsigned fl, sl;

	mapping(bsize(b), &fl, &sl);
	b->prev_free = NULL;
	b->next_free = heads[fl][sl];
	if (b->next_free)
		b->next_free->prev_free = b;
	heads[fl][sl] = b;
	fl_map |= 1ULL << fl;
	sl_map[fl] |= 1U << sl;
	stats.free += bsize(b);
}

static void remove_free(struct blk *b)
{
	unsigned fl, sl;

	mapping(bsize(b), &fl, &sl);
	if (b->prev_free)
		b->prev_free->next_free = b->next_free;
	else
		heads[fl][sl] = b->next_free;
	if (b->next_free)
		b->next_free->prev_free = b->prev_free;
	if (!heads[fl][sl]) {
		sl_map[fl] &= ~(1U << sl);
		if (!sl_map[fl])
			fl_map &= ~(1ULL << fl);
	}
	stats.free -= bsize(b);
}

static struct blk *find_free(size_t size)
{
	unsigned fl, sl;
	uint32_t sbits;

	mapping_search(size, &fl, &sl);
	if (fl >= FL_COUNT)
		return NULL;
	sbits = sl_map[fl] & (~0U << sl);
	if (!sbits) {
		uint64_t fbits = fl_map & (~0ULL << (fl + 1));

		if (!fbits)
			return NULL;
		fl = (unsigned)__builtin_ctzll(fbits);
		sbits = sl_map[fl];
	}
	return heads[fl][__builtin_ctz(sbits)];
}

static int can_merge(const struct blk *a, const struct blk *b)
{
	return bsize(a) + HDR + bsize(b) <= PAYLOAD_MAX;
}

/* a swallows its physical successor b (b is in no list). */
static void absorb(struct blk *a, struct blk *b)
{
	set_size(a, bsize(a) + HDR + bsize(b));
	next_phys(a)->prev_phys = a;
}

static void mark_used(struct blk *b)
{
	b->word &= ~F_FREE;
	next_phys(b)->word &= ~F_PREV_FREE;
}

/* Turns a used block that is in no list into a free one, coalescing it with
 * free neighbours first. */
static void release(struct blk *b)
{
	struct blk *n;

	if (prev_is_free(b) && can_merge(b->prev_phys, b)) {
		struct blk *p = b->prev_phys;

		remove_free(p);
		absorb(p, b);
		b = p;
	}
	n = next_phys(b);
	if (is_free(n) && can_merge(b, n)) {
		remove_free(n);
		absorb(b, n);
	}
	b->word |= F_FREE;
	next_phys(b)->word |= F_PREV_FREE;
	insert_free(b);
}

/* Cuts b (used, payload >= size) to size; returns the remainder block (used,
 * in no list) or NULL when the rest is too small to be a block. */
static struct blk *split(struct blk *b, size_t size)
{
	struct blk *r;
	size_t rest = bsize(b) - size;

	if (rest < HDR + MIN_PAYLOAD)
		return NULL;
	r = (struct blk *)((char *)b + HDR + size);
	r->prev_phys = b;
	r->word = rest - HDR;
	next_phys(r)->prev_phys = r;
	set_size(b, size);
	return r;
}

static void trim(struct blk *b, size_t size)
{
	struct blk *r = split(b, size);

	if (r)
		release(r);
}

static size_t adjust(size_t size)
{
	return size < MIN_PAYLOAD ? MIN_PAYLOAD : KN_ALIGN_UP(size, HDR);
}

static const struct region *region_of(const void *p)
{
	uintptr_t a = (uintptr_t)p;

	for (unsigned i = 0; i < nregions; i++)
		if (a >= (uintptr_t)regions[i].first && a < (uintptr_t)regions[i].sentinel)
			return &regions[i];
	return NULL;
}

/* The block of a pointer handed out by this allocator, or a panic. */
static struct blk *live_block(void *p, const char *what)
{
	const struct region *r = region_of(p);
	struct blk *b = blk_of(p);
	struct blk *n;

	if (((uintptr_t)p & (HDR - 1)) || !r || b < r->first)
		kn_panic("%s: %p is not a heap pointer", what, p);
	if (is_free(b))
		kn_panic("%s: double free of %p", what, p);
	n = next_phys(b);
	if (n <= b || n > r->sentinel || n->prev_phys != b)
		kn_panic("%s: bad pointer %p (or corrupt heap)", what, p);
	return b;
}

size_t kn_alloc_add_region(void *base, size_t len)
{
	uintptr_t start = KN_ALIGN_UP((uintptr_t)base, HDR);
	uintptr_t end = (uintptr_t)base + len;
	struct blk *prev = NULL, *cur, *sentinel;

	if (end < (uintptr_t)base)
		end = UINTPTR_MAX;
	end = KN_ALIGN_DOWN(end, HDR);
	if (nregions == MAX_REGIONS || end <= start || end - start < 2 * HDR + MIN_PAYLOAD)
		return 0;
	sentinel = (struct blk *)(end - HDR);
	for (cur = (struct blk *)start; cur != sentinel; cur = next_phys(cur)) {
		size_t size = (uintptr_t)sentinel - (uintptr_t)cur - HDR;

		/* Huge regions become several maximal blocks (merge stops
		 * between them): O(len / 2^46), so O(1) in practice. */
		if (size > PAYLOAD_MAX)
			size = PIECE_MAX;
		cur->prev_phys = prev;
		cur->word = size | F_FREE | (prev ? F_PREV_FREE : 0);
		prev = cur;
	}
	sentinel->prev_phys = prev;
	sentinel->word = F_PREV_FREE;
	for (cur = (struct blk *)start; cur != sentinel; cur = next_phys(cur))
		insert_free(cur);
	regions[nregions].first = (struct blk *)start;
	regions[nregions].sentinel = sentinel;
	nregions++;
	stats.total += end - start;
	return end - start;
}

void *kn_malloc(size_t size)
{
	struct blk *b;

	if (size > REQ_MAX)
		return NULL;
	size = adjust(size);
	b = find_free(size);
	if (!b)
		return NULL;
	remove_free(b);
	mark_used(b);
	trim(b, size);
	stats.allocated += bsize(b);
	stats.allocs++;
	return payload(b);
}

void *kn_memalign(size_t align, size_t size)
{
	struct blk *b;
	uintptr_t p, a;

	if (!align || (align & (align - 1)))
		return NULL;
	if (align <= HDR)
		return kn_malloc(size);
	if (size > REQ_MAX || align > REQ_MAX)
		return NULL;
	size = adjust(size);
	/* The aligned payload is at most align + HDR past the block's: a gap
	 * in front must be able to hold a free block of its own. */
	b = find_free(size + align + HDR);
	if (!b)
		return NULL;
	remove_free(b);
	p = (uintptr_t)payload(b);
	a = KN_ALIGN_UP(p, align);
	if (a != p && a - p < HDR + MIN_PAYLOAD)
		a += align;
	if (a != p) {
		struct blk *nb = blk_of((void *)a);

		nb->prev_phys = b;
		nb->word = (bsize(b) - (a - p)) | F_PREV_FREE;
		next_phys(nb)->prev_phys = nb;
		set_size(b, a - p - HDR);
		insert_free(b); /* its predecessor is used: nothing to merge */
		b = nb;
	}
	mark_used(b);
	trim(b, size);
	stats.allocated += bsize(b);
	stats.allocs++;
	return payload(b);
}

void kn_free(void *ptr)
{
	struct blk *b;

	if (!ptr)
		return;
	b = live_block(ptr, "kn_free");
	stats.allocated -= bsize(b);
	stats.allocs--;
	release(b);
}

void *kn_realloc(void *ptr, size_t size)
{
	struct blk *b, *n;
	size_t old, want;
	void *q;

	if (!ptr)
		return kn_malloc(size);
	b = live_block(ptr, "kn_realloc");
	if (size > REQ_MAX)
		return NULL;
	old = bsize(b);
	want = adjust(size);
	n = next_phys(b);
	if (want > old && is_free(n) && can_merge(b, n) && old + HDR + bsize(n) >= want) {
		remove_free(n);
		absorb(b, n);
		next_phys(b)->word &= ~F_PREV_FREE;
	}
	if (want <= bsize(b)) {
		trim(b, want);
		stats.allocated += bsize(b) - old;
		return ptr;
	}
	q = kn_malloc(size);
	if (!q)
		return NULL;
	__builtin_memcpy(q, ptr, old);
	kn_free(ptr);
	return q;
}

size_t kn_malloc_usable_size(void *ptr)
{
	return ptr ? bsize(live_block(ptr, "kn_malloc_usable_size")) : 0;
}

void *kn_palloc(size_t npages)
{
	if (!npages || npages > REQ_MAX / KN_PAGE_SIZE)
		return NULL;
	return kn_memalign(KN_PAGE_SIZE, npages * KN_PAGE_SIZE);
}

void kn_pfree(void *ptr, size_t npages)
{
	if (!ptr)
		return;
	if (npages > REQ_MAX / KN_PAGE_SIZE ||
	    bsize(live_block(ptr, "kn_pfree")) < npages * KN_PAGE_SIZE)
		kn_panic("kn_pfree: %p was not allocated with %zu pages", ptr, npages);
	kn_free(ptr);
}

void kn_alloc_stats(struct kn_alloc_stats *st)
{
	*st = stats;
}

/* Physical walk of every region: returns 0 or a negative error, and counts
 * what it saw for the comparison with the lists and the statistics. */
static int check_regions(size_t *nfree, size_t *free_bytes, struct kn_alloc_stats *seen,
			 size_t *nblocks)
{
	for (unsigned i = 0; i < nregions; i++) {
		struct blk *b = regions[i].first, *s = regions[i].sentinel;
		struct blk *prev = NULL;

		for (; b != s; prev = b, b = next_phys(b)) {
			if (b > s || ((uintptr_t)b & (HDR - 1)))
				return -1; /* walk left the region */
			if (b->prev_phys != prev)
				return -2;
			if (prev_is_free(b) != (prev && is_free(prev)))
				return -3;
			if (bsize(b) < MIN_PAYLOAD || bsize(b) > PAYLOAD_MAX)
				return -4;
			if ((uintptr_t)s - (uintptr_t)b - HDR < bsize(b))
				return -1;
			(*nblocks)++;
			if (is_free(b)) {
				if (prev && is_free(prev) && can_merge(prev, b))
					return -5; /* missed coalescing */
				(*nfree)++;
				*free_bytes += bsize(b);
			} else {
				seen->allocs++;
				seen->allocated += bsize(b);
			}
		}
		if (s->prev_phys != prev || bsize(s) != 0 || is_free(s))
			return -6; /* broken sentinel */
		if (prev_is_free(s) != (prev && is_free(prev)))
			return -3;
	}
	return 0;
}

/* Every list entry is a free block of that class; returns how many. */
static int check_lists(size_t max, size_t *count, size_t *bytes)
{
	if (fl_map >> FL_COUNT)
		return -7;
	for (unsigned fl = 0; fl < FL_COUNT; fl++) {
		if (((fl_map >> fl) & 1) != (sl_map[fl] != 0))
			return -7;
		for (unsigned sl = 0; sl < SL_COUNT; sl++) {
			struct blk *b = heads[fl][sl], *prev = NULL;

			if (((sl_map[fl] >> sl) & 1) != (b != NULL))
				return -8;
			for (; b; prev = b, b = b->next_free) {
				unsigned f, s;

				if (++*count > max)
					return -9; /* a cycle or a stray block */
				if (!region_of(b) || !is_free(b))
					return -10;
				mapping(bsize(b), &f, &s);
				if (f != fl || s != sl)
					return -11;
				if (b->prev_free != prev)
					return -12;
				*bytes += bsize(b);
			}
		}
	}
	return 0;
}

int kn_alloc_check(void)
{
	struct kn_alloc_stats seen = {0};
	size_t nfree = 0, free_bytes = 0, nblocks = 0, listed = 0, lbytes = 0;
	int err;

	err = check_regions(&nfree, &free_bytes, &seen, &nblocks);
	if (!err)
		err = check_lists(nfree, &listed, &lbytes);
	if (err)
		return err;
	if (listed != nfree || lbytes != free_bytes)
		return -13; /* a free block missing from the lists */
	if (free_bytes != stats.free || seen.allocated != stats.allocated ||
	    seen.allocs != stats.allocs)
		return -14;
	if (free_bytes + seen.allocated + (nblocks + nregions) * HDR != stats.total)
		return -15;
	return 0;
}
