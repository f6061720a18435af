/* vfs-core: filesystem registry, mount table, path walk and the
 * path-based syscalls. */
#include <kn/alloc.h>
#include <kn/errno.h>
#include <kn/syscall.h>
#include "vfs_internal.h"

#define MOUNT_MAX 32

static struct kn_fs_type *fs_types;
static struct kn_mount mounts[MOUNT_MAX];
static int nmounts;
static struct kn_vnode *root_vn;
static uint32_t cur_umask = 022;

int kn_vfs_strcmp(const char *a, const char *b)
{
	while (*a && *a == *b)
		a++, b++;
	return (unsigned char)*a - (unsigned char)*b;
}

int kn_vfs_register_fs(struct kn_fs_type *fs)
{
	if (kn_vfs_find_fs(fs->name))
		return -KN_EEXIST;
	fs->next = fs_types;
	fs_types = fs;
	return 0;
}

struct kn_fs_type *kn_vfs_find_fs(const char *name)
{
	for (struct kn_fs_type *t = fs_types; t; t = t->next)
		if (!kn_vfs_strcmp(t->name, name))
			return t;
	return NULL;
}

int kn_vfs_has_root(void)
{
	return root_vn != 0;
}

void kn_vnode_get(struct kn_vnode *vn)
{
	vn->refs++;
}

void kn_vnode_put(struct kn_vnode *vn)
{
	if (vn && --vn->refs == 0 && vn->ops->release)
		vn->ops->release(vn);
}

struct kn_vnode *kn_vfs_root(void)
{
	return root_vn;
}

int kn_vfs_is_root(struct kn_vnode *vn)
{
	return vn == root_vn;
}

static struct kn_mount *mount_of_root(struct kn_vnode *vn)
{
	for (int i = 0; i < nmounts; i++)
		if (mounts[i].root == vn)
			return &mounts[i];
	return NULL;
}

/* Replaces a covered vnode by the root mounted on it (stacked mounts too). */
static void cross(struct kn_vnode **vp)
{
	for (int i = nmounts - 1; i >= 0; i--)
		if (mounts[i].covered == *vp) {
			kn_vnode_get(mounts[i].root);
			kn_vnode_put(*vp);
			*vp = mounts[i].root;
			i = nmounts;
		}
}

int kn_vfs_parent(struct kn_vnode *vn, struct kn_vnode **out)
{
	kn_vnode_get(vn);
	for (;;) {
		if (vn == root_vn) {
			*out = vn;
			return 0;
		}
		struct kn_mount *m = mount_of_root(vn);
		if (!m || !m->covered)
			break;
		kn_vnode_get(m->covered);
		kn_vnode_put(vn);
		vn = m->covered;
	}
	struct kn_vnode *p;
	int r = vn->ops->lookup(vn, "..", 2, &p);
	if (r) {
		kn_vnode_put(vn);
		return r;
	}
	if (!p->mnt)
		p->mnt = vn->mnt;
	kn_vnode_get(p);
	kn_vnode_put(vn);
	*out = p;
	return 0;
}

