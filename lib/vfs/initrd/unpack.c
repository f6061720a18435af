/* Unpacking: each archive entry becomes a directory, file or symlink in
 * the VFS, created through the public file calls (see initrd.h). */
#include <kn/alloc.h>
#include <kn/console.h>
#include <kn/errno.h>
#include <kn/vfs.h>
#include "initrd.h"

static const char HINT_VFS[] = "the filesystem refused it; give the VM more memory (-m) or "
			       "fix the rootfs folder";

/* The large buffers (12 KiB) are taken from the heap for the unpacking
 * only: not on the boot stack, and not kept in bss for the image's life.
 * Unpacking happens once, before any other thread exists. */
struct work {
	struct kn_cpio_reader reader;
	char abspath[KN_CPIO_PATH_MAX + 1];
	char target[KN_CPIO_PATH_MAX];
};
static struct work *w;
#define abspath (w->abspath)
#define target (w->target)

/* Hard-link groups seen so far: (ino, dev) -> the first path created. */
struct link_group {
	uint32_t ino, devmajor, devminor;
	char *path;
};
static struct link_group *groups;
static size_t ngroups, groups_cap;

static int vfs_fail(struct kn_cpio_error *err, const struct kn_cpio_entry *e, const char *what,
		    long rc)
{
	*err = (struct kn_cpio_error){e->offset, what, HINT_VFS, abspath, (int)-rc};
	return -1;
}

static struct link_group *find_group(const struct kn_cpio_entry *e)
{
	for (size_t i = 0; i < ngroups; i++)
		if (groups[i].ino == e->ino && groups[i].devmajor == e->devmajor &&
		    groups[i].devminor == e->devminor)
			return &groups[i];
	return NULL;
}

static long add_group(const struct kn_cpio_entry *e)
{
	if (ngroups == groups_cap) {
		size_t cap = groups_cap ? groups_cap * 2 : 16;
		struct link_group *g = kn_realloc(groups, cap * sizeof(*g));
		if (!g)
			return -KN_ENOMEM;
		groups = g;
		groups_cap = cap;
	}
	size_t n = __builtin_strlen(abspath) + 1;
	char *copy = kn_malloc(n);
	if (!copy)
		return -KN_ENOMEM;
	__builtin_memcpy(copy, abspath, n);
	groups[ngroups++] = (struct link_group){e->ino, e->devmajor, e->devminor, copy};
	return 0;
}

static void free_groups(void)
{
	for (size_t i = 0; i < ngroups; i++)
		kn_free(groups[i].path);
	kn_free(groups);
	groups = NULL;
	ngroups = groups_cap = 0;
}

/* mkdir -p of abspath's parent. */
static long make_parents(void)
{
	char *end = abspath + __builtin_strlen(abspath);
	while (end > abspath && *end != '/')
		end--;
	for (char *p = abspath + 1; p < end; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		long rc = kn_sys_mkdir(abspath, 0755);
		*p = '/';
		if (rc && rc != -KN_EEXIST)
			return rc;
	}
	if (end == abspath)
		return 0;
	*end = '\0';
	long rc = kn_sys_mkdir(abspath, 0755);
	*end = '/';
	return rc == -KN_EEXIST ? 0 : rc;
}

/* Clears the way for a new entry at abspath: returns 1 when the entry is
 * a directory over a directory (nothing more to create), 0 when the path
 * is free, or -KN_E*. */
static long clear_path(const struct kn_cpio_entry *e)
{
	struct kn_stat st;
	long rc = kn_sys_lstat(abspath, &st);
	if (rc == -KN_ENOENT)
		return 0;
	if (rc)
		return rc;
	if (KN_S_ISDIR(st.st_mode)) {
		if (e->type == KN_CPIO_DIR)
			return 1;
		return kn_sys_rmdir(abspath);
	}
	return kn_sys_unlink(abspath);
}

static long write_all(int fd, const uint8_t *data, size_t size)
{
	while (size) {
		long n = kn_sys_write(fd, data, size);
		if (n < 0)
			return n;
		if (n == 0)
			return -KN_EIO;
		data += n;
		size -= (size_t)n;
	}
	return 0;
}

