/* Shared by the files of posix-thread (not exported). */
#ifndef KN_POSIX_THREAD_INTERNAL_H
#define KN_POSIX_THREAD_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <kn/sched.h>

/* What Linux keeps per task for a libc's threads, hung on the scheduler
 * thread through kn_thread_ext. Made on first need: by kn_clone, or by
 * set_tid_address / set_robust_list on any other thread. */
/* Thread names, as Linux's TASK_COMM_LEN: 15 characters and a NUL. */
#define POSIX_THREAD_COMM_LEN 16

struct posix_thread {
	int tid;
	int *clear_child_tid; /* CLONE_CHILD_CLEARTID, set_tid_address */
	void *robust_head;    /* set_robust_list: stored, not walked */
	size_t robust_len;
	int (*fn)(void *); /* kn_clone's entry */
	void *arg;
	bool cloned;                      /* made by kn_clone: counted in live clones */
	char comm[POSIX_THREAD_COMM_LEN]; /* prctl(PR_SET_NAME); empty: the sched name */
	struct posix_thread *next;        /* every record, for lookups by tid */
};

/* The caller's record, made when `create` is set (NULL if out of memory or
 * not made yet). */
struct posix_thread *posix_thread_self(bool create);
/* A new record, linked into the list, or NULL when memory runs out. */
struct posix_thread *posix_thread_new(int tid);
/* Unlinks and frees a record. */
void posix_thread_free(struct posix_thread *p);
/* The record of the thread with this id, or NULL. */
struct posix_thread *posix_thread_find(int tid);
/* Whether tid names a thread we know: 0 (the caller), the caller, the
 * main thread, or a thread with a record. */
bool posix_thread_known(int tid);

/* Checks clone flags: 0, -ENOSYS for a new process, -EINVAL otherwise. */
int posix_thread_clone_flags(unsigned flags);
/* What kn_clone and the trap path's clone share once the flags passed:
 * the pointer checks, the record, the thread and the tid words. */
int posix_thread_spawn(unsigned flags, int (*fn)(void *), void *arg, void *stack, int *ptid,
		       uintptr_t tls, int *ctid);
/* Counts a thread kn_clone made, so that the main thread's exit can wait
 * for every one to end (exit.c). */
void posix_thread_clone_started(void);
/* Ends the calling thread the way the exit syscall does. */
KN_NORETURN void posix_thread_exit(int status);

/* struct timespec as Linux x86-64 passes it. */
struct posix_timespec {
	long tv_sec;
	long tv_nsec;
};

#endif