/* cur is referenced and consumed. */
static int walk(struct kn_vnode *cur, const char *p, int flags, int *links, struct kn_vnode **out,
		char *lastname, int *trail)
{
	const char *start = p;
	int r;
	if (*p == '/') {
		kn_vnode_put(cur);
		cur = root_vn;
		kn_vnode_get(cur);
	}
	for (;;) {
		while (*p == '/')
			p++;
		if (!*p) {
			if (p > start && p[-1] == '/' && !KN_S_ISDIR(cur->mode)) {
				r = -KN_ENOTDIR;
				goto fail;
			}
			if (lastname) { /* "/": no last name, the start itself */
				lastname[0] = '/';
				lastname[1] = 0;
				*trail = 1;
			}
			*out = cur;
			return 0;
		}
		const char *s = p;
		while (*p && *p != '/')
			p++;
		size_t len = (size_t)(p - s);
		const char *q = p;
		while (*q == '/')
			q++;
		int last = !*q;
		if (!KN_S_ISDIR(cur->mode)) {
			r = -KN_ENOTDIR;
			goto fail;
		}
		if (len > KN_NAME_MAX) {
			r = -KN_ENAMETOOLONG;
			goto fail;
		}
		if (last && lastname) {
			__builtin_memcpy(lastname, s, len);
			lastname[len] = 0;
			*trail = *p == '/';
			*out = cur;
			return 0;
		}
		if (len == 1 && s[0] == '.')
			continue;
		if (len == 2 && s[0] == '.' && s[1] == '.') {
			struct kn_vnode *up;
			r = kn_vfs_parent(cur, &up);
			if (r)
				goto fail;
			kn_vnode_put(cur);
			cur = up;
			continue;
		}
		struct kn_vnode *child;
		r = cur->ops->lookup(cur, s, len, &child);
		if (r)
			goto fail;
		child->mnt = cur->mnt;
		kn_vnode_get(child);
		cross(&child);
		if (KN_S_ISLNK(child->mode) && (!last || (flags & WALK_FOLLOW) || *p == '/')) {
			if (++*links > KN_SYMLOOP_MAX) {
				kn_vnode_put(child);
				r = -KN_ELOOP;
				goto fail;
			}
			char *buf = kn_malloc(KN_PATH_MAX);
			if (!buf) {
				kn_vnode_put(child);
				r = -KN_ENOMEM;
				goto fail;
			}
			long n = child->ops->readlink
					 ? child->ops->readlink(child, buf, KN_PATH_MAX - 1)
					 : -KN_EINVAL;
			kn_vnode_put(child);
			if (n == 0)
				n = -KN_ENOENT;
			if (n < 0) {
				kn_free(buf);
				r = (int)n;
				goto fail;
			}
			buf[n] = 0;
			struct kn_vnode *t;
			kn_vnode_get(cur);
			r = walk(cur, buf, WALK_FOLLOW, links, &t, 0, 0);
			kn_free(buf);
			if (r)
				goto fail;
			kn_vnode_put(cur);
			cur = t;
			if (last && *p == '/' && !KN_S_ISDIR(cur->mode)) {
				r = -KN_ENOTDIR;
				goto fail;
			}
			continue;
		}
		kn_vnode_put(cur);
		cur = child;
	}
fail:
	kn_vnode_put(cur);
	return r;
}

/* A path from the application: readable up to its NUL (checked again
 * at each page it enters), at most KN_PATH_MAX bytes. */
static int check_path(const char *path)
{
	for (size_t i = 0; i < KN_PATH_MAX; i++) {
		if ((!i || !((uintptr_t)(path + i) & 4095)) && kn_user_readable(path + i, 1))
			return -KN_EFAULT;
		if (!path[i])
			return i ? 0 : -KN_ENOENT;
	}
	return -KN_ENAMETOOLONG;
}

static int start_vnode(int dirfd, const char *path, struct kn_vnode **out)
{
	if (!root_vn)
		return -KN_ENOENT;
	if (path[0] == '/' || dirfd == KN_AT_FDCWD) {
		*out = kn_vfs_cwd();
		return 0;
	}
	struct kn_file *f = kn_vfs_fget(dirfd);
	if (!f)
		return -KN_EBADF;
	struct kn_vnode *vn = f->vn;
	kn_vnode_get(vn);
	kn_vfs_fput(f);
	if (!KN_S_ISDIR(vn->mode)) {
		kn_vnode_put(vn);
		return -KN_ENOTDIR;
	}
	*out = vn;
	return 0;
}

int kn_vfs_walk(int dirfd, const char *path, int flags, struct kn_vnode **out)
{
	int r = check_path(path), links = 0;
	struct kn_vnode *s;
	if (r || (r = start_vnode(dirfd, path, &s)))
		return r;
	return walk(s, path, flags, &links, out, 0, 0);
}

int kn_vfs_walk_parent(int dirfd, const char *path, struct kn_vnode **dir, char *name, int *trail)
{
	int r = check_path(path), links = 0;
	struct kn_vnode *s;
	if (r || (r = start_vnode(dirfd, path, &s)))
		return r;
	return walk(s, path, 0, &links, dir, name, trail);
}

int kn_vfs_lookup(const char *path, int follow, struct kn_vnode **out)
{
	return kn_vfs_walk(KN_AT_FDCWD, path, follow ? WALK_FOLLOW : 0, out);
}

