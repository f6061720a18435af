/* ramfs: an in-memory filesystem. Nodes embed their vnode; directories
 * hold a singly linked list of entries; regular files and symlink targets
 * live in one kn_realloc'ed buffer. A node is freed when it has neither a
 * link nor a vfs reference. Timestamps follow Linux: data changes set
 * mtime+ctime, metadata changes ctime, a name added or removed the
 * directory's mtime+ctime, and reads set atime the "relatime" way. */
#include <kn/alloc.h>
#include <kn/errno.h>
#include <kn/init.h>
#include <kn/vfs.h>

struct rnode;

struct rdent {
	struct rdent *next;
	struct rnode *node;
	size_t len;
	char name[];
};

struct rnode {
	struct kn_vnode vn;
	uint64_t ino;
	uint32_t perm;
	uint32_t nlink;
	struct rnode *parent; /* directories */
	struct rdent *children;
	char *data;
	size_t size, cap;
	struct kn_timespec atime, mtime, ctime;
};

#define T_A 1
#define T_M 2
#define T_C 4

static void stamp(struct rnode *n, int which)
{
	struct kn_timespec now = kn_vfs_now();
	if (which & T_A)
		n->atime = now;
	if (which & T_M)
		n->mtime = now;
	if (which & T_C)
		n->ctime = now;
}

static int ts_before(struct kn_timespec a, struct kn_timespec b)
{
	return a.tv_sec < b.tv_sec || (a.tv_sec == b.tv_sec && a.tv_nsec < b.tv_nsec);
}

/* relatime: a read sets atime only when it is not newer than mtime or
 * ctime, or is a day old: cheap, and what Linux mounts do by default. */
static void accessed(struct rnode *n)
{
	struct kn_timespec now = kn_vfs_now();
	if (!ts_before(n->mtime, n->atime) || !ts_before(n->ctime, n->atime) ||
	    now.tv_sec - n->atime.tv_sec >= 24 * 3600)
		n->atime = now;
}

static const struct kn_vnode_ops ramfs_ops;
static uint64_t next_ino = 1;
static uint64_t live_nodes; /* statfs's inodes in use */

#define RN(v) ((struct rnode *)(v))

static struct rnode *rnode_new(uint32_t type, uint32_t perm)
{
	struct rnode *n = kn_calloc(1, sizeof(*n));
	if (!n)
		return NULL;
	n->vn.ops = &ramfs_ops;
	n->vn.mode = type;
	n->vn.priv = n;
	n->ino = next_ino++;
	live_nodes++;
	n->perm = perm & 07777;
	stamp(n, T_A | T_M | T_C);
	return n;
}

static void maybe_free(struct rnode *n)
{
	if (n->nlink == 0 && n->vn.refs == 0) {
		kn_free(n->data);
		kn_free(n);
		live_nodes--;
	}
}

static struct rdent **find(struct rnode *dir, const char *name, size_t len)
{
	for (struct rdent **pp = &dir->children; *pp; pp = &(*pp)->next)
		if ((*pp)->len == len && !__builtin_memcmp((*pp)->name, name, len))
			return pp;
	return NULL;
}

static int add(struct rnode *dir, const char *name, size_t len, struct rnode *n)
{
	struct rdent *d = kn_malloc(sizeof(*d) + len + 1);
	if (!d)
		return -KN_ENOMEM;
	__builtin_memcpy(d->name, name, len);
	d->name[len] = 0;
	d->len = len;
	d->node = n;
	struct rdent **pp = &dir->children; /* append: readdir order = creation order */
	while (*pp)
		pp = &(*pp)->next;
	d->next = NULL;
	*pp = d;
	n->nlink++;
	if (KN_S_ISDIR(n->vn.mode)) {
		n->parent = dir;
		dir->nlink++;
	}
	stamp(dir, T_M | T_C);
	return 0;
}

/* Removes the entry (drops the link count; the node may be freed). */
static void del(struct rnode *dir, struct rdent **pp)
{
	struct rdent *d = *pp;
	struct rnode *n = d->node;
	*pp = d->next;
	kn_free(d);
	if (KN_S_ISDIR(n->vn.mode)) {
		dir->nlink--;
		n->nlink = 0;
	} else {
		n->nlink--;
	}
	stamp(dir, T_M | T_C);
	stamp(n, T_C);
	maybe_free(n);
}

