/* Host tests of the futex queues (futex.c, futex_sys.c) on the real
 * cooperative scheduler with a fake clock (lib/sched/tests/host_shim.c).
 * Usage: futex_test SCENARIO [SEED]; exit 0 = pass. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <kn/errno.h>
#include <kn/futex.h>
#include <kn/posix_thread.h>
#include <kn/sched.h>
#include <kn/time.h>
#include "host_shim.h"

#define CHECK(c)                                                                                   \
	do {                                                                                       \
		if (!(c)) {                                                                        \
			printf("FAIL %s:%d: %s\n", __FILE__, __LINE__, #c);                        \
			exit(1);                                                                   \
		}                                                                                  \
	} while (0)

/* What futex_sys.c needs besides the scheduler. */
uint64_t kn_time_wall_ns(void)
{
	return fake_now + 1000 * KN_NSEC_PER_SEC;
}
int kn_user_access(const void *p, size_t len, int access)
{
	return (uintptr_t)p < 4096 || (uintptr_t)p + len < (uintptr_t)p ? -KN_EFAULT : 0;
}

static unsigned seed = 1;
static unsigned rnd(void)
{
	seed = seed * 1103515245u + 12345u;
	return (seed >> 8) & 0xffffff;
}

/* --- random waits, wakes, moves and timeouts: every wake a waker counts
 * is a waiter that returns 0, nobody times out early, nobody is lost */
#define WORDS 4
#define WAITERS 40
#define ROUNDS 30
static uint32_t words[WORDS];
static long woken_returned, timed_out, eagain, woken_counted;
static int waiters_done;

static void *waiter(void *arg)
{
	for (int i = 0; i < ROUNDS; i++) {
		uint32_t *w = &words[rnd() % WORDS];
		uint32_t bits = 1u << (rnd() % 3);
		uint64_t deadline = rnd() % 3 ? 0 : fake_now + 1 + rnd() % 5000;
		uint32_t val = rnd() % 8 ? *w : *w + 1;
		int rc = kn_futex_wait(w, val, deadline, bits);
		if (rc == 0)
			woken_returned++;
		else if (rc == -KN_ETIMEDOUT) {
			CHECK(deadline && fake_now >= deadline);
			timed_out++;
		} else {
			CHECK(rc == -KN_EAGAIN && val != *w);
			eagain++;
		}
	}
	waiters_done++;
	return 0;
}

static void *stress(void *unused)
{
	struct kn_thread *t[WAITERS];
	for (long i = 0; i < WAITERS; i++) {
		t[i] = kn_thread_create("waiter", waiter, 0, 16384);
		CHECK(t[i]);
	}
	while (waiters_done < WAITERS) {
		uint32_t *a = &words[rnd() % WORDS], *b = &words[rnd() % WORDS];
		switch (rnd() % 6) {
		case 0:
		case 1: woken_counted += kn_futex_wake(a, 1 + rnd() % 4, 1u << (rnd() % 3)); break;
		case 2: woken_counted += kn_futex_wake(a, rnd() % 3, KN_FUTEX_BITSET_ANY); break;
		case 3: /* moves only: every moved waiter is still waiting */
			kn_futex_requeue(a, 0, b, rnd() % 5);
			break;
		case 4: (*a)++; break;
		default:
			if (rnd() & 1)
				kn_yield();
			else
				kn_sleep_ns(rnd() % 2000);
		}
		if (rnd() % 50 == 0) /* now and then, nobody must stay behind */
			for (int i = 0; i < WORDS; i++)
				woken_counted +=
					kn_futex_wake(&words[i], 1 << 30, KN_FUTEX_BITSET_ANY);
		kn_yield();
	}
	for (int i = 0; i < WAITERS; i++)
		CHECK(kn_thread_join(t[i], 0) == 0);
	CHECK(woken_counted == woken_returned);
	CHECK(woken_returned + timed_out + eagain == (long)WAITERS * ROUNDS);
	CHECK(woken_returned > 0 && timed_out > 0 && eagain > 0);
	for (int i = 0; i < WORDS; i++)
		CHECK(kn_futex_wake(&words[i], 1 << 30, KN_FUTEX_BITSET_ANY) == 0);
	printf("woken %ld, timed out %ld, eagain %ld\n", woken_returned, timed_out, eagain);
	return 0;
}