/* Looks a single name up in dir (handles "." ".." and mounts). */
static int lookup1(struct kn_vnode *dir, const char *name, struct kn_vnode **out)
{
	int links = 0;
	kn_vnode_get(dir);
	return walk(dir, name, 0, &links, out, 0, 0);
}

/* ".", ".." or "/" (a path of slashes only): not a name to create or remove. */
static int is_dot(const char *n)
{
	return (n[0] == '/' && !n[1]) || (n[0] == '.' && (!n[1] || (n[1] == '.' && !n[2])));
}

int kn_vfs_mount(const char *fstype, const char *source, const char *path, void *data)
{
	struct kn_fs_type *t = kn_vfs_find_fs(fstype);
	if (!t)
		return -KN_ENODEV;
	if (nmounts == MOUNT_MAX)
		return -KN_ENOMEM;
	struct kn_vnode *covered = NULL;
	if (!root_vn) {
		if (path[0] != '/' || path[1])
			return -KN_ENOENT;
	} else {
		int r = kn_vfs_lookup(path, 1, &covered);
		if (r)
			return r;
		if (!KN_S_ISDIR(covered->mode)) {
			kn_vnode_put(covered);
			return -KN_ENOTDIR;
		}
		if (mount_of_root(covered)) {
			kn_vnode_put(covered);
			return -KN_EBUSY;
		}
	}
	struct kn_vnode *root;
	int r = t->mount(source, data, &root);
	if (r) {
		kn_vnode_put(covered);
		return r;
	}
	struct kn_mount *m = &mounts[nmounts];
	m->covered = covered;
	m->root = root;
	m->id = nmounts + 1;
	nmounts++;
	root->mnt = m;
	kn_vnode_get(root);
	if (!covered) {
		root_vn = root;
		kn_vnode_get(root);
	}
	return 0;
}

int kn_vfs_getattr(struct kn_vnode *vn, struct kn_stat *st)
{
	__builtin_memset(st, 0, sizeof(*st));
	int r = vn->ops->getattr ? vn->ops->getattr(vn, st) : 0;
	if (r)
		return r;
	st->st_dev = vn->mnt ? (uint64_t)vn->mnt->id : 0;
	if (!st->st_mode)
		st->st_mode = vn->mode | 0644;
	if (!st->st_nlink)
		st->st_nlink = 1;
	if (!st->st_blksize)
		st->st_blksize = 4096;
	return 0;
}

/* ---- path syscalls ---- */

static long stat_at(int dirfd, const char *path, struct kn_stat *st, int flags)
{
	if (flags & ~(KN_AT_SYMLINK_NOFOLLOW | KN_AT_EMPTY_PATH))
		return -KN_EINVAL;
	if (kn_user_writable(st, sizeof(*st)))
		return -KN_EFAULT;
	if ((flags & KN_AT_EMPTY_PATH) && path && !kn_user_readable(path, 1) && !path[0]) {
		if (dirfd == KN_AT_FDCWD) {
			struct kn_vnode *c = kn_vfs_cwd();
			int r = kn_vfs_getattr(c, st);
			kn_vnode_put(c);
			return r;
		}
		return kn_sys_fstat(dirfd, st);
	}
	struct kn_vnode *vn;
	int r = kn_vfs_walk(dirfd, path, (flags & KN_AT_SYMLINK_NOFOLLOW) ? 0 : WALK_FOLLOW, &vn);
	if (r)
		return r;
	r = kn_vfs_getattr(vn, st);
	kn_vnode_put(vn);
	return r;
}

KN_SYSCALL(stat)(const char *path, struct kn_stat *st)
{
	return stat_at(KN_AT_FDCWD, path, st, 0);
}

KN_SYSCALL(lstat)(const char *path, struct kn_stat *st)
{
	return stat_at(KN_AT_FDCWD, path, st, KN_AT_SYMLINK_NOFOLLOW);
}

KN_SYSCALL(newfstatat)(int dirfd, const char *path, struct kn_stat *st, int flags)
{
	return stat_at(dirfd, path, st, flags);
}

