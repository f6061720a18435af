/* The socket system calls: argument checks, the family lookup, and
 * blocking through kn_sock_io. */
#include <kn/errno.h>
#include <kn/syscall.h>
#include <kn/time.h>
#include <kn/uapi/fcntl.h>
#include <kn/uapi/poll.h>
#include <kn/uapi/time.h>
#include "internal.h"

extern const struct kn_socket_family __kn_socket_families_start[], __kn_socket_families_end[];

#define IOV_MAX 1024
#define ADDR_MAX ((unsigned)sizeof(struct kn_sockaddr_storage))

static const struct kn_socket_family *family(int domain)
{
	for (const struct kn_socket_family *fam = __kn_socket_families_start;
	     fam < __kn_socket_families_end; fam++)
		if (fam->domain == domain)
			return fam;
	return NULL;
}

/* Linux's AF_MAX and SOCK_MAX: no family or type at all past them. */
#define DOMAIN_END 46
#define SOCK_TYPE_END 11

/* The family of domain for a socket of type (without flags), checked in
 * Linux's order: the domain's range, the type's, then the family. */
static long lookup(int domain, int type, const struct kn_socket_family **fam)
{
	if (domain < 0 || domain >= DOMAIN_END)
		return -KN_EAFNOSUPPORT;
	if (type >= SOCK_TYPE_END)
		return -KN_EINVAL;
	*fam = family(domain);
	return *fam ? 0 : -KN_EAFNOSUPPORT;
}

static long create(int domain, int type, int protocol, struct kn_socket **out)
{
	if (type & ~(KN_SOCK_TYPE_MASK | KN_SOCK_NONBLOCK | KN_SOCK_CLOEXEC))
		return -KN_EINVAL;
	type &= KN_SOCK_TYPE_MASK;
	const struct kn_socket_family *fam;
	long r = lookup(domain, type, &fam);
	if (r)
		return r;
	struct kn_socket *s;
	r = fam->create(type, protocol, &s);
	if (r)
		return r;
	s->domain = domain;
	s->type = type;
	*out = s;
	return 0;
}

KN_SYSCALL(socket)(int domain, int type, int protocol)
{
	struct kn_socket *s = NULL;
	long r = create(domain, type, protocol, &s);
	if (r)
		return r;
	return kn_sock_install(s, type & (KN_SOCK_NONBLOCK | KN_SOCK_CLOEXEC));
}

/* Both sockets of a pair, or -KN_EOPNOTSUPP from a family without pairs
 * once it has accepted type and protocol (Linux makes a socket first). */
static long create_pair(int domain, int type, int protocol, struct kn_socket *out[2])
{
	type &= KN_SOCK_TYPE_MASK;
	const struct kn_socket_family *fam;
	long r = lookup(domain, type, &fam);
	if (r)
		return r;
	if (!fam->pair) {
		r = fam->create(type, protocol, &out[0]);
		if (r)
			return r;
		out[0]->ops->close(out[0]);
		return -KN_EOPNOTSUPP;
	}
	r = fam->pair(type, protocol, out);
	if (r)
		return r;
	for (int i = 0; i < 2; i++) {
		out[i]->domain = domain;
		out[i]->type = type;
	}
	return 0;
}

KN_SYSCALL(socketpair)(int domain, int type, int protocol, int *sv)
{
	/* Linux's order: the flags, then sv, then the family's answer. */
	if (type & ~(KN_SOCK_TYPE_MASK | KN_SOCK_NONBLOCK | KN_SOCK_CLOEXEC))
		return -KN_EINVAL;
	if (kn_user_writable(sv, 2 * sizeof(int)))
		return -KN_EFAULT;
	struct kn_socket *s[2];
	long r = create_pair(domain, type, protocol, s);
	if (r)
		return r;
	int flags = type & (KN_SOCK_NONBLOCK | KN_SOCK_CLOEXEC);
	long fd0 = kn_sock_install(s[0], flags);
	if (fd0 < 0) {
		s[1]->ops->close(s[1]);
		return fd0;
	}
	long fd1 = kn_sock_install(s[1], flags);
	if (fd1 < 0) {
		kn_sys_close((int)fd0);
		return fd1;
	}
	sv[0] = (int)fd0;
	sv[1] = (int)fd1;
	return 0;
}

