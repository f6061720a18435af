/* Host stand-ins for the scheduler and the clock: one thread (the test)
 * with real wait queues of wait entries, and a fake clock. When the test
 * blocks, the scripted "other thread" (then_run) runs; the block ends as
 * woken only if that woke a queue the test waits on, else at its deadline
 * (the clock jumps there) or as a failure when there is none. The
 * allocator and kn_user_access come from lib/vfs/tests. */
#include "harness.h"
#include <kn/sched.h>
#include <kn/time.h>

uint64_t fake_now = 1000000000;
int blocks, wakeups, entries_live;
static void (*pending)(void *);
static void *pending_arg;
static enum { NOT_WAITING, WAITING, WOKEN } state;

/* Every entry now queued, to tell a live one from a dangling one. */
#define MAX_ENTRIES 64
static struct kn_wait_entry *live[MAX_ENTRIES];

void then_run(void (*fn)(void *), void *arg)
{
	pending = fn;
	pending_arg = arg;
}

uint64_t kn_time_monotonic_ns(void)
{
	return fake_now;
}

static int live_index(struct kn_wait_entry *e)
{
	for (int i = 0; i < MAX_ENTRIES; i++)
		if (live[i] == e)
			return i;
	return -1;
}

void kn_wait_prepare(void)
{
	state = WAITING;
}

void kn_waitq_add(struct kn_waitq *q, struct kn_wait_entry *e)
{
	int i = live_index(0);
	if (i < 0) {
		printf("FAIL: more than %d wait entries\n", MAX_ENTRIES);
		exit(3);
	}
	live[i] = e;
	entries_live++;
	e->q = q;
	e->thread = 0;
	e->notify = 0;
	e->next = 0;
	e->prev = q->tail;
	if (q->tail)
		q->tail->next = e;
	else
		q->head = e;
	q->tail = e;
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
	e->q = 0;
	live[live_index(e)] = 0;
	entries_live--;
}

void kn_waitq_add_notify(struct kn_waitq *q, struct kn_wait_entry *e,
			 void (*notify)(struct kn_wait_entry *e, unsigned key))
{
	kn_waitq_add(q, e);
	e->notify = notify;
}

int kn_waitq_wake_key(struct kn_waitq *q, int n, unsigned key)
{
	int woken = 0;
	for (struct kn_wait_entry *e = q->head, *next; e; e = next) {
		next = e->next;
		if (live_index(e) < 0 || e->q != q) {
			printf("FAIL: a wake found a dangling wait entry\n");
			exit(3);
		}
		if (e->notify)
			e->notify(e, key);
		else if (state == WAITING && woken < n) {
			state = WOKEN;
			wakeups++;
			woken++;
		}
	}
	return woken;
}

int kn_wait_block(uint64_t deadline_ns)
{
	blocks++;
	if (state == WAITING && pending) {
		void (*fn)(void *) = pending;
		pending = NULL;
		fn(pending_arg);
	}
	if (state == WOKEN) {
		state = NOT_WAITING;
		return 0;
	}
	state = NOT_WAITING;
	if (!deadline_ns) {
		printf("FAIL: a call blocked for ever (no other thread could wake it)\n");
		exit(3);
	}
	if (fake_now < deadline_ns)
		fake_now = deadline_ns;
	return -KN_ETIMEDOUT;
}

int kn_waitq_wait(struct kn_waitq *q, uint64_t deadline_ns)
{
	struct kn_wait_entry e;
	kn_wait_prepare();
	kn_waitq_add(q, &e);
	int r = kn_wait_block(deadline_ns);
	kn_waitq_del(&e);
	return r;
}

int kn_waitq_wake(struct kn_waitq *q, int n)
{
	return kn_waitq_wake_key(q, n, 0);
}