KN_SYSCALL(mkdirat)(int dirfd, const char *path, uint32_t mode)
{
	struct kn_vnode *dir;
	char name[KN_NAME_MAX + 1];
	int trail, r = kn_vfs_walk_parent(dirfd, path, &dir, name, &trail);
	if (r)
		return r;
	if (is_dot(name))
		r = -KN_EEXIST;
	else if (!dir->ops->mkdir)
		r = -KN_EPERM;
	else
		r = dir->ops->mkdir(dir, name, __builtin_strlen(name), mode & ~cur_umask & 07777);
	kn_vnode_put(dir);
	return r;
}

KN_SYSCALL(mkdir)(const char *path, uint32_t mode)
{
	return kn_sys_mkdirat(KN_AT_FDCWD, path, mode);
}

static int is_mountpoint(struct kn_vnode *vn)
{
	struct kn_mount *m = mount_of_root(vn);
	return m != 0;
}

KN_SYSCALL(unlinkat)(int dirfd, const char *path, int flags)
{
	if (flags & ~KN_AT_REMOVEDIR)
		return -KN_EINVAL;
	struct kn_vnode *dir, *vn;
	char name[KN_NAME_MAX + 1];
	int trail, r = kn_vfs_walk_parent(dirfd, path, &dir, name, &trail);
	if (r)
		return r;
	int rmdir = flags & KN_AT_REMOVEDIR;
	if (is_dot(name)) {
		/* Linux: rmdir("/") is EBUSY (the root is a mount point) */
		r = !rmdir           ? -KN_EISDIR
		    : name[0] == '/' ? -KN_EBUSY
		    : name[1]        ? -KN_ENOTEMPTY
				     : -KN_EINVAL;
		goto out;
	}
	r = lookup1(dir, name, &vn);
	if (r)
		goto out;
	if (rmdir) {
		if (!KN_S_ISDIR(vn->mode))
			r = -KN_ENOTDIR;
		else if (is_mountpoint(vn))
			r = -KN_EBUSY;
	} else if (KN_S_ISDIR(vn->mode)) {
		r = -KN_EISDIR;
	} else if (trail) {
		r = -KN_ENOTDIR;
	}
	kn_vnode_put(vn);
	if (r)
		goto out;
	size_t len = __builtin_strlen(name);
	if (rmdir)
		r = dir->ops->rmdir ? dir->ops->rmdir(dir, name, len) : -KN_EPERM;
	else
		r = dir->ops->unlink ? dir->ops->unlink(dir, name, len) : -KN_EPERM;
out:
	kn_vnode_put(dir);
	return r;
}

KN_SYSCALL(unlink)(const char *path)
{
	return kn_sys_unlinkat(KN_AT_FDCWD, path, 0);
}

KN_SYSCALL(rmdir)(const char *path)
{
	return kn_sys_unlinkat(KN_AT_FDCWD, path, KN_AT_REMOVEDIR);
}

/* RENAME_NOREPLACE / RENAME_EXCHANGE checks on the target name. */
static int rename_target(struct kn_vnode *nd, const char *nn, int ntrail, unsigned flags)
{
	struct kn_vnode *t;
	int r = lookup1(nd, nn, &t);
	if (flags & KN_RENAME_NOREPLACE) {
		if (!r)
			kn_vnode_put(t);
		return r == -KN_ENOENT ? 0 : r ? r : -KN_EEXIST;
	}
	if (r) /* RENAME_EXCHANGE: the target must exist */
		return r;
	if (ntrail && !KN_S_ISDIR(t->mode))
		r = -KN_ENOTDIR;
	else if (is_mountpoint(t))
		r = -KN_EBUSY;
	kn_vnode_put(t);
	return r;
}

static int rename_source(struct kn_vnode *od, const char *on, int otrail, int ntrail,
			 unsigned flags)
{
	struct kn_vnode *vn;
	int r = lookup1(od, on, &vn);
	if (r)
		return r;
	int trail = otrail || (ntrail && !(flags & KN_RENAME_EXCHANGE));
	if (trail && !KN_S_ISDIR(vn->mode))
		r = -KN_ENOTDIR;
	else if (is_mountpoint(vn))
		r = -KN_EBUSY;
	kn_vnode_put(vn);
	return r;
}