/* An address coming in: readable and of a sane length. */
static long addr_in(const void *addr, unsigned len)
{
	if (len > ADDR_MAX)
		return -KN_EINVAL;
	if (len && kn_user_readable(addr, len))
		return -KN_EFAULT;
	return 0;
}

/* An address going out: *alen readable and writable, addr writable for
 * that many bytes. addr NULL: not wanted. */
static long addr_out(void *addr, unsigned *alen)
{
	if (!addr)
		return 0;
	if (kn_user_writable(alen, sizeof(*alen)))
		return -KN_EFAULT;
	if ((int)*alen < 0)
		return -KN_EINVAL;
	if (*alen && kn_user_writable(addr, *alen))
		return -KN_EFAULT;
	return 0;
}

KN_SYSCALL(bind)(int fd, const void *addr, unsigned len)
{
	long r = addr_in(addr, len);
	struct kn_file *f;
	struct kn_socket *s = r ? NULL : kn_sock_get(fd, &f, &r);
	if (!s)
		return r;
	r = s->ops->bind(s, addr, len);
	kn_vfs_fput(f);
	return r;
}

KN_SYSCALL(listen)(int fd, int backlog)
{
	long r;
	struct kn_file *f;
	struct kn_socket *s = kn_sock_get(fd, &f, &r);
	if (!s)
		return r;
	r = s->ops->listen(s, backlog);
	kn_vfs_fput(f);
	return r;
}

static long try_accept(struct kn_socket *s, void *ctx)
{
	return s->ops->accept(s, ctx);
}

KN_SYSCALL(accept4)(int fd, void *addr, unsigned *alen, int flags)
{
	if (flags & ~(KN_SOCK_NONBLOCK | KN_SOCK_CLOEXEC))
		return -KN_EINVAL;
	long r = addr_out(addr, alen);
	struct kn_file *f;
	struct kn_socket *s = r ? NULL : kn_sock_get(fd, &f, &r);
	if (!s)
		return r;
	struct kn_socket *conn = NULL;
	r = kn_sock_io(s, f->flags & KN_O_NONBLOCK, s->rcvtimeo_ns, try_accept, &conn);
	kn_vfs_fput(f);
	if (r)
		return r;
	conn->domain = s->domain;
	conn->type = s->type;
	conn->protocol = s->protocol;
	if (addr)
		conn->ops->name(conn, addr, alen, 1);
	return kn_sock_install(conn, flags);
}

KN_SYSCALL(accept)(int fd, void *addr, unsigned *alen)
{
	return kn_sys_accept4(fd, addr, alen, 0);
}

struct connect_args {
	const void *addr;
	unsigned len;
	int started;
};

/* The first call starts the connection; the later ones ask how it is
 * going, where -KN_EALREADY means wait. */
static long try_connect(struct kn_socket *s, void *ctx)
{
	struct connect_args *c = ctx;
	int r = s->ops->connect(s, c->started ? NULL : c->addr, c->len);
	if (!c->started && (r == -KN_EINPROGRESS || r == -KN_EALREADY)) {
		c->started = 1;
		return -KN_EAGAIN;
	}
	return r == -KN_EALREADY ? -KN_EAGAIN : r;
}

KN_SYSCALL(connect)(int fd, const void *addr, unsigned len)
{
	long r = addr_in(addr, len);
	struct kn_file *f;
	struct kn_socket *s = r ? NULL : kn_sock_get(fd, &f, &r);
	if (!s)
		return r;
	if (f->flags & KN_O_NONBLOCK) {
		r = s->ops->connect(s, addr, len);
	} else {
		struct connect_args c = {addr, len, 0};
		r = kn_sock_io(s, 0, s->sndtimeo_ns, try_connect, &c);
		if (r == -KN_EAGAIN) /* SO_SNDTIMEO ran out */
			r = -KN_EINPROGRESS;
	}
	kn_vfs_fput(f);
	return r;
}

