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

#define KN_SYSCALL(name) __attribute__((visibility("default"))) long kn_sys_##name

typedef long (*kn_syscall_fn)(long, long, long, long, long, long);

KN_API_BEGIN
/* Dispatches syscall number nr (Linux x86-64 numbering) through the
 * generated table; unknown numbers return -KN_ENOSYS and log their name
 * once. */
long kn_syscall(long nr, long a1, long a2, long a3, long a4, long a5, long a6);

/* What an ENOSYS stub calls: logs "kn: syscall <nr> is not implemented"
 * the first time (kiln run adds the name), returns -KN_ENOSYS. */
long kn_syscall_enosys(long nr);

/* Checks a buffer the application hands in, by what the kernel is about
 * to do with it, so that a bad one fails with -KN_EFAULT as on Linux
 * instead of faulting in the kernel: kn_user_readable before reading it
 * (write's buffer, a path, a struct passed in), kn_user_writable before
 * writing it (read's buffer, a struct filled in; it may be read too).
 * NULL, the first page, ranges that wrap, non-canonical addresses,
 * unmapped or PROT_NONE pages and, for writing, read-only pages are
 * -KN_EFAULT; otherwise 0. len 0 checks the pointer only. The platform
 * answers (kn_plat_access_ok): cheap, but call it only on calls that
 * take buffers. */
#define KN_USER_READ 1  /* = KN_PLAT_PROT_READ */
#define KN_USER_WRITE 2 /* = KN_PLAT_PROT_WRITE */
int kn_user_access(const void *ptr, size_t len, int access);
KN_API_END

static inline int kn_user_readable(const void *ptr, size_t len)
{
	return kn_user_access(ptr, len, KN_USER_READ);
}

static inline int kn_user_writable(const void *ptr, size_t len)
{
	return kn_user_access(ptr, len, KN_USER_WRITE);
}

#endif
