/* The cooperative core: run queue, timed waits, switching and idling. */
#include <kn/panic.h>
#include <kn/plat.h>
#include <kn/time.h>
#include "coop.h"

struct kn_thread *kn_coop_current;
static struct kn_thread *runq_head, *runq_tail;
static struct kn_thread *sleepers; /* sorted by wake_at, earliest first */
/* A detached thread that exited: its stack is freed by whoever runs next,
 * since a thread cannot free the stack it is standing on. */
static struct kn_thread *zombie;

void kn_coop_make_runnable(struct kn_thread *t)
{
	t->state = KN_RUNNABLE;
	t->next = NULL;
	if (runq_tail)
		runq_tail->next = t;
	else
		runq_head = t;
	runq_tail = t;
}

void kn_coop_sleep_list_add(struct kn_thread *t, uint64_t deadline)
{
	t->wake_at = deadline;
	struct kn_thread **p = &sleepers;
	while (*p && (*p)->wake_at <= deadline)
		p = &(*p)->sleep_next;
	t->sleep_next = *p;
	*p = t;
}

void kn_coop_sleep_list_remove(struct kn_thread *t)
{
	for (struct kn_thread **p = &sleepers; *p; p = &(*p)->sleep_next)
		if (*p == t) {
			*p = t->sleep_next;
			break;
		}
	t->wake_at = 0;
	t->sleep_next = NULL;
}

static uint64_t idle_count;

/* Sleepers whose deadline has come run again; one timed out of a wait
 * no longer counts as waiting, so a later wake skips it. */
static void wake_expired(uint64_t now)
{
	while (sleepers && sleepers->wake_at <= now) {
		struct kn_thread *t = sleepers;
		sleepers = t->sleep_next;
		t->sleep_next = NULL;
		t->wake_at = 0;
		if (t->wait == KN_WAITING)
			t->wait = KN_NOT_WAITING;
		kn_coop_make_runnable(t);
	}
}

static void idle_until(uint64_t deadline)
{
	idle_count++;
	kn_plat_idle_until(deadline);
}

uint64_t kn_sched_idle_count(void)
{
	return idle_count;
}

/* The next thread to run, idling the CPU until a sleeper is due (or an
 * interrupt comes, when a thread waits for one) when none is runnable;
 * NULL when nothing will ever be runnable again. */
static struct kn_thread *pick_next(void)
{
	for (;;) {
		kn_plat_irq_poll();
		wake_expired(kn_time_monotonic_ns());
		struct kn_thread *t = runq_head;
		if (t) {
			runq_head = t->next;
			if (!runq_head)
				runq_tail = NULL;
			t->next = NULL;
			return t;
		}
		if (sleepers)
			idle_until(sleepers->wake_at);
		else if (kn_coop_irq_waiters)
			idle_until(UINT64_MAX);
		else
			return NULL;
	}
}

static void reap_zombie(void)
{
	if (zombie && zombie != kn_coop_current) {
		kn_coop_thread_free(zombie);
		zombie = NULL;
	}
}

void kn_coop_switch_to(struct kn_thread *next)
{
	struct kn_thread *prev = kn_coop_current;
	if (prev->state == KN_EXITED && prev->detached)
		zombie = prev;
	kn_coop_current = next;
	if (prev != next) {
		if (prev->ctx.tls != next->ctx.tls)
			kn_arch_set_tls(next->ctx.tls);
		kn_arch_ctx_switch(&prev->ctx, &next->ctx);
	}
	reap_zombie();
}

void kn_coop_block(void)
{
	struct kn_thread *next = pick_next();
	if (!next)
		kn_panic("deadlock: thread '%s' blocks and no thread can run or wake up",
			 kn_coop_current->name);
	kn_coop_switch_to(next);
}

void kn_coop_thread_started(void)
{
	reap_zombie();
}

void kn_yield(void)
{
	if (!kn_coop_current)
		return;
	kn_plat_irq_poll(); /* device input may wake a thread */
	wake_expired(kn_time_monotonic_ns());
	if (!runq_head)
		return;
	kn_coop_make_runnable(kn_coop_current);
	kn_coop_block();
}

void kn_sleep_until(uint64_t deadline_ns)
{
	if (!kn_coop_current) {
		/* Before the scheduler runs (init steps): just wait. */
		while (kn_time_monotonic_ns() < deadline_ns)
			kn_plat_idle_until(deadline_ns);
		return;
	}
	if (deadline_ns <= kn_time_monotonic_ns()) {
		kn_yield();
		return;
	}
	kn_coop_current->state = KN_BLOCKED;
	kn_coop_sleep_list_add(kn_coop_current, deadline_ns);
	kn_coop_block();
}

void kn_sleep_ns(uint64_t ns)
{
	kn_sleep_until(kn_time_monotonic_ns() + ns);
}