static long name(int fd, void *addr, unsigned *alen, int peer)
{
	long r = addr ? addr_out(addr, alen) : -KN_EFAULT;
	struct kn_file *f;
	struct kn_socket *s = r ? NULL : kn_sock_get(fd, &f, &r);
	if (!s)
		return r;
	r = s->ops->name(s, addr, alen, peer);
	kn_vfs_fput(f);
	return r;
}

KN_SYSCALL(getsockname)(int fd, void *addr, unsigned *alen)
{
	return name(fd, addr, alen, 0);
}

KN_SYSCALL(getpeername)(int fd, void *addr, unsigned *alen)
{
	return name(fd, addr, alen, 1);
}

static long iov_check(const struct kn_iovec *iov, size_t cnt, int writing)
{
	if (cnt > IOV_MAX)
		return -KN_EMSGSIZE;
	if (cnt && kn_user_readable(iov, cnt * sizeof(*iov)))
		return -KN_EFAULT;
	for (size_t i = 0; i < cnt; i++)
		if (iov[i].iov_len && (writing ? kn_user_writable(iov[i].iov_base, iov[i].iov_len)
					       : kn_user_readable(iov[i].iov_base, iov[i].iov_len)))
			return -KN_EFAULT;
	return 0;
}

static long send_iov(int fd, const struct kn_iovec *iov, int cnt, int flags, const void *addr,
		     unsigned alen)
{
	long r = addr ? addr_in(addr, alen) : 0;
	struct kn_file *f;
	struct kn_socket *s = r ? NULL : kn_sock_get(fd, &f, &r);
	if (!s)
		return r;
	r = kn_sock_send(s, f->flags & KN_O_NONBLOCK, iov, cnt, flags, addr, addr ? alen : 0);
	kn_vfs_fput(f);
	return r;
}

static long recv_iov(int fd, const struct kn_iovec *iov, int cnt, int flags, void *addr,
		     unsigned *alen)
{
	long r = addr_out(addr, alen);
	struct kn_file *f;
	struct kn_socket *s = r ? NULL : kn_sock_get(fd, &f, &r);
	if (!s)
		return r;
	r = kn_sock_recv(s, f->flags & KN_O_NONBLOCK, iov, cnt, flags, addr, addr ? alen : NULL);
	kn_vfs_fput(f);
	return r;
}

KN_SYSCALL(sendto)(int fd, const void *buf, size_t n, int flags, const void *addr, unsigned alen)
{
	struct kn_iovec iov = {(void *)buf, n};
	long r = iov_check(&iov, 1, 0);
	return r ? r : send_iov(fd, &iov, 1, flags, addr, alen);
}

KN_SYSCALL(recvfrom)(int fd, void *buf, size_t n, int flags, void *addr, unsigned *alen)
{
	struct kn_iovec iov = {buf, n};
	long r = iov_check(&iov, 1, 1);
	return r ? r : recv_iov(fd, &iov, 1, flags, addr, alen);
}

KN_SYSCALL(sendmsg)(int fd, const struct kn_msghdr *msg, int flags)
{
	if (kn_user_readable(msg, sizeof(*msg)))
		return -KN_EFAULT;
	long r = iov_check(msg->msg_iov, msg->msg_iovlen, 0);
	return r ? r
		 : send_iov(fd, msg->msg_iov, (int)msg->msg_iovlen, flags, msg->msg_name,
			    msg->msg_namelen);
}

