/* kn_clone: a libc's thread creation as a function call. The new thread is
 * a detached scheduler thread on the libc's stack; the libc learns of its
 * end through CLONE_CHILD_CLEARTID, as on Linux. */
#include <kn/arch.h>
#include <kn/clone.h>
#include <kn/console.h>
#include <kn/posix_thread.h>
#include <kn/syscall.h>
#include "internal.h"

#define CSIGNAL 0x000000ff
#define CLONE_VM 0x00000100
#define CLONE_FS 0x00000200
#define CLONE_FILES 0x00000400
#define CLONE_SIGHAND 0x00000800
#define CLONE_THREAD 0x00010000
#define CLONE_SYSVSEM 0x00040000
#define CLONE_SETTLS 0x00080000
#define CLONE_PARENT_SETTID 0x00100000
#define CLONE_CHILD_CLEARTID 0x00200000
#define CLONE_DETACHED 0x00400000
#define CLONE_UNTRACED 0x00800000
#define CLONE_CHILD_SETTID 0x01000000
#define CLONE_IO 0x80000000u

/* Flags that ask for nothing we would have to do differently: one address
 * space, one fd table, one set of signal handlers already. */
#define ACCEPTED                                                                                   \
	(CSIGNAL | CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD |              \
	 CLONE_SYSVSEM | CLONE_SETTLS | CLONE_PARENT_SETTID | CLONE_CHILD_CLEARTID |               \
	 CLONE_DETACHED | CLONE_UNTRACED | CLONE_CHILD_SETTID | CLONE_IO)

static void *clone_entry(void *arg)
{
	struct posix_thread *p = arg;
	posix_thread_exit(p->fn(p->arg));
}

static bool logged_direct_clone;

int posix_thread_clone_flags(unsigned flags)
{
	if (!(flags & CLONE_VM) || !(flags & CLONE_THREAD))
		return -KN_ENOSYS; /* a new process (fork, vfork, spawn): none here */
	if (!(flags & CLONE_SIGHAND) || (flags & ~ACCEPTED))
		return -KN_EINVAL;
	return 0;
}

int posix_thread_spawn(unsigned flags, int (*fn)(void *), void *arg, void *stack, int *ptid,
		       uintptr_t tls, int *ctid)
{
	if ((flags & CLONE_SETTLS) && !kn_arch_tls_valid(tls))
		return -KN_EPERM;
	if ((flags & CLONE_PARENT_SETTID) && kn_user_writable(ptid, sizeof(*ptid)))
		return -KN_EFAULT;
	if ((flags & (CLONE_CHILD_SETTID | CLONE_CHILD_CLEARTID)) &&
	    kn_user_writable(ctid, sizeof(*ctid)))
		return -KN_EFAULT;

	struct posix_thread *p = posix_thread_new(0);
	if (!p)
		return -KN_ENOMEM;
	struct kn_thread *t = kn_thread_create_on_stack("clone", clone_entry, p, stack);
	if (!t) {
		posix_thread_free(p);
		return -KN_ENOMEM;
	}
	p->tid = kn_thread_id(t);
	p->fn = fn;
	p->arg = arg;
	p->cloned = true;
	if (flags & CLONE_CHILD_CLEARTID)
		p->clear_child_tid = ctid;
	kn_thread_set_ext(t, p);
	kn_thread_set_tls(t, (flags & CLONE_SETTLS) ? tls : kn_thread_tls(NULL));
	kn_thread_detach(t); /* its end is seen through ctid, never joined */
	posix_thread_clone_started();
	if (flags & CLONE_PARENT_SETTID)
		*ptid = p->tid;
	if (flags & CLONE_CHILD_SETTID)
		*ctid = p->tid;
	return p->tid;
}

int kn_clone(int (*fn)(void *), void *stack, int flags, void *arg, int *ptid, void *tls, int *ctid)
{
	int rc = posix_thread_clone_flags((unsigned)flags);
	if (rc)
		return rc;
	if (!fn || !stack)
		return -KN_EINVAL;
	return posix_thread_spawn((unsigned)flags, fn, arg, stack, ptid, (uintptr_t)tls, ctid);
}

/* A function call cannot return twice, so the clone syscall makes threads
 * only through the trap path (trap_clone.c, kvm); a libc calling it
 * directly must use kn_clone. */
KN_SYSCALL(clone)(unsigned long flags, void *newsp, int *ptid, int *ctid, unsigned long tls)
{
	int rc = posix_thread_clone_flags((unsigned)flags);
	if (rc)
		return rc;
	if (!logged_direct_clone) {
		logged_direct_clone = true;
		kn_printk("kn: clone: a thread-creating clone needs the trap path; "
			  "a libc in shim mode calls kn_clone\n");
	}
	return -KN_ENOSYS;
}
