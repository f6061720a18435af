/* Futexes for the kernel's own use (the futex syscall is built on these).
 * A futex is a 32-bit word; waiters are queued by its address. With one
 * address space, private and shared futexes are the same thing. */
#ifndef KN_FUTEX_H
#define KN_FUTEX_H

#include <stdint.h>
#include <kn/compiler.h>

#define KN_FUTEX_BITSET_ANY 0xffffffffu

KN_API_BEGIN
/* Blocks while *uaddr == val until woken by a wake whose bitset shares a
 * bit with `bitset`, or until the monotonic clock reaches deadline_ns
 * (0: no deadline). Returns 0 when woken, -KN_EAGAIN when *uaddr != val
 * on entry, -KN_ETIMEDOUT at the deadline. The address must be valid and
 * 4-byte aligned (the syscall checks that). */
int kn_futex_wait(uint32_t *uaddr, uint32_t val, uint64_t deadline_ns, uint32_t bitset);
/* Wakes up to n waiters of uaddr (oldest first) whose bitset matches;
 * returns how many were woken. */
int kn_futex_wake(uint32_t *uaddr, int n, uint32_t bitset);
/* Wakes up to n_wake waiters of uaddr and moves up to n_move of the rest
 * to uaddr2; returns woken + moved. */
int kn_futex_requeue(uint32_t *uaddr, int n_wake, uint32_t *uaddr2, int n_move);
KN_API_END

#endif
