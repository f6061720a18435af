/* The system calls posix-thread implements, for direct calls from the
 * kernel (a libc in shim mode reaches them through kn_syscall or these
 * names). Arguments and results are Linux x86-64's; errors are -KN_E*. */
#ifndef KN_POSIX_THREAD_H
#define KN_POSIX_THREAD_H

#include <stddef.h>
#include <stdint.h>
#include <kn/compiler.h>

KN_API_BEGIN
long kn_sys_arch_prctl(int code, unsigned long addr);
long kn_sys_gettid(void);
long kn_sys_set_tid_address(int *tidptr);
long kn_sys_set_robust_list(void *head, size_t len);
long kn_sys_get_robust_list(int pid, void **head_ptr, size_t *len_ptr);
long kn_sys_sched_yield(void);
long kn_sys_prctl(int option, unsigned long a2, unsigned long a3, unsigned long a4,
		  unsigned long a5);
long kn_sys_membarrier(int cmd, unsigned flags, int cpu_id);
long kn_sys_sched_getaffinity(int pid, unsigned int len, unsigned long *mask);
long kn_sys_sched_setaffinity(int pid, unsigned int len, const unsigned char *mask);
/* timeout is a struct timespec (two longs), or the requeue count. */
long kn_sys_futex(uint32_t *uaddr, int op, uint32_t val, const void *timeout, uint32_t *uaddr2,
		  uint32_t val3);
/* Only checks flags and fails: see kn_clone (kn/clone.h). */
long kn_sys_clone(unsigned long flags, void *newsp, int *ptid, int *ctid, unsigned long tls);
/* exit ends the calling thread (see kn_exit_thread in kn/clone.h for the
 * main thread); exit_group ends the image with status & 0xff, running the
 * teardown table like kn_exit. */
KN_NORETURN long kn_sys_exit(int status);
KN_NORETURN long kn_sys_exit_group(int status);

/* The process's threads: main and every clone that has not exited (what
 * Linux counts in /proc/self/stat's num_threads). */
int kn_posix_thread_count(void);
KN_API_END

#endif
