/* socketpair's arguments, the data path, shutdown, close, buffer sizes,
 * options and names, Kiln's pair against the host's. */
#include "harness.h"
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/ioctl.h>
#include <sys/time.h>
#include <sys/uio.h>
#include <sys/un.h>

void pairs_open(struct pairs *p, int flags)
{
	EQ(kn_sys_socketpair(AF_UNIX, SOCK_STREAM | flags, 0, p->k), 0);
	EQ(HOST(socketpair, AF_UNIX, SOCK_STREAM | flags, 0, p->h), 0);
}

void pairs_close(struct pairs *p)
{
	for (int i = 0; i < 2; i++)
		if (p->k[i] >= 0)
			SAME(kn_sys_close(p->k[i]), close(p->h[i]));
}

void pairs_put(struct pairs *p, int from, const char *s)
{
	SAME(kn_sys_write(p->k[from], s, strlen(s)), write(p->h[from], s, strlen(s)));
}

void pairs_take(struct pairs *p, int at, size_t n)
{
	char kb[256] = {0}, hb[256] = {0};
	SAME(kn_sys_read(p->k[at], kb, n), read(p->h[at], hb, n));
	EQ(memcmp(kb, hb, sizeof(kb)), 0);
}

static int try_pair(int domain, int type, int protocol, int *sv, int *hsv)
{
	long k = kn_sys_socketpair(domain, type, protocol, sv);
	long h = host_ret(HOST(socketpair, domain, type, protocol, hsv));
	if (k != h)
		printf("FAIL %s:%d: socketpair(%d, %#x, %d): kiln %ld, host %ld\n", __FILE__,
		       __LINE__, domain, type, protocol, k, h);
	failures += k != h;
	if (k == 0) {
		kn_sys_close(sv[0]);
		kn_sys_close(sv[1]);
	}
	if (h == 0) {
		close(hsv[0]);
		close(hsv[1]);
	}
	return k == h;
}

/* Linux's checks in Linux's order: flags, sv, family, protocol, type. */
static void pair_errors(void)
{
	int k[2], h[2];
	int *bad = (int *)8;
	try_pair(AF_UNIX, SOCK_STREAM, 0, k, h);
	try_pair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, k, h);
	try_pair(AF_UNIX, SOCK_STREAM, AF_UNIX, k, h);
	try_pair(AF_UNIX, SOCK_STREAM | O_APPEND, 0, k, h);     /* EINVAL */
	try_pair(AF_UNIX, SOCK_STREAM | O_APPEND, 0, bad, bad); /* EINVAL before EFAULT */
	try_pair(AF_UNIX, SOCK_STREAM, 0, bad, bad);            /* EFAULT */
	try_pair(4242, SOCK_STREAM, 0, bad, bad);               /* EFAULT before the family */
	try_pair(4242, SOCK_STREAM, 0, k, h);                   /* EAFNOSUPPORT */
	try_pair(-1, SOCK_STREAM, 0, k, h);
	try_pair(AF_UNIX, SOCK_STREAM, 2, k, h); /* EPROTONOSUPPORT */
	try_pair(AF_UNIX, 10, 0, k, h);          /* SOCK_PACKET: ESOCKTNOSUPPORT */
	try_pair(AF_UNIX, 12, 0, k, h);          /* past SOCK_MAX: EINVAL */
	try_pair(AF_UNIX, 10, 2, k, h);          /* the protocol first */
	try_pair(AF_PACKET, 12, 0, k, h);        /* the type's range before the family */
	try_pair(4242, 12, 0, k, h);             /* the domain's range before the type's */
	/* Linux has these; Kiln does not build them, and says so. */
	EQ(kn_sys_socketpair(AF_UNIX, SOCK_DGRAM, 0, k), -KN_ESOCKTNOSUPPORT);
	EQ(kn_sys_socketpair(AF_UNIX, SOCK_SEQPACKET, 0, k), -KN_ESOCKTNOSUPPORT);
	/* The flags reach the files. */
	struct pairs p;
	pairs_open(&p, SOCK_NONBLOCK | SOCK_CLOEXEC);
	for (int i = 0; i < 2; i++) {
		SAME(kn_sys_fcntl(p.k[i], F_GETFL, 0) & O_NONBLOCK,
		     fcntl(p.h[i], F_GETFL) & O_NONBLOCK);
		SAME(kn_sys_fcntl(p.k[i], F_GETFD, 0), fcntl(p.h[i], F_GETFD));
	}
	pairs_close(&p);
}

