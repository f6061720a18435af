/* The checks the VFS family's host tests share: a failed one prints the
 * file, line and expression and counts in `failures`, which the including
 * test defines; the run goes on so one report lists every failure. */
#ifndef KN_VFS_TESTS_EXPECT_H
#define KN_VFS_TESTS_EXPECT_H

#include <stdio.h>

#define CHECK(c)                                                                                   \
	do {                                                                                       \
		if (!(c)) {                                                                        \
			printf("FAIL %s:%d: %s\n", __FILE__, __LINE__, #c);                        \
			failures++;                                                                \
		}                                                                                  \
	} while (0)
#define EQ(a, b)                                                                                   \
	do {                                                                                       \
		long _a = (long)(a), _b = (long)(b);                                               \
		if (_a != _b) {                                                                    \
			printf("FAIL %s:%d: %s == %ld, expected %ld\n", __FILE__, __LINE__, #a,    \
			       _a, _b);                                                            \
			failures++;                                                                \
		}                                                                                  \
	} while (0)

#endif
