/* Edge cases of the contract: running out of memory, impossible sizes,
 * calloc zeroing and overflow, zero-size allocations. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "scenarios.h"

static struct tblock *new_blocks(size_t n)
{
	struct tblock *b = calloc(n, sizeof(*b));

	if (!b)
		FAIL("out of host memory");
	return b;
}

static int try_malloc(struct tblock *b, uint32_t id, size_t size)
{
	struct kn_alloc_stats before;

	kn_alloc_stats(&before);
	*b = (struct tblock){.id = id, .kind = K_MALLOC, .req = size};
	b->p = kn_malloc(size);
	if (!b->p)
		return 0;
	track_new(b, &before);
	return 1;
}

static void shuffle(struct tblock *b, size_t n)
{
	for (size_t i = n; i > 1; i--) {
		size_t j = rnd_below(i);
		struct tblock t = b[i - 1];

		b[i - 1] = b[j];
		b[j] = t;
	}
}

/* Fills the heap until even kn_malloc(0) fails; returns the block count. */
static size_t exhaust(struct tblock *b, size_t max, size_t start_size)
{
	size_t n = 0, size = start_size;

	while (n < max) {
		if (try_malloc(&b[n], (uint32_t)n, rnd_below(size + 1)))
			n++;
		else if (size)
			size /= 2;
		else
			break;
	}
	if (n == max)
		FAIL("heap not exhausted after %zu blocks", n);
	return n;
}

static void expect_max_back(const struct kn_alloc_stats *st0, size_t max0)
{
	struct kn_alloc_stats st;
	void *p;

	if (!impl_reuses())
		return;
	kn_alloc_stats(&st);
	if (st.free != st0->free)
		FAIL("free %zu after releasing everything, %zu at start", st.free, st0->free);
	p = kn_malloc(max0);
	if (!p)
		FAIL("largest block (%zu bytes) not available again", max0);
	kn_free(p);
	EXPECT(kn_alloc_check() == 0);
}

void scenario_oom(void)
{
	const size_t max = 200000;
	struct tblock *b = new_blocks(max);
	struct kn_alloc_stats st0, st;
	size_t n, max0 = 0, again;

	heap_setup(2 << 20, 3);
	kn_alloc_stats(&st0);
	if (impl_reuses())
		max0 = heap_max_malloc();
	n = exhaust(b, max, 64 << 10);
	track_check_all(b, n);
	kn_alloc_stats(&st);
	if (impl_reuses() && st.free)
		FAIL("kn_malloc(0) failed with %zu bytes free", st.free);
	/* A full heap says no without damage. */
	EXPECT(kn_calloc(1, 1) == NULL);
	EXPECT(kn_memalign(64, 1) == NULL);
	EXPECT(kn_palloc(1) == NULL);
	EXPECT(kn_realloc(NULL, 1) == NULL);
	EXPECT(!track_realloc(&b[n - 1], 1 << 20));
	EXPECT(!track_realloc(&b[0], 1 << 20));
	track_check_all(b, n);
	/* Free half, fill again, then free everything in random order. */
	shuffle(b, n);
	for (size_t i = 0; i < n; i += 2)
		track_free(&b[i]);
	track_check_all(b, n);
	again = 0;
	for (size_t i = 0; i < n; i += 2)
		again += try_malloc(&b[i], (uint32_t)(n + i), rnd_below(100));
	if (impl_reuses() && !again)
		FAIL("nothing could be allocated after freeing half the heap");
	track_check_all(b, n);
	shuffle(b, n);
	for (size_t i = 0; i < n; i++)
		if (b[i].p)
			track_free(&b[i]);
	track_check_all(b, n);
	expect_max_back(&st0, max0);
	printf("oom: %zu blocks filled the heap, %zu reallocated\n", n, again);
	free(b);
}

