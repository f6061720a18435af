/* The guest half of tests/boot/test_9p.py: each command works in a shared
 * folder and prints what it saw, for the host to compare with what its own
 * kernel says about the same folder.
 *   make DIR        files, folders, renames, links, modes, times
 *   list DIR        every entry under DIR, sorted, as lstat saw it
 *   cat FILE        the file's bytes on stdout
 *   big FILE SIZE   writes SIZE pattern bytes in one write, reads them back
 *   verify FILE SIZE  reads the pattern back (a second boot)
 *   errors DIR      errno of calls that must fail
 *   rofs DIR        errno of changes to a read-only share
 *   threads DIR N   N threads write and read back files at once
 *   vanish DIR      says "vanish: ready", waits for a line on stdin (sent
 *                   once the host has removed DIR), then prints what calls
 *                   in it give; exits 42 when each failed with ENOENT and
 *                   the file opened before still reads */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/statfs.h>
#include <unistd.h>

static int failed;

#define CHECK(cond)                                                                                \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			printf("FAIL %s:%d: %s (errno %s)\n", __FILE__, __LINE__, #cond,           \
			       strerror(errno));                                                   \
			failed = 1;                                                                \
		}                                                                                  \
	} while (0)

static char *join(const char *dir, const char *name)
{
	static char buf[4][4096];
	static int i;
	char *p = buf[i++ % 4];
	snprintf(p, 4096, "%s/%s", dir, name);
	return p;
}

static void put(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	CHECK(fd >= 0);
	CHECK(write(fd, text, strlen(text)) == (ssize_t)strlen(text));
	CHECK(fsync(fd) == 0);
	CHECK(close(fd) == 0);
}

