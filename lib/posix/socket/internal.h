/* Shared between posix-socket's files only. */
#ifndef KN_SOCKET_INTERNAL_H
#define KN_SOCKET_INTERNAL_H

#include <kn/socket.h>

/* socket.c */
/* The socket behind fd, its file referenced in *f (kn_vfs_fput it):
 * NULL with *err -KN_EBADF or -KN_ENOTSOCK. */
struct kn_socket *kn_sock_get(int fd, struct kn_file **f, long *err);
/* Makes s a file at the lowest free descriptor (flags: O_NONBLOCK,
 * O_CLOEXEC); on failure s is closed. */
long kn_sock_install(struct kn_socket *s, int flags);
/* Runs attempt(s, ctx) until it returns something other than -KN_EAGAIN,
 * waiting for the socket to change in between; once when nonblock; at
 * most timeout_ns (0: no limit), after which -KN_EAGAIN. */
typedef long (*kn_sock_attempt)(struct kn_socket *s, void *ctx);
long kn_sock_io(struct kn_socket *s, int nonblock, uint64_t timeout_ns, kn_sock_attempt attempt,
		void *ctx);
/* A send failed with -KN_EPIPE: SIGPIPE unless MSG_NOSIGNAL. */
void kn_sock_broken_pipe(int flags);

/* file.c */
extern const struct kn_vnode_ops kn_sock_vnode_ops;
long kn_sock_send(struct kn_socket *s, int nonblock, const struct kn_iovec *iov, int cnt, int flags,
		  const void *addr, unsigned alen);
long kn_sock_recv(struct kn_socket *s, int nonblock, const struct kn_iovec *iov, int cnt, int flags,
		  void *addr, unsigned *alen);

#endif
