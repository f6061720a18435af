/* In-kernel unit tests: registered with KN_TEST, run inside a booted image
 * by the ktest runner app, reported in lines the pytest suite reads:
 *   "ktest: PASS <suite>.<name>"
 *   "ktest: FAIL <suite>.<name>: <file>:<line>: <expression>"
 *   "ktest: <N> passed, <M> failed"
 * The image exits 0 when every test passed, 1 otherwise. */
#ifndef KN_KTEST_H
#define KN_KTEST_H

#include <kn/compiler.h>

struct kn_ktest {
	const char *suite;
	const char *name;
	void (*fn)(void);
};

#define KN_TEST(suite, name)                                                                       \
	static void __kn_test_##suite##_##name(void);                                              \
	static const struct kn_ktest __kn_ktest_##suite##_##name KN_USED KN_ALIGNED(8)             \
		KN_SECTION(".kn_tests") = {#suite, #name, __kn_test_##suite##_##name};             \
	static void __kn_test_##suite##_##name(void)

KN_API_BEGIN
/* Records a failed check in the running test (the test goes on). */
void kn_ktest_fail(const char *file, int line, const char *expr);
/* Runs every registered test; returns the number that failed. */
int kn_ktest_run_all(const char *filter);
KN_API_END

#define KN_EXPECT(cond)                                                                            \
	do {                                                                                       \
		if (!(cond))                                                                       \
			kn_ktest_fail(__FILE__, __LINE__, #cond);                                  \
	} while (0)

#define KN_ASSERT(cond)                                                                            \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			kn_ktest_fail(__FILE__, __LINE__, #cond);                                  \
			return;                                                                    \
		}                                                                                  \
	} while (0)

#endif
