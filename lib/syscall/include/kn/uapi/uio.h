/* Linux x86-64 ABI: the I/O vector of readv(2) and writev(2). */
#ifndef KN_UAPI_UIO_H
#define KN_UAPI_UIO_H

#include <stddef.h>

struct kn_iovec {
	void *iov_base;
	size_t iov_len;
};

#endif
