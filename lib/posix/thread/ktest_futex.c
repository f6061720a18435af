/* In-kernel tests of the futex syscall between scheduler threads. */
#include <kn/errno.h>
#include <kn/ktest.h>
#include <kn/posix_thread.h>
#include <kn/sched.h>
#include <kn/time.h>

#define FUTEX_WAIT 0
#define FUTEX_WAKE 1
#define FUTEX_REQUEUE 3
#define FUTEX_CMP_REQUEUE 4
#define FUTEX_WAKE_OP 5
#define FUTEX_LOCK_PI 6
#define FUTEX_WAIT_BITSET 9
#define FUTEX_WAKE_BITSET 10
#define FUTEX_PRIVATE_FLAG 128
#define FUTEX_CLOCK_REALTIME 256

struct ts {
	long tv_sec, tv_nsec;
};

static uint32_t word_a, word_b;
static int order[8], n_order;

struct waiter_arg {
	uint32_t *addr;
	int op;
	uint32_t bitset;
	int id;
	long rc;
};

static void *futex_waiter(void *p)
{
	struct waiter_arg *w = p;
	w->rc = kn_sys_futex(w->addr, w->op, 0, 0, 0, w->bitset);
	order[n_order++] = w->id;
	return NULL;
}

static struct kn_thread *start_waiter(struct waiter_arg *w, uint32_t *addr, int op, uint32_t bitset,
				      int id)
{
	*w = (struct waiter_arg){addr, op, bitset, id, 99};
	return kn_thread_create("futex", futex_waiter, w, 0);
}

KN_TEST(posix_thread, futex_wait_and_wake_in_order)
{
	struct waiter_arg w[3];
	struct kn_thread *t[3];
	word_a = 0;
	n_order = 0;
	for (int i = 0; i < 3; i++)
		t[i] = start_waiter(&w[i], &word_a, FUTEX_WAIT | FUTEX_PRIVATE_FLAG, 0, i);
	kn_yield(); /* all three wait now */
	KN_EXPECT(n_order == 0);
	KN_EXPECT(kn_sys_futex(&word_b, FUTEX_WAKE, 10, 0, 0, 0) == 0);
	KN_EXPECT(kn_sys_futex(&word_a, FUTEX_WAKE | FUTEX_PRIVATE_FLAG, 2, 0, 0, 0) == 2);
	kn_yield();
	KN_EXPECT(n_order == 2 && order[0] == 0 && order[1] == 1);
	KN_EXPECT(kn_sys_futex(&word_a, FUTEX_WAKE, 10, 0, 0, 0) == 1);
	for (int i = 0; i < 3; i++) {
		KN_ASSERT(t[i]);
		KN_EXPECT(kn_thread_join(t[i], 0) == 0);
		KN_EXPECT(w[i].rc == 0);
	}
	KN_EXPECT(n_order == 3 && order[2] == 2);
	KN_EXPECT(kn_sys_futex(&word_a, FUTEX_WAKE, 10, 0, 0, 0) == 0);
}

KN_TEST(posix_thread, futex_wait_value_mismatch_is_eagain)
{
	word_a = 3;
	KN_EXPECT(kn_sys_futex(&word_a, FUTEX_WAIT, 4, 0, 0, 0) == -KN_EAGAIN);
	KN_EXPECT(kn_sys_futex(&word_a, FUTEX_WAIT_BITSET, 4, 0, 0, 1) == -KN_EAGAIN);
	word_a = 0;
}

