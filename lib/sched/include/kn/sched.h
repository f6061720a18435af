/* The sched API: threads in the single address space.
 *
 * The cooperative implementation (sched-coop) switches only when a thread
 * yields, sleeps, joins or exits; nothing is preempted, so data shared
 * between threads needs no locks as long as a critical section does not
 * block. */
#ifndef KN_SCHED_H
#define KN_SCHED_H

#include <stddef.h>
#include <stdint.h>
#include <kn/compiler.h>

struct kn_thread;
typedef void *(*kn_thread_fn)(void *arg);

KN_API_BEGIN
/* Creates a runnable thread that calls fn(arg); stack_size 0 picks the
 * configured default. Returns NULL when memory runs out. */
struct kn_thread *kn_thread_create(const char *name, kn_thread_fn fn, void *arg, size_t stack_size);
/* Gives the CPU to the next runnable thread (returns at once if none). */
void kn_yield(void);
/* Blocks the calling thread for at least ns nanoseconds. */
void kn_sleep_ns(uint64_t ns);
/* Blocks until the monotonic clock reaches deadline_ns. */
void kn_sleep_until(uint64_t deadline_ns);
/* Waits for `t` to finish, stores its return value in *ret (if ret is not
 * NULL) and frees it. Returns 0, or -EINVAL when t is the caller or was
 * already joined or detached. */
int kn_thread_join(struct kn_thread *t, void **ret);
/* The thread will be freed when it exits; it cannot be joined. */
void kn_thread_detach(struct kn_thread *t);
/* Ends the calling thread with a return value. */
KN_NORETURN void kn_thread_exit(void *ret);
/* Ends it the same way, then calls release(p, n) from another thread once
 * nothing runs on the ended thread's stack any more: how a thread frees or
 * unmaps the stack it stands on (a libc's detached threads). On the main
 * thread, release is not called: the program ends. */
KN_NORETURN void kn_thread_exit_then(void *ret, void (*release)(void *, size_t), void *p, size_t n);
struct kn_thread *kn_thread_self(void);
const char *kn_thread_name(const struct kn_thread *t);

/* Creates a runnable thread that calls fn(arg) on a stack the caller owns
 * (stack_top is its highest address; it is aligned down to 16 bytes). The
 * scheduler never frees that stack. Returns NULL when memory runs out. */
struct kn_thread *kn_thread_create_on_stack(const char *name, kn_thread_fn fn, void *arg,
					    void *stack_top);
/* A thread's id: nonzero and unique among the threads of the image. The
 * main thread's is KN_MAIN_THREAD_ID; the boot context before and after
 * main (init steps, teardown) counts as the main thread too. t NULL means
 * the caller. */
#define KN_MAIN_THREAD_ID 1
int kn_thread_id(const struct kn_thread *t);
/* The thread pointer TLS is addressed from (the FS base on x86-64), kept
 * per thread and reloaded on every switch. t NULL means the caller; the
 * base must be valid for the architecture (kn_arch_tls_valid). */
void kn_thread_set_tls(struct kn_thread *t, uintptr_t base);
uintptr_t kn_thread_tls(const struct kn_thread *t);
/* One pointer per thread for a higher layer (posix-thread keeps its tid
 * words there); NULL until set. t NULL means the caller. */
void *kn_thread_ext(const struct kn_thread *t);
void kn_thread_set_ext(struct kn_thread *t, void *ext);

/* Wait queues: the building block for joins, futexes, pipes and poll.
 * A queue holds wait entries; each entry is one thread's place in one
 * queue, so a thread may wait on several queues at once (poll: one entry
 * per file) and the wake of any of them ends its wait. */
struct kn_wait_entry {
	struct kn_wait_entry *prev, *next;
	struct kn_waitq *q;       /* NULL when not queued */
	struct kn_thread *thread; /* the thread it wakes */
	/* Instead of a thread: called at every wake of the queue (epoll's
	 * items, which must notice changes while nobody waits) with the
	 * wake's key. It must not add or remove entries of that queue. */
	void (*notify)(struct kn_wait_entry *e, unsigned key);
};
struct kn_waitq {
	struct kn_wait_entry *head, *tail;
	/* Woken from interrupt handling (console input): a thread waiting
	 * on it without a deadline is not a deadlock, the CPU idles. */
	int irq;
};
#define KN_WAITQ_INIT                                                                              \
	{                                                                                          \
		0, 0, 0                                                                            \
	}
#define KN_WAITQ_INIT_IRQ                                                                          \
	{                                                                                          \
		0, 0, 1                                                                            \
	}
/* Blocks the caller on q until woken or until deadline_ns (0 = no
 * deadline). Returns 0 when woken, -ETIMEDOUT at the deadline. */
int kn_waitq_wait(struct kn_waitq *q, uint64_t deadline_ns);
/* Wakes up to n threads waiting on q (in FIFO order); returns how many
 * were woken. A thread already woken (by this or another queue) or timed
 * out is skipped and not counted. Entries stay queued: their owners
 * remove them. Notify entries are called at every wake, uncounted. */
int kn_waitq_wake(struct kn_waitq *q, int n);
/* The same, saying what changed: `key` is the readiness bits (KN_POLL*)
 * the change concerns, 0 for anything. Threads are woken whatever the
 * key; notify entries get it, so an edge-triggered epoll item ignores a
 * read from its pipe (a POLLOUT change) as Linux's does. */
int kn_waitq_wake_key(struct kn_waitq *q, int n, unsigned key);
/* Queues a notify entry (no thread): notify(e, key) runs at each wake of q. */
void kn_waitq_add_notify(struct kn_waitq *q, struct kn_wait_entry *e,
			 void (*notify)(struct kn_wait_entry *e, unsigned key));

/* Waiting on several queues, in this order (poll's loop):
 *   kn_wait_prepare();            wakes from here on end the wait
 *   kn_waitq_add(q1, &e1); ...    register on each queue (no blocking)
 *   ...check the condition; if it holds, skip the block...
 *   kn_wait_block(deadline);      0 woken, -ETIMEDOUT at the deadline
 *   kn_waitq_del(&e1); ...        before the entries go out of scope
 * Entries may stay queued over several prepare/block rounds; a wake that
 * comes between kn_wait_prepare and kn_wait_block makes the block return
 * at once, so no change is missed between the check and the block. */
void kn_wait_prepare(void);
void kn_waitq_add(struct kn_waitq *q, struct kn_wait_entry *e);
void kn_waitq_del(struct kn_wait_entry *e);
int kn_wait_block(uint64_t deadline_ns);
/* How many times the scheduler found nothing to run and idled the CPU
 * (for tests and statistics: a blocked reader should not spin). */
uint64_t kn_sched_idle_count(void);

/* Used by boot: runs fn(arg) as the "main" thread and schedules until every
 * thread has exited or fn returned; returns fn's result. */
void *kn_sched_run_main(kn_thread_fn fn, void *arg, size_t stack_size);
/* Per-thread errno slot for libc (a global before the scheduler runs). */
int *kn_sched_errno_location(void);
KN_API_END

#endif
