/* In-kernel tests of the cooperative scheduler (run by the ktest app). */
#include <kn/errno.h>
#include <kn/ktest.h>
#include <kn/sched.h>
#include <kn/time.h>

static int trace[16], traced;

static void *yielder(void *arg)
{
	for (int i = 0; i < 3; i++) {
		trace[traced++] = (int)(long)arg;
		kn_yield();
	}
	return arg;
}

KN_TEST(sched, yield_round_robin)
{
	traced = 0;
	struct kn_thread *a = kn_thread_create("a", yielder, (void *)1, 0);
	struct kn_thread *b = kn_thread_create("b", yielder, (void *)2, 0);
	KN_ASSERT(a && b);
	void *ra, *rb;
	KN_EXPECT(kn_thread_join(a, &ra) == 0 && ra == (void *)1);
	KN_EXPECT(kn_thread_join(b, &rb) == 0 && rb == (void *)2);
	KN_ASSERT(traced == 6);
	for (int i = 0; i < 6; i++)
		KN_EXPECT(trace[i] == 1 + (i & 1));
}

static void *sleeper(void *arg)
{
	kn_sleep_ns((uint64_t)(long)arg * KN_NSEC_PER_MSEC);
	trace[traced++] = (int)(long)arg;
	return NULL;
}

KN_TEST(sched, sleepers_wake_in_deadline_order)
{
	traced = 0;
	static const int ms[] = {30, 10, 20};
	struct kn_thread *t[3];
	uint64_t start = kn_time_monotonic_ns();
	for (int i = 0; i < 3; i++)
		t[i] = kn_thread_create("sleeper", sleeper, (void *)(long)ms[i], 0);
	for (int i = 0; i < 3; i++)
		KN_EXPECT(kn_thread_join(t[i], 0) == 0);
	KN_EXPECT(kn_time_monotonic_ns() - start >= 30 * KN_NSEC_PER_MSEC);
	KN_EXPECT(traced == 3 && trace[0] == 10 && trace[1] == 20 && trace[2] == 30);
}

static struct kn_waitq queue = KN_WAITQ_INIT;
static int woken_ok;

static void *waiter(void *arg)
{
	if (kn_waitq_wait(&queue, 0) == 0)
		woken_ok++;
	return NULL;
}

KN_TEST(sched, waitq_wake_and_timeout)
{
	woken_ok = 0;
	struct kn_thread *a = kn_thread_create("w1", waiter, 0, 0);
	struct kn_thread *b = kn_thread_create("w2", waiter, 0, 0);
	kn_yield(); /* both block on the queue */
	KN_EXPECT(kn_waitq_wake(&queue, 1) == 1);
	KN_EXPECT(kn_waitq_wake(&queue, 5) == 1);
	KN_EXPECT(kn_waitq_wake(&queue, 5) == 0);
	kn_thread_join(a, 0);
	kn_thread_join(b, 0);
	KN_EXPECT(woken_ok == 2);
	uint64_t start = kn_time_monotonic_ns();
	KN_EXPECT(kn_waitq_wait(&queue, start + 5 * KN_NSEC_PER_MSEC) == -KN_ETIMEDOUT);
	KN_EXPECT(kn_time_monotonic_ns() - start >= 5 * KN_NSEC_PER_MSEC);
	KN_EXPECT(queue.head == 0 && queue.tail == 0);
}

static void *quick(void *arg)
{
	return arg;
}

KN_TEST(sched, join_rules_and_detach)
{
	struct kn_thread *t = kn_thread_create("quick", quick, (void *)7, 0);
	KN_EXPECT(kn_thread_join(kn_thread_self(), 0) == -KN_EINVAL);
	void *r;
	KN_EXPECT(kn_thread_join(t, &r) == 0 && r == (void *)7);
	/* Detached threads free themselves; many of them must not leak. */
	for (int i = 0; i < 200; i++) {
		struct kn_thread *d = kn_thread_create("detached", quick, 0, 16384);
		KN_ASSERT(d);
		kn_thread_detach(d);
		kn_yield();
	}
}
