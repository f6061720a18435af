/* Host harness for the unpacker: vfs-core and ramfs compiled for the
 * host, the archive unpacked into them, then the resulting tree printed
 * (or the error, as the boot step words it). Exits 0 on success, 2 when
 * the archive is rejected. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <kn/alloc.h>
#include <kn/vfs.h>
#include "../initrd.h"

int kn_ramfs_boot(void);

/* The kernel services vfs-core, ramfs and the unpacker use. */
void *kn_malloc(size_t n)
{
	return malloc(n ? n : 1);
}
void *kn_calloc(size_t a, size_t b)
{
	return calloc(a ? a : 1, b ? b : 1);
}
void *kn_realloc(void *p, size_t n)
{
	return realloc(p, n ? n : 1);
}
void kn_free(void *p)
{
	free(p);
}
void kn_alloc_stats(struct kn_alloc_stats *st)
{
	memset(st, 0, sizeof(*st));
}
void kn_console_write(const char *s, size_t n)
{
	fwrite(s, 1, n, stdout);
}
int kn_user_access(const void *ptr, size_t len, int access)
{
	return 0;
}
int kn_printk(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vprintf(fmt, ap);
	va_end(ap);
	return n;
}

static unsigned fnv1a(const unsigned char *p, size_t n)
{
	unsigned h = 2166136261u;
	while (n--)
		h = (h ^ *p++) * 16777619u;
	return h;
}

/* One line per entry, sorted by the caller: the same format as the boot
 * test app prints, so pytest compares both with the host's folder. */
static void walk(const char *dir)
{
	long fd = kn_sys_open(dir, KN_O_RDONLY | KN_O_DIRECTORY, 0);
	if (fd < 0) {
		printf("cannot open %s: %ld\n", dir, fd);
		exit(1);
	}
	char buf[4096];
	long n;
	while ((n = kn_sys_getdents64((int)fd, buf, sizeof(buf))) > 0) {
		for (long off = 0; off < n;) {
			struct kn_linux_dirent64 *d = (void *)(buf + off);
			off += d->d_reclen;
			if (!strcmp(d->d_name, ".") || !strcmp(d->d_name, ".."))
				continue;
			char path[KN_PATH_MAX];
			snprintf(path, sizeof(path), "%s%s%s", dir, strcmp(dir, "/") ? "/" : "",
				 d->d_name);
			struct kn_stat st;
			if (kn_sys_lstat(path, &st))
				exit(1);
			if (KN_S_ISDIR(st.st_mode)) {
				printf("dir %s %o\n", path, st.st_mode & 07777);
				walk(path);
			} else if (KN_S_ISLNK(st.st_mode)) {
				char t[KN_PATH_MAX];
				long k = kn_sys_readlink(path, t, sizeof(t));
				printf("symlink %s -> %.*s\n", path, (int)k, t);
			} else {
				static unsigned char data[1 << 20];
				long f = kn_sys_open(path, KN_O_RDONLY, 0);
				long k = kn_sys_read((int)f, data, sizeof(data));
				kn_sys_close((int)f);
				printf("file %s %o %ld %08x nlink %lu\n", path, st.st_mode & 07777,
				       k, fnv1a(data, (size_t)k), (unsigned long)st.st_nlink);
			}
		}
	}
	kn_sys_close((int)fd);
}

int main(int argc, char **argv)
{
	if (argc != 2 && argc != 5)
		return 1;
	FILE *f = fopen(argv[1], "rb");
	if (!f)
		return 1;
	fseek(f, 0, SEEK_END);
	long len = ftell(f);
	fseek(f, 0, SEEK_SET);
	unsigned char *buf = malloc(len ? (size_t)len : 1);
	if (len && fread(buf, 1, (size_t)len, f) != (size_t)len)
		return 1;
	fclose(f);
	if (kn_ramfs_boot())
		return 1;
	if (argc == 5 && !strcmp(argv[2], "fuzz")) {
		/* Damaged archives unpacked one after the other into one tree:
		 * whatever they hold, the unpacker must fail cleanly or succeed. */
		srand((unsigned)atoi(argv[3]));
		int ok = 0, bad = 0;
		for (int i = atoi(argv[4]); i > 0; i--) {
			unsigned char *copy = malloc(len ? (size_t)len : 1);
			memcpy(copy, buf, (size_t)len);
			for (int k = rand() % 3; k >= 0 && len; k--)
				copy[rand() % len] = (unsigned char)"0fF4/.a\0"[rand() % 8];
			struct kn_cpio_error err;
			struct kn_initrd_stats st;
			kn_initrd_unpack(copy, (size_t)len, &err, &st) ? bad++ : ok++;
			free(copy);
		}
		free(buf);
		printf("fuzz: %d accepted, %d rejected\n", ok, bad);
		return 0;
	}

	struct kn_cpio_error err;
	struct kn_initrd_stats st;
	if (kn_initrd_unpack(buf, (size_t)len, &err, &st)) {
		printf("error offset=%zu what=%s name=%s errnum=%d\n", err.offset, err.what,
		       err.name ? err.name : "-", err.errnum);
		free(buf);
		return 2;
	}
	free(buf);
	printf("stats dirs=%lu files=%lu symlinks=%lu hardlinks=%lu skipped=%lu bytes=%lu\n",
	       st.dirs, st.files, st.symlinks, st.hardlinks, st.skipped, (unsigned long)st.bytes);
	walk("/");
	printf("ok\n");
	return 0;
}
