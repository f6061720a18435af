/* Checks that print a FAIL line naming the expression and errno. */
#ifndef SOCKETS_CHECK_H
#define SOCKETS_CHECK_H

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

#define CHECK_ERR(call, err)                                                                       \
	do {                                                                                       \
		errno = 0;                                                                         \
		long check_r_ = (long)(call);                                                      \
		CHECK(check_r_ == -1 && errno == (err));                                           \
	} while (0)

int run_checks(void);
int run_server(int port, int use_epoll);
int run_client(int port);

#endif
