/* The test scenarios; main.c runs one per invocation (the allocator's state
 * is global, and the misuse scenarios must die with kn_panic). */
#ifndef ALLOC_TEST_SCENARIOS_H
#define ALLOC_TEST_SCENARIOS_H

void scenario_stress(void);
void scenario_oom(void);
void scenario_huge(void);
void scenario_calloc(void);
void scenario_zero(void);
void scenario_regions(void);
void scenario_bigregion(void);
void scenario_double_free(void);
void scenario_bad_free(void);
void scenario_bad_pfree(void);

#endif
