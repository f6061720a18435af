/* Linux x86-64 ABI: epoll. */
#ifndef KN_UAPI_EPOLL_H
#define KN_UAPI_EPOLL_H

#include <stdint.h>

#define KN_EPOLL_CLOEXEC 02000000 /* KN_O_CLOEXEC */
#define KN_EPOLL_CTL_ADD 1
#define KN_EPOLL_CTL_DEL 2
#define KN_EPOLL_CTL_MOD 3

/* The KN_POLL* bits, and: */
#define KN_EPOLLRDHUP 0x2000
#define KN_EPOLLEXCLUSIVE (1U << 28)
#define KN_EPOLLWAKEUP (1U << 29)
#define KN_EPOLLONESHOT (1U << 30)
#define KN_EPOLLET (1U << 31)

/* Packed on x86-64: 12 bytes. */
struct kn_epoll_event {
	uint32_t events;
	uint64_t data;
} __attribute__((packed));

#endif