static int r_lookup(struct kn_vnode *dir, const char *name, size_t len, struct kn_vnode **out)
{
	struct rnode *d = RN(dir);
	if (len == 2 && name[0] == '.' && name[1] == '.') {
		*out = &(d->parent ? d->parent : d)->vn;
		return 0;
	}
	if (KN_S_ISDIR(d->vn.mode) && d->nlink == 0)
		return -KN_ENOENT;
	struct rdent **pp = find(d, name, len);
	if (!pp)
		return -KN_ENOENT;
	*out = &(*pp)->node->vn;
	return 0;
}

static int make(struct kn_vnode *dir, const char *name, size_t len, uint32_t type, uint32_t perm,
		struct rnode **out)
{
	struct rnode *d = RN(dir);
	if (d->nlink == 0)
		return -KN_ENOENT;
	if (find(d, name, len))
		return -KN_EEXIST;
	struct rnode *n = rnode_new(type, perm);
	if (!n)
		return -KN_ENOMEM;
	int r = add(d, name, len, n);
	if (r) {
		kn_free(n);
		return r;
	}
	if (KN_S_ISDIR(type))
		n->nlink++; /* "." */
	*out = n;
	return 0;
}

static int r_create(struct kn_vnode *dir, const char *name, size_t len, uint32_t mode,
		    struct kn_vnode **out)
{
	struct rnode *n;
	int r = make(dir, name, len, KN_S_IFREG, mode, &n);
	if (!r)
		*out = &n->vn;
	return r;
}

static int r_mkdir(struct kn_vnode *dir, const char *name, size_t len, uint32_t mode)
{
	struct rnode *n;
	return make(dir, name, len, KN_S_IFDIR, mode, &n);
}

static int r_symlink(struct kn_vnode *dir, const char *name, size_t len, const char *target)
{
	size_t tl = __builtin_strlen(target);
	char *data = kn_malloc(tl + 1);
	if (!data)
		return -KN_ENOMEM;
	struct rnode *n;
	int r = make(dir, name, len, KN_S_IFLNK, 0777, &n);
	if (r) {
		kn_free(data);
		return r;
	}
	__builtin_memcpy(data, target, tl);
	n->data = data;
	n->size = n->cap = tl;
	return 0;
}

static int r_link(struct kn_vnode *dir, const char *name, size_t len, struct kn_vnode *target)
{
	struct rnode *d = RN(dir);
	if (d->nlink == 0)
		return -KN_ENOENT;
	if (find(d, name, len))
		return -KN_EEXIST;
	if (RN(target)->nlink == 0)
		return -KN_ENOENT;
	int r = add(d, name, len, RN(target));
	if (!r)
		stamp(RN(target), T_C);
	return r;
}

static int r_unlink(struct kn_vnode *dir, const char *name, size_t len)
{
	struct rdent **pp = find(RN(dir), name, len);
	if (!pp)
		return -KN_ENOENT;
	if (KN_S_ISDIR((*pp)->node->vn.mode))
		return -KN_EISDIR;
	del(RN(dir), pp);
	return 0;
}

static int r_rmdir(struct kn_vnode *dir, const char *name, size_t len)
{
	struct rdent **pp = find(RN(dir), name, len);
	if (!pp)
		return -KN_ENOENT;
	struct rnode *n = (*pp)->node;
	if (!KN_S_ISDIR(n->vn.mode))
		return -KN_ENOTDIR;
	if (n->children)
		return -KN_ENOTEMPTY;
	del(RN(dir), pp);
	return 0;
}

static int r_rename(struct kn_vnode *odir, const char *oname, size_t olen, struct kn_vnode *ndir,
		    const char *nname, size_t nlen)
{
	struct rnode *od = RN(odir), *nd = RN(ndir);
	struct rdent **op = find(od, oname, olen);
	if (!op)
		return -KN_ENOENT;
	struct rnode *n = (*op)->node;
	int isdir = KN_S_ISDIR(n->vn.mode);
	if (isdir)
		for (struct rnode *p = nd; p; p = p->parent == p ? 0 : p->parent)
			if (p == n)
				return -KN_EINVAL;
	if (nd->nlink == 0)
		return -KN_ENOENT;
	struct rdent **np = find(nd, nname, nlen);
	if (np) {
		struct rnode *t = (*np)->node;
		if (t == n)
			return 0;
		/* the target is an ancestor of the source: not empty */
		for (struct rnode *p = od; p; p = p->parent)
			if (p == t)
				return -KN_ENOTEMPTY;
		if (isdir && !KN_S_ISDIR(t->vn.mode))
			return -KN_ENOTDIR;
		if (!isdir && KN_S_ISDIR(t->vn.mode))
			return -KN_EISDIR;
		if (isdir && t->children)
			return -KN_ENOTEMPTY;
	}
	/* Link the new name first so the node survives the removal. */
	n->vn.refs++;
	if (np)
		del(nd, np);
	op = find(od, oname, olen);
	int r = add(nd, nname, nlen, n);
	if (!r) {
		if (isdir)
			n->nlink--; /* add() counted an extra link */
		struct rdent *d = *op;
		*op = d->next;
		kn_free(d);
		if (isdir)
			od->nlink--;
		else
			n->nlink--;
		stamp(od, T_M | T_C);
		stamp(n, T_C);
	}
	n->vn.refs--;
	return r;
}

