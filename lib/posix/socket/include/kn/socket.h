/* posix-socket: sockets are files (poll, select, read, write, close and
 * dup treat them like pipes), and the socket system calls, over families
 * that network stacks register (lwip registers AF_INET).
 *
 * A family's operations never block: where Linux would wait they return
 * -KN_EAGAIN (or -KN_EINPROGRESS / -KN_EALREADY for connect), and the
 * socket layer waits on the socket's wait queue for readiness, honouring
 * O_NONBLOCK, MSG_DONTWAIT and SO_RCVTIMEO / SO_SNDTIMEO. So a family
 * only keeps its state, answers poll, and wakes `waiters` whenever that
 * state changes. Addresses and option values arrive in Linux's layout
 * (kn/uapi/socket.h), checked readable/writable by the socket layer. */
#ifndef KN_SOCKET_H
#define KN_SOCKET_H

#include <stdint.h>
#include <kn/compiler.h>
#include <kn/sched.h>
#include <kn/uapi/socket.h>
#include <kn/vfs.h>

struct kn_socket;

struct kn_socket_ops {
	int (*bind)(struct kn_socket *s, const void *addr, unsigned len);
	int (*listen)(struct kn_socket *s, int backlog);
	/* A connection ready to take, as a new socket; -KN_EAGAIN if none. */
	int (*accept)(struct kn_socket *s, struct kn_socket **out);
	/* Starts connecting (-KN_EINPROGRESS), or reports on it: -KN_EALREADY
	 * while it goes on, then 0 or its error once. */
	int (*connect)(struct kn_socket *s, const void *addr, unsigned len);
	long (*send)(struct kn_socket *s, const struct kn_iovec *iov, int cnt, int flags,
		     const void *addr, unsigned alen);
	/* addr/alen NULL when the caller does not want the sender; *alen is
	 * the room in addr on entry, the address's full length on return. */
	long (*recv)(struct kn_socket *s, const struct kn_iovec *iov, int cnt, int flags,
		     void *addr, unsigned *alen);
	int (*shutdown)(struct kn_socket *s, int how);
	int (*name)(struct kn_socket *s, void *addr, unsigned *alen, int peer);
	int (*setopt)(struct kn_socket *s, int level, int name, const void *val, unsigned len);
	int (*getopt)(struct kn_socket *s, int level, int name, void *val, unsigned *len);
	/* KN_POLL* readiness now. */
	unsigned (*poll)(struct kn_socket *s);
	/* Bytes ready to read (FIONREAD). */
	long (*nread)(struct kn_socket *s);
	/* The last file of the socket closed: free it (the family may let
	 * the connection linger on). */
	void (*close)(struct kn_socket *s);
};

struct kn_socket {
	const struct kn_socket_ops *ops;
	struct kn_waitq waiters; /* woken by the family on any change */
	int domain, type, protocol;
	/* Kept by the socket layer: SO_RCVTIMEO, SO_SNDTIMEO (0: none). */
	uint64_t rcvtimeo_ns, sndtimeo_ns;
	struct kn_vnode vn; /* the socket as a file */
	void *priv;         /* the family's */
};

struct kn_socket_family {
	int domain;
	/* type is SOCK_STREAM/SOCK_DGRAM/... without flags. 0 and *out (the
	 * family allocates and fills ops and priv), or -KN_EPROTONOSUPPORT,
	 * -KN_ESOCKTNOSUPPORT, -KN_ENOMEM. */
	int (*create)(int type, int protocol, struct kn_socket **out);
	/* socketpair(2): two sockets connected to each other, made and
	 * checked as create does. NULL: the family has no pairs (Linux's
	 * EOPNOTSUPP, AF_INET's case). */
	int (*pair)(int type, int protocol, struct kn_socket *out[2]);
};

#define KN_SOCKET_FAMILY(var)                                                                      \
	static const struct kn_socket_family var KN_USED KN_ALIGNED(8)                             \
		KN_SECTION(".kn_socket_families")

KN_API_BEGIN
/* For families: readiness changed (data, room, a connection, an error);
 * key: the KN_POLL* bits concerned (0 for anything), which lets an
 * edge-triggered epoll item ignore changes it does not watch. */
void kn_socket_wake(struct kn_socket *s, unsigned key);
/* Socket syscalls, callable from other libraries. */
long kn_sys_socket(int domain, int type, int protocol);
long kn_sys_socketpair(int domain, int type, int protocol, int *sv);
long kn_sys_bind(int fd, const void *addr, unsigned len);
long kn_sys_listen(int fd, int backlog);
long kn_sys_accept4(int fd, void *addr, unsigned *alen, int flags);
long kn_sys_connect(int fd, const void *addr, unsigned len);
long kn_sys_sendto(int fd, const void *buf, size_t n, int flags, const void *addr, unsigned alen);
long kn_sys_recvfrom(int fd, void *buf, size_t n, int flags, void *addr, unsigned *alen);
long kn_sys_shutdown(int fd, int how);
long kn_sys_setsockopt(int fd, int level, int name, const void *val, unsigned len);
long kn_sys_getsockopt(int fd, int level, int name, void *val, unsigned *len);
KN_API_END

#endif
