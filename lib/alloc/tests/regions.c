/* Regions: many small ones with odd boundaries (split everything down to the
 * smallest blocks, then coalesce it all back), and one huge reserved range
 * that must be taken without touching its pages. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "harness.h"
#include "scenarios.h"

void scenario_regions(void)
{
	const size_t max = 300000;
	struct tblock *b = calloc(max, sizeof(*b));
	struct kn_alloc_stats st0, st;
	size_t n = 0, max0 = 0, size = 512;

	if (!b)
		FAIL("out of host memory");
	heap_setup(3 << 20, 40);
	kn_alloc_stats(&st0);
	if (impl_reuses())
		max0 = heap_max_malloc();
	while (n < max) { /* down to the smallest blocks */
		struct kn_alloc_stats before;

		kn_alloc_stats(&before);
		b[n] = (struct tblock){.id = (uint32_t)n,
				       .kind = K_MALLOC,
				       .req = rnd_below(size + 1),
				       .align = 1};
		if (rnd_below(8) == 0) {
			b[n].align = 1UL << (6 + rnd_below(7));
			b[n].p = kn_memalign(b[n].align, b[n].req);
		} else {
			b[n].p = kn_malloc(b[n].req);
		}
		if (b[n].p) {
			track_new(&b[n], &before);
			n++;
		} else if (size) {
			size /= 2;
		} else {
			break;
		}
	}
	track_check_all(b, n);
	for (size_t i = n; i > 1; i--) { /* free in random order */
		size_t j = rnd_below(i);
		struct tblock t = b[i - 1];

		b[i - 1] = b[j];
		b[j] = t;
	}
	for (size_t i = 0; i < n; i++) {
		track_free(&b[i]);
		if (i % 4096 == 0)
			track_check_all(b, n);
	}
	track_check_all(b, n);
	kn_alloc_stats(&st);
	if (impl_reuses()) {
		void *p;

		if (st.free != st0.free)
			FAIL("free %zu after releasing everything, %zu at start", st.free,
			     st0.free);
		p = kn_malloc(max0);
		if (!p)
			FAIL("largest block (%zu) not available again", max0);
		kn_free(p);
	}
	printf("regions: %zu blocks over %zu bytes\n", n, st0.total);
	free(b);
}

static size_t rss_bytes(void)
{
	unsigned long size, resident;
	FILE *f = fopen("/proc/self/statm", "r");

	if (!f || fscanf(f, "%lu %lu", &size, &resident) != 2)
		FAIL("cannot read /proc/self/statm");
	fclose(f);
	return resident * (size_t)sysconf(_SC_PAGESIZE);
}

void scenario_bigregion(void)
{
	const size_t small_len = 1 << 20, big_len = (size_t)64 << 30;
	struct kn_alloc_stats st0, st;
	uint8_t *small, *big, *p, *q, *r;
	size_t rss0, got;
	double t0, t1, t2;

	small = mmap(NULL, small_len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	big = mmap(NULL, big_len, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (small == MAP_FAILED || big == MAP_FAILED)
		FAIL("mmap failed");
	rss0 = rss_bytes();
	t0 = now_seconds();
	EXPECT(kn_alloc_add_region(small + 1, small_len - 1) > 0);
	t1 = now_seconds();
	got = kn_alloc_add_region(big + 3, big_len - 3);
	t2 = now_seconds();
	if (got < big_len - big_len / 32 || got > big_len)
		FAIL("64 GiB region: accepted %zu bytes", got);
	kn_alloc_stats(&st0);
	EXPECT(st0.free > big_len - big_len / 32);
	EXPECT(kn_alloc_check() == 0);
	/* Time grows with the region size only if pages are touched. */
	if (t2 - t1 > 0.05)
		FAIL("add_region of 64 GiB took %.3f s (1 MiB: %.6f s)", t2 - t1, t1 - t0);
	p = kn_malloc((size_t)1 << 30);
	q = kn_palloc((size_t)1 << 18);
	r = kn_malloc(100);
	EXPECT(p && q && r);
	p[0] = p[((size_t)1 << 30) - 1] = 1;
	q[0] = q[((size_t)1 << 30) - 1] = 2;
	r[99] = 3;
	EXPECT(kn_alloc_check() == 0);
	kn_free(p);
	kn_pfree(q, (size_t)1 << 18);
	kn_free(r);
	EXPECT(kn_alloc_check() == 0);
	kn_alloc_stats(&st);
	EXPECT(st.allocs == 0 && st.allocated == 0);
	if (impl_reuses() && st.free != st0.free)
		FAIL("free %zu after releasing everything, %zu at start", st.free, st0.free);
	if (rss_bytes() - rss0 > (16 << 20))
		FAIL("RSS grew by %zu bytes: the region was touched", rss_bytes() - rss0);
	printf("bigregion: add_region 1 MiB %.1f us, 64 GiB %.1f us, "
	       "RSS +%zu KiB\n",
	       (t1 - t0) * 1e6, (t2 - t1) * 1e6, (rss_bytes() - rss0) >> 10);
}
