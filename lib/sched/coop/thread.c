/* Thread life cycle: create, exit, join, detach, and main's own thread. */
#include <kn/alloc.h>
#include <kn/config.h>
#include <kn/errno.h>
#include <kn/panic.h>
#include <kn/plat.h>
#include "coop.h"

/* The context boot runs in: it becomes a thread so it can wait for main. */
static struct kn_thread boot_thread = {
	.name = "boot", .state = KN_RUNNABLE, .id = KN_MAIN_THREAD_ID};
static struct kn_thread *main_thread;
static int errno_before_threads;
static int next_id = KN_MAIN_THREAD_ID + 1; /* main's id is set apart */

static void thread_entry(void *arg)
{
	struct kn_thread *t = arg;
	kn_coop_thread_started();
	kn_thread_exit(t->fn(t->arg));
}

static size_t pages_for(size_t bytes)
{
	return (bytes + KN_PAGE_SIZE - 1) / KN_PAGE_SIZE;
}

/* Fills in and queues a thread whose control block and stack exist. */
static struct kn_thread *start(struct kn_thread *t, const char *name, kn_thread_fn fn, void *arg,
			       void *stack_top)
{
	t->name = name ? name : "thread";
	t->fn = fn;
	t->arg = arg;
	t->id = next_id++;
	if (next_id > 0x3fffffff) /* ids fit FUTEX_TID_MASK, as Linux tids do */
		next_id = KN_MAIN_THREAD_ID + 1;
	kn_arch_ctx_init(&t->ctx, stack_top, thread_entry, t);
	kn_coop_make_runnable(t);
	return t;
}

/* Stacks grow down into a guard page that is neither readable nor
 * writable, so an overflow faults (and says so, see kn_fault_explain)
 * instead of overwriting the heap block below. Where the platform cannot
 * protect it (no page tables to spare), the stack goes unguarded. */
static void *stack_alloc(struct kn_thread *t, size_t pages)
{
	char *base = kn_palloc(pages + 1);
	if (!base)
		return NULL;
	t->guarded = kn_plat_protect((uintptr_t)base, KN_PAGE_SIZE, KN_PLAT_PROT_NONE) == 0;
	t->stack_pages = pages;
	return base + KN_PAGE_SIZE;
}

static void stack_free(struct kn_thread *t)
{
	char *base = (char *)t->stack - KN_PAGE_SIZE;
	if (t->guarded) /* the heap takes back read-write pages only */
		kn_plat_protect((uintptr_t)base, KN_PAGE_SIZE,
				KN_PLAT_PROT_READ | KN_PLAT_PROT_WRITE);
	kn_pfree(base, t->stack_pages + 1);
}

struct kn_thread *kn_thread_create(const char *name, kn_thread_fn fn, void *arg, size_t stack_size)
{
	struct kn_thread *t = kn_calloc(1, sizeof(*t));
	if (!t)
		return NULL;
	t->stack =
		stack_alloc(t, pages_for(stack_size ? stack_size : CONFIG_SCHED_COOP_STACK_SIZE));
	if (!t->stack) {
		kn_free(t);
		return NULL;
	}
	kn_coop_stack_paint(t);
	return start(t, name, fn, arg, (char *)t->stack + t->stack_pages * KN_PAGE_SIZE);
}

struct kn_thread *kn_thread_create_on_stack(const char *name, kn_thread_fn fn, void *arg,
					    void *stack_top)
{
	struct kn_thread *t = kn_calloc(1, sizeof(*t));
	return t ? start(t, name, fn, arg, stack_top) : NULL;
}

void kn_coop_thread_free(struct kn_thread *t)
{
	if (t->release) /* never the caller's own stack: see kn_coop_switch_to */
		t->release(t->release_p, t->release_n);
	if (t->stack) /* NULL: the creator's stack (kn_thread_create_on_stack) */
		stack_free(t);
	kn_free(t);
}

void kn_thread_exit(void *ret)
{
	struct kn_thread *t = kn_coop_current;
	KN_BUG_ON(!t || t == &boot_thread);
	t->ret = ret;
	t->state = KN_EXITED;
	kn_coop_stack_report(t);
	if (t == main_thread) {
		/* Returning from main ends the program, whatever else runs. */
		kn_coop_switch_to(&boot_thread);
	}
	kn_waitq_wake(&t->joiners, 1);
	kn_coop_block();
	kn_panic("exited thread '%s' was resumed", t->name);
}

void kn_thread_exit_then(void *ret, void (*release)(void *, size_t), void *p, size_t n)
{
	struct kn_thread *t = kn_coop_current;
	KN_BUG_ON(!t);
	t->release = release;
	t->release_p = p;
	t->release_n = n;
	kn_thread_exit(ret);
}

int kn_thread_join(struct kn_thread *t, void **ret)
{
	if (!t || t == kn_coop_current || t->joined || t->detached)
		return -KN_EINVAL;
	t->joined = 1;
	while (t->state != KN_EXITED)
		kn_waitq_wait(&t->joiners, 0);
	if (ret)
		*ret = t->ret;
	kn_coop_thread_free(t);
	return 0;
}

void kn_thread_detach(struct kn_thread *t)
{
	if (t->state == KN_EXITED && !t->joined)
		kn_coop_thread_free(t);
	else
		t->detached = 1;
}

struct kn_thread *kn_thread_self(void)
{
	return kn_coop_current;
}

const char *kn_thread_name(const struct kn_thread *t)
{
	return t->name;
}

/* The thread a NULL argument means: the caller, which is the boot context
 * before the scheduler runs. */
static struct kn_thread *or_self(const struct kn_thread *t)
{
	if (t)
		return (struct kn_thread *)t;
	return kn_coop_current ? kn_coop_current : &boot_thread;
}

int kn_thread_id(const struct kn_thread *t)
{
	return or_self(t)->id;
}

void kn_thread_set_tls(struct kn_thread *t, uintptr_t base)
{
	t = or_self(t);
	t->ctx.tls = base;
	if (t == or_self(NULL))
		kn_arch_set_tls(base);
}

uintptr_t kn_thread_tls(const struct kn_thread *t)
{
	return or_self(t)->ctx.tls;
}

void *kn_thread_ext(const struct kn_thread *t)
{
	return or_self(t)->ext;
}

void kn_thread_set_ext(struct kn_thread *t, void *ext)
{
	or_self(t)->ext = ext;
}

int *kn_sched_errno_location(void)
{
	return kn_coop_current ? &kn_coop_current->errno_value : &errno_before_threads;
}

void *kn_sched_run_main(kn_thread_fn fn, void *arg, size_t stack_size)
{
	kn_coop_current = &boot_thread;
	main_thread = kn_thread_create("main", fn, arg,
				       stack_size ? stack_size : CONFIG_SCHED_COOP_MAIN_STACK_SIZE);
	if (!main_thread)
		kn_panic("no memory for the main thread's stack");
	main_thread->id = KN_MAIN_THREAD_ID;
	next_id--; /* main took the next id; hand it out again */
	/* Main goes on as the boot context's thread: the TLS a libc set up in
	 * an init step (libc-musl) stays its own. */
	main_thread->ctx.tls = boot_thread.ctx.tls;
	/* Boot waits outside every queue; only main's exit resumes it. */
	boot_thread.state = KN_BLOCKED;
	kn_coop_block();
	return main_thread->ret;
}