/* Both directions, every call that moves bytes, peeking and counting. */
static void pair_io(void)
{
	struct pairs p;
	pairs_open(&p, SOCK_NONBLOCK);
	char kb[64], hb[64];
	SAME(kn_sys_read(p.k[0], kb, sizeof(kb)), read(p.h[0], hb, sizeof(hb))); /* EAGAIN */
	SAME(kn_sys_read(p.k[0], kb, 0), read(p.h[0], hb, 0));                   /* 0 */
	pairs_put(&p, 0, "hello");
	pairs_put(&p, 1, "world!");
	int kn = -1, hn = -2;
	SAME(kn_sys_ioctl(p.k[1], FIONREAD, (unsigned long)&kn), ioctl(p.h[1], FIONREAD, &hn));
	EQ(kn, hn);
	memset(kb, 0, sizeof(kb));
	memset(hb, 0, sizeof(hb));
	SAME(kn_sys_recvfrom(p.k[1], kb, 3, MSG_PEEK, NULL, NULL),
	     HOST(recvfrom, p.h[1], hb, 3, MSG_PEEK, NULL, NULL));
	EQ(memcmp(kb, hb, 3), 0);
	pairs_take(&p, 1, 2);
	/* recvfrom's address from an unnamed sender: none, length 0. */
	struct sockaddr_un ka, ha;
	socklen_t kl = sizeof(ka), hl = sizeof(ha);
	SAME(kn_sys_recvfrom(p.k[1], kb, 64, MSG_DONTWAIT, &ka, &kl),
	     HOST(recvfrom, p.h[1], hb, 64, MSG_DONTWAIT, &ha, &hl));
	EQ(memcmp(kb, hb, 3), 0);
	EQ(kl, hl);
	SAME(kn_sys_recvfrom(p.k[1], kb, 64, 0, NULL, NULL),
	     HOST(recvfrom, p.h[1], hb, 64, 0, NULL, NULL)); /* EAGAIN */
	/* Gathered writes, scattered reads across several writes. */
	char a[] = "ab", b[] = "cde";
	struct iovec out[2] = {{a, 2}, {b, 3}};
	SAME(kn_sys_writev(p.k[0], (struct kn_iovec *)out, 2), writev(p.h[0], out, 2));
	struct msghdr msg = {.msg_iov = out, .msg_iovlen = 2};
	SAME(kn_sys_sendmsg(p.k[0], (struct kn_msghdr *)&msg, 0), HOST(sendmsg, p.h[0], &msg, 0));
	char k1[3], k2[9], h1[3], h2[9];
	struct iovec kin[2] = {{k1, 3}, {k2, 9}}, hin[2] = {{h1, 3}, {h2, 9}};
	struct msghdr km = {.msg_iov = kin, .msg_iovlen = 2},
		      hm = {.msg_iov = hin, .msg_iovlen = 2};
	SAME(kn_sys_recvmsg(p.k[1], (struct kn_msghdr *)&km, MSG_PEEK),
	     HOST(recvmsg, p.h[1], &hm, MSG_PEEK));
	SAME(kn_sys_readv(p.k[1], (struct kn_iovec *)kin, 2), readv(p.h[1], hin, 2));
	EQ(memcmp(k1, h1, 3) || memcmp(k2, h2, 7), 0);
	/* sendto with an address on a connected pair, out-of-band data. */
	struct sockaddr_un to = {.sun_family = AF_UNIX};
	SAME(kn_sys_sendto(p.k[0], "x", 1, 0, &to, sizeof(to)),
	     HOST(sendto, p.h[0], "x", 1, 0, &to, sizeof(to)));
	SAME(kn_sys_sendto(p.k[0], "x", 1, 0, NULL, 0), HOST(sendto, p.h[0], "x", 1, 0, NULL, 0));
	SAME(kn_sys_sendto(p.k[0], "", 0, 0, NULL, 0), HOST(sendto, p.h[0], "", 0, 0, NULL, 0));
	pairs_take(&p, 1, 8);
	pairs_close(&p);
}

