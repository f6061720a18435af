/* kn_blkdev_pread/pwrite (../bytes.c) over a disk in memory, compared
 * with a plain byte array after every call: random offsets and lengths
 * (aligned, inside one sector, straddling several, across the end), two
 * sector sizes, a read-only disk, and injected device errors. The fake
 * kn_blkdev_io refuses anything but whole sectors inside the disk, and
 * counts the device's operations so read-modify-write stays at the ends.
 * Prints "failures=N" last. Driven by host.py. */
#include <string.h>
#include <kn/blkdev.h>
#include <kn/errno.h>
#include "host_check.h"

static unsigned char *disk;  /* what the device holds */
static unsigned char *model; /* what it should hold */
static long reads, writes;   /* device operations of the last call */
static int fail_at;          /* the nth device operation fails (0: none) */

int kn_blkdev_io(struct kn_blkdev *dev, enum kn_blk_op op, uint64_t sector, void *buf,
		 uint64_t count)
{
	CHECK(count && sector + count <= dev->sectors, "io %llu+%llu", (unsigned long long)sector,
	      (unsigned long long)count);
	CHECK(op != KN_BLK_WRITE || !dev->read_only, "a write reached a read-only disk");
	if (fail_at && --fail_at == 0)
		return -KN_EIO;
	size_t at = (size_t)sector * dev->sector_size, n = (size_t)count * dev->sector_size;
	if (op == KN_BLK_READ) {
		memcpy(buf, disk + at, n);
		reads++;
	} else {
		memcpy(disk + at, buf, n);
		writes++;
	}
	return 0;
}

static void one(struct kn_blkdev *dev, uint64_t off, size_t n, int write)
{
	size_t size = (size_t)(dev->sectors * dev->sector_size);
	unsigned char *buf = malloc(n + 1);
	for (size_t i = 0; i < n; i++)
		buf[i] = (unsigned char)rand();
	reads = writes = 0;
	long r = write ? kn_blkdev_pwrite(dev, buf, n, off) : kn_blkdev_pread(dev, buf, n, off);
	size_t want = off >= size ? 0 : size - off < n ? size - off : n;
	if (write && dev->read_only)
		CHECK(r == -KN_EROFS, "write to a read-only disk: %ld", r);
	else if (write && n && off >= size)
		CHECK(r == -KN_ENOSPC, "write at %llu past the end: %ld", (unsigned long long)off,
		      r);
	else
		CHECK(r == (long)want, "%s %zu at %llu: %ld, want %zu", write ? "write" : "read", n,
		      (unsigned long long)off, r, want);
	if (r > 0 && write)
		memcpy(model + off, buf, (size_t)r);
	if (r > 0 && !write)
		CHECK(!memcmp(buf, model + off, (size_t)r), "read %zu at %llu: wrong bytes", n,
		      (unsigned long long)off);
	CHECK(!memcmp(disk, model, size), "disk differs after %s %zu at %llu",
	      write ? "write" : "read", n, (unsigned long long)off);
	/* The middle goes in one call; only partial end sectors are read
	 * (and for a write, written back): at most two of each more. */
	CHECK(reads <= 2 + !write && writes <= 3, "%ld reads, %ld writes", reads, writes);
	if (r > 0 && off % dev->sector_size == 0 && (size_t)r % dev->sector_size == 0)
		CHECK(reads == !write && writes == write, "aligned %s did %ld reads, %ld writes",
		      write ? "write" : "read", reads, writes);
	free(buf);
}

static uint64_t random_offset(size_t size, unsigned ss)
{
	switch (rand() % 4) {
	case 0: return (uint64_t)(rand() % (size / ss)) * ss; /* aligned */
	case 1: return size - (size_t)(rand() % (2 * ss));    /* near the end */
	case 2: return size + (size_t)(rand() % 3);           /* at or past it */
	default: return (uint64_t)rand() % size;
	}
}

static size_t random_length(unsigned ss)
{
	switch (rand() % 4) {
	case 0: return (size_t)(rand() % 4) * ss; /* whole sectors, or none */
	case 1: return (size_t)(rand() % ss);     /* within one */
	default: return (size_t)(rand() % (5 * ss));
	}
}

static void run(unsigned ss, bool read_only)
{
	struct kn_blkdev dev = {.sector_size = ss, .sectors = 64, .read_only = read_only};
	size_t size = 64 * ss;
	disk = calloc(1, size);
	model = calloc(1, size);
	for (size_t i = 0; i < size; i++)
		disk[i] = model[i] = (unsigned char)(i * 7);
	for (int i = 0; i < 20000; i++)
		one(&dev, random_offset(size, ss), random_length(ss), rand() % 2);
	/* Errors: each of the up to three device operations failing. */
	if (!read_only)
		for (int k = 1; k <= 3; k++) {
			unsigned char buf[3] = {1, 2, 3};
			fail_at = k;
			long r = kn_blkdev_pwrite(&dev, buf, 3, ss - 1);
			CHECK(r == -KN_EIO || (fail_at && r == 3), "error %d: %ld", k, r);
			fail_at = 0;
			memcpy(model, disk, size); /* what got there is the new truth */
		}
	fail_at = 1;
	unsigned char buf[8];
	CHECK(kn_blkdev_pread(&dev, buf, 8, 3) == -KN_EIO, "read error not passed on");
	fail_at = 0;
	free(disk);
	free(model);
}

int main(void)
{
	srand(1);
	run(512, false);
	run(4096, false);
	run(512, true);
	printf("checks=%ld failures=%ld\n", checks, fails);
	return fails != 0;
}
