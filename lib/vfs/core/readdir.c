/* vfs-core: directories through a descriptor: getdents64 and fchdir
 * (Linux's fs/readdir.c; the path forms are in vfs.c). */
#include <kn/alloc.h>
#include <kn/errno.h>
#include <kn/syscall.h>
#include "vfs_internal.h"

static void put_name(struct kn_linux_dirent64 *d, const char *name, size_t len)
{
	__builtin_memcpy(d->d_name, name, len);
	d->d_name[len] = 0;
}

KN_SYSCALL(getdents64)(int fd, void *buf, size_t n)
{
	struct kn_file *f = kn_vfs_fget(fd);
	if (!f)
		return -KN_EBADF;
	long r = 0;
	struct kn_vnode *dir = f->vn;
	struct kn_dirent *e = NULL;
	if (!KN_S_ISDIR(dir->mode)) {
		r = -KN_ENOTDIR;
		goto out;
	}
	if (kn_user_writable(buf, n)) {
		r = -KN_EFAULT;
		goto out;
	}
	e = kn_malloc(sizeof(*e));
	if (!e) {
		r = -KN_ENOMEM;
		goto out;
	}
	size_t used = 0;
	for (;;) {
		uint64_t pos = f->off;
		if (pos < 2) {
			struct kn_vnode *vn = dir;
			struct kn_stat st;
			if (pos == 1 && kn_vfs_parent(dir, &vn))
				vn = dir, kn_vnode_get(vn);
			else if (pos == 0)
				kn_vnode_get(vn);
			kn_vfs_getattr(vn, &st);
			kn_vnode_put(vn);
			e->ino = st.st_ino;
			e->type = KN_DT_DIR;
			e->name[0] = '.';
			e->name[1] = pos ? '.' : 0;
			e->name[2] = 0;
		} else if (!dir->ops->readdir || dir->ops->readdir(dir, pos - 2, e) != 1) {
			break;
		}
		size_t len = __builtin_strlen(e->name);
		size_t rec = (19 + len + 1 + 7) & ~(size_t)7;
		if (used + rec > n) {
			if (!used)
				r = -KN_EINVAL;
			break;
		}
		struct kn_linux_dirent64 *d = (struct kn_linux_dirent64 *)((char *)buf + used);
		d->d_ino = e->ino;
		d->d_off = (int64_t)pos + 1;
		d->d_reclen = (uint16_t)rec;
		d->d_type = e->type;
		put_name(d, e->name, len);
		used += rec;
		f->off = pos + 1;
	}
	if (!r)
		r = (long)used;
out:
	kn_free(e);
	kn_vfs_fput(f);
	return r;
}

KN_SYSCALL(fchdir)(int fd)
{
	struct kn_file *f = kn_vfs_fget(fd);
	if (!f)
		return -KN_EBADF;
	long r = -KN_ENOTDIR;
	if (KN_S_ISDIR(f->vn->mode)) {
		kn_vnode_get(f->vn);
		kn_vfs_set_cwd(f->vn);
		r = 0;
	}
	kn_vfs_fput(f);
	return r;
}
