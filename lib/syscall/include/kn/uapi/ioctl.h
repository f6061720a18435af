/* Linux x86-64 ABI: the generic ioctl requests files of several kinds
 * answer (pipes, sockets). */
#ifndef KN_UAPI_IOCTL_H
#define KN_UAPI_IOCTL_H

#define KN_FIONREAD 0x541b /* int: bytes ready to read */
#define KN_FIONBIO 0x5421  /* int: O_NONBLOCK on (non-zero) or off */

#endif