/* SHUT_WR: the peer reads what was sent, then end of file; the writer
 * gets EPIPE. SHUT_RD: the reader still gets what was queued; the peer's
 * writes get EPIPE. */
static void pair_shutdown(void)
{
	struct pairs p;
	pairs_open(&p, SOCK_NONBLOCK);
	pairs_put(&p, 0, "last");
	SAME(kn_sys_shutdown(p.k[0], SHUT_WR), shutdown(p.h[0], SHUT_WR));
	pairs_same_poll(&p, 0);
	pairs_same_poll(&p, 1);
	pairs_put(&p, 0, "more"); /* EPIPE */
	SAME(kn_sys_sendto(p.k[0], "", 0, MSG_NOSIGNAL, NULL, 0),
	     HOST(sendto, p.h[0], "", 0, MSG_NOSIGNAL, NULL, 0)); /* EPIPE, even empty */
	pairs_take(&p, 1, 64);
	pairs_take(&p, 1, 64);    /* end of file, not EAGAIN */
	pairs_put(&p, 1, "back"); /* the other way still works */
	pairs_take(&p, 0, 64);
	pairs_put(&p, 1, "queued");
	SAME(kn_sys_shutdown(p.k[0], SHUT_RD), shutdown(p.h[0], SHUT_RD));
	pairs_same_poll(&p, 0);
	pairs_same_poll(&p, 1);
	pairs_put(&p, 1, "late"); /* EPIPE */
	pairs_take(&p, 0, 3);     /* queued data survives SHUT_RD */
	pairs_take(&p, 0, 64);
	pairs_take(&p, 0, 64); /* then end of file */
	SAME(kn_sys_shutdown(p.k[0], SHUT_RDWR), shutdown(p.h[0], SHUT_RDWR));
	SAME(kn_sys_shutdown(p.k[0], 3), shutdown(p.h[0], 3));
	pairs_same_poll(&p, 0);
	pairs_same_poll(&p, 1);
	pairs_close(&p);
}

/* Closing an end: the peer reads the rest, then end of file; its writes
 * get EPIPE. Closing with unread data: the peer's ECONNRESET, once. */