KN_SYSCALL(recvmsg)(int fd, struct kn_msghdr *msg, int flags)
{
	if (kn_user_writable(msg, sizeof(*msg)))
		return -KN_EFAULT;
	long r = iov_check(msg->msg_iov, msg->msg_iovlen, 1);
	if (r)
		return r;
	r = recv_iov(fd, msg->msg_iov, (int)msg->msg_iovlen, flags, msg->msg_name,
		     msg->msg_name ? &msg->msg_namelen : NULL);
	if (r >= 0) {
		msg->msg_controllen = 0; /* no ancillary data */
		msg->msg_flags = 0;
	}
	return r;
}

KN_SYSCALL(shutdown)(int fd, int how)
{
	if (how < KN_SHUT_RD || how > KN_SHUT_RDWR)
		return -KN_EINVAL;
	long r;
	struct kn_file *f;
	struct kn_socket *s = kn_sock_get(fd, &f, &r);
	if (!s)
		return r;
	r = s->ops->shutdown(s, how);
	kn_vfs_fput(f);
	return r;
}

static uint64_t timeval_ns(const struct kn_timeval *tv)
{
	return (uint64_t)tv->tv_sec * KN_NSEC_PER_SEC + (uint64_t)tv->tv_usec * 1000;
}

KN_SYSCALL(setsockopt)(int fd, int level, int name, const void *val, unsigned len)
{
	if ((int)len < 0)
		return -KN_EINVAL;
	if (len && kn_user_readable(val, len))
		return -KN_EFAULT;
	long r;
	struct kn_file *f;
	struct kn_socket *s = kn_sock_get(fd, &f, &r);
	if (!s)
		return r;
	if (level == KN_SOL_SOCKET && (name == KN_SO_RCVTIMEO || name == KN_SO_SNDTIMEO)) {
		const struct kn_timeval *tv = val;
		if (len < sizeof(*tv))
			r = -KN_EINVAL;
		else if (tv->tv_usec < 0 || tv->tv_usec >= 1000000 || tv->tv_sec < 0)
			r = -KN_EDOM;
		else {
			*(name == KN_SO_RCVTIMEO ? &s->rcvtimeo_ns : &s->sndtimeo_ns) =
				timeval_ns(tv);
			r = 0;
		}
	} else {
		r = s->ops->setopt(s, level, name, val, len);
	}
	kn_vfs_fput(f);
	return r;
}

static long put_int(void *val, unsigned *len, int v)
{
	if (*len < sizeof(int))
		return -KN_EINVAL;
	*(int *)val = v;
	*len = sizeof(int);
	return 0;
}

KN_SYSCALL(getsockopt)(int fd, int level, int name, void *val, unsigned *len)
{
	if (kn_user_writable(len, sizeof(*len)))
		return -KN_EFAULT;
	if ((int)*len < 0)
		return -KN_EINVAL;
	if (*len && kn_user_writable(val, *len))
		return -KN_EFAULT;
	long r;
	struct kn_file *f;
	struct kn_socket *s = kn_sock_get(fd, &f, &r);
	if (!s)
		return r;
	if (level == KN_SOL_SOCKET && name == KN_SO_TYPE) {
		r = put_int(val, len, s->type);
	} else if (level == KN_SOL_SOCKET && name == KN_SO_DOMAIN) {
		r = put_int(val, len, s->domain);
	} else if (level == KN_SOL_SOCKET && name == KN_SO_PROTOCOL) {
		r = put_int(val, len, s->protocol);
	} else if (level == KN_SOL_SOCKET && (name == KN_SO_RCVTIMEO || name == KN_SO_SNDTIMEO)) {
		uint64_t ns = name == KN_SO_RCVTIMEO ? s->rcvtimeo_ns : s->sndtimeo_ns;
		struct kn_timeval tv = {(int64_t)(ns / KN_NSEC_PER_SEC),
					(int64_t)(ns % KN_NSEC_PER_SEC / 1000)};
		if (*len < sizeof(tv)) {
			r = -KN_EINVAL;
		} else {
			*(struct kn_timeval *)val = tv;
			*len = sizeof(tv);
			r = 0;
		}
	} else {
		r = s->ops->getopt(s, level, name, val, len);
	}
	kn_vfs_fput(f);
	return r;
}