static int rename_in(struct kn_vnode *od, const char *on, int otrail, struct kn_vnode *nd,
		     const char *nn, int ntrail, unsigned flags)
{
	if (is_dot(on))
		return -KN_EBUSY;
	if (is_dot(nn))
		return (flags & KN_RENAME_NOREPLACE) ? -KN_EEXIST : -KN_EBUSY;
	int r = rename_source(od, on, otrail, ntrail, flags);
	if (!r && (flags & (KN_RENAME_NOREPLACE | KN_RENAME_EXCHANGE)))
		r = rename_target(nd, nn, ntrail, flags);
	if (r)
		return r;
	if (od->mnt != nd->mnt)
		return -KN_EXDEV;
	size_t ol = __builtin_strlen(on), nl = __builtin_strlen(nn);
	if (flags & KN_RENAME_EXCHANGE)
		return od->ops->exchange ? od->ops->exchange(od, on, ol, nd, nn, nl) : -KN_EINVAL;
	return od->ops->rename ? od->ops->rename(od, on, ol, nd, nn, nl) : -KN_EPERM;
}

KN_SYSCALL(renameat2)(int odirfd, const char *oldp, int ndirfd, const char *newp, unsigned flags)
{
	if (flags & ~(KN_RENAME_NOREPLACE | KN_RENAME_EXCHANGE | KN_RENAME_WHITEOUT))
		return -KN_EINVAL;
	if ((flags & KN_RENAME_EXCHANGE) && (flags & ~KN_RENAME_EXCHANGE))
		return -KN_EINVAL;
	if (flags & KN_RENAME_WHITEOUT) /* no whiteouts: nothing overlays ramfs */
		return -KN_EINVAL;
	struct kn_vnode *od, *nd;
	char on[KN_NAME_MAX + 1], nn[KN_NAME_MAX + 1];
	int otrail, ntrail;
	int r = kn_vfs_walk_parent(odirfd, oldp, &od, on, &otrail);
	if (r)
		return r;
	r = kn_vfs_walk_parent(ndirfd, newp, &nd, nn, &ntrail);
	if (!r) {
		r = rename_in(od, on, otrail, nd, nn, ntrail, flags);
		kn_vnode_put(nd);
	}
	kn_vnode_put(od);
	return r;
}

KN_SYSCALL(renameat)(int odirfd, const char *oldp, int ndirfd, const char *newp)
{
	return kn_sys_renameat2(odirfd, oldp, ndirfd, newp, 0);
}

KN_SYSCALL(rename)(const char *oldp, const char *newp)
{
	return kn_sys_renameat(KN_AT_FDCWD, oldp, KN_AT_FDCWD, newp);
}

/* A name about to be created: -KN_EEXIST if taken, -KN_ENOENT if absent
 * but written with a trailing slash (what Linux answers). */
static int new_name_check(struct kn_vnode *dir, const char *name, int trail)
{
	struct kn_vnode *vn;
	if (!lookup1(dir, name, &vn)) {
		kn_vnode_put(vn);
		return -KN_EEXIST;
	}
	return trail ? -KN_ENOENT : 0;
}

KN_SYSCALL(linkat)(int odirfd, const char *oldp, int ndirfd, const char *newp, int flags)
{
	if (flags & ~KN_AT_SYMLINK_FOLLOW)
		return -KN_EINVAL;
	struct kn_vnode *vn, *dir;
	char name[KN_NAME_MAX + 1];
	int trail, r = kn_vfs_walk(odirfd, oldp, (flags & KN_AT_SYMLINK_FOLLOW) ? WALK_FOLLOW : 0,
				   &vn);
	if (r)
		return r;
	r = kn_vfs_walk_parent(ndirfd, newp, &dir, name, &trail);
	if (r) {
		kn_vnode_put(vn);
		return r;
	}
	if (is_dot(name))
		r = -KN_EEXIST;
	else if ((r = new_name_check(dir, name, trail)))
		;
	else if (KN_S_ISDIR(vn->mode))
		r = -KN_EPERM;
	else if (dir->mnt != vn->mnt)
		r = -KN_EXDEV;
	else if (!dir->ops->link)
		r = -KN_EPERM;
	else
		r = dir->ops->link(dir, name, __builtin_strlen(name), vn);
	kn_vnode_put(vn);
	kn_vnode_put(dir);
	return r;
}

