/* Threads for a libc. A libc's clone wrapper (musl's __clone) calls
 * kn_clone instead of executing the clone syscall: the new thread is a
 * scheduler thread running on the libc's stack with the libc's TLS. */
#ifndef KN_CLONE_H
#define KN_CLONE_H

#include <kn/compiler.h>
#include <kn/sched.h>

/* The process id getpid reports: the main thread's tid. */
#define KN_PID KN_MAIN_THREAD_ID

KN_API_BEGIN
/* Starts a thread that runs fn(arg) on `stack` (its highest address) and
 * ends as the exit syscall does when fn returns, with fn's result as the
 * status. Flags are Linux's CLONE_*: CLONE_VM | CLONE_SIGHAND |
 * CLONE_THREAD are required (-ENOSYS without CLONE_VM or CLONE_THREAD: no
 * fork or vfork; -EINVAL for CLONE_THREAD without CLONE_SIGHAND), and
 * CLONE_FS, CLONE_FILES, CLONE_SYSVSEM, CLONE_DETACHED, CLONE_UNTRACED,
 * CLONE_IO and the exit-signal byte are accepted and mean nothing here; any
 * other flag is -EINVAL. CLONE_SETTLS sets the thread pointer to tls
 * (otherwise the caller's is inherited), CLONE_PARENT_SETTID and
 * CLONE_CHILD_SETTID store the tid in *ptid and *ctid before the thread
 * runs, CLONE_CHILD_CLEARTID makes its exit store 0 in *ctid and wake one
 * futex waiter there (how pthread_join waits). Returns the new tid, or
 * -EINVAL (no fn or stack), -EFAULT (bad ptid/ctid), -EPERM (tls not a
 * valid address), -ENOMEM. The caller goes on running; the new thread runs
 * when the caller next blocks or yields. */
int kn_clone(int (*fn)(void *), void *stack, int flags, void *arg, int *ptid, void *tls, int *ctid);
/* Ends the calling thread as the exit syscall does (CLONE_CHILD_CLEARTID
 * store and wake), then, once nothing runs on its stack any more, calls
 * release(base, len) from another thread (NULL: nothing to call). A
 * libc's detached thread frees its own stack this way (musl's
 * __unmapself) instead of unmapping it while standing on it. On the main
 * thread it waits for the other kn_clone threads to end, then ends the
 * image with `status` (release is not called). */
KN_NORETURN void kn_exit_thread(int status, void (*release)(void *, size_t), void *base,
				size_t len);
/* The calling thread's id (gettid); KN_PID on the main thread and before
 * the scheduler runs. */
int kn_thread_tid(void);

/* kvm: lib/syscall/trap_entry.S calls this for the clone syscall instead
 * of the table (syscall uses posix-thread), with its saved frame, the caller's
 * rbx and r12..r15, and the FXSAVE image: a thread-creating clone must
 * copy the caller's registers, which a function call cannot see. */
long kn_syscall_trap_clone(const void *frame, const void *callee_saved, const void *fxsave);
KN_API_END

#endif
