/* Host unit tests of sched-coop: each scenario runs as main's thread
 * under kn_sched_run_main, exactly as in an image, with a fake clock.
 * Usage: sched_test SCENARIO [SEED]; exit 0 = pass. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <kn/errno.h>
#include <kn/sched.h>
#include "host_shim.h"

#define CHECK(c)                                                                                   \
	do {                                                                                       \
		if (!(c)) {                                                                        \
			printf("FAIL %s:%d: %s\n", __FILE__, __LINE__, #c);                        \
			exit(1);                                                                   \
		}                                                                                  \
	} while (0)

static unsigned seed = 1;
static unsigned rnd(void)
{
	seed = seed * 1103515245u + 12345u;
	return (seed >> 8) & 0xffffff;
}

/* --- many sleepers: wake order follows deadlines, ties keep FIFO order */
#define N_SLEEPERS 300
static uint64_t deadline_of[N_SLEEPERS];
static int order[N_SLEEPERS], n_order;

static void *sleeper(void *arg)
{
	int id = (int)(long)arg;
	kn_sleep_until(deadline_of[id]);
	CHECK(fake_now >= deadline_of[id]);
	order[n_order++] = id;
	return (void *)(long)(id * 3);
}

static void *sleep_order(void *unused)
{
	struct kn_thread *t[N_SLEEPERS];
	for (int i = 0; i < N_SLEEPERS; i++) {
		deadline_of[i] = 1000 + (rnd() % 50) * 1000; /* many ties */
		t[i] = kn_thread_create("s", sleeper, (void *)(long)i, 16384);
		CHECK(t[i]);
	}
	for (int i = 0; i < N_SLEEPERS; i++) {
		void *ret;
		CHECK(kn_thread_join(t[i], &ret) == 0);
		CHECK(ret == (void *)(long)(i * 3));
	}
	CHECK(n_order == N_SLEEPERS);
	for (int i = 1; i < N_SLEEPERS; i++) {
		int a = order[i - 1], b = order[i];
		CHECK(deadline_of[a] <= deadline_of[b]);
		if (deadline_of[a] == deadline_of[b])
			CHECK(a < b);
	}
	return 0;
}

/* --- yield is round robin */
static int trace[64], n_trace;
static void *yielder(void *arg)
{
	for (int i = 0; i < 4; i++) {
		trace[n_trace++] = (int)(long)arg;
		kn_yield();
	}
	return 0;
}

static void *round_robin(void *unused)
{
	struct kn_thread *t[3];
	for (long i = 0; i < 3; i++)
		t[i] = kn_thread_create("y", yielder, (void *)i, 0);
	for (int i = 0; i < 3; i++)
		CHECK(kn_thread_join(t[i], 0) == 0);
	CHECK(n_trace == 12);
	for (int i = 0; i < 12; i++)
		CHECK(trace[i] == i % 3);
	return 0;
}

/* --- wait queues: FIFO wake-ups, timeouts, wake after timeout */
static struct kn_waitq q = KN_WAITQ_INIT;
static int results[8];
static void *waiter(void *arg)
{
	int id = (int)(long)arg;
	uint64_t deadline = id == 2 ? fake_now + 500 : 0;
	results[id] = kn_waitq_wait(&q, deadline) == 0 ? 100 + n_trace++ : -1;
	return 0;
}

static void *waitqueues(void *unused)
{
	n_trace = 0;
	struct kn_thread *t[4];
	for (long i = 0; i < 4; i++)
		t[i] = kn_thread_create("w", waiter, (void *)i, 0);
	kn_yield();        /* all four wait now */
	kn_sleep_ns(1000); /* waiter 2 times out meanwhile */
	CHECK(results[2] == -1);
	CHECK(kn_waitq_wake(&q, 2) == 2); /* 0 and 1, in that order */
	kn_yield();
	CHECK(results[0] == 100 && results[1] == 101);
	CHECK(kn_waitq_wake(&q, 10) == 1);
	CHECK(kn_waitq_wake(&q, 10) == 0);
	for (int i = 0; i < 4; i++)
		CHECK(kn_thread_join(t[i], 0) == 0);
	CHECK(results[3] == 102);
	CHECK(q.head == 0 && q.tail == 0);
	return 0;
}

/* --- join rules */
static void *returns_arg(void *arg)
{
	return arg;
}