KN_SYSCALL(link)(const char *oldp, const char *newp)
{
	return kn_sys_linkat(KN_AT_FDCWD, oldp, KN_AT_FDCWD, newp, 0);
}

KN_SYSCALL(symlinkat)(const char *target, int dirfd, const char *path)
{
	int r = check_path(target);
	if (r)
		return r;
	struct kn_vnode *dir;
	char name[KN_NAME_MAX + 1];
	int trail;
	r = kn_vfs_walk_parent(dirfd, path, &dir, name, &trail);
	if (r)
		return r;
	if (is_dot(name))
		r = -KN_EEXIST;
	else if ((r = new_name_check(dir, name, trail)))
		;
	else if (!dir->ops->symlink)
		r = -KN_EPERM;
	else
		r = dir->ops->symlink(dir, name, __builtin_strlen(name), target);
	kn_vnode_put(dir);
	return r;
}

KN_SYSCALL(symlink)(const char *target, const char *path)
{
	return kn_sys_symlinkat(target, KN_AT_FDCWD, path);
}

/* mknod: regular files only. Devices, FIFOs and sockets are -KN_EPERM
 * (ramfs has no such nodes) once the name itself checks out. */
KN_SYSCALL(mknodat)(int dirfd, const char *path, uint32_t mode, unsigned dev)
{
	uint32_t type = mode & KN_S_IFMT;
	if (type == KN_S_IFDIR)
		return -KN_EPERM;
	if (type && type != KN_S_IFREG && type != KN_S_IFCHR && type != KN_S_IFBLK &&
	    type != KN_S_IFIFO && type != KN_S_IFSOCK)
		return -KN_EINVAL;
	struct kn_vnode *dir, *vn;
	char name[KN_NAME_MAX + 1];
	int trail, r = kn_vfs_walk_parent(dirfd, path, &dir, name, &trail);
	if (r)
		return r;
	if (is_dot(name))
		r = -KN_EEXIST;
	else if ((r = new_name_check(dir, name, trail)))
		;
	else if (type && type != KN_S_IFREG)
		r = -KN_EPERM;
	else if (!dir->ops->create)
		r = -KN_EPERM;
	else
		r = dir->ops->create(dir, name, __builtin_strlen(name), mode & ~cur_umask & 07777,
				     &vn);
	kn_vnode_put(dir);
	return r;
}

KN_SYSCALL(mknod)(const char *path, uint32_t mode, unsigned dev)
{
	return kn_sys_mknodat(KN_AT_FDCWD, path, mode, dev);
}

KN_SYSCALL(readlinkat)(int dirfd, const char *path, char *buf, size_t n)
{
	if ((long)n <= 0)
		return -KN_EINVAL;
	if (kn_user_writable(buf, n))
		return -KN_EFAULT;
	struct kn_vnode *vn;
	int r = kn_vfs_walk(dirfd, path, 0, &vn);
	if (r)
		return r;
	long got = KN_S_ISLNK(vn->mode) && vn->ops->readlink ? vn->ops->readlink(vn, buf, n)
							     : -KN_EINVAL;
	kn_vnode_put(vn);
	return got;
}

KN_SYSCALL(readlink)(const char *path, char *buf, size_t n)
{
	return kn_sys_readlinkat(KN_AT_FDCWD, path, buf, n);
}

KN_SYSCALL(chdir)(const char *path)
{
	struct kn_vnode *vn;
	int r = kn_vfs_walk(KN_AT_FDCWD, path, WALK_FOLLOW, &vn);
	if (r)
		return r;
	if (!KN_S_ISDIR(vn->mode)) {
		kn_vnode_put(vn);
		return -KN_ENOTDIR;
	}
	kn_vfs_set_cwd(vn);
	return 0;
}

/* Finds the name of child in dir (comparing after mount crossing). */
static int name_in(struct kn_vnode *dir, struct kn_vnode *child, char *name)
{
	struct kn_dirent *d = kn_malloc(sizeof(*d));
	if (!d)
		return -KN_ENOMEM;
	int r = -KN_ENOENT;
	for (uint64_t i = 0; dir->ops->readdir && dir->ops->readdir(dir, i, d) == 1; i++) {
		struct kn_vnode *vn;
		if (lookup1(dir, d->name, &vn))
			continue;
		int same = vn == child;
		kn_vnode_put(vn);
		if (same) {
			__builtin_memcpy(name, d->name, __builtin_strlen(d->name) + 1);
			r = 0;
			break;
		}
	}
	kn_free(d);
	return r;
}

