/* Wait queues: doubly linked lists of wait entries, one entry per
 * (thread, queue). The owner adds and removes its entries; a wake only
 * marks threads woken and makes them runnable, so a thread can wait on
 * many queues at once and leave them all when it resumes. */
#include <kn/errno.h>
#include <kn/panic.h>
#include <kn/plat.h>
#include <kn/time.h>
#include "coop.h"

int kn_coop_irq_waiters;

void kn_waitq_add(struct kn_waitq *q, struct kn_wait_entry *e)
{
	e->thread = kn_coop_current;
	e->notify = NULL;
	e->q = q;
	e->next = NULL;
	e->prev = q->tail;
	if (q->tail)
		q->tail->next = e;
	else
		q->head = e;
	q->tail = e;
	if (q->irq)
		kn_coop_irq_waiters++;
}

void kn_waitq_del(struct kn_wait_entry *e)
{
	struct kn_waitq *q = e->q;
	if (!q)
		return;
	if (e->prev)
		e->prev->next = e->next;
	else
		q->head = e->next;
	if (e->next)
		e->next->prev = e->prev;
	else
		q->tail = e->prev;
	if (q->irq)
		kn_coop_irq_waiters--;
	e->q = NULL;
	e->prev = e->next = NULL;
}

void kn_wait_prepare(void)
{
	if (kn_coop_current)
		kn_coop_current->wait = KN_WAITING;
}

/* Before the scheduler runs nobody can wake the boot context: only time
 * passes. */
static int block_before_threads(uint64_t deadline_ns)
{
	if (!deadline_ns)
		kn_panic("wait without a deadline before the scheduler runs");
	while (kn_time_monotonic_ns() < deadline_ns)
		kn_plat_idle_until(deadline_ns);
	return -KN_ETIMEDOUT;
}

int kn_wait_block(uint64_t deadline_ns)
{
	struct kn_thread *t = kn_coop_current;
	if (!t)
		return block_before_threads(deadline_ns);
	if (t->wait == KN_WAITING && (!deadline_ns || deadline_ns > kn_time_monotonic_ns())) {
		t->state = KN_BLOCKED;
		if (deadline_ns)
			kn_coop_sleep_list_add(t, deadline_ns);
		kn_coop_block();
	}
	int woken = t->wait == KN_WOKEN;
	t->wait = KN_NOT_WAITING;
	return woken ? 0 : -KN_ETIMEDOUT;
}

int kn_waitq_wait(struct kn_waitq *q, uint64_t deadline_ns)
{
	if (!kn_coop_current)
		return block_before_threads(deadline_ns);
	struct kn_wait_entry e;
	kn_wait_prepare();
	kn_waitq_add(q, &e);
	int r = kn_wait_block(deadline_ns);
	kn_waitq_del(&e);
	return r;
}

/* Ends t's wait if it is still waiting; 1 if it did. */
static int wake_thread(struct kn_thread *t)
{
	if (!t || t->wait != KN_WAITING)
		return 0;
	t->wait = KN_WOKEN;
	if (t->state == KN_BLOCKED) {
		if (t->wake_at)
			kn_coop_sleep_list_remove(t);
		kn_coop_make_runnable(t);
	}
	return 1;
}

void kn_waitq_add_notify(struct kn_waitq *q, struct kn_wait_entry *e,
			 void (*notify)(struct kn_wait_entry *e, unsigned key))
{
	kn_waitq_add(q, e);
	e->thread = NULL;
	e->notify = notify;
}

int kn_waitq_wake_key(struct kn_waitq *q, int n, unsigned key)
{
	int woken = 0;
	for (struct kn_wait_entry *e = q->head, *next; e; e = next) {
		next = e->next;
		if (e->notify)
			e->notify(e, key);
		else if (woken < n)
			woken += wake_thread(e->thread);
	}
	return woken;
}

int kn_waitq_wake(struct kn_waitq *q, int n)
{
	return kn_waitq_wake_key(q, n, 0);
}
