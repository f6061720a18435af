/* lwIP's options for Kiln: the raw API without lwIP's threads (NO_SYS):
 * the net library runs it on one thread, and the cooperative scheduler
 * never preempts it. Sizes come from Kconfig (lib/net/lwip/Kconfig). */
#ifndef KN_LWIPOPTS_H
#define KN_LWIPOPTS_H

#include <kn/alloc.h>
#include <kn/config.h>

#define NO_SYS 1
#define SYS_LIGHTWEIGHT_PROT 0
#define LWIP_SOCKET 0
#define LWIP_NETCONN 0
#define LWIP_IPV4 1
#define LWIP_IPV6 0
#define LWIP_ARP 1
#define LWIP_ETHERNET 1
#define LWIP_ICMP 1
#define LWIP_RAW 0
#define LWIP_UDP 1
#define LWIP_TCP 1
#define LWIP_DHCP 1
#define DHCP_DOES_ARP_CHECK 0 /* slirp's lease is ours alone; no 0.5 s probe */
#define LWIP_AUTOIP 0
#define LWIP_IGMP 0
#define LWIP_DNS 0
#define LWIP_STATS 0
#define LWIP_NETIF_STATUS_CALLBACK 1
#define LWIP_NETIF_LINK_CALLBACK 1
#define LWIP_SINGLE_NETIF 0
#define IP_REASSEMBLY 1
#define IP_FRAG 1

/* The heap for what lwIP mallocs (mem_malloc); fixed pools for the
 * control blocks, so their number is bounded. */
#define MEM_LIBC_MALLOC 1
#define MEM_ALIGNMENT 8
#define mem_clib_malloc kn_malloc
#define mem_clib_free kn_free
#define mem_clib_calloc kn_calloc

#define MEMP_NUM_TCP_PCB CONFIG_LWIP_TCP_PCBS
#define MEMP_NUM_TCP_PCB_LISTEN CONFIG_LWIP_TCP_LISTEN_PCBS
#define MEMP_NUM_UDP_PCB CONFIG_LWIP_UDP_PCBS
#define MEMP_NUM_TCP_SEG (2 * TCP_SND_QUEUELEN)
#define MEMP_NUM_REASSDATA 8
#define IP_REASS_MAX_PBUFS 32
/* Packets to an address being resolved wait for the reply (without
 * queueing, lwIP keeps only the last one: a burst of SYN-ACKs after boot
 * lost all but one and waited for TCP's 3 s retransmission). */
#define ARP_QUEUEING 1
#define ARP_QUEUE_LEN 64
#define MEMP_NUM_ARP_QUEUE 256
#define MEMP_NUM_SYS_TIMEOUT (LWIP_NUM_SYS_TIMEOUT_INTERNAL + 8)
/* Received frames are copied into heap pbufs (PBUF_RAM): the pool is
 * left small. */
#define PBUF_POOL_SIZE 16
#define PBUF_POOL_BUFSIZE 1536

#define TCP_MSS 1460
#define TCP_MSL CONFIG_LWIP_TCP_MSL_MS
#define TCP_SND_QUEUELEN ((4 * TCP_SND_BUF + TCP_MSS - 1) / TCP_MSS)
/* Writable again at half the buffer, within the u16 lwIP keeps it in. */
#define TCP_SNDLOWAT LWIP_MIN(TCP_SND_BUF / 2, 0xffff - 4 * TCP_MSS - 1)
#define TCP_OVERSIZE TCP_MSS
#define TCP_QUEUE_OOSEQ 1
#define LWIP_TCP_SACK_OUT 0
#ifdef CONFIG_LWIP_WND_SCALE
#define LWIP_WND_SCALE 1
#define TCP_RCV_SCALE 4
#define TCP_WND (CONFIG_LWIP_TCP_WND_KIB * 1024)
#define TCP_SND_BUF (CONFIG_LWIP_TCP_SND_BUF_KIB * 1024)
#else
#define LWIP_WND_SCALE 0
/* Without scaling, windows and send buffers stop at 64 KiB. */
#define TCP_WND LWIP_MIN(CONFIG_LWIP_TCP_WND_KIB * 1024, 0xffff)
#define TCP_SND_BUF LWIP_MIN(CONFIG_LWIP_TCP_SND_BUF_KIB * 1024, 0xffff)
#endif
/* The checks that assume received frames land in PBUF_POOL (TCP_WND
 * against the pool's size): ours are copied into PBUF_RAM. */
#define LWIP_DISABLE_TCP_SANITY_CHECKS 1
#ifdef CONFIG_LWIP_TCP_KEEPALIVE
#define LWIP_TCP_KEEPALIVE 1
#endif
#define LWIP_RANDOMIZE_INITIAL_LOCAL_PORTS 1
/* Initial sequence numbers from the random generator (port.c), not
 * lwIP's predictable counter. */
#define LWIP_HOOK_FILENAME "kn_lwip_hooks.h"
#define LWIP_HOOK_TCP_ISN kn_lwip_tcp_isn
#define SO_REUSE 1 /* SO_REUSEADDR */
/* listen()'s backlog, counted until accept() takes a connection
 * (socket.c calls tcp_backlog_delayed/accepted). */
#define TCP_LISTEN_BACKLOG 1

#ifndef CONFIG_LWIP_CHECKSUM_CHECK
#define CHECKSUM_CHECK_IP 0
#define CHECKSUM_CHECK_UDP 0
#define CHECKSUM_CHECK_TCP 0
#define CHECKSUM_CHECK_ICMP 0
#endif

#endif
