/* Prints every entry under / (one line each, the format of
 * tests/initrd_listing.py's expected_listing) so the boot test can
 * compare the unpacked tree with the rootfs folder, then reads a few
 * files back through symlinks and checks what stat says. Exit 0 only when
 * every check passed. */
#include <stdio.h>
#include <string.h>
#include <kn/vfs.h>

static int failures;

#define CHECK(cond)                                                                                \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			printf("initrd: FAIL %s:%d: %s\n", __FILE__, __LINE__, #cond);             \
			failures++;                                                                \
		}                                                                                  \
	} while (0)

static unsigned char data[1 << 16]; /* a file's first 64 KiB */
static unsigned hash;               /* FNV-1a of the whole file */

/* Reads a whole file of any size: its length in *len, its hash in hash. */
static long read_file(const char *path, size_t *len)
{
	long fd = kn_sys_open(path, KN_O_RDONLY, 0);
	if (fd < 0)
		return fd;
	static unsigned char chunk[4096];
	long n;
	size_t total = 0;
	hash = 2166136261u;
	while ((n = kn_sys_read((int)fd, chunk, sizeof(chunk))) > 0) {
		for (long i = 0; i < n; i++, total++) {
			hash = (hash ^ chunk[i]) * 16777619u;
			if (total < sizeof(data))
				data[total] = chunk[i];
		}
	}
	kn_sys_close((int)fd);
	*len = total;
	return n < 0 ? n : 0;
}

static void walk(const char *dir)
{
	long fd = kn_sys_open(dir, KN_O_RDONLY | KN_O_DIRECTORY, 0);
	CHECK(fd >= 0);
	if (fd < 0)
		return;
	char buf[1024]; /* not static: walk recurses while iterating */
	long n;
	while ((n = kn_sys_getdents64((int)fd, buf, sizeof(buf))) > 0) {
		for (long off = 0; off < n;) {
			struct kn_linux_dirent64 *d = (void *)(buf + off);
			off += d->d_reclen;
			if (!strcmp(d->d_name, ".") || !strcmp(d->d_name, "..") ||
			    (!strcmp(dir, "/") && !strcmp(d->d_name, "dev")))
				continue;
			char path[512];
			snprintf(path, sizeof(path), "%s%s%s", dir, strcmp(dir, "/") ? "/" : "",
				 d->d_name);
			struct kn_stat st;
			CHECK(kn_sys_lstat(path, &st) == 0);
			if (KN_S_ISDIR(st.st_mode)) {
				CHECK(d->d_type == KN_DT_DIR);
				printf("dir %s %o\n", path, st.st_mode & 07777);
				walk(path);
			} else if (KN_S_ISLNK(st.st_mode)) {
				char t[512];
				long k = kn_sys_readlink(path, t, sizeof(t));
				CHECK(k > 0 && k == st.st_size);
				printf("symlink %s -> %.*s\n", path, (int)k, t);
			} else {
				size_t len = 0;
				CHECK(KN_S_ISREG(st.st_mode) && d->d_type == KN_DT_REG);
				CHECK(read_file(path, &len) == 0);
				CHECK((int64_t)len == st.st_size);
				printf("file %s %o %lu %08x nlink %lu\n", path, st.st_mode & 07777,
				       (unsigned long)len, hash, (unsigned long)st.st_nlink);
			}
		}
	}
	CHECK(n == 0);
	kn_sys_close((int)fd);
}

int main(int argc, char **argv)
{
	walk("/");

	/* The committed rootfs: a symlink, a nested file, a binary and an
	 * empty file, read back the way an application would. */
	struct kn_stat st, lst;
	size_t len;
	if (kn_sys_lstat("/link", &lst) == 0) {
		CHECK(KN_S_ISLNK(lst.st_mode));
		CHECK(kn_sys_stat("/link", &st) == 0 && KN_S_ISREG(st.st_mode));
		CHECK(read_file("/link", &len) == 0 && len == 22 &&
		      !memcmp(data, "hello from the initrd\n", 22));
		CHECK(read_file("/etc/nested/deep/file.txt", &len) == 0 && len == 5 &&
		      !memcmp(data, "deep\n", 5));
		CHECK(read_file("/data.bin", &len) == 0 && len == 256);
		for (size_t i = 0; i < len; i++)
			CHECK(data[i] == i);
		CHECK(kn_sys_stat("/empty", &st) == 0 && st.st_size == 0 && KN_S_ISREG(st.st_mode));
		CHECK(kn_sys_stat("/etc/nested", &st) == 0 && KN_S_ISDIR(st.st_mode));
		/* The unpacked tree is an ordinary writable ramfs. */
		long fd = kn_sys_open("/etc/motd", KN_O_WRONLY | KN_O_APPEND, 0);
		CHECK(fd >= 0 && kn_sys_write((int)fd, "more\n", 5) == 5);
		kn_sys_close((int)fd);
		CHECK(read_file("/link", &len) == 0 && len == 27);
	} else {
		printf("initrd: no /link: not the committed rootfs, only listing\n");
	}
	if (failures) {
		printf("initrd: %d checks failed\n", failures);
		return 1;
	}
	printf("initrd: all checks passed\n");
	return 0;
}
