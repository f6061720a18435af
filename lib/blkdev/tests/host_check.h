/* What the disk host tests share (bytes_test.c here, virtio-blk's
 * blk_test.c): CHECK with a message, counted for the "failures=N" line
 * their drivers read, and the kernel heap as the host's. */
#ifndef KN_BLKDEV_HOST_CHECK_H
#define KN_BLKDEV_HOST_CHECK_H

#include <stdio.h>
#include <stdlib.h>
#include <kn/alloc.h>

static long checks, fails;

#define CHECK(cond, ...)                                                                           \
	do {                                                                                       \
		checks++;                                                                          \
		if (!(cond)) {                                                                     \
			fails++;                                                                   \
			printf("FAIL %s:%d: %s: ", __FILE__, __LINE__, #cond);                     \
			printf(__VA_ARGS__);                                                       \
			printf("\n");                                                              \
		}                                                                                  \
	} while (0)

void *kn_malloc(size_t size)
{
	return malloc(size);
}

void kn_free(void *p)
{
	free(p);
}

#endif
