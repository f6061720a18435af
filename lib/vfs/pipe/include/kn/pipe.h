/* vfs-pipe: pipes and eventfd counters as anonymous files (no name in any
 * filesystem), with Linux semantics:
 *  - a pipe holds KN_PIPE_SIZE bytes (fcntl F_SETPIPE_SZ changes that,
 *    up to 1 MiB, Linux's unprivileged limit); writes of at most KN_PIPE_BUF bytes
 *    are atomic, longer ones may be split (partial with O_NONBLOCK);
 *    reading with no writer left returns 0 (end of file), writing with no
 *    reader left raises SIGPIPE (when posix-signal is in the image) and
 *    returns -KN_EPIPE;
 *  - an eventfd is a 64-bit counter read and written 8 bytes at a time.
 * Each pipe and eventfd has one wait queue: blocked readers and writers
 * and pollers of it (poll/select) wait there, and every state change
 * wakes them all, no one else. */
#ifndef KN_PIPE_H
#define KN_PIPE_H

#include <stdint.h>
#include <kn/compiler.h>
#include <kn/uapi/ioctl.h> /* KN_FIONREAD */

#define KN_PIPE_SIZE 65536
#define KN_PIPE_BUF 4096

#define KN_EFD_SEMAPHORE 1
#define KN_EFD_NONBLOCK 04000   /* KN_O_NONBLOCK */
#define KN_EFD_CLOEXEC 02000000 /* KN_O_CLOEXEC */

KN_API_BEGIN
long kn_sys_pipe(int *fds);
long kn_sys_pipe2(int *fds, int flags);
long kn_sys_eventfd(unsigned int initval);
long kn_sys_eventfd2(unsigned int initval, int flags);
KN_API_END

#endif