static void pair_close(void)
{
	struct pairs p;
	pairs_open(&p, SOCK_NONBLOCK);
	pairs_put(&p, 0, "bye");
	SAME(kn_sys_close(p.k[0]), close(p.h[0]));
	p.k[0] = p.h[0] = -1;
	pairs_same_poll(&p, 1);
	pairs_take(&p, 1, 2);
	pairs_take(&p, 1, 64);
	pairs_take(&p, 1, 64);
	pairs_put(&p, 1, "anyone?");
	int ke = -1, he = -2;
	socklen_t kl = sizeof(ke), hl = sizeof(he);
	SAME(kn_sys_getsockopt(p.k[1], SOL_SOCKET, SO_ERROR, &ke, &kl),
	     getsockopt(p.h[1], SOL_SOCKET, SO_ERROR, &he, &hl));
	EQ(ke, he);
	pairs_close(&p);

	pairs_open(&p, SOCK_NONBLOCK);
	pairs_put(&p, 1, "unread");
	pairs_put(&p, 0, "mine");
	SAME(kn_sys_close(p.k[0]), close(p.h[0]));
	p.k[0] = p.h[0] = -1;
	pairs_same_poll(&p, 1); /* POLLERR too */
	pairs_take(&p, 1, 64);  /* its own queue first */
	pairs_take(&p, 1, 64);  /* ECONNRESET */
	pairs_same_poll(&p, 1);
	pairs_take(&p, 1, 64); /* then end of file */
	pairs_close(&p);

	pairs_open(&p, SOCK_NONBLOCK);
	pairs_put(&p, 1, "unread");
	SAME(kn_sys_close(p.k[0]), close(p.h[0]));
	p.k[0] = p.h[0] = -1;
	ke = -1, he = -2;
	SAME(kn_sys_getsockopt(p.k[1], SOL_SOCKET, SO_ERROR, &ke, &kl),
	     getsockopt(p.h[1], SOL_SOCKET, SO_ERROR, &he, &hl));
	EQ(ke, he); /* ECONNRESET, and read clears it */
	pairs_take(&p, 1, 64);
	pairs_close(&p);
}

/* Fills one direction without blocking: a partial write, then EAGAIN;
 * the reader counts it all; reading makes room. The exact figures are
 * Linux's accounting of its buffers, so only their shape is compared. */
static void pair_capacity(void)
{
	struct pairs p;
	pairs_open(&p, SOCK_NONBLOCK);
	static char big[1 << 20];
	long kt = 0, ht = 0, k, h;
	k = kn_sys_write(p.k[0], big, sizeof(big));
	h = write(p.h[0], big, sizeof(big));
	CHECK(k > 100000 && k < (long)sizeof(big));
	CHECK(h > 100000 && h < (long)sizeof(big));
	for (kt = k; (k = kn_sys_write(p.k[0], big, 1000)) > 0;)
		kt += k;
	for (ht = h; (h = write(p.h[0], big, 1000)) > 0;)
		ht += h;
	SAME(k, h); /* EAGAIN */
	SAME(kn_sys_sendto(p.k[0], big, 1, MSG_DONTWAIT, NULL, 0),
	     HOST(sendto, p.h[0], big, 1, MSG_DONTWAIT, NULL, 0));
	pairs_same_poll(&p, 0); /* not writable */
	int kn = -1, hn = -2;
	SAME(kn_sys_ioctl(p.k[1], FIONREAD, (unsigned long)&kn), ioctl(p.h[1], FIONREAD, &hn));
	EQ(kn, kt);
	EQ(hn, ht);
	static char sink[1 << 20];
	SAME(kn_sys_read(p.k[1], sink, sizeof(sink)) == kt, read(p.h[1], sink, sizeof(sink)) == ht);
	pairs_same_poll(&p, 0); /* writable again */
	pairs_close(&p);

	/* A smaller SO_SNDBUF holds less. */
	pairs_open(&p, SOCK_NONBLOCK);
	int v = 8192;
	SAME(kn_sys_setsockopt(p.k[0], SOL_SOCKET, SO_SNDBUF, &v, sizeof(v)),
	     setsockopt(p.h[0], SOL_SOCKET, SO_SNDBUF, &v, sizeof(v)));
	k = kn_sys_write(p.k[0], big, 65536);
	h = write(p.h[0], big, 65536);
	CHECK(k > 0 && k <= 16384);
	CHECK(h > 0 && h <= 16384);
	pairs_close(&p);
}

static void same_int_opt(struct pairs *p, int level, int name)
{
	int kv = -1, hv = -1;
	socklen_t kl = sizeof(kv), hl = sizeof(hv);
	SAME(kn_sys_getsockopt(p->k[0], level, name, &kv, &kl),
	     getsockopt(p->h[0], level, name, &hv, &hl));
	EQ(kl, hl);
	if (kv != hv)
		printf("FAIL %s:%d: option %d/%d: kiln %d, host %d\n", __FILE__, __LINE__, level,
		       name, kv, hv);
	failures += kv != hv;
}