/* --- FIFO order within an address, also across a requeue */
static int order[16], n_order;
struct arg {
	uint32_t *addr;
	int id;
};

static void *fifo_waiter(void *p)
{
	struct arg *a = p;
	CHECK(kn_futex_wait(a->addr, 0, 0, KN_FUTEX_BITSET_ANY) == 0);
	order[n_order++] = a->id;
	return 0;
}

static void *fifo(void *unused)
{
	static uint32_t x, y;
	struct arg args[8];
	struct kn_thread *t[8];
	for (int i = 0; i < 8; i++) {
		args[i] = (struct arg){i < 6 ? &x : &y, i};
		t[i] = kn_thread_create("fifo", fifo_waiter, &args[i], 16384);
	}
	kn_yield();
	/* y: 6, 7; moving x's first three behind them: 6 7 0 1 2; x: 3 4 5 */
	CHECK(kn_futex_requeue(&x, 0, &y, 3) == 3);
	CHECK(kn_futex_wake(&y, 10, KN_FUTEX_BITSET_ANY) == 5);
	CHECK(kn_futex_wake(&x, 10, KN_FUTEX_BITSET_ANY) == 3);
	for (int i = 0; i < 8; i++)
		CHECK(kn_thread_join(t[i], 0) == 0);
	static const int want[8] = {6, 7, 0, 1, 2, 3, 4, 5};
	CHECK(n_order == 8 && !memcmp(order, want, sizeof(want)));
	return 0;
}

/* --- the syscall: argument checks and the timeout clocks */
static void *syscall_checks(void *unused)
{
	static uint32_t w;
	struct {
		long s, ns;
	} rel = {0, 5000}, abs_real, bad = {0, -1};
	uint64_t t0 = fake_now;
	CHECK(kn_sys_futex(&w, 0, 0, &rel, 0, 0) == -KN_ETIMEDOUT);
	CHECK(fake_now >= t0 + 5000);
	/* realtime is monotonic + 1000 s here: 3 us after "now" on it */
	uint64_t when = kn_time_wall_ns() + 3000;
	abs_real.s = (long)(when / KN_NSEC_PER_SEC);
	abs_real.ns = (long)(when % KN_NSEC_PER_SEC);
	t0 = fake_now;
	CHECK(kn_sys_futex(&w, 9 | 256, 0, &abs_real, 0, ~0u) == -KN_ETIMEDOUT);
	CHECK(fake_now >= t0 + 3000 && fake_now < t0 + 1000 * KN_NSEC_PER_SEC);
	CHECK(kn_sys_futex(&w, 0, 0, &bad, 0, 0) == -KN_EINVAL);
	CHECK(kn_sys_futex((uint32_t *)((char *)&w + 1), 1, 1, 0, 0, 0) == -KN_EINVAL);
	CHECK(kn_sys_futex((uint32_t *)4, 1, 1, 0, 0, 0) == -KN_EFAULT);
	CHECK(kn_sys_futex(&w, 1, 1, 0, 0, 0) == 0);
	CHECK(kn_sys_futex(&w, 12, 1, 0, 0, 0) == -KN_ENOSYS);
	return 0;
}

static const struct {
	const char *name;
	kn_thread_fn fn;
} scenarios[] = {
	{"stress", stress},
	{"fifo", fifo},
	{"syscall", syscall_checks},
};

int main(int argc, char **argv)
{
	if (argc < 2)
		return 2;
	if (argc > 2)
		seed = (unsigned)strtoul(argv[2], 0, 0);
	for (unsigned i = 0; i < sizeof(scenarios) / sizeof(scenarios[0]); i++)
		if (!strcmp(argv[1], scenarios[i].name)) {
			kn_sched_run_main(scenarios[i].fn, 0, 0);
			printf("PASS %s\n", argv[1]);
			return 0;
		}
	printf("unknown scenario %s\n", argv[1]);
	return 2;
}
