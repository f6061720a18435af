/* posix-socket's core: sockets as files, and the one loop that turns a
 * family's non-blocking operations into blocking calls. */
#include <kn/errno.h>
#include <kn/time.h>
#ifdef CONFIG_HAVE_POSIX_SIGNAL
#include <kn/posix_signal.h>
#endif
#include "internal.h"

void kn_socket_wake(struct kn_socket *s, unsigned key)
{
	kn_waitq_wake_key(&s->waiters, 0x7fffffff, key);
}

struct kn_socket *kn_sock_get(int fd, struct kn_file **f, long *err)
{
	*f = kn_vfs_fget(fd);
	if (!*f) {
		*err = -KN_EBADF;
		return NULL;
	}
	if ((*f)->vn->ops != &kn_sock_vnode_ops) {
		kn_vfs_fput(*f);
		*err = -KN_ENOTSOCK;
		return NULL;
	}
	return (*f)->vn->priv;
}

long kn_sock_install(struct kn_socket *s, int flags)
{
	s->vn.ops = &kn_sock_vnode_ops;
	s->vn.mode = KN_S_IFSOCK;
	s->vn.priv = s;
	/* On failure the vnode's release closes the socket. */
	return kn_vfs_open_vnode(&s->vn, KN_O_RDWR | flags, -1);
}

long kn_sock_io(struct kn_socket *s, int nonblock, uint64_t timeout_ns, kn_sock_attempt attempt,
		void *ctx)
{
	long r = attempt(s, ctx);
	if (r != -KN_EAGAIN || nonblock)
		return r;
	uint64_t deadline = timeout_ns ? kn_time_monotonic_ns() + timeout_ns : 0;
	struct kn_wait_entry e;
	/* Registered before each look, so a change between the look and
	 * the block ends the block at once. */
	kn_wait_prepare();
	kn_waitq_add(&s->waiters, &e);
	while ((r = attempt(s, ctx)) == -KN_EAGAIN) {
		if (kn_wait_block(deadline) == -KN_ETIMEDOUT)
			break;
		kn_wait_prepare();
	}
	kn_waitq_del(&e);
	return r;
}

void kn_sock_broken_pipe(int flags)
{
#ifdef CONFIG_HAVE_POSIX_SIGNAL
	if (!(flags & KN_MSG_NOSIGNAL))
		kn_signal_raise(KN_SIGPIPE);
#endif
}
