/* Addresses of AF_UNIX sockets, and the connection calls. There are no
 * listening sockets (no named sockets to connect to yet), so these
 * answer as Linux does when none exists: an abstract name binds (and
 * names the socket), a connect finds nobody, listen and accept refuse. */
#include <kn/errno.h>
#include <kn/uapi/fcntl.h>
#include <kn/vfs.h>
#include "unix.h"

/* Linux's unix_validate_addr. */
static int valid(const void *addr, unsigned len)
{
	if (len < 2 || len > KN_UNIX_ADDR_MAX)
		return 0;
	return ((const struct kn_sockaddr *)addr)->sa_family == KN_AF_UNIX;
}

static int is_abstract(const void *addr, unsigned len)
{
	return len > 2 && ((const char *)addr)[2] == 0;
}

/* Linux's autobind name: a NUL and five hex digits. */
static void autoname(struct kn_unix_end *u)
{
	static unsigned next;
	unsigned n = next++ & 0xfffff;
	u->addr[2] = 0;
	for (int i = 0; i < 5; i++)
		u->addr[3 + i] = "0123456789abcdef"[(n >> (4 * (4 - i))) & 0xf];
	u->addr_len = 8;
}

int kn_unix_bind(struct kn_socket *s, const void *addr, unsigned len)
{
	struct kn_unix_end *u = kn_unix_of(s);
	if (!valid(addr, len))
		return -KN_EINVAL;
	if (len == 2) { /* a name of Linux's choosing, unless it has one */
		if (!u->addr_len) {
			*(uint16_t *)u->addr = KN_AF_UNIX;
			autoname(u);
		}
		return 0;
	}
	if (u->addr_len)
		return -KN_EINVAL;
	/* A path would make a socket file: the vfs has no such files. */
	if (!is_abstract(addr, len))
		return -KN_EOPNOTSUPP;
	__builtin_memcpy(u->addr, addr, len);
	u->addr_len = len;
	return 0;
}

int kn_unix_listen(struct kn_socket *s, int backlog)
{
	struct kn_unix_end *u = kn_unix_of(s);
	/* Linux: unbound or connected sockets cannot listen. */
	if (!u->addr_len || u->connected)
		return -KN_EINVAL;
	return -KN_EOPNOTSUPP; /* no listening sockets yet */
}

int kn_unix_accept(struct kn_socket *s, struct kn_socket **out)
{
	return -KN_EINVAL; /* not listening */
}

/* Nobody listens anywhere: ENOENT for a path that does not exist,
 * ECONNREFUSED for one that does (it is no listening socket) or for an
 * abstract name, as Linux finds them. */
int kn_unix_connect(struct kn_socket *s, const void *addr, unsigned len)
{
	if (!valid(addr, len))
		return -KN_EINVAL;
	if (len == 2 || is_abstract(addr, len))
		return -KN_ECONNREFUSED;
	char path[KN_UNIX_PATH_MAX + 1];
	unsigned n = len - 2;
	__builtin_memcpy(path, (const char *)addr + 2, n);
	path[n] = 0;
	long r = kn_sys_faccessat(KN_AT_FDCWD, path, 0);
	return r == 0 ? -KN_ECONNREFUSED : (int)r;
}

/* An unnamed socket's address is its family alone (2 bytes), as Linux;
 * the room in addr takes what fits, *alen says the full length. */
int kn_unix_name(struct kn_socket *s, void *addr, unsigned *alen, int peer)
{
	struct kn_unix_end *u = kn_unix_of(s);
	if (peer && !u->connected)
		return -KN_ENOTCONN;
	char unnamed[2];
	*(uint16_t *)unnamed = KN_AF_UNIX;
	const struct kn_unix_end *named = peer ? u->peer : u;
	/* After the peer closed: unnamed (Linux would still give a bound
	 * peer's name; we no longer have it). */
	const char *src = named && named->addr_len ? named->addr : unnamed;
	unsigned len = named && named->addr_len ? named->addr_len : 2;
	__builtin_memcpy(addr, src, *alen < len ? *alen : len);
	*alen = len;
	return 0;
}