static void set_int_opt(struct pairs *p, int level, int name, int v)
{
	SAME(kn_sys_setsockopt(p->k[0], level, name, &v, sizeof(v)),
	     setsockopt(p->h[0], level, name, &v, sizeof(v)));
	same_int_opt(p, level, name);
}

static void pair_options(void)
{
	struct pairs p;
	pairs_open(&p, 0);
	int names[] = {SO_TYPE,   SO_DOMAIN, SO_PROTOCOL,  SO_ERROR,     SO_ACCEPTCONN,
		       SO_SNDBUF, SO_RCVBUF, SO_REUSEADDR, SO_KEEPALIVE, SO_PASSCRED};
	for (unsigned i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		same_int_opt(&p, SOL_SOCKET, names[i]);
	set_int_opt(&p, SOL_SOCKET, SO_SNDBUF, 10000);
	set_int_opt(&p, SOL_SOCKET, SO_SNDBUF, 1); /* the minimum */
	set_int_opt(&p, SOL_SOCKET, SO_RCVBUF, 50000);
	set_int_opt(&p, SOL_SOCKET, SO_RCVBUF, 0);
	set_int_opt(&p, SOL_SOCKET, SO_REUSEADDR, 1);
	set_int_opt(&p, SOL_SOCKET, SO_KEEPALIVE, 5);
	set_int_opt(&p, SOL_SOCKET, SO_KEEPALIVE, 0);
	set_int_opt(&p, SOL_SOCKET, SO_TYPE, 1); /* ENOPROTOOPT */
	set_int_opt(&p, SOL_SOCKET, 99, 1);      /* ENOPROTOOPT */
	set_int_opt(&p, IPPROTO_TCP, 1, 1);      /* EOPNOTSUPP */
	short s = 1;
	SAME(kn_sys_setsockopt(p.k[0], SOL_SOCKET, SO_SNDBUF, &s, sizeof(s)),
	     setsockopt(p.h[0], SOL_SOCKET, SO_SNDBUF, &s, sizeof(s))); /* EINVAL */
	pairs_close(&p);
}

/* Unnamed addresses, and the connection calls on a connected pair. */
static void pair_names(void)
{
	struct pairs p;
	pairs_open(&p, 0);
	struct sockaddr_un ka, ha;
	for (int peer = 0; peer < 2; peer++) {
		memset(&ka, 0x55, sizeof(ka));
		memset(&ha, 0x55, sizeof(ha));
		socklen_t kl = sizeof(ka), hl = sizeof(ha);
		if (peer)
			SAME(kn_sys_getpeername(p.k[0], &ka, &kl),
			     getpeername(p.h[0], (void *)&ha, &hl));
		else
			SAME(kn_sys_getsockname(p.k[0], &ka, &kl),
			     getsockname(p.h[0], (void *)&ha, &hl));
		EQ(kl, hl);
		EQ(memcmp(&ka, &ha, sizeof(ka)), 0);
	}
	socklen_t kl = 1, hl = 1; /* room for less than the family */
	memset(&ka, 0x55, sizeof(ka));
	memset(&ha, 0x55, sizeof(ha));
	SAME(kn_sys_getsockname(p.k[0], &ka, &kl), getsockname(p.h[0], (void *)&ha, &hl));
	EQ(kl, hl);
	EQ(memcmp(&ka, &ha, sizeof(ka)), 0);
	SAME(kn_sys_listen(p.k[0], 5), listen(p.h[0], 5)); /* EINVAL: unbound */
	SAME(kn_sys_accept4(p.k[0], NULL, NULL, 0), HOST(accept4, p.h[0], NULL, NULL, 0));
	struct sockaddr_un to = {.sun_family = AF_UNIX, .sun_path = "/no/such/socket"};
	SAME(kn_sys_connect(p.k[0], &to, sizeof(to)), connect(p.h[0], (void *)&to, sizeof(to)));
	strcpy(to.sun_path, "/");
	SAME(kn_sys_connect(p.k[0], &to, sizeof(to)), connect(p.h[0], (void *)&to, sizeof(to)));
	SAME(kn_sys_connect(p.k[0], &to, 1), connect(p.h[0], (void *)&to, 1)); /* EINVAL */
	to.sun_family = AF_INET;
	SAME(kn_sys_connect(p.k[0], &to, sizeof(to)), connect(p.h[0], (void *)&to, sizeof(to)));
	SAME(kn_sys_bind(p.k[0], &to, sizeof(to)), bind(p.h[0], (void *)&to, sizeof(to)));
	/* An automatic abstract name: NUL and five hex digits, for both ends. */
	to.sun_family = AF_UNIX;
	SAME(kn_sys_bind(p.k[0], &to, 2), bind(p.h[0], (void *)&to, 2));
	SAME(kn_sys_bind(p.k[0], &to, 2), bind(p.h[0], (void *)&to, 2)); /* named already: 0 */
	kl = sizeof(ka), hl = sizeof(ha);
	SAME(kn_sys_getsockname(p.k[0], &ka, &kl), getsockname(p.h[0], (void *)&ha, &hl));
	EQ(kl, hl);
	EQ(ka.sun_path[0], 0);
	kl = sizeof(ka);
	EQ(kn_sys_getpeername(p.k[1], &ka, &kl), 0);
	EQ(kl, 8);
	SAME(kn_sys_listen(p.k[0], 5), listen(p.h[0], 5)); /* EINVAL: connected */
	pairs_close(&p);
}

/* socket(AF_UNIX): an end with no peer, which nothing can connect to. */
static void unconnected(void)
{
	struct pairs p;
	p.k[0] = (int)kn_sys_socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0);
	p.h[0] = (int)HOST(socket, AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0);
	p.k[1] = p.h[1] = -1;
	EQ(p.k[0] >= 0 && p.h[0] >= 0, 1);
	pairs_same_poll(&p, 0);
	char b[4];
	SAME(kn_sys_sendto(p.k[0], "x", 1, MSG_NOSIGNAL, NULL, 0),
	     HOST(sendto, p.h[0], "x", 1, MSG_NOSIGNAL, NULL, 0));
	SAME(kn_sys_recvfrom(p.k[0], b, 1, 0, NULL, NULL),
	     HOST(recvfrom, p.h[0], b, 1, 0, NULL, NULL));
	struct sockaddr_un a;
	socklen_t kl = sizeof(a), hl = sizeof(a);
	SAME(kn_sys_getpeername(p.k[0], &a, &kl), getpeername(p.h[0], (void *)&a, &hl));
	SAME(kn_sys_listen(p.k[0], 1), listen(p.h[0], 1));
	struct sockaddr_un to = {.sun_family = AF_UNIX, .sun_path = "/no/such/socket"};
	SAME(kn_sys_connect(p.k[0], &to, sizeof(to)), connect(p.h[0], (void *)&to, sizeof(to)));
	SAME(kn_sys_socket(AF_UNIX, SOCK_DGRAM + 8, 0), HOST(socket, AF_UNIX, SOCK_DGRAM + 8, 0));
	pairs_close(&p);
}

