/* Drives /dev/vda (tests/boot/test_blk.py). argv[1] says what to do:
 *   write SEED [hold]  write the pattern, read it back, fsync, say
 *                      "fsync returned"; with hold, then wait forever (the
 *                      test kills the VM); without, check the end of disk
 *   verify SEED        read the pattern back (a fresh boot on the disk)
 *   readonly           writes fail with EROFS, reads work
 *   second             /dev/vdb is there and distinct: print its size
 * Every check prints a line; failure exits 1. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

/* Linux's <linux/fs.h> numbers (that header and musl's ioctl macros clash). */
#define BLKSSZGET 0x1268
#define BLKGETSIZE64 0x80081272

static int failures;

#define CHECK(cond, ...)                                                                           \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			printf("FAIL %s:%d: ", __FILE__, __LINE__);                                \
			printf(__VA_ARGS__);                                                       \
			printf("\n");                                                              \
			failures++;                                                                \
		}                                                                                  \
	} while (0)

static unsigned char pattern(uint64_t off, unsigned seed)
{
	return (unsigned char)(off * 131 + seed * 7 + (off >> 9));
}

/* (offset, length) pieces: aligned, inside one sector, straddling
 * several, across a page edge, a large one (split into several
 * requests), and the last bytes of the disk (offset from the end). */
static const struct {
	int64_t off;
	size_t len;
} pieces[] = {
	{0, 512},           {1000, 100}, {1500, 1100}, {4095, 2}, {8192, 65536 + 300},
	{1 << 20, 1 << 20}, {-700, 700},
};
#define NPIECES (sizeof(pieces) / sizeof(pieces[0]))

static uint64_t disk_size(int fd)
{
	uint64_t size = 0;
	int ssz = 0;
	CHECK(ioctl(fd, BLKGETSIZE64, &size) == 0, "BLKGETSIZE64: %s", strerror(errno));
	CHECK(ioctl(fd, BLKSSZGET, &ssz) == 0, "BLKSSZGET: %s", strerror(errno));
	printf("size %llu sector %d\n", (unsigned long long)size, ssz);
	off_t end = lseek(fd, 0, SEEK_END);
	CHECK((uint64_t)end == size, "SEEK_END %lld, size %llu", (long long)end,
	      (unsigned long long)size);
	return size;
}

static uint64_t at(int64_t off, uint64_t size)
{
	return off < 0 ? size + (uint64_t)off : (uint64_t)off;
}

static void fill(unsigned char *buf, uint64_t off, size_t len, unsigned seed)
{
	for (size_t i = 0; i < len; i++)
		buf[i] = pattern(off + i, seed);
}

static size_t check_piece(int fd, uint64_t off, size_t len, unsigned seed, unsigned char *buf)
{
	ssize_t r = pread(fd, buf, len, (off_t)off);
	CHECK(r == (ssize_t)len, "pread %zu at %llu: %zd (%s)", len, (unsigned long long)off, r,
	      strerror(errno));
	size_t bad = 0;
	for (size_t i = 0; r == (ssize_t)len && i < len; i++)
		bad += buf[i] != pattern(off + i, seed);
	CHECK(!bad, "%zu bytes differ at %llu+%zu", bad, (unsigned long long)off, len);
	return r == (ssize_t)len ? len - bad : 0;
}

static size_t verify(int fd, uint64_t size, unsigned seed, unsigned char *buf)
{
	size_t good = 0;
	for (size_t k = 0; k < NPIECES; k++)
		good += check_piece(fd, at(pieces[k].off, size), pieces[k].len, seed, buf);
	/* Between two pieces the disk is as it was: zeros. */
	CHECK(pread(fd, buf, 1495, 2600) == 1495, "pread gap");
	for (int i = 0; i < 1495; i++)
		CHECK(!buf[i], "gap byte %d is %d", 2600 + i, buf[i]);
	return good;
}

