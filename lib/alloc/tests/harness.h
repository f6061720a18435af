/* Host test harness for the alloc implementations: a seeded random source,
 * a heap carved from mmap'd memory into odd regions with guard gaps, and
 * live-block tracking that checks content, bounds, overlap and statistics.
 * Every failure prints the seed so it can be replayed. */
#ifndef ALLOC_TEST_HARNESS_H
#define ALLOC_TEST_HARNESS_H

#include <stddef.h>
#include <stdint.h>
#include <kn/alloc.h>

#define FAIL(...) test_fail(__FILE__, __LINE__, __VA_ARGS__)
#define EXPECT(cond)                                                                               \
	do {                                                                                       \
		if (!(cond))                                                                       \
			FAIL("expected %s", #cond);                                                \
	} while (0)

__attribute__((noreturn, format(printf, 3, 4))) void test_fail(const char *file, int line,
							       const char *fmt, ...);

extern uint64_t test_seed;
void rng_seed(uint64_t seed);
uint64_t rnd(void);
uint64_t rnd_below(uint64_t n); /* uniform in [0, n), n > 0 */

/* The implementation under test frees memory for reuse (buddy, tlsf). */
int impl_reuses(void);

/* Maps `len` bytes, fills them with garbage (allocators must not rely on
 * zeroed memory) and hands `nregions` pieces with odd boundaries to
 * kn_alloc_add_region, keeping canary-filled gaps between them. */
void heap_setup(size_t len, unsigned nregions);
/* The given range was handed to the allocator (by heap_setup). */
int heap_contains(const void *p, size_t len);
/* Verifies the gaps nobody may write. */
void heap_check_guards(void);
/* The largest kn_malloc size that succeeds now (probed by bisection). */
size_t heap_max_malloc(void);
double now_seconds(void);

enum kind { K_MALLOC, K_PALLOC };

struct tblock {
	uint8_t *p;
	size_t req;    /* bytes asked for (and filled with the pattern) */
	size_t acct;   /* what stats.allocated grew by */
	size_t align;  /* alignment asked for */
	size_t npages; /* K_PALLOC only */
	uint32_t id;
	enum kind kind;
};

/* Registers a block the allocator just returned (p != NULL): checks
 * alignment, bounds, usable size and the statistics delta against `before`,
 * then fills it with its pattern. */
void track_new(struct tblock *b, const struct kn_alloc_stats *before);
/* Verifies the pattern of the first `limit` bytes of a block. */
void track_verify(const struct tblock *b, size_t limit);
/* Verifies and frees a block (kn_free or kn_pfree) and checks stats. */
void track_free(struct tblock *b);
/* Reallocates a tracked K_MALLOC block; returns 0 when the allocator said
 * no (the block must then be intact). */
int track_realloc(struct tblock *b, size_t size);
/* Full consistency: kn_alloc_check, no overlap, stats == tracked blocks. */
void track_check_all(struct tblock *blocks, size_t n);

#endif
