/* Disk throughput, the same program in the Kiln image (bench/apps/blkbench)
 * and, built statically, in the Linux VM (bench/blk.py): on DEVICE, over
 * its first MiB megabytes,
 *   seq-write   1 MiB writes then fsync      seq-read    1 MiB reads
 *   rand-read   4 KiB reads at random offsets
 *   rand-write  4 KiB writes at random offsets then fsync
 * one line each: "blkbench: NAME bytes=B ops=N seconds=S". O_DIRECT where
 * the kernel has a page cache (Linux), so both read the device, not
 * memory; Kiln has no cache to bypass.
 *
 *   blkbench DEVICE MIB RANDOM_OPS */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define IOBENCH "blkbench"
#include "iobench.h"

#define CHUNK (1 << 20)
#define SMALL 4096

/* The same offsets in every run and on every system. */
static uint64_t next_random(uint64_t *state)
{
	*state = *state * 6364136223846793005ull + 1442695040888963407ull;
	return *state >> 33;
}

static void sequential(int fd, char *buf, uint64_t total, int write)
{
	double t0 = now();
	for (uint64_t off = 0; off < total; off += CHUNK) {
		ssize_t r = write ? pwrite(fd, buf, CHUNK, (off_t)off)
				  : pread(fd, buf, CHUNK, (off_t)off);
		if (r != CHUNK)
			fail(write ? "seq-write" : "seq-read");
	}
	if (write && fsync(fd))
		fail("fsync");
	say(write ? "seq-write" : "seq-read", total, (unsigned)(total / CHUNK), now() - t0);
}

static void random_io(int fd, char *buf, uint64_t total, unsigned ops, int write)
{
	uint64_t state = write ? 2 : 1;
	double t0 = now();
	for (unsigned i = 0; i < ops; i++) {
		off_t off = (off_t)(next_random(&state) % (total / SMALL)) * SMALL;
		ssize_t r = write ? pwrite(fd, buf, SMALL, off) : pread(fd, buf, SMALL, off);
		if (r != SMALL)
			fail(write ? "rand-write" : "rand-read");
	}
	if (write && fsync(fd))
		fail("fsync");
	say(write ? "rand-write" : "rand-read", (uint64_t)ops * SMALL, ops, now() - t0);
}

int main(int argc, char **argv)
{
	if (argc < 4) {
		fprintf(stderr, "usage: blkbench DEVICE MIB RANDOM_OPS\n");
		return 2;
	}
	uint64_t total = (uint64_t)atoi(argv[2]) << 20;
	unsigned ops = (unsigned)atoi(argv[3]);
	int fd = open(argv[1], O_RDWR | O_DIRECT);
	if (fd < 0)
		fail(argv[1]);
	char *buf = aligned_alloc(4096, CHUNK);
	if (!buf)
		fail("aligned_alloc");
	memset(buf, 0x5a, CHUNK);
	sequential(fd, buf, total, 1);
	sequential(fd, buf, total, 0);
	random_io(fd, buf, total, ops, 0);
	random_io(fd, buf, total, ops, 1);
	close(fd);
	printf("blkbench: done\n");
	return 0;
}
