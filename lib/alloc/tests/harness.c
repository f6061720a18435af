/* Host test harness for the alloc implementations (see harness.h). */
#define _GNU_SOURCE
#include "harness.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#define MAX_PIECES 64
#define FILL_ALL 32768 /* blocks up to this size are filled entirely */
#define FILL_EDGE 8192 /* larger ones: this much at each end */
#define GUARD_BYTE 0xc5

struct range {
	uint8_t *p;
	size_t len;
};

uint64_t test_seed;
static uint64_t rng_state;
static struct range pieces[MAX_PIECES], guards[MAX_PIECES + 2];
static unsigned npieces, nguards;
static size_t heap_overhead; /* buddy: total - free - allocated, fixed */

/* The kernel's panic, for the host: print, then abort so tests see it. */
void kn_panic(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "kn: panic: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n");
	abort();
}

void test_fail(const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "FAIL %s:%d (impl=%s seed=%llu): ", file, line, kn_alloc_impl_name,
		(unsigned long long)test_seed);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n");
	exit(1);
}

void rng_seed(uint64_t seed)
{
	test_seed = seed;
	rng_state = seed * 0x9e3779b97f4a7c15ULL + 1;
}

uint64_t rnd(void) /* splitmix64 */
{
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

uint64_t rnd_below(uint64_t n)
{
	return rnd() % n;
}

int impl_reuses(void)
{
	return strcmp(kn_alloc_impl_name, "region") != 0;
}

static int is_buddy(void)
{
	return strcmp(kn_alloc_impl_name, "buddy") == 0;
}

double now_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void add_guard(uint8_t *p, size_t len)
{
	memset(p, GUARD_BYTE, len);
	guards[nguards].p = p;
	guards[nguards++].len = len;
}

/* Garbage, half of it shaped like allocator metadata (a small order with a
 * "free" or "allocated" flag), so reading bytes that were never written is
 * likely to be believed and then caught. */
static void fill_junk(uint8_t *p, size_t len)
{
	for (size_t i = 0; i < len; i += 8) {
		uint64_t r = rnd();

		for (size_t j = i; j < i + 8 && j < len; j++, r >>= 8) {
			uint8_t b = (uint8_t)r;

			p[j] = b & 1 ? b : (uint8_t)((b & 2 ? 0x40 : 0x80) | (6 + (b >> 2) % 8));
		}
	}
}

void heap_setup(size_t len, unsigned nregions)
{
	uint8_t *mem, *cur, *end;
	size_t accepted = 0;
	struct kn_alloc_stats st;

	if (nregions < 1 || nregions > MAX_PIECES)
		FAIL("bad region count %u", nregions);
	mem = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (mem == MAP_FAILED)
		FAIL("mmap %zu bytes failed", len);
	fill_junk(mem, len);
	cur = mem;
	end = mem + len - 1 - rnd_below(300);
	add_guard(cur, 1 + rnd_below(200)); /* odd start */
	cur += guards[0].len;
	for (unsigned i = 0; i < nregions; i++) {
		size_t left = (size_t)(end - cur), plen, gap, got;

		if (i + 1 == nregions) {
			plen = left;
		} else {
			/* a fair share, give or take half; now and then tiny */
			plen = left / (nregions - i);
			plen = plen / 2 + rnd_below(plen + 1);
			if (!rnd_below(8))
				plen = rnd_below(200);
		}
		gap = 1 + rnd_below(300);
		if (plen + gap > left)
			plen = left > gap ? left - gap : 0;
		got = kn_alloc_add_region(cur, plen);
		if (got > plen)
			FAIL("add_region accepted %zu of %zu bytes", got, plen);
		accepted += got;
		pieces[npieces].p = cur;
		pieces[npieces++].len = plen;
		cur += plen;
		gap = KN_MIN(gap, (size_t)(mem + len - cur));
		add_guard(cur, gap);
		cur += gap;
	}
	add_guard(cur, (size_t)(mem + len - cur));
	kn_alloc_stats(&st);
	if (st.total != accepted || st.allocated || st.allocs || st.free > st.total)
		FAIL("stats after init: total %zu (accepted %zu) free %zu "
		     "allocated %zu allocs %zu",
		     st.total, accepted, st.free, st.allocated, st.allocs);
	heap_overhead = st.total - st.free;
	if (kn_alloc_check())
		FAIL("kn_alloc_check() = %d right after init", kn_alloc_check());
}

int heap_contains(const void *p, size_t len)
{
	const uint8_t *b = p;

	for (unsigned i = 0; i < npieces; i++)
		if (b >= pieces[i].p && b <= pieces[i].p + pieces[i].len &&
		    len <= (size_t)(pieces[i].p + pieces[i].len - b))
			return 1;
	return 0;
}

void heap_check_guards(void)
{
	for (unsigned i = 0; i < nguards; i++)
		for (size_t j = 0; j < guards[i].len; j++)
			if (guards[i].p[j] != GUARD_BYTE)
				FAIL("guard byte %p overwritten", (void *)(guards[i].p + j));
}

size_t heap_max_malloc(void)
{
	struct kn_alloc_stats st;
	size_t lo = 0, hi;
	void *p;

	kn_alloc_stats(&st);
	hi = st.total + 1; /* never succeeds */
	p = kn_malloc(0);
	if (!p)
		return 0;
	kn_free(p);
	while (hi - lo > 1) { /* malloc(lo) works, malloc(hi) does not */
		size_t mid = lo + (hi - lo) / 2;

		p = kn_malloc(mid);
		if (p) {
			kn_free(p);
			lo = mid;
		} else {
			hi = mid;
		}
	}
	return lo;
}

static uint8_t pattern(uint32_t id, size_t i)
{
	return (uint8_t)(id * 167u + i * 7u + (i >> 8) * 13u + 1);
}

static int filled(size_t i, size_t req)
{
	return req <= FILL_ALL || i < FILL_EDGE || i >= req - FILL_EDGE;
}

static void fill(const struct tblock *b)
{
	for (size_t i = 0; i < b->req; i++) {
		if (!filled(i, b->req))
			i = b->req - FILL_EDGE;
		b->p[i] = pattern(b->id, i);
	}
}

void track_verify(const struct tblock *b, size_t limit)
{
	limit = KN_MIN(limit, b->req);
	for (size_t i = 0; i < limit; i++) {
		if (!filled(i, b->req)) {
			i = b->req - FILL_EDGE;
			if (i >= limit)
				break;
		}
		if (b->p[i] != pattern(b->id, i))
			FAIL("block %u (%p, %zu bytes) corrupt at offset %zu", b->id, (void *)b->p,
			     b->req, i);
	}
}

static size_t span(const struct tblock *b)
{
	return b->kind == K_PALLOC ? b->npages * KN_PAGE_SIZE : b->req;
}

static void check_placement(const struct tblock *b)
{
	uintptr_t a = (uintptr_t)b->p;

	if (a % b->align)
		FAIL("block %u at %p not aligned to %zu", b->id, (void *)b->p, b->align);
	if (!heap_contains(b->p, KN_MAX(span(b), (size_t)1)))
		FAIL("block %u [%p, +%zu) outside the heap regions", b->id, (void *)b->p, span(b));
}

void track_new(struct tblock *b, const struct kn_alloc_stats *before)
{
	struct kn_alloc_stats after;
	size_t usable;

	if (b->kind == K_MALLOC)
		b->align = KN_MAX(b->align, KN_ALLOC_ALIGN);
	check_placement(b);
	kn_alloc_stats(&after);
	b->acct = after.allocated - before->allocated;
	if (b->kind == K_MALLOC) {
		usable = kn_malloc_usable_size(b->p);
		if (usable < b->req || b->acct != usable)
			FAIL("block %u: asked %zu, usable %zu, accounted %zu", b->id, b->req,
			     usable, b->acct);
	} else if (b->acct < b->npages * KN_PAGE_SIZE) {
		FAIL("palloc(%zu) accounted only %zu bytes", b->npages, b->acct);
	}
	if (after.allocs != before->allocs + 1 || after.total != before->total ||
	    after.free + b->acct > before->free)
		FAIL("stats after allocating %zu bytes: allocs %zu->%zu, "
		     "free %zu->%zu, accounted %zu",
		     b->req, before->allocs, after.allocs, before->free, after.free, b->acct);
	fill(b);
}

void track_free(struct tblock *b)
{
	struct kn_alloc_stats before, after;

	track_verify(b, b->req);
	kn_alloc_stats(&before);
	if (b->kind == K_PALLOC)
		kn_pfree(b->p, b->npages);
	else
		kn_free(b->p);
	kn_alloc_stats(&after);
	if (after.allocs + 1 != before.allocs || after.allocated + b->acct != before.allocated ||
	    (impl_reuses() ? after.free < before.free + b->acct : after.free != before.free))
		FAIL("stats after freeing block %u (%zu bytes): allocs %zu->%zu "
		     "allocated %zu->%zu free %zu->%zu",
		     b->id, b->acct, before.allocs, after.allocs, before.allocated, after.allocated,
		     before.free, after.free);
	b->p = NULL;
}

int track_realloc(struct tblock *b, size_t size)
{
	struct kn_alloc_stats before, after;
	uint8_t *q;
	size_t usable;

	track_verify(b, b->req);
	kn_alloc_stats(&before);
	q = kn_realloc(b->p, size);
	kn_alloc_stats(&after);
	if (!q) {
		track_verify(b, b->req);
		if (memcmp(&before, &after, sizeof(before)))
			FAIL("failed realloc changed the stats");
		return 0;
	}
	if (q != b->p)
		b->align = KN_ALLOC_ALIGN; /* a moved block is only malloc'd */
	b->p = q;
	track_verify(b, size); /* content kept up to min(old, new) */
	b->req = size;
	check_placement(b);
	b->acct += after.allocated - before.allocated;
	usable = kn_malloc_usable_size(q);
	if (usable < size || usable != b->acct || after.allocs != before.allocs)
		FAIL("realloc to %zu: usable %zu, accounted %zu, allocs %zu->%zu", size, usable,
		     b->acct, before.allocs, after.allocs);
	fill(b);
	return 1;
}

static int by_address(const void *x, const void *y)
{
	const struct tblock *a = *(const struct tblock *const *)x;
	const struct tblock *b = *(const struct tblock *const *)y;

	return a->p < b->p ? -1 : a->p > b->p;
}

void track_check_all(struct tblock *blocks, size_t n)
{
	struct kn_alloc_stats st;
	struct tblock **live = malloc((n + 1) * sizeof(*live));
	size_t nlive = 0, bytes = 0;
	int err = kn_alloc_check();

	if (err)
		FAIL("kn_alloc_check() = %d", err);
	for (size_t i = 0; i < n; i++) {
		if (!blocks[i].p)
			continue;
		live[nlive++] = &blocks[i];
		bytes += blocks[i].acct;
	}
	kn_alloc_stats(&st);
	if (st.allocs != nlive || st.allocated != bytes || st.free + st.allocated > st.total ||
	    (is_buddy() && st.total - st.free - st.allocated != heap_overhead))
		FAIL("stats: allocs %zu (live %zu) allocated %zu (tracked %zu) "
		     "free %zu total %zu",
		     st.allocs, nlive, st.allocated, bytes, st.free, st.total);
	/* Usable areas of live blocks never overlap. */
	qsort(live, nlive, sizeof(*live), by_address);
	for (size_t i = 1; i < nlive; i++)
		if (live[i - 1]->p + live[i - 1]->acct > live[i]->p)
			FAIL("blocks %u [%p +%zu) and %u [%p) overlap", live[i - 1]->id,
			     (void *)live[i - 1]->p, live[i - 1]->acct, live[i]->id,
			     (void *)live[i]->p);
	free(live);
	heap_check_guards();
}
