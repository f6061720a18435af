/* A tiny check harness: every CHECK prints nothing when it holds and a
 * FAIL line naming the expression, the line and errno when it does not,
 * so the output of a passing run is the same on Linux and on Kiln. */
#ifndef POSIXTEST_CHECK_H
#define POSIXTEST_CHECK_H

#include <errno.h>
#include <stdio.h>
#include <string.h>

extern int checks_failed, checks_run;

#define CHECK(expr)                                                                                \
	do {                                                                                       \
		checks_run++;                                                                      \
		if (!(expr)) {                                                                     \
			checks_failed++;                                                           \
			printf("FAIL %s:%d: %s (errno %d %s)\n", __FILE__, __LINE__, #expr, errno, \
			       strerror(errno));                                                   \
		}                                                                                  \
	} while (0)

/* The call fails and sets errno to the expected value. */
#define CHECK_ERR(call, err)                                                                       \
	do {                                                                                       \
		errno = 0;                                                                         \
		long check_r_ = (long)(call);                                                      \
		CHECK(check_r_ == -1 && errno == (err));                                           \
	} while (0)

/* NULL, hidden from the compiler's nonnull checks. */
extern void *volatile nowhere;

void test_files(void);
void test_dirs(void);
void test_pipes(void);
void test_poll(void);
void test_threads(void);
void test_futex(void);
void test_mmap(void);
void test_efault(void);
void test_time(void);
void test_identity(void);
void test_signals(void);
void test_procfs(void);

#endif
