/* Futex wait queues. Every waiter owns a one-thread kn_waitq and a record
 * on its stack; records are kept in FIFO order in a small hash of buckets
 * keyed by the futex address. A wake unlinks the record before waking its
 * queue, so "still linked" tells a waiter it was not woken, and requeueing
 * just moves a record to another bucket while its thread sleeps on. The
 * scheduler is cooperative: nothing runs between checking the futex word
 * and queueing, so no wake-up can slip in between. */
#include <kn/errno.h>
#include <kn/futex.h>
#include <kn/sched.h>

#define BUCKETS 64 /* a power of two */

struct waiter {
	struct waiter *prev, *next;
	uint32_t *addr;
	uint32_t bitset;
	struct kn_waitq q;
	int linked;
};

struct bucket {
	struct waiter *head, *tail;
};

static struct bucket buckets[BUCKETS];

static struct bucket *bucket_of(const uint32_t *addr)
{
	uint64_t h = ((uintptr_t)addr >> 2) * 0x9e3779b97f4a7c15ull;
	return &buckets[h >> 58]; /* the top 6 bits: BUCKETS == 64 */
}

static void link_tail(struct waiter *w)
{
	struct bucket *b = bucket_of(w->addr);
	w->next = NULL;
	w->prev = b->tail;
	if (b->tail)
		b->tail->next = w;
	else
		b->head = w;
	b->tail = w;
	w->linked = 1;
}

static void unlink(struct waiter *w)
{
	struct bucket *b = bucket_of(w->addr);
	if (w->prev)
		w->prev->next = w->next;
	else
		b->head = w->next;
	if (w->next)
		w->next->prev = w->prev;
	else
		b->tail = w->prev;
	w->prev = w->next = NULL;
	w->linked = 0;
}

int kn_futex_wait(uint32_t *uaddr, uint32_t val, uint64_t deadline_ns, uint32_t bitset)
{
	if (__atomic_load_n(uaddr, __ATOMIC_RELAXED) != val)
		return -KN_EAGAIN;
	struct waiter w = {.addr = uaddr, .bitset = bitset, .q = KN_WAITQ_INIT};
	link_tail(&w);
	kn_waitq_wait(&w.q, deadline_ns);
	if (!w.linked)
		return 0; /* woken, even if the deadline passed meanwhile */
	unlink(&w);
	return -KN_ETIMEDOUT;
}

int kn_futex_wake(uint32_t *uaddr, int n, uint32_t bitset)
{
	int woken = 0;
	struct waiter *w = bucket_of(uaddr)->head;
	while (w && woken < n) {
		struct waiter *next = w->next;
		if (w->addr == uaddr && (w->bitset & bitset)) {
			unlink(w);
			/* 0 when the deadline already took it off its queue: it
			 * is runnable and will see itself unlinked. */
			kn_waitq_wake(&w->q, 1);
			woken++;
		}
		w = next;
	}
	return woken;
}

int kn_futex_requeue(uint32_t *uaddr, int n_wake, uint32_t *uaddr2, int n_move)
{
	int done = kn_futex_wake(uaddr, n_wake, KN_FUTEX_BITSET_ANY);
	int moved = 0;
	struct waiter *w = bucket_of(uaddr)->head;
	while (w && moved < n_move) {
		struct waiter *next = w->next;
		if (w->addr == uaddr) {
			if (uaddr2 != uaddr) { /* onto the same queue: counted only */
				unlink(w);
				w->addr = uaddr2;
				link_tail(w);
			}
			moved++;
		}
		w = next;
	}
	return done + moved;
}
