/* Misuse the allocator must catch with kn_panic (which aborts on the host).
 * Reaching the end of one of these scenarios is a failure. */
#include <stdio.h>
#include <stdlib.h>

#include "harness.h"
#include "scenarios.h"

static void not_caught(const char *what)
{
	FAIL("%s was not detected", what);
}

/* The second free of q comes after q was merged with its freed neighbour
 * p, so its header or metadata is stale: the hard case. */
void scenario_double_free(void)
{
	void *p, *q, *r;

	heap_setup(1 << 20, 1);
	p = kn_malloc(100);
	q = kn_malloc(100);
	r = kn_malloc(100);
	EXPECT(p && q && r);
	kn_free(p);
	kn_free(q);
	kn_free(q);
	not_caught("double free");
}

void scenario_bad_free(void)
{
	int on_stack;

	heap_setup(1 << 20, 1);
	EXPECT(kn_malloc(100) != NULL);
	kn_free(&on_stack);
	not_caught("freeing a stack address");
}

void scenario_bad_pfree(void)
{
	void *p;

	heap_setup(1 << 20, 1);
	p = kn_palloc(2);
	EXPECT(p != NULL);
	kn_pfree(p, 64);
	not_caught("kn_pfree with the wrong page count");
}
