/* Stack sizes: the guard-page fault explained, and high-water marks.
 *
 * High-water marks, for choosing stack sizes: with the kernel
 * parameter sched.stack_report=1 every stack the scheduler allocates is
 * painted with a pattern when its thread is created, and when the thread
 * exits the lowest overwritten word tells how deep it went. Off by default:
 * painting touches the whole stack. Stacks that threads bring along
 * (kn_thread_create_on_stack, e.g. musl's pthreads) are not measured. */
#include <kn/alloc.h>
#include <kn/console.h>
#include <kn/param.h>
#include <kn/plat.h>
#include "coop.h"

#define PAINT 0x6b6e2d737461636bULL /* "kn-stack" */

static int stack_report;
KN_PARAM(sched, stack_report, KN_PARAM_BOOL, stack_report,
	 "print how much of its stack each thread used, when it exits");

void kn_coop_stack_paint(struct kn_thread *t)
{
	if (!stack_report || !t->stack)
		return;
	uint64_t *w = t->stack;
	size_t n = t->stack_pages * KN_PAGE_SIZE / sizeof(*w);
	for (size_t i = 0; i < n; i++)
		w[i] = PAINT;
}

/* Runs on the exiting thread's own stack, near its top, so the scan from
 * the bottom meets untouched paint first. */
void kn_coop_stack_report(const struct kn_thread *t)
{
	if (!stack_report || !t->stack)
		return;
	const uint64_t *w = t->stack;
	size_t n = t->stack_pages * KN_PAGE_SIZE / sizeof(*w), i = 0;
	while (i < n && w[i] == PAINT)
		i++;
	size_t used = (n - i) * sizeof(*w), size = n * sizeof(*w);
	kn_printk("kn: stack: thread %s used %lu of %lu KiB%s\n", t->name,
		  (unsigned long)((used + 1023) / 1024), (unsigned long)(size / 1024),
		  i == 0 ? " (all of it: the stack overflowed or came close)" : "");
}

/* An overflow runs into the guard page below the faulting thread's stack
 * (the thread running when the fault came). */
void kn_fault_explain(uintptr_t addr)
{
	const struct kn_thread *t = kn_coop_current;
	if (!t || !t->stack || !t->guarded)
		return;
	uintptr_t guard = (uintptr_t)t->stack - KN_PAGE_SIZE;
	if (addr < guard || addr >= guard + KN_PAGE_SIZE)
		return;
	kn_printk("kn: stack overflow: thread %s used all of its %lu KiB stack; give it more "
		  "(%s)\n",
		  t->name, (unsigned long)(t->stack_pages * KN_PAGE_SIZE / 1024),
		  t->id == KN_MAIN_THREAD_ID
			  ? "SCHED_COOP_MAIN_STACK_SIZE"
			  : "the size passed at creation, or SCHED_COOP_STACK_SIZE");
}
