/* 9pfs's namespace and attribute ops: each is one 9P2000.L request on the
 * fids of the nodes involved; the server's errno comes back as it is. A
 * read-only share refuses every change with EROFS before asking. */
#include <kn/errno.h>
#include "p9.h"

#define AT_REMOVEDIR 0x200
#define L_O_RDWR 2
#define L_O_EXCL 0200

#define SETATTR_MODE 0x1
#define SETATTR_SIZE 0x8
#define SETATTR_ATIME 0x10
#define SETATTR_MTIME 0x20
#define SETATTR_CTIME 0x40
#define SETATTR_ATIME_SET 0x80
#define SETATTR_MTIME_SET 0x100

#define V9FS_MAGIC 0x01021997 /* what Linux's statfs says of a 9p mount */
#define ST_RDONLY 1

static int writable(struct kn_vnode *vn)
{
	return P9N(vn)->fs->ro ? -KN_EROFS : 0;
}

/* Starts a request on a directory and a name: type, dfid, name. */
static int dir_msg(struct p9_msg *m, uint8_t type, struct kn_vnode *dir, const char *name,
		   size_t len, uint32_t extra)
{
	int r = writable(dir);
	if (!r)
		r = p9_msg_new(m, type, 32 + (uint32_t)len + extra);
	if (!r) {
		p9_put32(m, P9N(dir)->fid);
		p9_put_str(m, name, len);
	}
	return r;
}

static int p9_lookup(struct kn_vnode *dir, const char *name, size_t len, struct kn_vnode **out)
{
	struct p9_fs *fs = P9N(dir)->fs;
	uint32_t fid;
	struct p9_qid q;
	int r = p9_walk(fs, P9N(dir)->fid, name, len, &fid, &q);
	struct p9_node *n;
	if (!r)
		r = p9_node_get(fs, fid, &q, &n);
	if (!r)
		*out = &n->vn;
	return r;
}

static int p9_create(struct kn_vnode *dir, const char *name, size_t len, uint32_t mode,
		     struct kn_vnode **out)
{
	struct p9_fs *fs = P9N(dir)->fs;
	struct p9_msg tx, rx;
	struct p9_qid q;
	uint32_t ofid, wfid;
	int r = writable(dir);
	if (r || (r = p9_walk(fs, P9N(dir)->fid, NULL, 0, &ofid, &q)))
		return r;
	/* Tlcreate turns the clone into the new file, open for both. */
	r = p9_msg_new(&tx, P9_TLCREATE, 32 + (uint32_t)len);
	if (!r) {
		p9_put32(&tx, ofid);
		p9_put_str(&tx, name, len);
		p9_put32(&tx, L_O_RDWR | L_O_EXCL);
		p9_put32(&tx, mode);
		p9_put32(&tx, 0);
		r = p9_rpc(fs, &tx, &rx, 64);
	}
	if (!r) {
		p9_msg_free(&rx);
		r = p9_walk(fs, P9N(dir)->fid, name, len, &wfid, &q);
	}
	struct p9_node *n;
	if (!r)
		r = p9_node_get(fs, wfid, &q, &n);
	if (r) {
		p9_clunk(fs, ofid);
		return r;
	}
	n->rfid = n->wfid = ofid;
	*out = &n->vn;
	return 0;
}

/* A request on (dir, name) whose other fields are 32-bit numbers. */
static int dir_call(uint8_t type, struct kn_vnode *dir, const char *name, size_t len,
		    const uint32_t *fields, unsigned n)
{
	struct p9_msg tx;
	int r = dir_msg(&tx, type, dir, name, len, 4 * n);
	if (r)
		return r;
	for (unsigned i = 0; i < n; i++)
		p9_put32(&tx, fields[i]);
	return p9_rpc0(P9N(dir)->fs, &tx);
}

static int p9_mkdir(struct kn_vnode *dir, const char *name, size_t len, uint32_t mode)
{
	const uint32_t fields[2] = {mode, 0}; /* mode, gid */
	return dir_call(P9_TMKDIR, dir, name, len, fields, 2);
}

static int unlinkat(struct kn_vnode *dir, const char *name, size_t len, uint32_t flags)
{
	return dir_call(P9_TUNLINKAT, dir, name, len, &flags, 1);
}

static int p9_unlink(struct kn_vnode *dir, const char *name, size_t len)
{
	return unlinkat(dir, name, len, 0);
}

static int p9_rmdir(struct kn_vnode *dir, const char *name, size_t len)
{
	return unlinkat(dir, name, len, AT_REMOVEDIR);
}

static int p9_rename(struct kn_vnode *odir, const char *oname, size_t olen, struct kn_vnode *ndir,
		     const char *nname, size_t nlen)
{
	struct p9_msg tx;
	int r = dir_msg(&tx, P9_TRENAMEAT, odir, oname, olen, 8 + (uint32_t)nlen);
	if (r)
		return r;
	p9_put32(&tx, P9N(ndir)->fid);
	p9_put_str(&tx, nname, nlen);
	return p9_rpc0(P9N(odir)->fs, &tx);
}

static int p9_link(struct kn_vnode *dir, const char *name, size_t len, struct kn_vnode *target)
{
	struct p9_msg tx;
	int r = writable(dir);
	if (!r)
		r = p9_msg_new(&tx, P9_TLINK, 32 + (uint32_t)len);
	if (r)
		return r;
	p9_put32(&tx, P9N(dir)->fid);
	p9_put32(&tx, P9N(target)->fid);
	p9_put_str(&tx, name, len);
	return p9_rpc0(P9N(dir)->fs, &tx);
}

