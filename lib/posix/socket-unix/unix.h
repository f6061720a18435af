/* Shared between posix-socket-unix's files only. */
#ifndef KN_SOCKET_UNIX_H
#define KN_SOCKET_UNIX_H

#include <stddef.h>
#include <kn/socket.h>

/* Linux's bits in sk_shutdown: a SHUT_* value plus one. */
#define KN_UNIX_SHUT_RD 1
#define KN_UNIX_SHUT_WR 2
#define KN_UNIX_SHUT_BOTH 3

/* Linux's sun_path and sockaddr_un sizes. */
#define KN_UNIX_PATH_MAX 108
#define KN_UNIX_ADDR_MAX (2 + KN_UNIX_PATH_MAX)

/* One write not yet read (whole or in part), in the reader's queue. */
struct kn_unix_chunk {
	struct kn_unix_chunk *next;
	size_t len, off; /* bytes written, first unread */
	char data[];
};

struct kn_unix_end {
	struct kn_socket s;
	struct kn_unix_end *peer;          /* NULL once the peer closed, or never had one */
	int connected;                     /* one of a pair: stays so after the peer closed */
	struct kn_unix_chunk *head, *tail; /* what this end has to read */
	size_t queued;                     /* bytes in them */
	size_t charged;                    /* and what they cost the writer */
	unsigned shut;                     /* KN_UNIX_SHUT_*: its own and its peer's */
	int err;                           /* pending error for SO_ERROR and recv */
	int sndbuf, rcvbuf;                /* as SO_SNDBUF / SO_RCVBUF report them */
	unsigned flags;                    /* boolean SOL_SOCKET options, by bit */
	unsigned addr_len;                 /* 0: unnamed */
	char addr[KN_UNIX_ADDR_MAX];       /* its name once bound (abstract only) */
};

static inline struct kn_unix_end *kn_unix_of(struct kn_socket *s)
{
	return (struct kn_unix_end *)s;
}

/* stream.c: the data path. */
long kn_unix_send(struct kn_socket *s, const struct kn_iovec *iov, int cnt, int flags,
		  const void *addr, unsigned alen);
long kn_unix_recv(struct kn_socket *s, const struct kn_iovec *iov, int cnt, int flags, void *addr,
		  unsigned *alen);
int kn_unix_shutdown(struct kn_socket *s, int how);
unsigned kn_unix_poll(struct kn_socket *s);
long kn_unix_nread(struct kn_socket *s);
void kn_unix_drop_queue(struct kn_unix_end *u);

/* options.c: SOL_SOCKET options and their defaults. */
void kn_unix_options_init(struct kn_unix_end *u);
int kn_unix_setopt(struct kn_socket *s, int level, int name, const void *val, unsigned len);
int kn_unix_getopt(struct kn_socket *s, int level, int name, void *val, unsigned *len);

/* names.c: addresses, and the connection calls a pair answers. */
int kn_unix_bind(struct kn_socket *s, const void *addr, unsigned len);
int kn_unix_listen(struct kn_socket *s, int backlog);
int kn_unix_accept(struct kn_socket *s, struct kn_socket **out);
int kn_unix_connect(struct kn_socket *s, const void *addr, unsigned len);
int kn_unix_name(struct kn_socket *s, void *addr, unsigned *alen, int peer);

#endif