/* Whether a is d or one of d's ancestors. */
static int is_ancestor(struct rnode *a, struct rnode *d)
{
	for (struct rnode *p = d; p; p = p->parent)
		if (p == a)
			return 1;
	return 0;
}

/* A directory that changes parent moves its ".." link along. */
static void reparent(struct rnode *n, struct rnode *from, struct rnode *to)
{
	if (!KN_S_ISDIR(n->vn.mode))
		return;
	n->parent = to;
	from->nlink--;
	to->nlink++;
}

static int r_exchange(struct kn_vnode *odir, const char *oname, size_t olen, struct kn_vnode *ndir,
		      const char *nname, size_t nlen)
{
	struct rnode *od = RN(odir), *nd = RN(ndir);
	struct rdent **op = find(od, oname, olen), **np = find(nd, nname, nlen);
	if (!op || !np)
		return -KN_ENOENT;
	struct rnode *a = (*op)->node, *b = (*np)->node;
	if (a == b)
		return 0;
	if ((KN_S_ISDIR(a->vn.mode) && is_ancestor(a, nd)) ||
	    (KN_S_ISDIR(b->vn.mode) && is_ancestor(b, od)))
		return -KN_EINVAL;
	(*op)->node = b;
	(*np)->node = a;
	if (od != nd) {
		reparent(a, od, nd);
		reparent(b, nd, od);
	}
	stamp(od, T_M | T_C);
	stamp(nd, T_M | T_C);
	stamp(a, T_C);
	stamp(b, T_C);
	return 0;
}

static long r_readlink(struct kn_vnode *vn, char *buf, size_t size)
{
	struct rnode *n = RN(vn);
	size_t len = n->size < size ? n->size : size;
	__builtin_memcpy(buf, n->data, len);
	accessed(n);
	return (long)len;
}

static long r_read(struct kn_vnode *vn, struct kn_file *f, void *buf, size_t len, uint64_t off)
{
	struct rnode *n = RN(vn);
	accessed(n);
	if (off >= n->size)
		return 0;
	if (len > n->size - off)
		len = n->size - off;
	__builtin_memcpy(buf, n->data + off, len);
	return (long)len;
}

static int grow(struct rnode *n, uint64_t size)
{
	if (size > ((uint64_t)1 << 40))
		return -KN_EFBIG;
	if (size > n->cap) {
		size_t cap = n->cap ? n->cap : 64;
		while (cap < size)
			cap *= 2;
		char *p = kn_realloc(n->data, cap);
		if (!p)
			return -KN_ENOSPC;
		n->data = p;
		n->cap = cap;
	}
	if (size > n->size)
		__builtin_memset(n->data + n->size, 0, size - n->size);
	return 0;
}

static long r_write(struct kn_vnode *vn, struct kn_file *f, const void *buf, size_t len,
		    uint64_t off)
{
	struct rnode *n = RN(vn);
	int r = grow(n, off + len);
	if (r)
		return r;
	__builtin_memcpy(n->data + off, buf, len);
	if (off + len > n->size)
		n->size = off + len;
	stamp(n, T_M | T_C);
	return (long)len;
}

static int r_chmod(struct kn_vnode *vn, uint32_t perm)
{
	RN(vn)->perm = perm;
	stamp(RN(vn), T_C);
	return 0;
}

static int r_truncate(struct kn_vnode *vn, uint64_t size)
{
	struct rnode *n = RN(vn);
	int r = grow(n, size);
	if (!r) {
		n->size = size;
		stamp(n, T_M | T_C);
	}
	return r;
}

static int r_settimes(struct kn_vnode *vn, const struct kn_timespec *atime,
		      const struct kn_timespec *mtime)
{
	struct rnode *n = RN(vn);
	if (atime)
		n->atime = *atime;
	if (mtime)
		n->mtime = *mtime;
	stamp(n, T_C);
	return 0;
}