/* What only Kiln can show on one thread: calls that block until the
 * scripted other thread acts. */
static int blocked_fd;

static void other_reads(void *arg)
{
	static char sink[1 << 18];
	EQ(kn_sys_read(blocked_fd, sink, sizeof(sink)) > 0, 1);
}

static void other_writes(void *arg)
{
	EQ(kn_sys_write(blocked_fd, arg, strlen(arg)), (long)strlen(arg));
}

static void other_closes(void *arg)
{
	EQ(kn_sys_close(blocked_fd), 0);
}

static void pair_blocking(void)
{
	int k[2];
	EQ(kn_sys_socketpair(AF_UNIX, SOCK_STREAM, 0, k), 0);
	/* A stream write goes on until all of it is sent. */
	static char big[300000];
	blocked_fd = k[1];
	then_run(other_reads, NULL);
	EQ(kn_sys_write(k[0], big, sizeof(big)), sizeof(big));
	char sink[1 << 17];
	long left = sizeof(big) - 212992; /* the other thread took a full buffer */
	EQ(kn_sys_read(k[1], sink, sizeof(sink)), left);
	/* A read waits for data. */
	blocked_fd = k[0];
	then_run(other_writes, "ping");
	char buf[16] = {0};
	EQ(kn_sys_read(k[1], buf, sizeof(buf)), 4);
	/* readv takes what is there: a full first buffer does not make it
	 * wait to fill the second (it would block for ever here). */
	EQ(kn_sys_write(k[0], "abc", 3), 3);
	char v1[3], v2[8];
	struct kn_iovec vec[2] = {{v1, 3}, {v2, 8}};
	EQ(kn_sys_readv(k[1], vec, 2), 3);
	/* MSG_WAITALL waits for all it asked for. */
	EQ(kn_sys_write(k[0], "abcd", 4), 4);
	then_run(other_writes, "efghij");
	EQ(kn_sys_recvfrom(k[1], buf, 10, MSG_WAITALL, NULL, NULL), 10);
	EQ(memcmp(buf, "abcdefghij", 10), 0);
	/* ...or until end of file. */
	EQ(kn_sys_write(k[0], "xy", 2), 2);
	then_run(other_closes, NULL);
	EQ(kn_sys_recvfrom(k[1], buf, 10, MSG_WAITALL, NULL, NULL), 2);
	/* A blocked write ends with EPIPE when the reader goes. */
	int m[2];
	EQ(kn_sys_socketpair(AF_UNIX, SOCK_STREAM, 0, m), 0);
	blocked_fd = m[1];
	then_run(other_closes, NULL);
	EQ(kn_sys_sendto(m[0], big, sizeof(big), MSG_NOSIGNAL, NULL, 0), 212992);
	EQ(kn_sys_sendto(m[0], big, 1, MSG_NOSIGNAL, NULL, 0), -KN_EPIPE);
	/* SO_RCVTIMEO: a read with nothing coming gives up with EAGAIN. */
	struct timeval tv = {0, 250000};
	EQ(kn_sys_setsockopt(k[1], SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)), 0);
	EQ(kn_sys_close(m[0]), 0);
	EQ(kn_sys_socketpair(AF_UNIX, SOCK_STREAM, 0, m), 0);
	EQ(kn_sys_setsockopt(m[0], SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)), 0);
	uint64_t before = fake_now;
	EQ(kn_sys_read(m[0], buf, 1), -KN_EAGAIN);
	EQ(fake_now - before, 250000000);
	EQ(kn_sys_close(m[0]), 0);
	EQ(kn_sys_close(m[1]), 0);
	EQ(kn_sys_close(k[1]), 0);
	EQ(entries_live, 0);
}

void pair_scenarios(const char *name, int *found)
{
	static const struct {
		const char *name;
		void (*run)(void);
	} all[] = {
		{"pair_errors", pair_errors},     {"pair_io", pair_io},
		{"pair_shutdown", pair_shutdown}, {"pair_close", pair_close},
		{"pair_capacity", pair_capacity}, {"pair_options", pair_options},
		{"pair_names", pair_names},       {"unconnected", unconnected},
		{"pair_blocking", pair_blocking},
	};
	for (unsigned i = 0; i < sizeof(all) / sizeof(all[0]); i++)
		if (!strcmp(name, all[i].name)) {
			all[i].run();
			*found = 1;
		}
}
