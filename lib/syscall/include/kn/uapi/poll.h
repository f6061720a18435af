/* Linux x86-64 ABI: poll(2) and select(2): event bits, struct pollfd and
 * the fd_set bitmap. */
#ifndef KN_UAPI_POLL_H
#define KN_UAPI_POLL_H

#define KN_POLLIN 0x001
#define KN_POLLPRI 0x002
#define KN_POLLOUT 0x004
#define KN_POLLERR 0x008
#define KN_POLLHUP 0x010
#define KN_POLLNVAL 0x020
#define KN_POLLRDNORM 0x040
#define KN_POLLRDBAND 0x080
#define KN_POLLWRNORM 0x100
#define KN_POLLWRBAND 0x200

struct kn_pollfd {
	int fd;
	short events;
	short revents;
};

/* An fd_set: a bitmap of unsigned longs, fd i at bit i % 64 of word i / 64. */
#define KN_FD_SETSIZE 1024
typedef struct {
	unsigned long bits[KN_FD_SETSIZE / 64];
} kn_fd_set;

#endif