static long write_file(const struct kn_cpio_entry *e, int flags)
{
	long fd = kn_sys_open(abspath, KN_O_WRONLY | flags, e->mode & 07777);
	if (fd < 0)
		return fd;
	long rc = write_all((int)fd, e->data, e->size);
	long rc2 = kn_sys_close((int)fd);
	return rc ? rc : rc2;
}

/* A regular file: a new one, or a further name of a hard-link group. */
static long make_file(const struct kn_cpio_entry *e, struct kn_initrd_stats *st)
{
	struct link_group *g = e->nlink > 1 ? find_group(e) : NULL;
	long rc;

	if (g) {
		rc = kn_sys_link(g->path, abspath);
		if (rc)
			return rc;
		st->hardlinks++;
		/* GNU cpio stores a group's data with its last name only. */
		return e->size ? write_file(e, KN_O_TRUNC) : 0;
	}
	rc = write_file(e, KN_O_CREAT | KN_O_EXCL);
	if (rc)
		return rc;
	st->files++;
	st->bytes += e->size;
	return e->nlink > 1 ? add_group(e) : 0;
}

static long make_entry(const struct kn_cpio_entry *e, struct kn_initrd_stats *st)
{
	long rc;

	switch (e->type) {
	case KN_CPIO_DIR:
		rc = kn_sys_mkdir(abspath, e->mode & 07777);
		st->dirs += !rc;
		return rc;
	case KN_CPIO_FILE: return make_file(e, st);
	case KN_CPIO_SYMLINK:
		__builtin_memcpy(target, e->data, e->size);
		target[e->size] = '\0';
		rc = kn_sys_symlink(target, abspath);
		st->symlinks += !rc;
		return rc;
	default: return 0;
	}
}

static int unpack_one(const struct kn_cpio_entry *e, struct kn_cpio_error *err,
		      struct kn_initrd_stats *st)
{
	if (e->type == KN_CPIO_SPECIAL) {
		kn_printk("kn: initrd: skipped /%s at offset %lu: device nodes, fifos and "
			  "sockets are not supported\n",
			  e->path, (unsigned long)e->offset);
		st->skipped++;
		return 0;
	}
	abspath[0] = '/';
	__builtin_memcpy(abspath + 1, e->path, __builtin_strlen(e->path) + 1);

	long rc = e->path[0] ? clear_path(e) : 1; /* "" is the root itself */
	if (rc == 1) { /* a directory already there, maybe made as a parent */
		kn_sys_chmod(abspath, e->mode & 07777);
		return 0;
	}
	if (rc == -KN_ENOTDIR)
		return vfs_fail(err, e, "a parent is not a directory", rc);
	if (rc == -KN_ENOTEMPTY)
		return vfs_fail(err, e, "replaces a non-empty directory", rc);
	if (rc < 0)
		return vfs_fail(err, e, "cannot replace the existing entry", rc);
	rc = make_entry(e, st);
	if (rc == -KN_ENOENT) { /* parents are created on demand */
		rc = make_parents();
		if (rc)
			return vfs_fail(err, e, "cannot create the parent directories", rc);
		rc = make_entry(e, st);
	}
	if (rc)
		return vfs_fail(err, e, "cannot create it", rc);
	return 0;
}

int kn_initrd_unpack(const void *base, size_t len, struct kn_cpio_error *err,
		     struct kn_initrd_stats *st)
{
	struct kn_cpio_entry e;
	int rc, old_umask;

	*st = (struct kn_initrd_stats){0};
	kn_free(w); /* left by a failed call */
	w = kn_malloc(sizeof(*w));
	if (!w) {
		*err = (struct kn_cpio_error){0, "no memory to unpack", HINT_VFS, NULL, KN_ENOMEM};
		return -1;
	}
	old_umask = (int)kn_sys_umask(0);
	kn_cpio_open(&w->reader, base, len);
	while ((rc = kn_cpio_next(&w->reader, &e)) > 0)
		if (unpack_one(&e, err, st))
			break;
	if (rc < 0)
		*err = w->reader.err;
	free_groups();
	kn_sys_umask(old_umask);
	if (rc)
		return -1; /* w stays: err->name may point into it, and boot stops */
	kn_free(w);
	w = NULL;
	return 0;
}