static int make(const char *d)
{
	put(join(d, "hello.txt"), "hello from the guest\n");
	CHECK(mkdir(join(d, "sub"), 0750) == 0);
	CHECK(mkdir(join(d, "sub/deeper"), 0700) == 0);
	put(join(d, "sub/deeper/nested.txt"), "nested\n");
	put(join(d, "old-name"), "renamed\n");
	CHECK(rename(join(d, "old-name"), join(d, "sub/new-name")) == 0);
	CHECK(rename(join(d, "sub/deeper"), join(d, "moved")) == 0);
	/* After a rename a database syncs the folder (Redis's dump). */
	int dfd = open(join(d, "sub"), O_RDONLY | O_DIRECTORY);
	CHECK(dfd >= 0 && fsync(dfd) == 0 && fdatasync(dfd) == 0);
	CHECK(close(dfd) == 0);
	put(join(d, "gone"), "x");
	CHECK(unlink(join(d, "gone")) == 0);
	CHECK(mkdir(join(d, "empty-gone"), 0755) == 0);
	CHECK(rmdir(join(d, "empty-gone")) == 0);
	CHECK(symlink("hello.txt", join(d, "link")) == 0);
	CHECK(symlink("/nowhere/at/all", join(d, "dangling")) == 0);
	CHECK(link(join(d, "hello.txt"), join(d, "hard")) == 0);
	put(join(d, "mode"), "mode\n");
	CHECK(chmod(join(d, "mode"), 0604) == 0);
	put(join(d, "trunc"), "0123456789");
	CHECK(truncate(join(d, "trunc"), 4) == 0);
	struct stat a, b;
	int fd = open(join(d, "trunc"), O_RDWR);
	CHECK(fd >= 0 && ftruncate(fd, 6) == 0 && close(fd) == 0);
	put(join(d, "times"), "t\n");
	struct timespec ts[2] = {{1000000000, 5}, {1234567890, 123456789}};
	CHECK(utimensat(AT_FDCWD, join(d, "times"), ts, 0) == 0);
	/* pread/pwrite at offsets, O_APPEND */
	fd = open(join(d, "offsets"), O_RDWR | O_CREAT, 0644);
	CHECK(fd >= 0 && pwrite(fd, "world", 5, 6) == 5 && pwrite(fd, "hello", 5, 0) == 5);
	char buf[16] = {0};
	CHECK(pread(fd, buf, sizeof(buf), 0) == 11 && !memcmp(buf, "hello\0world", 11));
	close(fd);
	fd = open(join(d, "offsets"), O_WRONLY | O_APPEND);
	CHECK(fd >= 0 && write(fd, "!", 1) == 1 && close(fd) == 0);
	/* An open file outlives its name. */
	fd = open(join(d, "unlinked"), O_RDWR | O_CREAT, 0644);
	CHECK(fd >= 0 && unlink(join(d, "unlinked")) == 0);
	CHECK(write(fd, "still here", 10) == 10 && pread(fd, buf, 10, 0) == 10);
	CHECK(!memcmp(buf, "still here", 10) && fstat(fd, &b) == 0 && b.st_size == 10);
	CHECK(close(fd) == 0);
	fd = open(join(d, "hello.txt"), O_RDONLY);
	CHECK(fd >= 0 && unlink(join(d, "hard")) == 0 && read(fd, buf, 5) == 5);
	CHECK(close(fd) == 0 && link(join(d, "hello.txt"), join(d, "hard")) == 0);
	char target[64] = {0};
	CHECK(readlink(join(d, "link"), target, sizeof(target)) == 9 &&
	      !strcmp(target, "hello.txt"));
	CHECK(stat(join(d, "link"), &a) == 0 && stat(join(d, "hard"), &b) == 0);
	CHECK(a.st_ino == b.st_ino && b.st_nlink == 2);
	fd = open(join(d, "hello.txt"), O_RDONLY);
	CHECK(fd >= 0 && fstat(fd, &b) == 0 && b.st_size == 21 && close(fd) == 0);
	uint64_t sx[32]; /* struct statx; this musl has no wrapper: stx_size at 40 */
	CHECK(syscall(SYS_statx, AT_FDCWD, join(d, "hello.txt"), 0, 0x7ff, sx) == 0 && sx[5] == 21);
	struct statfs sf;
	CHECK(statfs(d, &sf) == 0 && sf.f_bsize > 0 && sf.f_blocks > 0);
	printf(failed ? "make: failed\n" : "make: done\n");
	return failed;
}