KN_SYSCALL(getcwd)(char *buf, size_t n)
{
	if (kn_user_writable(buf, n))
		return -KN_EFAULT;
	if (!root_vn)
		return -KN_ENOENT;
	char *tmp = kn_malloc(KN_PATH_MAX);
	char name[KN_NAME_MAX + 1];
	if (!tmp)
		return -KN_ENOMEM;
	size_t pos = KN_PATH_MAX - 1;
	tmp[pos] = 0;
	struct kn_vnode *vn = kn_vfs_cwd(), *up;
	long r = 0;
	while (vn != root_vn) {
		if ((r = kn_vfs_parent(vn, &up)))
			break;
		r = name_in(up, vn, name);
		kn_vnode_put(vn);
		vn = up;
		if (r)
			break;
		size_t len = __builtin_strlen(name);
		if (len + 1 > pos) {
			r = -KN_ENAMETOOLONG;
			break;
		}
		pos -= len;
		__builtin_memcpy(tmp + pos, name, len);
		tmp[--pos] = '/';
	}
	kn_vnode_put(vn);
	if (!r) {
		if (pos == KN_PATH_MAX - 1)
			tmp[--pos] = '/';
		size_t len = KN_PATH_MAX - pos;
		if (len > n)
			r = -KN_ERANGE;
		else {
			__builtin_memcpy(buf, tmp + pos, len);
			r = (long)len;
		}
	}
	kn_free(tmp);
	return r;
}

KN_SYSCALL(truncate)(const char *path, int64_t len)
{
	if (len < 0)
		return -KN_EINVAL;
	struct kn_vnode *vn;
	int r = kn_vfs_walk(KN_AT_FDCWD, path, WALK_FOLLOW, &vn);
	if (r)
		return r;
	if (KN_S_ISDIR(vn->mode))
		r = -KN_EISDIR;
	else if (!KN_S_ISREG(vn->mode))
		r = -KN_EINVAL;
	else
		r = vn->ops->truncate ? kn_vfs_truncate(vn, (uint64_t)len) : -KN_EPERM;
	kn_vnode_put(vn);
	return r;
}

KN_SYSCALL(faccessat)(int dirfd, const char *path, int mode)
{
	return kn_sys_faccessat2(dirfd, path, mode, 0);
}

KN_SYSCALL(access)(const char *path, int mode)
{
	return kn_sys_faccessat(KN_AT_FDCWD, path, mode);
}

KN_SYSCALL(umask)(int mask)
{
	uint32_t old = cur_umask;
	cur_umask = (uint32_t)mask & 0777;
	return old;
}

KN_SYSCALL(fchmodat)(int dirfd, const char *path, uint32_t mode)
{
	struct kn_vnode *vn;
	int r = kn_vfs_walk(dirfd, path, WALK_FOLLOW, &vn);
	if (r)
		return r;
	r = kn_vfs_chmod(vn, mode);
	kn_vnode_put(vn);
	return r;
}

KN_SYSCALL(chmod)(const char *path, uint32_t mode)
{
	return kn_sys_fchmodat(KN_AT_FDCWD, path, mode);
}

int kn_vfs_chmod(struct kn_vnode *vn, uint32_t mode)
{
	return vn->ops->chmod ? vn->ops->chmod(vn, mode & 07777) : 0;
}

KN_SYSCALL(chown)(const char *path, uint32_t uid, uint32_t gid)
{
	return kn_sys_fchownat(KN_AT_FDCWD, path, uid, gid, 0);
}

KN_SYSCALL(lchown)(const char *path, uint32_t uid, uint32_t gid)
{
	return kn_sys_fchownat(KN_AT_FDCWD, path, uid, gid, KN_AT_SYMLINK_NOFOLLOW);
}

uint32_t kn_vfs_umask(void)
{
	return cur_umask;
}
