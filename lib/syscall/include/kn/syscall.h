/* System calls as function calls.
 *
 * Each system call is implemented once, as an ordinary C function in the
 * library that owns the resource, and listed in that library's
 * library.toml (`syscalls = ["read", ...]`). Define it with KN_SYSCALL:
 *
 *     KN_SYSCALL(read)(int fd, void *buf, size_t count) { ... }
 *
 * which defines `long kn_sys_read(...)`, exported from its library. It
 * takes the Linux x86-64 arguments with their C types and returns the
 * result, or -KN_E<error> (kn/errno.h), exactly like the Linux kernel.
 *
 * The tool generates, per image, the dispatch table (number -> function)
 * and an ENOSYS stub kn_sys_<name> for every Linux syscall no library in
 * the image implements, so a direct call to kn_sys_<anything> always
 * links. Two ways in:
 *  - shim: libc calls kn_sys_<name> (or kn_syscall with a constant number)
 *    directly: a function call, no trap;
 *  - trap: an unmodified binary's `syscall` instruction enters the
 *    platform's handler, which calls kn_syscall (kvm only). */
#ifndef KN_SYSCALL_H
#define KN_SYSCALL_H

#include <stddef.h>
#include <stdint.h>
#include <kn/compiler.h>
#include <kn/errno.h>

#define KN_SYSCALL(name)                                                       \
	__attribute__((visibility("default"))) long kn_sys_##name

typedef long (*kn_syscall_fn)(long, long, long, long, long, long);

KN_API_BEGIN
/* Dispatches syscall number nr (Linux x86-64 numbering) through the
 * generated table; unknown numbers return -KN_ENOSYS and log their name
 * once. */
long kn_syscall(long nr, long a1, long a2, long a3, long a4, long a5, long a6);

/* What an ENOSYS stub calls: logs "kn: syscall <nr> is not implemented"
 * the first time (kiln run adds the name), returns -KN_ENOSYS. */
long kn_syscall_enosys(long nr);

/* Checks a buffer handed in by the application: NULL, the unmapped first
 * page and ranges that wrap around are -KN_EFAULT, otherwise 0. */
int kn_user_check(const void *ptr, size_t len);
KN_API_END

#endif
