/* Internal state of the cooperative scheduler, shared by its files. */
#ifndef KN_SCHED_COOP_H
#define KN_SCHED_COOP_H

#include <kn/arch.h>
#include <kn/sched.h>

enum kn_thread_state { KN_RUNNABLE, KN_BLOCKED, KN_EXITED };
/* KN_WAITING: a wake of one of its queues ends the wait; KN_WOKEN: one
 * did; KN_NOT_WAITING: none counts (timed out, or not in a wait). */
enum kn_wait_state { KN_NOT_WAITING, KN_WAITING, KN_WOKEN };

struct kn_thread {
	struct kn_arch_ctx ctx;
	struct kn_thread *next;       /* run queue link */
	struct kn_thread *sleep_next; /* timed-wait list, sorted by wake_at */
	uint64_t wake_at;             /* 0 = no deadline */
	enum kn_wait_state wait;      /* between kn_wait_prepare and the block's end */
	enum kn_thread_state state;
	const char *name;
	kn_thread_fn fn;
	void *arg, *ret;
	void *stack;        /* lowest usable byte; a guard page below */
	size_t stack_pages; /* usable pages, the guard not counted */
	int guarded;        /* the guard page is protected */
	struct kn_waitq joiners;
	int detached, joined;
	int errno_value;
	int id;
	void *ext;                       /* kn_thread_ext */
	void (*release)(void *, size_t); /* kn_thread_exit_then */
	void *release_p;
	size_t release_n;
};

extern struct kn_thread *kn_coop_current;

/* Puts t at the tail of the run queue. */
void kn_coop_make_runnable(struct kn_thread *t);
/* Blocks the current thread (already queued wherever it waits) until
 * something makes it runnable; runs other threads or idles meanwhile. */
void kn_coop_block(void);
/* Adds/removes the current thread to/from the timed-wait list. */
void kn_coop_sleep_list_add(struct kn_thread *t, uint64_t deadline);
void kn_coop_sleep_list_remove(struct kn_thread *t);
/* Switches to `next` (which must not be queued anywhere). */
void kn_coop_switch_to(struct kn_thread *next);
/* First thing a new thread does: clean up after the previous one. */
void kn_coop_thread_started(void);
/* Threads queued on an irq wait queue: waiting for an interrupt, which
 * is no deadlock. */
extern int kn_coop_irq_waiters;
/* Frees a thread's stack and control block. */
void kn_coop_thread_free(struct kn_thread *t);

/* sched.stack_report: paints a new stack, reports its depth at exit. */
void kn_coop_stack_paint(struct kn_thread *t);
void kn_coop_stack_report(const struct kn_thread *t);

#endif