void scenario_huge(void)
{
	struct kn_alloc_stats st0, st;
	struct tblock b = {.id = 7, .kind = K_MALLOC, .req = 100};

	heap_setup(1 << 20, 2);
	kn_alloc_stats(&st0);
	EXPECT(kn_malloc(SIZE_MAX) == NULL);
	EXPECT(kn_malloc(SIZE_MAX - 15) == NULL);
	EXPECT(kn_malloc(SIZE_MAX / 2) == NULL);
	EXPECT(kn_malloc(SIZE_MAX / 2 + 1) == NULL);
	EXPECT(kn_malloc(st0.total + 1) == NULL);
	EXPECT(kn_calloc(SIZE_MAX / 2 + 1, 2) == NULL);
	EXPECT(kn_calloc((size_t)1 << 32, (size_t)1 << 32) == NULL);
	EXPECT(kn_calloc(SIZE_MAX, SIZE_MAX) == NULL);
	EXPECT(kn_calloc(2, SIZE_MAX / 2 + 1) == NULL);
	EXPECT(kn_memalign(4096, SIZE_MAX) == NULL);
	EXPECT(kn_memalign((size_t)1 << 63, 16) == NULL);
	EXPECT(kn_memalign(SIZE_MAX / 2 + 1, SIZE_MAX / 2 + 1) == NULL);
	EXPECT(kn_memalign(st0.total * 2, 1) == NULL);
	EXPECT(kn_memalign(3, 16) == NULL);
	EXPECT(kn_memalign(0, 16) == NULL);
	EXPECT(kn_palloc(SIZE_MAX) == NULL);
	EXPECT(kn_palloc(SIZE_MAX / 4096) == NULL);
	EXPECT(kn_palloc(SIZE_MAX / 4096 + 1) == NULL);
	EXPECT(kn_palloc(0) == NULL);
	kn_free(NULL);
	kn_pfree(NULL, 3);
	kn_alloc_stats(&st);
	if (memcmp(&st, &st0, sizeof(st)))
		FAIL("failed allocations changed the stats");
	b.p = kn_malloc(b.req);
	EXPECT(b.p != NULL);
	track_new(&b, &st0);
	EXPECT(!track_realloc(&b, SIZE_MAX));
	EXPECT(!track_realloc(&b, SIZE_MAX / 2));
	EXPECT(!track_realloc(&b, SIZE_MAX - 15));
	track_check_all(&b, 1);
	track_free(&b);
	track_check_all(&b, 1);
}

void scenario_calloc(void)
{
	enum { N = 200 };
	struct tblock b[N];
	void *z1, *z2;

	heap_setup(4 << 20, 2);
	for (int round = 0; round < 4; round++) {
		/* Dirty memory first, so calloc has something to clear. */
		for (int i = 0; i < N; i++) {
			void *p = kn_malloc(rnd_below(3000));

			if (p)
				memset(p, 0xff, kn_malloc_usable_size(p));
			kn_free(p);
		}
		for (int i = 0; i < N; i++) {
			struct kn_alloc_stats before;
			size_t nmemb = rnd_below(50), size = rnd_below(100);

			kn_alloc_stats(&before);
			b[i] = (struct tblock){
				.id = (uint32_t)i, .req = nmemb * size, .kind = K_MALLOC};
			b[i].p = kn_calloc(nmemb, size);
			if (!b[i].p)
				FAIL("calloc(%zu, %zu) failed", nmemb, size);
			for (size_t j = 0; j < b[i].req; j++)
				if (b[i].p[j])
					FAIL("calloc(%zu, %zu) byte %zu is %#x", nmemb, size, j,
					     b[i].p[j]);
			track_new(&b[i], &before);
		}
		track_check_all(b, N);
		for (int i = 0; i < N; i++)
			track_free(&b[i]);
	}
	z1 = kn_calloc(0, 10);
	z2 = kn_calloc(10, 0);
	EXPECT(z1 && z2 && z1 != z2);
	kn_free(z1);
	kn_free(z2);
	EXPECT(kn_calloc(SIZE_MAX / 3 + 1, 3) == NULL);
	EXPECT(kn_alloc_check() == 0);
}

static int by_pointer(const void *x, const void *y)
{
	const uint8_t *a = *(uint8_t *const *)x, *b = *(uint8_t *const *)y;

	return a < b ? -1 : a > b;
}

void scenario_zero(void)
{
	enum { N = 1200 };
	struct tblock b[N];
	uint8_t *ptrs[N];

	heap_setup(1 << 20, 2);
	for (int i = 0; i < N; i++) {
		struct kn_alloc_stats before;

		kn_alloc_stats(&before);
		b[i] = (struct tblock){.id = (uint32_t)i, .kind = K_MALLOC};
		if (i % 3 == 0) {
			b[i].p = kn_malloc(0);
		} else if (i % 3 == 1) {
			b[i].align = 256;
			b[i].p = kn_memalign(256, 0);
		} else {
			b[i].p = kn_realloc(NULL, 0);
		}
		if (!b[i].p)
			FAIL("zero-size allocation %d returned NULL", i);
		track_new(&b[i], &before);
	}
	track_check_all(b, N);
	for (int i = 0; i < N; i++)
		ptrs[i] = b[i].p;
	qsort(ptrs, N, sizeof(ptrs[0]), by_pointer);
	for (int i = 1; i < N; i++)
		if (ptrs[i - 1] == ptrs[i])
			FAIL("zero-size allocations share the pointer %p", ptrs[i]);
	for (int i = 0; i < N; i++)
		track_free(&b[i]);
	track_check_all(b, N);
}