KN_TEST(posix_thread, futex_timeouts)
{
	word_a = 0;
	struct ts rel = {0, 20 * 1000 * 1000};
	uint64_t t0 = kn_time_monotonic_ns();
	KN_EXPECT(kn_sys_futex(&word_a, FUTEX_WAIT, 0, &rel, 0, 0) == -KN_ETIMEDOUT);
	uint64_t t1 = kn_time_monotonic_ns();
	KN_EXPECT(t1 - t0 >= 20 * KN_NSEC_PER_MSEC);

	/* WAIT_BITSET takes an absolute time: monotonic, or realtime. */
	uint64_t at = t1 + 15 * KN_NSEC_PER_MSEC;
	struct ts abs = {(long)(at / KN_NSEC_PER_SEC), (long)(at % KN_NSEC_PER_SEC)};
	KN_EXPECT(kn_sys_futex(&word_a, FUTEX_WAIT_BITSET, 0, &abs, 0, ~0u) == -KN_ETIMEDOUT);
	KN_EXPECT(kn_time_monotonic_ns() >= at);
	uint64_t wall = kn_time_wall_ns() + 15 * KN_NSEC_PER_MSEC;
	struct ts real = {(long)(wall / KN_NSEC_PER_SEC), (long)(wall % KN_NSEC_PER_SEC)};
	KN_EXPECT(kn_sys_futex(&word_a, FUTEX_WAIT_BITSET | FUTEX_CLOCK_REALTIME, 0, &real, 0,
			       ~0u) == -KN_ETIMEDOUT);
	KN_EXPECT(kn_time_wall_ns() >= wall);
	/* Deadlines in the past time out at once; a zero relative one too. */
	struct ts past = {1, 0}, zero = {0, 0};
	KN_EXPECT(kn_sys_futex(&word_a, FUTEX_WAIT_BITSET, 0, &past, 0, ~0u) == -KN_ETIMEDOUT);
	KN_EXPECT(kn_sys_futex(&word_a, FUTEX_WAIT_BITSET | FUTEX_CLOCK_REALTIME, 0, &past, 0,
			       ~0u) == -KN_ETIMEDOUT);
	KN_EXPECT(kn_sys_futex(&word_a, FUTEX_WAIT, 0, &zero, 0, 0) == -KN_ETIMEDOUT);
	/* A value mismatch wins over an expired timeout. */
	KN_EXPECT(kn_sys_futex(&word_a, FUTEX_WAIT, 1, &zero, 0, 0) == -KN_EAGAIN);
}

static void *timed_waiter(void *p)
{
	struct ts rel = {0, 5 * 1000 * 1000};
	*(long *)p = kn_sys_futex(&word_b, FUTEX_WAIT, 0, &rel, 0, 0);
	return NULL;
}

/* A wake that finds a waiter whose deadline passed but who has not run
 * since: the wake counts, and the waiter reports being woken. */
KN_TEST(posix_thread, futex_wake_after_deadline_still_counts)
{
	long rc = 99;
	word_b = 0;
	struct kn_thread *t = kn_thread_create("late", timed_waiter, &rc, 0);
	KN_ASSERT(t);
	kn_yield();
	uint64_t until = kn_time_monotonic_ns() + 10 * KN_NSEC_PER_MSEC;
	while (kn_time_monotonic_ns() < until)
		; /* no switch: the waiter cannot run */
	KN_EXPECT(kn_sys_futex(&word_b, FUTEX_WAKE, 1, 0, 0, 0) == 1);
	KN_EXPECT(kn_thread_join(t, 0) == 0);
	KN_EXPECT(rc == 0);
}

KN_TEST(posix_thread, futex_bitsets)
{
	struct waiter_arg w[2];
	struct kn_thread *t[2];
	word_a = 0;
	n_order = 0;
	t[0] = start_waiter(&w[0], &word_a, FUTEX_WAIT_BITSET, 0x1, 0);
	t[1] = start_waiter(&w[1], &word_a, FUTEX_WAIT_BITSET, 0x6, 1);
	kn_yield();
	KN_EXPECT(kn_sys_futex(&word_a, FUTEX_WAKE_BITSET, 10, 0, 0, 0x8) == 0);
	KN_EXPECT(kn_sys_futex(&word_a, FUTEX_WAKE_BITSET, 10, 0, 0, 0x4) == 1);
	kn_yield();
	KN_EXPECT(n_order == 1 && order[0] == 1);
	/* Plain FUTEX_WAKE matches every bitset. */
	KN_EXPECT(kn_sys_futex(&word_a, FUTEX_WAKE, 10, 0, 0, 0) == 1);
	for (int i = 0; i < 2; i++) {
		KN_ASSERT(t[i]);
		KN_EXPECT(kn_thread_join(t[i], 0) == 0 && w[i].rc == 0);
	}
}

