/* vfs-hostfs: the share API on linuxu, where the guest is a host process
 * and can reach the shared folder itself. Each node holds an O_PATH
 * descriptor of the host file it stands for, and each op is the host's
 * *at call on it, so errno values are the host kernel's own. Nodes are
 * found again by the host file's (st_dev, st_ino), the identity the VFS
 * wants. A read-only share refuses changes with EROFS before asking. */
#include <kn/alloc.h>
#include <kn/errno.h>
#include <kn/share.h>
#include "host.h"

#define HN(v) ((struct hnode *)(v))
#define PATH_FLAGS (KN_O_PATH | KN_O_NOFOLLOW)

static const struct kn_vnode_ops hostfs_ops;

static int writable(struct kn_vnode *vn)
{
	return HN(vn)->fs->ro ? -KN_EROFS : 0;
}

/* The node of the host file at O_PATH descriptor fd (which it takes, or
 * closes when the node exists already). */
static int node_of(struct hfs *fs, long fd, struct hnode **out)
{
	struct kn_stat st;
	long r = fd < 0 ? fd : h_fstat((int)fd, &st);
	if (r) {
		h_close((int)fd);
		return (int)r;
	}
	for (struct hnode *n = fs->nodes; n; n = n->next)
		if (n->dev == st.st_dev && n->ino == st.st_ino) {
			h_close((int)fd);
			*out = n;
			return 0;
		}
	struct hnode *n = kn_calloc(1, sizeof(*n));
	if (!n) {
		h_close((int)fd);
		return -KN_ENOMEM;
	}
	n->vn.ops = &hostfs_ops;
	n->vn.mode = st.st_mode & KN_S_IFMT;
	n->vn.priv = n;
	n->fs = fs;
	n->dev = st.st_dev;
	n->ino = st.st_ino;
	n->fd = (int)fd;
	n->rfd = n->wfd = -1;
	n->next = fs->nodes;
	fs->nodes = n;
	*out = n;
	return 0;
}

static int opened(struct hnode *n, int write)
{
	int *slot = write ? &n->wfd : &n->rfd;
	if (*slot < 0) {
		long fd = h_reopen(n->fd, write ? KN_O_WRONLY : KN_O_RDONLY);
		if (fd < 0)
			return (int)fd;
		*slot = (int)fd;
	}
	return *slot;
}

static int h_lookup(struct kn_vnode *dir, const char *name, size_t len, struct kn_vnode **out)
{
	struct hnode *n;
	int r = node_of(HN(dir)->fs, h_openat(HN(dir)->fd, name, len, PATH_FLAGS, 0), &n);
	if (!r)
		*out = &n->vn;
	return r;
}

static int h_create(struct kn_vnode *dir, const char *name, size_t len, uint32_t mode,
		    struct kn_vnode **out)
{
	int r = writable(dir);
	if (r)
		return r;
	long fd = h_openat(HN(dir)->fd, name, len, KN_O_CREAT | KN_O_EXCL | KN_O_RDWR, mode);
	if (fd < 0)
		return (int)fd;
	struct hnode *n;
	r = node_of(HN(dir)->fs, h_openat(HN(dir)->fd, name, len, PATH_FLAGS, 0), &n);
	if (r) {
		h_close((int)fd);
		return r;
	}
	n->rfd = n->wfd = (int)fd; /* open for both, as the host made it */
	*out = &n->vn;
	return 0;
}

static int h_mkdir(struct kn_vnode *dir, const char *name, size_t len, uint32_t mode)
{
	int r = writable(dir);
	return r ? r : (int)h_mkdirat(HN(dir)->fd, name, len, mode);
}

static int h_unlink(struct kn_vnode *dir, const char *name, size_t len)
{
	int r = writable(dir);
	return r ? r : (int)h_unlinkat(HN(dir)->fd, name, len, 0);
}

static int h_rmdir(struct kn_vnode *dir, const char *name, size_t len)
{
	int r = writable(dir);
	return r ? r : (int)h_unlinkat(HN(dir)->fd, name, len, KN_AT_REMOVEDIR);
}

static int h_rename(struct kn_vnode *odir, const char *oname, size_t olen, struct kn_vnode *ndir,
		    const char *nname, size_t nlen)
{
	int r = writable(odir);
	return r ? r : (int)h_renameat(HN(odir)->fd, oname, olen, HN(ndir)->fd, nname, nlen);
}

static int h_link(struct kn_vnode *dir, const char *name, size_t len, struct kn_vnode *target)
{
	int r = writable(dir);
	return r ? r : (int)h_linkat(HN(target)->fd, HN(dir)->fd, name, len);
}

static int h_symlink(struct kn_vnode *dir, const char *name, size_t len, const char *target)
{
	int r = writable(dir);
	return r ? r : (int)h_symlinkat(target, HN(dir)->fd, name, len);
}

static long h_readlink_op(struct kn_vnode *vn, char *buf, size_t size)
{
	return h_readlink(HN(vn)->fd, buf, size);
}

static long h_read(struct kn_vnode *vn, struct kn_file *f, void *buf, size_t n, uint64_t off)
{
	int fd = opened(HN(vn), 0);
	return fd < 0 ? fd : h_pread(fd, buf, n, off);
}

static long h_write(struct kn_vnode *vn, struct kn_file *f, const void *buf, size_t n, uint64_t off)
{
	int fd = writable(vn);
	if (!fd)
		fd = opened(HN(vn), 1);
	return fd < 0 ? fd : h_pwrite(fd, buf, n, off);
}

static int h_truncate_op(struct kn_vnode *vn, uint64_t size)
{
	int r = writable(vn);
	return r ? r : (int)h_truncate(HN(vn)->fd, size);
}