static int p9_symlink(struct kn_vnode *dir, const char *name, size_t len, const char *target)
{
	size_t tl = __builtin_strlen(target);
	struct p9_msg tx;
	int r = dir_msg(&tx, P9_TSYMLINK, dir, name, len, 8 + (uint32_t)tl);
	if (r)
		return r;
	p9_put_str(&tx, target, tl);
	p9_put32(&tx, 0);
	return p9_rpc0(P9N(dir)->fs, &tx);
}

static long p9_readlink(struct kn_vnode *vn, char *buf, size_t size)
{
	struct p9_fs *fs = P9N(vn)->fs;
	struct p9_msg tx, rx;
	int r = p9_msg_new(&tx, P9_TREADLINK, 16);
	if (r)
		return r;
	p9_put32(&tx, P9N(vn)->fid);
	if ((r = p9_rpc(fs, &tx, &rx, KN_PATH_MAX + 16)))
		return r;
	const char *s;
	size_t len = p9_get_str(&rx, &s);
	if (len > size)
		len = size;
	__builtin_memcpy(buf, s, len);
	p9_msg_free(&rx);
	return (long)len;
}

static int setattr(struct kn_vnode *vn, uint32_t valid, uint32_t mode, uint64_t size,
		   const struct kn_timespec *atime, const struct kn_timespec *mtime)
{
	struct p9_msg tx;
	int r = writable(vn);
	if (!r)
		r = p9_msg_new(&tx, P9_TSETATTR, 80);
	if (r)
		return r;
	p9_put32(&tx, P9N(vn)->fid);
	p9_put32(&tx, valid);
	p9_put32(&tx, mode);
	p9_put32(&tx, 0); /* uid */
	p9_put32(&tx, 0); /* gid */
	p9_put64(&tx, size);
	p9_put64(&tx, atime ? (uint64_t)atime->tv_sec : 0);
	p9_put64(&tx, atime ? (uint64_t)atime->tv_nsec : 0);
	p9_put64(&tx, mtime ? (uint64_t)mtime->tv_sec : 0);
	p9_put64(&tx, mtime ? (uint64_t)mtime->tv_nsec : 0);
	return p9_rpc0(P9N(vn)->fs, &tx);
}

static int p9_truncate(struct kn_vnode *vn, uint64_t size)
{
	return setattr(vn, SETATTR_SIZE, 0, size, 0, 0);
}

static int p9_chmod(struct kn_vnode *vn, uint32_t perm)
{
	return setattr(vn, SETATTR_MODE, perm, 0, 0, 0);
}

static int p9_settimes(struct kn_vnode *vn, const struct kn_timespec *atime,
		       const struct kn_timespec *mtime)
{
	uint32_t valid = SETATTR_CTIME;
	if (atime)
		valid |= SETATTR_ATIME | SETATTR_ATIME_SET;
	if (mtime)
		valid |= SETATTR_MTIME | SETATTR_MTIME_SET;
	return setattr(vn, valid, 0, 0, atime, mtime);
}

/* Through an open fid when there is one: the server answers from its
 * open file, which outlives the name. */
static int p9_getattr_op(struct kn_vnode *vn, struct kn_stat *st)
{
	struct p9_node *n = P9N(vn);
	uint32_t fid = n->wfid != P9_NOFID ? n->wfid : n->rfid != P9_NOFID ? n->rfid : n->fid;
	return p9_getattr(n->fs, fid, st);
}

static int p9_open(struct kn_vnode *vn, int flags)
{
	int acc = flags & KN_O_ACCMODE;
	uint32_t fid;
	if (acc != KN_O_RDONLY && P9N(vn)->fs->ro)
		return -KN_EROFS;
	if (!KN_S_ISREG(vn->mode))
		return 0;
	int r = acc != KN_O_WRONLY ? p9_node_open(P9N(vn), 0, &fid) : 0;
	if (!r && acc != KN_O_RDONLY)
		r = p9_node_open(P9N(vn), 1, &fid);
	return r;
}

static int p9_statfs(struct kn_vnode *vn, struct kn_statfs *sf)
{
	struct p9_fs *fs = P9N(vn)->fs;
	struct p9_msg tx, rx;
	int r = p9_msg_new(&tx, P9_TSTATFS, 16);
	if (r)
		return r;
	p9_put32(&tx, P9N(vn)->fid);
	if ((r = p9_rpc(fs, &tx, &rx, 128)))
		return r;
	p9_get32(&rx); /* the host filesystem's type: a 9p mount says 9p */
	sf->f_type = V9FS_MAGIC;
	sf->f_bsize = sf->f_frsize = p9_get32(&rx);
	sf->f_blocks = p9_get64(&rx);
	sf->f_bfree = p9_get64(&rx);
	sf->f_bavail = p9_get64(&rx);
	sf->f_files = p9_get64(&rx);
	sf->f_ffree = p9_get64(&rx);
	p9_get64(&rx); /* fsid: core's identifies the mount */
	sf->f_namelen = p9_get32(&rx);
	if (fs->ro)
		sf->f_flags |= ST_RDONLY;
	r = rx.bad ? -KN_EIO : 0;
	p9_msg_free(&rx);
	return r;
}

const struct kn_vnode_ops p9_ops = {
	.lookup = p9_lookup,
	.create = p9_create,
	.mkdir = p9_mkdir,
	.unlink = p9_unlink,
	.rmdir = p9_rmdir,
	.rename = p9_rename,
	.link = p9_link,
	.symlink = p9_symlink,
	.readlink = p9_readlink,
	.read = p9_read,
	.write = p9_write,
	.truncate = p9_truncate,
	.chmod = p9_chmod,
	.settimes = p9_settimes,
	.statfs = p9_statfs,
	.getattr = p9_getattr_op,
	.readdir = p9_readdir,
	.fsync = p9_fsync,
	.open = p9_open,
	.release = p9_node_release,
};
