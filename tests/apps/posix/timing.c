/* Clocks and sleeping. */
#include <sys/time.h>
#include <sys/times.h>
#include <time.h>
#include <unistd.h>

#include "check.h"

static long long ns(const struct timespec *t)
{
	return t->tv_sec * 1000000000LL + t->tv_nsec;
}

void test_time(void)
{
	struct timespec a, b, res;
	CHECK(clock_gettime(CLOCK_MONOTONIC, &a) == 0);
	struct timespec nap = {0, 15 * 1000 * 1000};
	CHECK(nanosleep(&nap, NULL) == 0);
	CHECK(clock_gettime(CLOCK_MONOTONIC, &b) == 0);
	CHECK(ns(&b) - ns(&a) >= 15 * 1000 * 1000);
	CHECK(clock_getres(CLOCK_MONOTONIC, &res) == 0 && ns(&res) > 0 && ns(&res) <= 10000000);

	struct timespec rt;
	CHECK(clock_gettime(CLOCK_REALTIME, &rt) == 0 && rt.tv_sec > 1600000000); /* after 2020 */
	struct timeval tv;
	CHECK(gettimeofday(&tv, NULL) == 0 && tv.tv_sec - rt.tv_sec < 5);
	CHECK(time(NULL) - rt.tv_sec < 5);

	CHECK(clock_gettime(CLOCK_MONOTONIC, &a) == 0);
	struct timespec until = a;
	until.tv_nsec += 10 * 1000 * 1000;
	if (until.tv_nsec >= 1000000000) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000;
	}
	CHECK(clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &until, NULL) == 0);
	CHECK(clock_gettime(CLOCK_MONOTONIC, &b) == 0 && ns(&b) >= ns(&until));

	struct tms t;
	CHECK(times(&t) != (clock_t)-1);
	CHECK(clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &a) == 0);
	CHECK(clock_gettime((clockid_t)12345, &a) == -1 && errno == EINVAL);
	struct timespec badnap = {0, 1000000000};
	CHECK_ERR(nanosleep(&badnap, NULL), EINVAL);
	CHECK(clock_nanosleep(CLOCK_MONOTONIC, 0, &badnap, NULL) == EINVAL);
}