static int h_chmod_op(struct kn_vnode *vn, uint32_t perm)
{
	int r = writable(vn);
	return r ? r : (int)h_chmod(HN(vn)->fd, perm);
}

static int h_settimes(struct kn_vnode *vn, const struct kn_timespec *atime,
		      const struct kn_timespec *mtime)
{
	const struct kn_timespec omit = {0, KN_UTIME_OMIT};
	struct kn_timespec t[2] = {atime ? *atime : omit, mtime ? *mtime : omit};
	int r = writable(vn);
	return r ? r : (int)h_utimens(HN(vn)->fd, t);
}

static int h_getattr(struct kn_vnode *vn, struct kn_stat *st)
{
	return (int)h_fstat(HN(vn)->fd, st);
}

static int h_statfs(struct kn_vnode *vn, struct kn_statfs *sf)
{
	struct kn_statfs host;
	long r = h_fstatfs(HN(vn)->fd, &host);
	if (r)
		return (int)r;
	int64_t flags = sf->f_flags;
	int32_t fsid[2] = {sf->f_fsid[0], sf->f_fsid[1]};
	*sf = host;
	sf->f_flags = flags | (HN(vn)->fs->ro ? 1 : 0); /* ST_RDONLY */
	sf->f_fsid[0] = fsid[0];                        /* the mount's, as core gives it */
	sf->f_fsid[1] = fsid[1];
	return 0;
}

/* getdents64's records: ino[8] off[8] reclen[2] type[1] name. */
static int load(struct kn_vnode *dir)
{
	struct hnode *d = HN(dir);
	char buf[4096];
	int fd = opened(d, 0);
	if (fd < 0)
		return fd;
	long r = h_rewind(fd); /* a listing always starts from the first entry */
	if (r)
		return (int)r;
	d->dir.n = 0;
	for (;;) {
		long got = h_getdents64(fd, buf, sizeof(buf));
		if (got <= 0)
			return (int)got;
		for (long at = 0; at < got;) {
			const char *rec = buf + at;
			uint64_t ino;
			uint16_t reclen;
			__builtin_memcpy(&ino, rec, 8);
			__builtin_memcpy(&reclen, rec + 16, 2);
			const char *name = rec + 19;
			int r = kn_share_dirlist_add(&d->dir, name, __builtin_strlen(name), ino,
						     (uint8_t)rec[18]);
			if (r)
				return r;
			at += reclen;
		}
	}
}

static int h_readdir(struct kn_vnode *dir, uint64_t index, struct kn_dirent *out)
{
	return kn_share_readdir(&HN(dir)->dir, index, out, load, dir);
}

/* The host's fsync on an open descriptor; a folder's is opened here, as
 * 9pfs does (Redis syncs /data after renaming a new dump over the old). */
static int h_fsync_op(struct kn_vnode *vn)
{
	struct hnode *n = HN(vn);
	int fd = n->wfd >= 0 ? n->wfd : n->rfd;
	if (fd < 0 && !KN_S_ISDIR(vn->mode))
		return 0; /* a symlink or device: no data of its own here */
	if (fd < 0 && (fd = opened(n, 0)) < 0)
		return fd;
	return (int)h_fsync(fd);
}

static int h_open(struct kn_vnode *vn, int flags)
{
	int acc = flags & KN_O_ACCMODE, r = 0;
	if (acc != KN_O_RDONLY && HN(vn)->fs->ro)
		return -KN_EROFS;
	if (!KN_S_ISREG(vn->mode))
		return 0;
	if (acc != KN_O_WRONLY)
		r = opened(HN(vn), 0);
	if (r >= 0 && acc != KN_O_RDONLY)
		r = opened(HN(vn), 1);
	return r < 0 ? r : 0;
}

static void h_release(struct kn_vnode *vn)
{
	struct hnode *n = HN(vn);
	for (struct hnode **pp = &n->fs->nodes; *pp; pp = &(*pp)->next)
		if (*pp == n) {
			*pp = n->next;
			break;
		}
	h_close(n->fd);
	h_close(n->rfd);
	if (n->wfd != n->rfd)
		h_close(n->wfd);
	kn_share_dirlist_free(&n->dir);
	kn_free(n);
}

static const struct kn_vnode_ops hostfs_ops = {
	.lookup = h_lookup,
	.create = h_create,
	.mkdir = h_mkdir,
	.unlink = h_unlink,
	.rmdir = h_rmdir,
	.rename = h_rename,
	.link = h_link,
	.symlink = h_symlink,
	.readlink = h_readlink_op,
	.read = h_read,
	.write = h_write,
	.truncate = h_truncate_op,
	.chmod = h_chmod_op,
	.settimes = h_settimes,
	.statfs = h_statfs,
	.getattr = h_getattr,
	.readdir = h_readdir,
	.fsync = h_fsync_op,
	.open = h_open,
	.release = h_release,
};

/* source: the host folder; data: an int, nonzero for read-only. */
static int hostfs_mount(const char *source, void *data, struct kn_vnode **root)
{
	struct hfs *fs = kn_calloc(1, sizeof(*fs));
	if (!fs)
		return -KN_ENOMEM;
	fs->ro = data && *(int *)data;
	long fd = h_openat(KN_AT_FDCWD, source, __builtin_strlen(source),
			   KN_O_PATH | KN_O_DIRECTORY, 0);
	struct hnode *n;
	int r = node_of(fs, fd, &n);
	if (r) {
		kn_free(fs);
		return r;
	}
	*root = &n->vn;
	return 0;
}

struct kn_fs_type kn_share_fs_type = {.name = "hostfs", .mount = hostfs_mount};
