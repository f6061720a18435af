/* Introsort: quicksort with a median-of-three pivot, insertion sort for
 * short runs, and heapsort when the recursion gets too deep, so the worst
 * case stays O(n log n) without allocating. Not stable. */
#include <stdlib.h>
#include "../internal/nolibc.h"

#define SHORT_RUN 12

typedef int (*cmp_fn)(const void *, const void *);

static void swap(char *a, char *b, size_t size)
{
	for (; size >= 8; size -= 8, a += 8, b += 8) {
		uint64_t t = *(nl_u64u *)a;
		*(nl_u64u *)a = *(nl_u64u *)b;
		*(nl_u64u *)b = t;
	}
	for (; size; size--, a++, b++) {
		char t = *a;
		*a = *b;
		*b = t;
	}
}

static void insertion_sort(char *base, size_t n, size_t size, cmp_fn cmp)
{
	for (size_t i = 1; i < n; i++)
		for (char *p = base + i * size; p > base && cmp(p - size, p) > 0; p -= size)
			swap(p - size, p, size);
}

static void sift_down(char *base, size_t root, size_t n, size_t size, cmp_fn cmp)
{
	for (size_t child; (child = 2 * root + 1) < n; root = child) {
		if (child + 1 < n && cmp(base + child * size, base + (child + 1) * size) < 0)
			child++;
		if (cmp(base + root * size, base + child * size) >= 0)
			return;
		swap(base + root * size, base + child * size, size);
	}
}

static void heap_sort(char *base, size_t n, size_t size, cmp_fn cmp)
{
	for (size_t i = n / 2; i-- > 0;)
		sift_down(base, i, n, size, cmp);
	for (size_t end = n - 1; end > 0; end--) {
		swap(base, base + end * size, size);
		sift_down(base, 0, end, size, cmp);
	}
}

/* Moves the median of first, middle and last to the front as the pivot. */
static void pick_pivot(char *base, size_t n, size_t size, cmp_fn cmp)
{
	char *a = base + size, *b = base + n / 2 * size, *c = base + (n - 1) * size;
	if (cmp(a, b) > 0)
		swap(a, b, size);
	if (cmp(b, c) > 0) {
		swap(b, c, size);
		if (cmp(a, b) > 0)
			swap(a, b, size);
	}
	swap(base, b, size);
}

static void intro_sort(char *base, size_t n, size_t size, cmp_fn cmp, int depth)
{
	while (n > SHORT_RUN) {
		if (depth-- == 0) {
			heap_sort(base, n, size, cmp);
			return;
		}
		pick_pivot(base, n, size, cmp);
		/* Elements equal to the pivot stop both scans, which splits
		 * runs of duplicates evenly. */
		size_t i = 1, j = n - 1;
		for (;;) {
			while (i <= j && cmp(base + i * size, base) < 0)
				i++;
			while (i <= j && cmp(base + j * size, base) > 0)
				j--;
			if (i >= j)
				break;
			swap(base + i * size, base + j * size, size);
			i++;
			j--;
		}
		swap(base, base + j * size, size);
		/* Recurse into the smaller side, loop on the larger. */
		if (j < n - j - 1) {
			intro_sort(base, j, size, cmp, depth);
			base += (j + 1) * size;
			n -= j + 1;
		} else {
			intro_sort(base + (j + 1) * size, n - j - 1, size, cmp, depth);
			n = j;
		}
	}
	insertion_sort(base, n, size, cmp);
}

void qsort(void *base, size_t n, size_t size, cmp_fn cmp)
{
	int depth = 0;
	for (size_t k = n; k > 1; k >>= 1)
		depth += 2;
	if (n > 1 && size)
		intro_sort(base, n, size, cmp, depth);
}
