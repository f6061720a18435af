/* Host tests of posix-socket-unix: each scenario runs the same calls on
 * a Kiln pair (kn_sys_*) and a host pair (raw syscalls) and compares the
 * results, errno values included (the pipe tests' SAME and HOST). */
#ifndef SOCKET_UNIX_HARNESS_H
#define SOCKET_UNIX_HARNESS_H
#include "../../../vfs/pipe/tests/harness.h"
#include <sys/socket.h>
#include <kn/socket.h>

/* posix-socket's calls that kn/socket.h leaves out. */
long kn_sys_getsockname(int fd, void *addr, unsigned *alen);
long kn_sys_getpeername(int fd, void *addr, unsigned *alen);
long kn_sys_sendmsg(int fd, const struct kn_msghdr *msg, int flags);
long kn_sys_recvmsg(int fd, struct kn_msghdr *msg, int flags);

struct pairs {
	int k[2], h[2]; /* Kiln's pair, the host's */
};

/* socketpair(AF_UNIX, SOCK_STREAM | flags) on both. */
void pairs_open(struct pairs *p, int flags);
void pairs_close(struct pairs *p);
/* Write s on end `from` of both, read n on the other end of both. */
void pairs_put(struct pairs *p, int from, const char *s);
void pairs_take(struct pairs *p, int at, size_t n);
/* poll() masks of end `at`, Kiln's against the host's, all events asked. */
void pairs_same_poll(struct pairs *p, int at);

void pair_scenarios(const char *name, int *found);
void pair_poll_scenarios(const char *name, int *found);
#endif
