/* SOL_SOCKET options of an AF_UNIX socket, with Linux's defaults and
 * limits (net.core.wmem_default and friends at their boot values). Other
 * levels are no AF_UNIX business: EOPNOTSUPP, as Linux. */
#include <kn/errno.h>
#include <kn/uapi/poll.h>
#include "unix.h"

#define BUF_DEFAULT 212992 /* net.core.[rw]mem_default */
#define BUF_MAX 212992     /* net.core.[rw]mem_max */
/* Linux's SOCK_MIN_SNDBUF and SOCK_MIN_RCVBUF (sizes of its sk_buff). */
#define SNDBUF_MIN 4608
#define RCVBUF_MIN 2304

#define SO_PASSCRED 16

void kn_unix_options_init(struct kn_unix_end *u)
{
	u->sndbuf = BUF_DEFAULT;
	u->rcvbuf = BUF_DEFAULT;
}

/* Options Linux keeps as a yes or no for any socket. */
static int flag_bit(int name)
{
	switch (name) {
	case KN_SO_DEBUG:
	case KN_SO_REUSEADDR:
	case KN_SO_DONTROUTE:
	case KN_SO_BROADCAST:
	case KN_SO_KEEPALIVE:
	case KN_SO_OOBINLINE:
	case KN_SO_REUSEPORT:
	case SO_PASSCRED: return 1 << name;
	default: return 0;
	}
}

/* Linux doubles the value asked for (room for its bookkeeping) after
 * capping it at the sysctl maximum; a negative one counts as huge. */
static int buffer_size(int v, int min)
{
	unsigned capped = (unsigned)v > BUF_MAX ? BUF_MAX : (unsigned)v;
	return (int)capped * 2 < min ? min : (int)capped * 2;
}

int kn_unix_setopt(struct kn_socket *s, int level, int name, const void *val, unsigned len)
{
	struct kn_unix_end *u = kn_unix_of(s);
	if (level != KN_SOL_SOCKET)
		return -KN_EOPNOTSUPP;
	if (len < sizeof(int))
		return -KN_EINVAL;
	int v = *(const int *)val;
	if (name == KN_SO_SNDBUF) {
		u->sndbuf = buffer_size(v, SNDBUF_MIN);
		kn_socket_wake(s, KN_POLLOUT | KN_POLLWRNORM | KN_POLLWRBAND);
		return 0;
	}
	if (name == KN_SO_RCVBUF) {
		u->rcvbuf = buffer_size(v, RCVBUF_MIN);
		return 0;
	}
	unsigned bit = (unsigned)flag_bit(name);
	if (!bit)
		return -KN_ENOPROTOOPT;
	u->flags = v ? u->flags | bit : u->flags & ~bit;
	return 0;
}

static int put_int(void *val, unsigned *len, int v)
{
	if (*len < sizeof(int))
		return -KN_EINVAL;
	*(int *)val = v;
	*len = sizeof(int);
	return 0;
}

int kn_unix_getopt(struct kn_socket *s, int level, int name, void *val, unsigned *len)
{
	struct kn_unix_end *u = kn_unix_of(s);
	if (level != KN_SOL_SOCKET)
		return -KN_EOPNOTSUPP;
	switch (name) {
	case KN_SO_ERROR: {
		int r = put_int(val, len, u->err);
		if (!r)
			u->err = 0; /* read once, as Linux */
		return r;
	}
	case KN_SO_ACCEPTCONN: return put_int(val, len, 0); /* nothing listens */
	case KN_SO_SNDBUF: return put_int(val, len, u->sndbuf);
	case KN_SO_RCVBUF: return put_int(val, len, u->rcvbuf);
	default: {
		unsigned bit = (unsigned)flag_bit(name);
		return bit ? put_int(val, len, !!(u->flags & bit)) : -KN_ENOPROTOOPT;
	}
	}
}
