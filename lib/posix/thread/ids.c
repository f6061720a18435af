/* Thread ids and the words a libc registers per thread. */
#include <kn/clone.h>
#include <kn/posix_thread.h>
#include <kn/syscall.h>
#include "internal.h"

/* sizeof(struct robust_list_head) on x86-64: the only length Linux takes. */
#define ROBUST_HEAD_SIZE 24

int kn_thread_tid(void)
{
	return kn_thread_id(NULL);
}

KN_SYSCALL(gettid)(void)
{
	return kn_thread_tid();
}

/* Linux stores the pointer unchecked: it is only written at thread exit,
 * and a bad one is then skipped. */
KN_SYSCALL(set_tid_address)(int *tidptr)
{
	struct posix_thread *p = posix_thread_self(true);
	if (!p)
		return -KN_ENOMEM;
	p->clear_child_tid = tidptr;
	return p->tid;
}

KN_SYSCALL(set_robust_list)(void *head, size_t len)
{
	if (len != ROBUST_HEAD_SIZE)
		return -KN_EINVAL;
	struct posix_thread *p = posix_thread_self(true);
	if (!p)
		return -KN_ENOMEM;
	p->robust_head = head;
	p->robust_len = len;
	return 0;
}

KN_SYSCALL(get_robust_list)(int pid, void **head_ptr, size_t *len_ptr)
{
	if (!posix_thread_known(pid))
		return -KN_ESRCH;
	if (kn_user_writable(head_ptr, sizeof(*head_ptr)) ||
	    kn_user_writable(len_ptr, sizeof(*len_ptr)))
		return -KN_EFAULT;
	struct posix_thread *p = pid == 0 || pid == kn_thread_id(NULL) ? posix_thread_self(false)
								       : posix_thread_find(pid);
	*head_ptr = p ? p->robust_head : NULL;
	*len_ptr = p && p->robust_head ? p->robust_len : ROBUST_HEAD_SIZE;
	return 0;
}
