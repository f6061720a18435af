/* A socket as a file: read and write are recv and send without flags,
 * poll asks the family, close closes the socket. */
#include <kn/errno.h>
#include <kn/syscall.h>
#include <kn/time.h>
#include <kn/uapi/ioctl.h>
#include <kn/uapi/poll.h>
#include "internal.h"

struct io {
	const struct kn_iovec *iov;
	int cnt, flags;
	const void *addr_in;
	void *addr_out;
	unsigned alen_in, *alen_out;
};

static long try_send(struct kn_socket *s, void *ctx)
{
	struct io *io = ctx;
	return s->ops->send(s, io->iov, io->cnt, io->flags, io->addr_in, io->alen_in);
}

static long try_recv(struct kn_socket *s, void *ctx)
{
	struct io *io = ctx;
	return s->ops->recv(s, io->iov, io->cnt, io->flags, io->addr_out, io->alen_out);
}

/* After a first part of done bytes, a blocking stream call goes on with
 * the rest until all of it moved, the peer is gone, an error or the
 * timeout (Linux's stream sends, and receives with MSG_WAITALL): the
 * result is what moved. */
static long finish(struct kn_socket *s, struct io *io, uint64_t timeout_ns, kn_sock_attempt attempt,
		   long done)
{
	uint64_t deadline = timeout_ns ? kn_time_monotonic_ns() + timeout_ns : 0;
	size_t skip = (size_t)done;
	for (int i = 0; i < io->cnt; i++) {
		if (skip >= io->iov[i].iov_len) {
			skip -= io->iov[i].iov_len;
			continue;
		}
		struct kn_iovec rest = {(char *)io->iov[i].iov_base + skip,
					io->iov[i].iov_len - skip};
		struct io part = *io;
		part.iov = &rest;
		part.cnt = 1;
		while (rest.iov_len) {
			uint64_t now = deadline ? kn_time_monotonic_ns() : 0;
			if (deadline && now >= deadline)
				return done;
			long r = kn_sock_io(s, 0, deadline ? deadline - now : 0, attempt, &part);
			if (r <= 0)
				return done;
			done += r;
			rest.iov_base = (char *)rest.iov_base + r;
			rest.iov_len -= (size_t)r;
		}
		skip = 0;
	}
	return done;
}

long kn_sock_send(struct kn_socket *s, int nonblock, const struct kn_iovec *iov, int cnt, int flags,
		  const void *addr, unsigned alen)
{
	struct io io = {iov, cnt, flags & ~KN_MSG_DONTWAIT, addr, NULL, alen, NULL};
	nonblock = nonblock || (flags & KN_MSG_DONTWAIT);
	long r = kn_sock_io(s, nonblock, s->sndtimeo_ns, try_send, &io);
	if (r > 0 && !nonblock && s->type == KN_SOCK_STREAM)
		r = finish(s, &io, s->sndtimeo_ns, try_send, r);
	if (r == -KN_EPIPE)
		kn_sock_broken_pipe(flags);
	return r;
}

long kn_sock_recv(struct kn_socket *s, int nonblock, const struct kn_iovec *iov, int cnt, int flags,
		  void *addr, unsigned *alen)
{
	struct io io = {iov, cnt, flags & ~KN_MSG_DONTWAIT, NULL, addr, 0, alen};
	nonblock = nonblock || (flags & KN_MSG_DONTWAIT);
	long r = kn_sock_io(s, nonblock, s->rcvtimeo_ns, try_recv, &io);
	if (r > 0 && !nonblock && (flags & KN_MSG_WAITALL) && !(flags & KN_MSG_PEEK) &&
	    s->type == KN_SOCK_STREAM)
		r = finish(s, &io, s->rcvtimeo_ns, try_recv, r);
	return r;
}

static long s_read(struct kn_vnode *vn, struct kn_file *f, void *buf, size_t n, uint64_t off)
{
	if (!n)
		return 0; /* Linux's read of nothing, whatever the socket's state */
	struct kn_iovec iov = {buf, n};
	return kn_sock_recv(vn->priv, f->flags & KN_O_NONBLOCK, &iov, 1, 0, NULL, NULL);
}

static long s_write(struct kn_vnode *vn, struct kn_file *f, const void *buf, size_t n, uint64_t off)
{
	struct kn_iovec iov = {(void *)buf, n};
	return kn_sock_send(vn->priv, f->flags & KN_O_NONBLOCK, &iov, 1, 0, NULL, 0);
}

static unsigned s_poll(struct kn_vnode *vn, struct kn_file *f, struct kn_poll_table *pt)
{
	struct kn_socket *s = vn->priv;
	kn_poll_register(pt, &s->waiters);
	return s->ops->poll(s);
}

static int s_getattr(struct kn_vnode *vn, struct kn_stat *st)
{
	st->st_ino = (uint64_t)(uintptr_t)vn->priv >> 4;
	st->st_mode = KN_S_IFSOCK | 0777;
	st->st_blksize = 4096;
	return 0;
}

static long s_ioctl(struct kn_vnode *vn, struct kn_file *f, unsigned long cmd, void *arg)
{
	struct kn_socket *s = vn->priv;
	switch (cmd) {
	case KN_FIONBIO:
		if (kn_user_readable(arg, sizeof(int)))
			return -KN_EFAULT;
		if (*(int *)arg)
			f->flags |= KN_O_NONBLOCK;
		else
			f->flags &= ~KN_O_NONBLOCK;
		return 0;
	case KN_FIONREAD: {
		if (kn_user_writable(arg, sizeof(int)))
			return -KN_EFAULT;
		long n = s->ops->nread(s);
		if (n < 0)
			return n;
		*(int *)arg = (int)n;
		return 0;
	}
	default: return -KN_ENOTTY;
	}
}

static void s_release(struct kn_vnode *vn)
{
	struct kn_socket *s = vn->priv;
	s->ops->close(s);
}

const struct kn_vnode_ops kn_sock_vnode_ops = {
	.read = s_read,
	.write = s_write,
	.poll = s_poll,
	.getattr = s_getattr,
	.ioctl = s_ioctl,
	.release = s_release,
};