static void *join_rules(void *unused)
{
	CHECK(kn_thread_join(kn_thread_self(), 0) == -KN_EINVAL);
	CHECK(kn_thread_join(0, 0) == -KN_EINVAL);
	struct kn_thread *t = kn_thread_create("r", returns_arg, (void *)5, 0);
	struct kn_thread *d = kn_thread_create("d", returns_arg, 0, 0);
	kn_thread_detach(d);
	CHECK(kn_thread_join(d, 0) == -KN_EINVAL);
	void *r = 0;
	CHECK(kn_thread_join(t, &r) == 0 && r == (void *)5);
	return 0;
}

/* --- detached churn leaks nothing */
static void *spawner(void *arg)
{
	int depth = (int)(long)arg;
	if (depth > 0) {
		struct kn_thread *c =
			kn_thread_create("c", spawner, (void *)(long)(depth - 1), 8192);
		CHECK(c);
		kn_thread_detach(c);
	}
	if (rnd() & 1)
		kn_yield();
	return 0;
}

static void *no_leaks(void *unused)
{
	long before = pages_live, guards = guards_live;
	for (int i = 0; i < 500; i++) {
		struct kn_thread *t =
			kn_thread_create("p", spawner, (void *)(long)(rnd() % 4), 8192);
		CHECK(t);
		if (i % 3)
			kn_thread_detach(t);
		else
			CHECK(kn_thread_join(t, 0) == 0);
		if (rnd() % 4 == 0)
			kn_sleep_ns(10);
	}
	for (int i = 0; i < 50; i++)
		kn_yield();
	kn_sleep_ns(100);
	/* At most one detached thread's stack (2 pages and its guard) is still
	 * waiting to be reaped. */
	CHECK(pages_live - before <= 3);
	CHECK(guards_live - guards <= 1);
	return 0;
}

/* --- returning from main ends the program even with threads left */
static void *forever(void *arg)
{
	for (int i = 0; i < 1000000; i++)
		kn_sleep_ns(1000000);
	CHECK(!"main's return should have ended the program");
	return 0;
}

static void *main_returns_early(void *unused)
{
	kn_thread_create("forever", forever, 0, 0);
	kn_yield();
	return (void *)42;
}

/* --- a deadlock panics instead of hanging */
static struct kn_waitq nobody = KN_WAITQ_INIT;
static void *deadlock(void *unused)
{
	kn_waitq_wait(&nobody, 0);
	return 0;
}

/* --- each thread keeps its own thread pointer across switches; ids */
static void *tls_user(void *arg)
{
	uintptr_t mine = 0x1000 * (uintptr_t)arg;
	CHECK(kn_thread_tls(0) == 0 && fake_tls == 0);
	kn_thread_set_tls(0, mine);
	for (int i = 0; i < 5; i++) {
		CHECK(fake_tls == mine && kn_thread_tls(0) == mine);
		if (rnd() & 1)
			kn_yield();
		else
			kn_sleep_ns(rnd() % 100);
	}
	return (void *)(long)kn_thread_id(0);
}

static void *tls_and_ids(void *unused)
{
	enum { N = 8 };
	struct kn_thread *t[N];
	static char stacks[2][16384] __attribute__((aligned(16)));
	CHECK(kn_thread_id(0) == KN_MAIN_THREAD_ID);
	CHECK(kn_thread_id(kn_thread_self()) == KN_MAIN_THREAD_ID);
	long pages = pages_live, guards = guards_live;
	for (long i = 0; i < N; i++) {
		t[i] = i < 2 ? kn_thread_create_on_stack("own", tls_user, (void *)(i + 1),
							 stacks[i] + sizeof(stacks[i]))
			     : kn_thread_create("tls", tls_user, (void *)(i + 1), 8192);
		CHECK(t[i] && kn_thread_id(t[i]) > KN_MAIN_THREAD_ID);
		for (int j = 0; j < i; j++)
			CHECK(kn_thread_id(t[j]) != kn_thread_id(t[i]));
	}
	/* 2 pages and a guard page each; own stacks cost no pages */
	CHECK(pages_live - pages == (N - 2) * 3);
	CHECK(guards_live - guards == N - 2);
	kn_thread_set_tls(t[3], 0xabc000); /* another thread's: no load now */
	CHECK(fake_tls == 0);
	kn_thread_set_tls(t[3], 0);
	kn_thread_set_ext(0, (void *)7);
	CHECK(kn_thread_ext(0) == (void *)7 && kn_thread_ext(t[0]) == 0);
	for (int i = 0; i < N; i++) {
		int id = kn_thread_id(t[i]);
		void *ret;
		CHECK(kn_thread_join(t[i], &ret) == 0 && ret == (void *)(long)id);
		CHECK(fake_tls == 0); /* main never set one */
	}
	CHECK(pages_live == pages);
	CHECK(guards_live == guards);
	return 0;
}

