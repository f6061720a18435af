/* Linux x86-64 ABI: sockets. The values apps pass and get back; a socket
 * family translates them to its stack's own (lwIP's differ). */
#ifndef KN_UAPI_SOCKET_H
#define KN_UAPI_SOCKET_H

#include <stdint.h>
#include <kn/uapi/uio.h>

#define KN_AF_UNSPEC 0
#define KN_AF_UNIX 1
#define KN_AF_INET 2
#define KN_AF_INET6 10

#define KN_SOCK_STREAM 1
#define KN_SOCK_DGRAM 2
#define KN_SOCK_RAW 3
#define KN_SOCK_TYPE_MASK 0xf
#define KN_SOCK_NONBLOCK 04000   /* KN_O_NONBLOCK */
#define KN_SOCK_CLOEXEC 02000000 /* KN_O_CLOEXEC */

#define KN_SOL_SOCKET 1
#define KN_SO_DEBUG 1
#define KN_SO_REUSEADDR 2
#define KN_SO_TYPE 3
#define KN_SO_ERROR 4
#define KN_SO_DONTROUTE 5
#define KN_SO_BROADCAST 6
#define KN_SO_SNDBUF 7
#define KN_SO_RCVBUF 8
#define KN_SO_KEEPALIVE 9
#define KN_SO_OOBINLINE 10
#define KN_SO_LINGER 13
#define KN_SO_REUSEPORT 15
#define KN_SO_RCVLOWAT 18
#define KN_SO_SNDLOWAT 19
#define KN_SO_RCVTIMEO 20
#define KN_SO_SNDTIMEO 21
#define KN_SO_ACCEPTCONN 30
#define KN_SO_PROTOCOL 38
#define KN_SO_DOMAIN 39

#define KN_IPPROTO_IP 0
#define KN_IPPROTO_ICMP 1
#define KN_IPPROTO_TCP 6
#define KN_IPPROTO_UDP 17
#define KN_IPPROTO_IPV6 41

#define KN_IP_TOS 1
#define KN_IP_TTL 2

#define KN_TCP_NODELAY 1
#define KN_TCP_MAXSEG 2
#define KN_TCP_CORK 3
#define KN_TCP_KEEPIDLE 4
#define KN_TCP_KEEPINTVL 5
#define KN_TCP_KEEPCNT 6
#define KN_TCP_DEFER_ACCEPT 9
#define KN_TCP_INFO 11
#define KN_TCP_QUICKACK 12
#define KN_TCP_FASTOPEN 23

#define KN_MSG_OOB 0x1
#define KN_MSG_PEEK 0x2
#define KN_MSG_TRUNC 0x20
#define KN_MSG_DONTWAIT 0x40
#define KN_MSG_WAITALL 0x100
#define KN_MSG_NOSIGNAL 0x4000

#define KN_SHUT_RD 0
#define KN_SHUT_WR 1
#define KN_SHUT_RDWR 2

#define KN_INADDR_ANY 0

struct kn_sockaddr {
	uint16_t sa_family;
	char sa_data[14];
};

/* Port and address in network byte order. */
struct kn_sockaddr_in {
	uint16_t sin_family;
	uint16_t sin_port;
	uint32_t sin_addr;
	uint8_t sin_zero[8];
};

/* Large enough for every family's address. */
struct kn_sockaddr_storage {
	uint16_t ss_family;
	char ss_data[126];
};

struct kn_msghdr {
	void *msg_name;
	uint32_t msg_namelen;
	struct kn_iovec *msg_iov;
	size_t msg_iovlen;
	void *msg_control;
	size_t msg_controllen;
	int msg_flags;
};

struct kn_linger {
	int l_onoff;
	int l_linger;
};

#endif
