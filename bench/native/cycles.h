/* Cycle counting shared by the Kiln benchmark apps (freestanding,
 * kn_console_printf) and the static Linux programs (glibc, printf), so both
 * sides time the same
 * loop the same way. The includer defines BENCH_PRINT(fmt, ...) first.
 *
 * A batch runs its body ITERS times between two TSC reads; the program
 * prints every batch's total ticks as "bench: NAME ITERS T1 T2 ..." and the
 * Python side (bench/common.py) turns them into per-operation medians. The
 * empty loop is measured the same way (name "loop") so its overhead is
 * reported separately instead of hidden in the figures. */
#ifndef BENCH_CYCLES_H
#define BENCH_CYCLES_H

#include <stdint.h>

#ifndef BENCH_PRINT
#error "define BENCH_PRINT(fmt, ...) before including cycles.h"
#endif

#define BENCH_MAX_BATCHES 64

/* lfence keeps earlier instructions from drifting past the read. */
static inline uint64_t bench_tsc(void)
{
	uint32_t lo, hi;
	__asm__ volatile("lfence\n\trdtsc" : "=a"(lo), "=d"(hi) : : "memory");
	return ((uint64_t)hi << 32) | lo;
}

/* Keeps a result alive without storing it anywhere. */
#define BENCH_USE(x) __asm__ volatile("" : : "r"(x))

/* ticks = TSC ticks for ITERS runs of BODY. The empty asm keeps even an
 * empty body's loop from being folded away. */
#define BENCH_BATCH(ticks, iters, body)                                                            \
	do {                                                                                       \
		uint64_t bench_t0_ = bench_tsc();                                                  \
		for (long bench_i_ = 0; bench_i_ < (iters); bench_i_++) {                          \
			body;                                                                      \
			__asm__ volatile("");                                                      \
		}                                                                                  \
		(ticks) = bench_tsc() - bench_t0_;                                                 \
	} while (0)

/* The `syscall` instruction itself: Linux's entry on the host and in the
 * Linux guest, Kiln's MSR_LSTAR trap entry on kvm. */
static inline long bench_raw_syscall3(long nr, long a1, long a2, long a3)
{
	long ret;
	__asm__ volatile("syscall"
			 : "=a"(ret)
			 : "a"(nr), "D"(a1), "S"(a2), "d"(a3)
			 : "rcx", "r11", "memory");
	return ret;
}

static inline void bench_report(const char *name, long iters, const uint64_t *ticks, int n)
{
	BENCH_PRINT("bench: %s %ld", name, iters);
	for (int i = 0; i < n; i++)
		BENCH_PRINT(" %lu", (unsigned long)ticks[i]);
	BENCH_PRINT("\n");
}

/* A decimal argument, or fallback when absent or not a positive number. */
static inline long bench_arg(int argc, char **argv, int i, long fallback)
{
	if (i >= argc)
		return fallback;
	long v = 0;
	for (const char *p = argv[i]; *p; p++) {
		if (*p < '0' || *p > '9')
			return fallback;
		v = v * 10 + (*p - '0');
	}
	return v > 0 ? v : fallback;
}

#endif
