/* alloc_test <scenario> [seed]: runs one scenario against the allocator it
 * was linked with; exits 0 on success, 1 on a failed check (the message
 * names the seed), and aborts through kn_panic on detected misuse. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "scenarios.h"

static const struct {
	const char *name;
	void (*run)(void);
} scenarios[] = {
	{"stress", scenario_stress},       {"oom", scenario_oom},
	{"huge", scenario_huge},           {"calloc", scenario_calloc},
	{"zero", scenario_zero},           {"regions", scenario_regions},
	{"bigregion", scenario_bigregion}, {"double-free", scenario_double_free},
	{"bad-free", scenario_bad_free},   {"bad-pfree", scenario_bad_pfree},
};

int main(int argc, char **argv)
{
	if (argc < 2 || argc > 3) {
		fprintf(stderr, "usage: %s <scenario> [seed]\n", argv[0]);
		return 2;
	}
	rng_seed(argc == 3 ? strtoull(argv[2], NULL, 0) : 1);
	setvbuf(stdout, NULL, _IONBF, 0);
	for (size_t i = 0; i < sizeof(scenarios) / sizeof(scenarios[0]); i++) {
		if (strcmp(argv[1], scenarios[i].name))
			continue;
		printf("impl=%s scenario=%s seed=%llu\n", kn_alloc_impl_name, argv[1],
		       (unsigned long long)test_seed);
		scenarios[i].run();
		printf("ok\n");
		return 0;
	}
	fprintf(stderr, "unknown scenario %s\n", argv[1]);
	return 2;
}