static int cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* One line per entry, the same fields test_9p.py prints from the host. */
static void list(const char *root, const char *rel)
{
	char dir[4096];
	snprintf(dir, sizeof(dir), "%s%s%s", root, *rel ? "/" : "", rel);
	DIR *dp = opendir(dir);
	CHECK(dp != NULL);
	if (!dp)
		return;
	char *names[256];
	int n = 0;
	struct dirent *e;
	while ((e = readdir(dp)) && n < 256)
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			names[n++] = strdup(e->d_name);
	closedir(dp);
	qsort(names, (size_t)n, sizeof(*names), cmp);
	for (int i = 0; i < n; i++) {
		char path[4096], relp[4096];
		snprintf(relp, sizeof(relp), "%s%s%s", rel, *rel ? "/" : "", names[i]);
		snprintf(path, sizeof(path), "%s/%s", root, relp);
		struct stat st;
		CHECK(lstat(path, &st) == 0);
		char target[256] = "";
		if (S_ISLNK(st.st_mode))
			CHECK(readlink(path, target, sizeof(target) - 1) > 0);
		long size = S_ISDIR(st.st_mode) ? 0 : (long)st.st_size;
		printf("entry %s mode=%o nlink=%lu size=%ld mtime=%lld.%09ld ino=%llu link=%s\n",
		       relp, st.st_mode, (unsigned long)st.st_nlink, size,
		       (long long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec,
		       (unsigned long long)st.st_ino, target);
		if (S_ISDIR(st.st_mode))
			list(root, relp);
		free(names[i]);
	}
}

static int cat(const char *path)
{
	char buf[4096];
	int fd = open(path, O_RDONLY);
	if (fd < 0) {
		printf("cat: %s: %s\n", path, strerror(errno));
		return 1;
	}
	ssize_t n;
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		fwrite(buf, 1, (size_t)n, stdout);
	close(fd);
	return 0;
}

static unsigned char pattern(size_t i)
{
	return (unsigned char)((i * 2654435761u) >> 13);
}

static int verify(const char *path, size_t size)
{
	unsigned char *buf = malloc(size + 1);
	int fd = open(path, O_RDONLY);
	CHECK(buf && fd >= 0);
	if (!buf || fd < 0)
		return 1;
	ssize_t got = read(fd, buf, size + 1); /* one call: the client splits it */
	CHECK(got == (ssize_t)size);
	size_t bad = 0;
	for (size_t i = 0; i < size && got == (ssize_t)size; i++)
		bad += buf[i] != pattern(i);
	CHECK(bad == 0);
	close(fd);
	free(buf);
	printf(failed ? "verify: failed\n" : "verify: %zu bytes match\n", size);
	return failed;
}

static int big(const char *path, size_t size)
{
	unsigned char *buf = malloc(size);
	CHECK(buf != NULL);
	for (size_t i = 0; buf && i < size; i++)
		buf[i] = pattern(i);
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	CHECK(fd >= 0 && write(fd, buf, size) == (ssize_t)size && close(fd) == 0);
	free(buf);
	return failed || verify(path, size);
}

#define ERR(call, want)                                                                            \
	do {                                                                                       \
		errno = 0;                                                                         \
		long r_ = (long)(call);                                                            \
		printf("%s -> %ld errno %d\n", #call, r_, errno);                                  \
		if (r_ >= 0 || errno != (want))                                                    \
			failed = 1;                                                                \
	} while (0)

static int errors(const char *d)
{
	char buf[8];
	ERR(open(join(d, "absent"), O_RDONLY), ENOENT);
	ERR(mkdir(join(d, "sub"), 0755), EEXIST);
	ERR(rmdir(join(d, "sub")), ENOTEMPTY);
	ERR(unlink(join(d, "sub")), EISDIR);
	ERR(open(join(d, "hello.txt/x"), O_RDONLY), ENOTDIR);
	ERR(open(join(d, "hello.txt"), O_RDONLY | O_CREAT | O_EXCL, 0644), EEXIST);
	ERR(readlink(join(d, "hello.txt"), buf, sizeof(buf)), EINVAL);
	ERR(rename(join(d, "sub"), join(d, "sub/inside")), EINVAL);
	printf(failed ? "errors: failed\n" : "errors: done\n");
	return failed;
}

static int rofs(const char *d)
{
	ERR(open(join(d, "new"), O_WRONLY | O_CREAT, 0644), EROFS);
	ERR(mkdir(join(d, "newdir"), 0755), EROFS);
	ERR(unlink(join(d, "hello.txt")), EROFS);
	ERR(rename(join(d, "hello.txt"), join(d, "other")), EROFS);
	ERR(chmod(join(d, "hello.txt"), 0600), EROFS);
	ERR(truncate(join(d, "hello.txt"), 0), EROFS);
	ERR(open(join(d, "hello.txt"), O_WRONLY), EROFS);
	ERR(open(join(d, "hello.txt"), O_RDWR | O_APPEND), EROFS);
	printf(failed ? "rofs: failed\n" : "rofs: done\n");
	return failed || cat(join(d, "hello.txt"));
}

struct worker {
	char path[4096];
	size_t size;
	int ok;
};

/* Many requests in flight: while one thread waits for its reply, the
 * others send theirs. */
static void *work(void *arg)
{
	struct worker *w = arg;
	unsigned char *buf = malloc(w->size), *back = malloc(w->size);
	for (size_t i = 0; buf && i < w->size; i++)
		buf[i] = (unsigned char)(pattern(i) ^ w->path[strlen(w->path) - 1]);
	int fd = open(w->path, O_RDWR | O_CREAT | O_TRUNC, 0644);
	w->ok = buf && back && fd >= 0 && write(fd, buf, w->size) == (ssize_t)w->size &&
		pread(fd, back, w->size, 0) == (ssize_t)w->size && !memcmp(buf, back, w->size) &&
		close(fd) == 0;
	free(buf);
	free(back);
	return NULL;
}

static int threads(const char *d, int n)
{
	struct worker w[16];
	pthread_t t[16];
	for (int i = 0; i < n && i < 16; i++) {
		snprintf(w[i].path, sizeof(w[i].path), "%s/thread%c", d, 'a' + i);
		w[i].size = 300000 + (size_t)i * 1000;
		CHECK(pthread_create(&t[i], NULL, work, &w[i]) == 0);
	}
	for (int i = 0; i < n && i < 16; i++) {
		CHECK(pthread_join(t[i], NULL) == 0);
		CHECK(w[i].ok);
	}
	printf(failed ? "threads: failed\n" : "threads: %d done\n", n);
	return failed;
}

/* The host removes the shared folder under the guest: every call by path
 * fails with ENOENT, none crashes, and a file opened before still reads
 * (the server holds it open). */
static int vanish(const char *d)
{
	char buf[16] = {0}, line[16];
	struct stat st;
	put(join(d, "kept"), "kept\n");
	CHECK(mkdir(join(d, "sub"), 0755) == 0);
	int fd = open(join(d, "kept"), O_RDONLY);
	CHECK(fd >= 0);
	printf("vanish: ready\n");
	fflush(stdout);
	CHECK(fgets(line, sizeof(line), stdin) != NULL);
	ERR(stat(join(d, "kept"), &st), ENOENT);
	ERR(open(join(d, "kept"), O_RDONLY), ENOENT);
	ERR(open(join(d, "new"), O_WRONLY | O_CREAT, 0644), ENOENT);
	ERR(mkdir(join(d, "sub/inner"), 0755), ENOENT);
	ERR(unlink(join(d, "kept")), ENOENT);
	ERR(rename(join(d, "kept"), join(d, "other")), ENOENT);
	DIR *dp = opendir(join(d, "sub"));
	printf("opendir(sub) -> %s\n", dp ? "a stream" : strerror(errno));
	if (dp) {
		failed = 1;
		closedir(dp);
	}
	CHECK(pread(fd, buf, sizeof(buf), 0) == 5 && !strcmp(buf, "kept\n"));
	CHECK(close(fd) == 0);
	printf(failed ? "vanish: failed\n" : "vanish: done\n");
	return failed ? 1 : 42;
}

int main(int argc, char **argv)
{
	if (argc == 3 && !strcmp(argv[1], "make"))
		return make(argv[2]);
	if (argc == 3 && !strcmp(argv[1], "list")) {
		list(argv[2], "");
		return failed;
	}
	if (argc == 3 && !strcmp(argv[1], "cat"))
		return cat(argv[2]);
	if (argc == 4 && !strcmp(argv[1], "big"))
		return big(argv[2], strtoul(argv[3], 0, 0));
	if (argc == 4 && !strcmp(argv[1], "verify"))
		return verify(argv[2], strtoul(argv[3], 0, 0));
	if (argc == 3 && !strcmp(argv[1], "errors"))
		return errors(argv[2]);
	if (argc == 4 && !strcmp(argv[1], "threads"))
		return threads(argv[2], atoi(argv[3]));
	if (argc == 3 && !strcmp(argv[1], "rofs"))
		return rofs(argv[2]);
	if (argc == 3 && !strcmp(argv[1], "vanish"))
		return vanish(argv[2]);
	fprintf(stderr, "usage: share make|list|cat|big|verify|errors|rofs|threads|vanish ...\n");
	return 2;
}
