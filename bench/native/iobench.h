/* What the I/O benchmarks' programs (blkbench.c, ninepbench.c) share: a
 * monotonic clock, one line per figure in the form bench/timing.py's
 * io_figures reads, and failing loudly. Define IOBENCH before including
 * it: the program's name, the lines' prefix. */
#ifndef IOBENCH_H
#define IOBENCH_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void say(const char *name, uint64_t bytes, unsigned ops, double seconds)
{
	printf(IOBENCH ": %s bytes=%llu ops=%u seconds=%.6f\n", name, (unsigned long long)bytes,
	       ops, seconds);
	fflush(stdout);
}

static void fail(const char *what)
{
	perror(what);
	exit(1);
}

#endif