/* --- kn_thread_exit_then: release runs once, off the ended stack */
static char release_stacks[3][16384] __attribute__((aligned(16)));
static int released[3];

static void release(void *p, size_t n)
{
	char *stack = p;
	char *here = __builtin_frame_address(0);
	CHECK(n == sizeof(release_stacks[0]));
	CHECK(here < stack || here >= stack + n); /* not standing on it */
	released[(stack - release_stacks[0]) / sizeof(release_stacks[0])]++;
	memset(stack, 0xdd, n); /* as an unmap would: any later use shows */
}

static void *exits_then_releases(void *arg)
{
	long i = (long)arg;
	kn_yield();
	kn_thread_exit_then((void *)(i + 10), release, release_stacks[i],
			    sizeof(release_stacks[i]));
}

static void *exit_then(void *unused)
{
	struct kn_thread *t[3];
	for (long i = 0; i < 3; i++) {
		t[i] = kn_thread_create_on_stack("rel", exits_then_releases, (void *)i,
						 release_stacks[i] + sizeof(release_stacks[i]));
		CHECK(t[i]);
	}
	kn_thread_detach(t[0]);
	kn_thread_detach(t[1]);
	void *ret;
	CHECK(kn_thread_join(t[2], &ret) == 0 && ret == (void *)12);
	for (int i = 0; i < 10; i++)
		kn_yield();
	CHECK(released[0] == 1 && released[1] == 1 && released[2] == 1);
	return 0;
}

/* --- one thread on several queues: the wake of any ends the wait once */
static struct kn_waitq qs[3] = {KN_WAITQ_INIT, KN_WAITQ_INIT, KN_WAITQ_INIT};
static int multi_result = -2, multi_rounds;

static void *multi_waiter(void *arg)
{
	struct kn_wait_entry e[3];
	kn_wait_prepare();
	for (int i = 0; i < 3; i++)
		kn_waitq_add(&qs[i], &e[i]);
	multi_result = kn_wait_block(0);
	multi_rounds++;
	/* Still registered: a second round waits on the same entries. */
	kn_wait_prepare();
	int r = kn_wait_block(fake_now + 100);
	for (int i = 0; i < 3; i++)
		kn_waitq_del(&e[i]);
	return (void *)(long)r;
}

static void *multi_queue(void *unused)
{
	struct kn_thread *t = kn_thread_create("m", multi_waiter, 0, 0);
	kn_yield(); /* it waits on all three */
	CHECK(multi_result == -2);
	CHECK(kn_waitq_wake(&qs[1], 1) == 1);
	/* Already woken: the other queues' wakes skip it and count nothing. */
	CHECK(kn_waitq_wake(&qs[0], 5) == 0 && kn_waitq_wake(&qs[2], 5) == 0);
	kn_yield();
	CHECK(multi_result == 0 && multi_rounds == 1);
	CHECK(kn_waitq_wake(&qs[2], 1) == 1); /* second round: woken by another */
	void *r;
	CHECK(kn_thread_join(t, &r) == 0 && r == 0);
	for (int i = 0; i < 3; i++)
		CHECK(qs[i].head == 0 && qs[i].tail == 0);
	/* A wake between prepare and block: the block returns at once. */
	struct kn_wait_entry e;
	kn_wait_prepare();
	kn_waitq_add(&qs[0], &e);
	CHECK(kn_waitq_wake(&qs[0], 1) == 1);
	CHECK(kn_wait_block(0) == 0);
	/* A wake after the wait ended (not prepared) does not count. */
	CHECK(kn_waitq_wake(&qs[0], 1) == 0);
	kn_waitq_del(&e);
	kn_waitq_del(&e); /* twice is harmless */
	CHECK(qs[0].head == 0);
	/* Timed out: no longer waiting, later wakes skip it. */
	kn_wait_prepare();
	kn_waitq_add(&qs[0], &e);
	CHECK(kn_wait_block(fake_now + 50) == -KN_ETIMEDOUT);
	CHECK(kn_waitq_wake(&qs[0], 1) == 0);
	kn_waitq_del(&e);
	return 0;
}

