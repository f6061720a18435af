/* Random stress: a mix of every allocation call on a heap of odd regions,
 * with content, bounds, overlap and statistics checked all along, then a
 * full release that must give back every byte (allocators that reuse). */
#include <stdio.h>
#include <stdlib.h>

#include "harness.h"
#include "scenarios.h"

#define SLOTS 1024
#define OPS 40000
#define CHECK_EVERY 997

static size_t nulls;

static size_t rand_size(void)
{
	static const int near[] = {-17, -16, -1, 0, 1, 15, 16};
	uint64_t r = rnd_below(100);

	if (r < 30)
		return rnd_below(65);
	if (r < 55)
		return rnd_below(1024);
	if (r < 75)
		return rnd_below(16384);
	if (r < 88) { /* around powers of two, where size classes change */
		long s = (1L << (4 + rnd_below(15))) + near[rnd_below(7)];

		return s < 0 ? 0 : (size_t)s;
	}
	if (r < 99)
		return rnd_below(256 << 10);
	return (256 << 10) + rnd_below(1 << 20);
}

/* A NULL is fine when memory is short; with a quarter of the heap free, a
 * small request must succeed. */
static void saw_null(size_t bytes, const struct kn_alloc_stats *st)
{
	nulls++;
	if (impl_reuses() && bytes <= (64 << 10) && st->free > st->total / 4)
		FAIL("NULL for %zu bytes with %zu of %zu bytes free", bytes, st->free, st->total);
}

static void allocate(struct tblock *b, uint32_t id)
{
	struct kn_alloc_stats before;
	uint64_t r = rnd_below(100);
	size_t nmemb = 1;

	kn_alloc_stats(&before);
	*b = (struct tblock){.id = id, .kind = K_MALLOC, .align = 1};
	b->req = rand_size();
	if (r < 45) {
		b->p = kn_malloc(b->req);
	} else if (r < 55) {
		nmemb = 1 + rnd_below(8);
		b->req /= nmemb;
		b->p = kn_calloc(nmemb, b->req);
		b->req *= nmemb;
	} else if (r < 70) {
		b->align = 1UL << rnd_below(17);
		b->p = kn_memalign(b->align, b->req);
	} else if (r < 80) {
		b->kind = K_PALLOC;
		b->npages = 1 + (rnd_below(4) ? rnd_below(4) : rnd_below(64));
		b->align = KN_PAGE_SIZE;
		b->req = b->npages * KN_PAGE_SIZE;
		b->p = kn_palloc(b->npages);
	} else {
		b->p = kn_realloc(NULL, b->req);
	}
	if (!b->p) {
		saw_null(KN_MAX(b->req, b->align), &before);
		return;
	}
	if (nmemb > 1)
		for (size_t i = 0; i < b->req; i++)
			if (b->p[i])
				FAIL("calloc(%zu, %zu) not zeroed at %zu", nmemb, b->req / nmemb,
				     i);
	track_new(b, &before);
}

void scenario_stress(void)
{
	static struct tblock blocks[SLOTS];
	struct kn_alloc_stats st0, st;
	size_t max0 = 0, ops = 0, reallocs = 0;
	uint32_t id = 0;

	/* A bump heap never gets memory back: give it more room. */
	heap_setup((impl_reuses() ? 48UL : 192UL) << 20, 1 + rnd_below(5));
	kn_alloc_stats(&st0);
	if (impl_reuses())
		max0 = heap_max_malloc();
	for (; ops < OPS; ops++) {
		struct tblock *b = &blocks[rnd_below(SLOTS)];

		if (!b->p) {
			allocate(b, id++);
		} else if (b->kind == K_PALLOC || rnd_below(10) < 6) {
			track_free(b);
		} else {
			size_t size = rand_size();

			reallocs++;
			if (!track_realloc(b, size)) {
				kn_alloc_stats(&st);
				saw_null(size, &st);
			}
		}
		if (ops % CHECK_EVERY == 0)
			track_check_all(blocks, SLOTS);
	}
	track_check_all(blocks, SLOTS);
	for (size_t i = 0; i < SLOTS; i++)
		if (blocks[i].p)
			track_free(&blocks[i]);
	track_check_all(blocks, SLOTS);
	kn_alloc_stats(&st);
	if (impl_reuses()) {
		void *p;

		if (st.free != st0.free)
			FAIL("free %zu after releasing everything, %zu at start", st.free,
			     st0.free);
		p = kn_malloc(max0);
		if (!p)
			FAIL("the largest block (%zu) is gone after the stress", max0);
		kn_free(p);
		EXPECT(kn_alloc_check() == 0);
	}
	printf("stress: %zu ops (%u allocations, %zu reallocs, %zu NULL), "
	       "largest block %zu\n",
	       ops, id, reallocs, nulls, max0);
}
