/* Shared-folder throughput, the same program in the Kiln image
 * (bench/apps/ninepbench, vfs-9pfs) and, built statically, in the Linux VM
 * (its 9p filesystem) by bench/ninep.py; in DIR, a 9p share:
 *   seq-write   MIB megabytes in 1 MiB writes to one file, then fsync
 *   seq-read    the same file in 1 MiB reads
 *   create      FILES empty files (open O_CREAT|O_EXCL, close)
 *   stat        each of them
 *   unlink      each of them
 * one line each: "ninepbench: NAME bytes=B ops=N seconds=S".
 *
 *   ninepbench DIR MIB FILES */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define IOBENCH "ninepbench"
#include "iobench.h"

#define CHUNK (1 << 20)

static void sequential(const char *path, char *buf, uint64_t total, int write)
{
	double t0 = now();
	int fd = write ? open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644) : open(path, O_RDONLY);
	if (fd < 0)
		fail(path);
	for (uint64_t off = 0; off < total; off += CHUNK) {
		ssize_t r = write ? pwrite(fd, buf, CHUNK, (off_t)off)
				  : pread(fd, buf, CHUNK, (off_t)off);
		if (r != CHUNK)
			fail(write ? "seq-write" : "seq-read");
	}
	if ((write && fsync(fd)) || close(fd))
		fail("fsync/close");
	say(write ? "seq-write" : "seq-read", total, (unsigned)(total / CHUNK), now() - t0);
}

static char *name(const char *dir, unsigned i)
{
	static char path[4096 + 16]; /* dir is at most 4096 */
	snprintf(path, sizeof(path), "%s/f%05u", dir, i);
	return path;
}

/* step 0: create, 1: stat, 2: unlink, each over all the files. */
static void metadata(const char *dir, unsigned files, int step)
{
	static const char *names[] = {"create", "stat", "unlink"};
	double t0 = now();
	for (unsigned i = 0; i < files; i++) {
		struct stat st;
		int fd, bad;
		if (step == 0)
			bad = (fd = open(name(dir, i), O_WRONLY | O_CREAT | O_EXCL, 0644)) < 0 ||
			      close(fd);
		else if (step == 1)
			bad = stat(name(dir, i), &st) || st.st_size != 0;
		else
			bad = unlink(name(dir, i));
		if (bad)
			fail(names[step]);
	}
	say(names[step], 0, files, now() - t0);
}

int main(int argc, char **argv)
{
	if (argc < 4) {
		fprintf(stderr, "usage: ninepbench DIR MIB FILES\n");
		return 2;
	}
	const char *dir = argv[1];
	uint64_t total = (uint64_t)atoi(argv[2]) << 20;
	unsigned files = (unsigned)atoi(argv[3]);
	char *buf = malloc(CHUNK), file[4096], meta[4096];
	if (!buf)
		fail("malloc");
	memset(buf, 0x5a, CHUNK);
	snprintf(file, sizeof(file), "%s/big", dir);
	snprintf(meta, sizeof(meta), "%s/meta", dir);
	sequential(file, buf, total, 1);
	sequential(file, buf, total, 0);
	if (unlink(file) || mkdir(meta, 0755))
		fail("unlink/mkdir");
	for (int step = 0; step < 3; step++)
		metadata(meta, files, step);
	if (rmdir(meta))
		fail("rmdir");
	printf("ninepbench: done\n");
	return 0;
}