KN_TEST(posix_thread, futex_requeue)
{
	struct waiter_arg w[5];
	struct kn_thread *t[5];
	word_a = word_b = 0;
	n_order = 0;
	for (int i = 0; i < 5; i++)
		t[i] = start_waiter(&w[i], &word_a, FUTEX_WAIT, 0, i);
	kn_yield();
	/* Wake one, move two to word_b: three counted. */
	KN_EXPECT(kn_sys_futex(&word_a, FUTEX_REQUEUE, 1, (void *)2, &word_b, 0) == 3);
	KN_EXPECT(kn_sys_futex(&word_a, FUTEX_CMP_REQUEUE, 0, (void *)5, &word_b, 1) == -KN_EAGAIN);
	/* Nobody woken, one moved (waiter 3), if word_a still holds 0. */
	KN_EXPECT(kn_sys_futex(&word_a, FUTEX_CMP_REQUEUE | FUTEX_PRIVATE_FLAG, 0, (void *)1,
			       &word_b, 0) == 1);
	kn_yield();
	KN_EXPECT(n_order == 1 && order[0] == 0);
	/* word_b holds 1, 2 (moved first) then 3; word_a only 4. */
	KN_EXPECT(kn_sys_futex(&word_b, FUTEX_WAKE, 2, 0, 0, 0) == 2);
	kn_yield();
	KN_EXPECT(n_order == 3 && order[1] == 1 && order[2] == 2);
	KN_EXPECT(kn_sys_futex(&word_a, FUTEX_WAKE, 10, 0, 0, 0) == 1);
	KN_EXPECT(kn_sys_futex(&word_b, FUTEX_WAKE, 10, 0, 0, 0) == 1);
	for (int i = 0; i < 5; i++) {
		KN_ASSERT(t[i]);
		KN_EXPECT(kn_thread_join(t[i], 0) == 0 && w[i].rc == 0);
	}
	KN_EXPECT(n_order == 5);
}

KN_TEST(posix_thread, futex_errors)
{
	static uint32_t words[2];
	uint32_t *odd = (uint32_t *)((char *)words + 2);
	struct ts bad_nsec = {0, 1000000000}, neg = {-1, 0};
	KN_EXPECT(kn_sys_futex(odd, FUTEX_WAKE, 1, 0, 0, 0) == -KN_EINVAL);
	KN_EXPECT(kn_sys_futex(odd, FUTEX_WAIT, 0, 0, 0, 0) == -KN_EINVAL);
	KN_EXPECT(kn_sys_futex(0, FUTEX_WAIT, 0, 0, 0, 0) == -KN_EFAULT);
	KN_EXPECT(kn_sys_futex(0, FUTEX_WAKE, 1, 0, 0, 0) == -KN_EFAULT);
	KN_EXPECT(kn_sys_futex(words, FUTEX_WAIT, 0, (void *)16, 0, 0) == -KN_EFAULT);
	KN_EXPECT(kn_sys_futex(words, FUTEX_WAIT, 0, &bad_nsec, 0, 0) == -KN_EINVAL);
	KN_EXPECT(kn_sys_futex(words, FUTEX_WAIT, 0, &neg, 0, 0) == -KN_EINVAL);
	KN_EXPECT(kn_sys_futex(words, FUTEX_WAIT_BITSET, 0, 0, 0, 0) == -KN_EINVAL);
	KN_EXPECT(kn_sys_futex(words, FUTEX_WAKE_BITSET, 1, 0, 0, 0) == -KN_EINVAL);
	KN_EXPECT(kn_sys_futex(words, FUTEX_REQUEUE, 1, (void *)-1L, &words[1], 0) == -KN_EINVAL);
	KN_EXPECT(kn_sys_futex(words, FUTEX_REQUEUE, 1, (void *)1, odd, 0) == -KN_EINVAL);
	KN_EXPECT(kn_sys_futex(words, FUTEX_REQUEUE, 1, (void *)1, 0, 0) == -KN_EFAULT);
	KN_EXPECT(kn_sys_futex(words, FUTEX_WAKE | FUTEX_CLOCK_REALTIME, 1, 0, 0, 0) == -KN_ENOSYS);
	KN_EXPECT(kn_sys_futex(words, FUTEX_WAKE_OP, 1, 0, &words[1], 0) == -KN_ENOSYS);
	KN_EXPECT(kn_sys_futex(words, FUTEX_LOCK_PI, 0, 0, 0, 0) == -KN_ENOSYS);
	KN_EXPECT(kn_sys_futex(words, 0x7f, 0, 0, 0, 0) == -KN_ENOSYS);
}