static void write_all(int fd, uint64_t size, unsigned seed, unsigned char *buf)
{
	for (size_t k = 0; k < NPIECES; k++) {
		uint64_t off = at(pieces[k].off, size);
		size_t len = pieces[k].len;
		fill(buf, off, len, seed);
		ssize_t r;
		if (k % 2) { /* half by lseek + write, half by pwrite */
			CHECK(lseek(fd, (off_t)off, SEEK_SET) == (off_t)off, "lseek");
			r = write(fd, buf, len);
		} else {
			r = pwrite(fd, buf, len, (off_t)off);
		}
		CHECK(r == (ssize_t)len, "write %zu at %llu: %zd (%s)", len,
		      (unsigned long long)off, r, strerror(errno));
	}
}

static void check_end(int fd, uint64_t size, unsigned seed, unsigned char *buf)
{
	errno = 0;
	CHECK(pwrite(fd, buf, 10, (off_t)size) == -1 && errno == ENOSPC,
	      "write at the end: errno %d, want ENOSPC", errno);
	CHECK(pread(fd, buf, 10, (off_t)size) == 0, "read at the end is not EOF");
	/* Straddling the end: short (the pattern again, so verify holds). */
	fill(buf, size - 4, 10, seed);
	CHECK(pwrite(fd, buf, 10, (off_t)size - 4) == 4, "write across the end is not short");
	CHECK(pread(fd, buf, 10, (off_t)size - 4) == 4, "read across the end is not short");
	printf("end: ENOSPC, EOF, short counts\n");
}

/* /dev lists both disks; vdb is its own disk, with its own size. */
static int second(void)
{
	DIR *dev = opendir("/dev");
	CHECK(dev, "opendir /dev: %s", strerror(errno));
	struct dirent *e;
	printf("/dev:");
	while (dev && (e = readdir(dev)))
		if (e->d_type == DT_BLK)
			printf(" %s", e->d_name);
	printf("\n");
	if (dev)
		closedir(dev);
	int fd = open("/dev/vdb", O_RDONLY);
	CHECK(fd >= 0, "open /dev/vdb: %s", strerror(errno));
	if (fd < 0)
		return 1;
	printf("vdb ");
	disk_size(fd);
	close(fd);
	printf(failures ? "blkdisk: %d failures\n" : "blkdisk: ok\n", failures);
	return failures ? 1 : 0;
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "";
	unsigned seed = argc > 2 ? (unsigned)atoi(argv[2]) : 1;
	static unsigned char buf[2 << 20];
	if (!strcmp(mode, "second"))
		return second();
	int ro = !strcmp(mode, "readonly");
	int fd = open("/dev/vda", O_RDWR);
	CHECK(fd >= 0, "open /dev/vda: %s", strerror(errno));
	if (fd < 0)
		return 1;
	struct stat st;
	CHECK(fstat(fd, &st) == 0 && S_ISBLK(st.st_mode), "/dev/vda is not a block device");
	uint64_t size = disk_size(fd);
	if (ro) {
		errno = 0;
		CHECK(pwrite(fd, "x", 1, 0) == -1 && errno == EROFS, "write: errno %d, want EROFS",
		      errno);
		errno = 0;
		CHECK(write(fd, buf, 4096) == -1 && errno == EROFS, "write: errno %d", errno);
		CHECK(pread(fd, buf, 4096, 0) == 4096, "read of a read-only disk");
		printf("readonly: EROFS, reads work\n");
	} else if (!strcmp(mode, "write")) {
		write_all(fd, size, seed, buf);
		printf("written, read back %zu bytes intact\n", verify(fd, size, seed, buf));
		CHECK(fsync(fd) == 0, "fsync: %s", strerror(errno));
		CHECK(fdatasync(fd) == 0, "fdatasync: %s", strerror(errno));
		printf("fsync returned\n");
		fflush(stdout);
		if (argc > 3 && !strcmp(argv[3], "hold"))
			for (;;)
				sleep(1000);
		check_end(fd, size, seed, buf);
	} else if (!strcmp(mode, "verify")) {
		printf("verified %zu bytes\n", verify(fd, size, seed, buf));
	} else {
		printf("usage: blkdisk write|verify SEED | readonly | second\n");
		return 2;
	}
	CHECK(close(fd) == 0, "close");
	printf(failures ? "blkdisk: %d failures\n" : "blkdisk: ok\n", failures);
	return failures ? 1 : 0;
}
