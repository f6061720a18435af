/* exit ends the calling thread, exit_group the whole image.
 *
 * On the main thread, exit behaves as on Linux, where the process lives
 * until its last thread ends: main waits for every thread kn_clone made to
 * exit, then the image ends with main's status (teardown runs, as for
 * kn_exit). Threads made with kn_thread_create are not waited for. */
#include <kn/boot.h>
#include <kn/clone.h>
#include <kn/futex.h>
#include <kn/posix_thread.h>
#include <kn/syscall.h>
#include "internal.h"

static int live_clones;
static struct kn_waitq clones_done = KN_WAITQ_INIT;

void posix_thread_clone_started(void)
{
	live_clones++;
}

/* CLONE_CHILD_CLEARTID / set_tid_address at exit: a bad address is skipped,
 * as Linux does. */
static void clear_child_tid(struct posix_thread *p)
{
	int *ctid = p->clear_child_tid;
	if (!ctid || kn_user_writable(ctid, sizeof(*ctid)) || ((uintptr_t)ctid & 3))
		return;
	__atomic_store_n(ctid, 0, __ATOMIC_RELEASE);
	kn_futex_wake((uint32_t *)ctid, 1, KN_FUTEX_BITSET_ANY);
}

int kn_posix_thread_count(void)
{
	return 1 + live_clones;
}

static KN_NORETURN void main_exit(int status)
{
	struct posix_thread *p = kn_thread_ext(NULL);
	if (p)
		clear_child_tid(p);
	while (live_clones > 0)
		kn_waitq_wait(&clones_done, 0);
	kn_exit(status & 0xff);
}

void kn_exit_thread(int status, void (*release)(void *, size_t), void *base, size_t len)
{
	struct kn_thread *self = kn_thread_self();
	if (!self || kn_thread_id(self) == KN_MAIN_THREAD_ID)
		main_exit(status);
	struct posix_thread *p = kn_thread_ext(self);
	if (p) {
		clear_child_tid(p);
		if (p->cloned && --live_clones == 0)
			kn_waitq_wake(&clones_done, __INT_MAX__);
		kn_thread_set_ext(self, NULL);
		posix_thread_free(p);
	}
	if (release)
		kn_thread_exit_then((void *)(long)status, release, base, len);
	kn_thread_exit((void *)(long)status);
}

void posix_thread_exit(int status)
{
	kn_exit_thread(status, NULL, NULL, 0);
}

KN_SYSCALL(exit)(int status)
{
	posix_thread_exit(status);
}

KN_SYSCALL(exit_group)(int status)
{
	kn_exit(status & 0xff);
}