/* --- many threads on one queue, some also on a second one */
#define N_MANY 40
static struct kn_waitq one = KN_WAITQ_INIT, other = KN_WAITQ_INIT;
static int many_woken;

static void *many_waiter(void *arg)
{
	struct kn_wait_entry a, b;
	kn_wait_prepare();
	kn_waitq_add(&one, &a);
	if ((long)arg & 1)
		kn_waitq_add(&other, &b);
	if (kn_wait_block(0) == 0)
		many_woken++;
	kn_waitq_del(&a);
	if ((long)arg & 1)
		kn_waitq_del(&b);
	return 0;
}

static void *many_on_one(void *unused)
{
	struct kn_thread *t[N_MANY];
	for (long i = 0; i < N_MANY; i++)
		t[i] = kn_thread_create("many", many_waiter, (void *)i, 16384);
	kn_yield();
	CHECK(kn_waitq_wake(&other, 1000) == N_MANY / 2); /* the odd ones */
	CHECK(kn_waitq_wake(&one, 1000) == N_MANY / 2);   /* the rest */
	CHECK(kn_waitq_wake(&one, 1000) == 0);
	for (int i = 0; i < N_MANY; i++)
		CHECK(kn_thread_join(t[i], 0) == 0);
	CHECK(many_woken == N_MANY);
	CHECK(one.head == 0 && other.head == 0);
	return 0;
}

/* --- waiting for an interrupt is no deadlock: the CPU idles until one */
static struct kn_waitq irq_q = KN_WAITQ_INIT_IRQ;

static void fake_interrupt(void)
{
	kn_waitq_wake(&irq_q, 1);
}

static void *irq_waiter(void *unused)
{
	return (void *)(long)kn_waitq_wait(&irq_q, 0);
}

static void *irq_wait(void *unused)
{
	struct kn_thread *t = kn_thread_create("irq", irq_waiter, 0, 0);
	uint64_t idles = kn_sched_idle_count();
	idle_hook = fake_interrupt;
	void *r;
	CHECK(kn_thread_join(t, &r) == 0 && r == 0);
	CHECK(kn_sched_idle_count() - idles == 1); /* one idle, no spinning */
	CHECK(irq_q.head == 0);
	idle_hook = 0;
	/* A thread that never lets the CPU idle does not hold input up:
	 * events are polled at each switch. */
	t = kn_thread_create("irq", irq_waiter, 0, 0);
	kn_yield(); /* it waits now */
	irq_poll_hook = fake_interrupt;
	int spins = 0;
	while (irq_q.head && spins < 100) {
		kn_yield();
		spins++;
	}
	irq_poll_hook = 0;
	CHECK(spins < 100);
	CHECK(kn_thread_join(t, &r) == 0 && r == 0);
	CHECK(kn_sched_idle_count() - idles == 1);
	return 0;
}

static const struct {
	const char *name;
	kn_thread_fn fn;
	void *expect;
} scenarios[] = {
	{"sleep_order", sleep_order, 0}, {"round_robin", round_robin, 0},
	{"waitqueues", waitqueues, 0},   {"join_rules", join_rules, 0},
	{"no_leaks", no_leaks, 0},       {"main_returns_early", main_returns_early, (void *)42},
	{"deadlock", deadlock, 0},       {"tls_and_ids", tls_and_ids, 0},
	{"exit_then", exit_then, 0},     {"multi_queue", multi_queue, 0},
	{"many_on_one", many_on_one, 0}, {"irq_wait", irq_wait, 0},
};

int main(int argc, char **argv)
{
	if (argc < 2)
		return 2;
	if (argc > 2)
		seed = (unsigned)strtoul(argv[2], 0, 0);
	for (unsigned i = 0; i < sizeof(scenarios) / sizeof(scenarios[0]); i++)
		if (!strcmp(argv[1], scenarios[i].name)) {
			void *ret = kn_sched_run_main(scenarios[i].fn, 0, 0);
			CHECK(ret == scenarios[i].expect);
			printf("PASS %s\n", argv[1]);
			return 0;
		}
	printf("unknown scenario %s\n", argv[1]);
	return 2;
}