static int r_getattr(struct kn_vnode *vn, struct kn_stat *st)
{
	struct rnode *n = RN(vn);
	st->st_ino = n->ino;
	st->st_nlink = n->nlink;
	st->st_mode = n->vn.mode | n->perm;
	st->st_size = KN_S_ISDIR(vn->mode) ? 4096 : (int64_t)n->size;
	st->st_blksize = 4096;
	st->st_blocks = (int64_t)((n->cap + 511) / 512);
	st->st_atim = n->atime;
	st->st_mtim = n->mtime;
	st->st_ctim = n->ctime;
	return 0;
}

/* Sizes come from the allocator: ramfs can use all the free heap. */
static int r_statfs(struct kn_vnode *vn, struct kn_statfs *sf)
{
	struct kn_alloc_stats st;
	kn_alloc_stats(&st);
	sf->f_type = KN_TMPFS_MAGIC;
	sf->f_blocks = st.total / 4096;
	sf->f_bfree = sf->f_bavail = st.free / 4096;
	sf->f_files = live_nodes + sf->f_bfree;
	sf->f_ffree = sf->f_bfree;
	sf->f_flags |= KN_ST_RELATIME;
	return 0;
}

static uint8_t dtype(uint32_t mode)
{
	return KN_S_ISDIR(mode) ? KN_DT_DIR : KN_S_ISLNK(mode) ? KN_DT_LNK : KN_DT_REG;
}

static int r_readdir(struct kn_vnode *dir, uint64_t index, struct kn_dirent *out)
{
	struct rdent *d = RN(dir)->children;
	accessed(RN(dir));
	while (d && index--)
		d = d->next;
	if (!d)
		return 0;
	out->ino = d->node->ino;
	out->type = dtype(d->node->vn.mode);
	__builtin_memcpy(out->name, d->name, d->len + 1);
	return 1;
}

static void r_release(struct kn_vnode *vn)
{
	maybe_free(RN(vn));
}

static const struct kn_vnode_ops ramfs_ops = {
	.lookup = r_lookup,
	.create = r_create,
	.mkdir = r_mkdir,
	.unlink = r_unlink,
	.rmdir = r_rmdir,
	.rename = r_rename,
	.link = r_link,
	.symlink = r_symlink,
	.readlink = r_readlink,
	.read = r_read,
	.write = r_write,
	.truncate = r_truncate,
	.chmod = r_chmod,
	.getattr = r_getattr,
	.readdir = r_readdir,
	.release = r_release,
	.settimes = r_settimes,
	.exchange = r_exchange,
	.statfs = r_statfs,
};

static int ramfs_mount(const char *source, void *data, struct kn_vnode **root)
{
	struct rnode *n = rnode_new(KN_S_IFDIR, 0755);
	if (!n)
		return -KN_ENOMEM;
	n->nlink = 2;
	*root = &n->vn;
	return 0;
}

static struct kn_fs_type ramfs_type = {.name = "ramfs", .mount = ramfs_mount};

/* Whether kn_ramfs_boot mounted the root. */
static int mounted_root;

int kn_ramfs_boot(void);
int kn_ramfs_boot(void)
{
	int r = kn_vfs_register_fs(&ramfs_type);
	if (r || kn_vfs_has_root())
		return r;
	r = kn_vfs_mount("ramfs", "", "/", 0);
	mounted_root = !r;
	return r;
}
KN_INIT(kn_ramfs_boot, KN_INIT_FS, 10);

/* The directories a Linux root always has, made after the initrd (FS 20)
 * when ramfs is the root and the archive brought none: /tmp, writable by
 * all with the sticky bit, and root's home /root (boot's default HOME).
 * An archive's own tmp/ or root/ is kept as it is, content and mode. */
static const struct {
	const char *path;
	uint32_t mode;
} standard_dirs[] = {{"/tmp", 01777}, {"/root", 0700}};

static int kn_ramfs_standard_dirs(void)
{
	for (unsigned i = 0; mounted_root && i < KN_ARRAY_SIZE(standard_dirs); i++) {
		long r = kn_sys_mkdir(standard_dirs[i].path, 0700);
		if (r == -KN_EEXIST)
			continue;
		if (!r)
			r = kn_sys_chmod(standard_dirs[i].path, standard_dirs[i].mode);
		if (r)
			return (int)r;
	}
	return 0;
}
KN_INIT(kn_ramfs_standard_dirs, KN_INIT_FS, 30);
