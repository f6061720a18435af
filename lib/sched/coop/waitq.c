/* Wait queues: FIFO lists of blocked threads, with optional deadlines. */
#include <kn/errno.h>
#include <kn/panic.h>
#include <kn/plat.h>
#include <kn/time.h>
#include "coop.h"

int kn_waitq_wait(struct kn_waitq *q, uint64_t deadline_ns)
{
	struct kn_thread *t = kn_coop_current;
	if (!t) {
		/* No threads yet: nobody could wake us, only time passes. */
		if (!deadline_ns)
			kn_panic("wait without a deadline before the scheduler runs");
		while (kn_time_monotonic_ns() < deadline_ns)
			kn_plat_idle_until(deadline_ns);
		return -KN_ETIMEDOUT;
	}
	t->state = KN_BLOCKED;
	t->next = NULL;
	if (q->tail)
		q->tail->next = t;
	else
		q->head = t;
	q->tail = t;
	t->waiting_on = q;
	t->timed_out = 0;
	if (deadline_ns)
		kn_coop_sleep_list_add(t, deadline_ns);
	kn_coop_block();
	return t->timed_out ? -KN_ETIMEDOUT : 0;
}

int kn_waitq_wake(struct kn_waitq *q, int n)
{
	int woken = 0;
	while (q->head && woken < n) {
		struct kn_thread *t = q->head;
		q->head = t->next;
		if (!q->head)
			q->tail = NULL;
		t->waiting_on = NULL;
		if (t->wake_at)
			kn_coop_sleep_list_remove(t);
		kn_coop_make_runnable(t);
		woken++;
	}
	return woken;
}
