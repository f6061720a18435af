/* 9pfs vnodes. The VFS wants one vnode per file while it holds it; the
 * server names a file by its qid.path, so the nodes held are kept in a
 * list and a walk that reaches a known qid returns the known node. A
 * node's walk fid stays unopened (walks start from it, attributes come
 * through it); reads and writes go through fids opened on first use. */
#include <kn/alloc.h>
#include <kn/errno.h>
#include "p9.h"

static uint32_t type_of(struct p9_fs *fs, uint32_t fid, const struct p9_qid *qid, int *err)
{
	struct kn_stat st;
	*err = 0;
	if (qid->type & P9_QID_DIR)
		return KN_S_IFDIR;
	if (qid->type & P9_QID_SYMLINK)
		return KN_S_IFLNK;
	*err = p9_getattr(fs, fid, &st); /* regular, FIFO, socket or device */
	return st.st_mode & KN_S_IFMT;
}

static struct p9_node *known(struct p9_fs *fs, uint64_t qpath)
{
	for (struct p9_node *n = fs->nodes; n; n = n->next)
		if (n->qpath == qpath)
			return n;
	return NULL;
}

int p9_node_get(struct p9_fs *fs, uint32_t fid, const struct p9_qid *qid, struct p9_node **out)
{
	int err;
	uint32_t type = 0;
	struct p9_node *n = known(fs, qid->path);
	if (!n)
		type = type_of(fs, fid, qid, &err);
	/* The getattr waited: another thread may have made the node. */
	if (n || (n = known(fs, qid->path))) {
		/* Held across the clunk's wait, so no release frees it; the
		 * VFS takes its reference as soon as we return. */
		n->vn.refs++;
		p9_clunk(fs, fid);
		n->vn.refs--;
		*out = n;
		return 0;
	}
	n = err ? NULL : kn_calloc(1, sizeof(*n));
	if (!n) {
		p9_clunk(fs, fid);
		return err ? err : -KN_ENOMEM;
	}
	n->vn.ops = &p9_ops;
	n->vn.mode = type;
	n->vn.priv = n;
	n->fs = fs;
	n->qpath = qid->path;
	n->fid = fid;
	n->rfid = n->wfid = P9_NOFID;
	n->next = fs->nodes;
	fs->nodes = n;
	*out = n;
	return 0;
}

#define L_O_RDONLY 0
#define L_O_WRONLY 1
#define L_O_RDWR 2

static int lopen(struct p9_fs *fs, uint32_t fid, uint32_t flags)
{
	struct p9_msg tx;
	int r = p9_msg_new(&tx, P9_TLOPEN, 16);
	if (r)
		return r;
	p9_put32(&tx, fid);
	p9_put32(&tx, flags);
	return p9_rpc0(fs, &tx);
}

int p9_node_open(struct p9_node *n, int write, uint32_t *fid)
{
	uint32_t *slot = write ? &n->wfid : &n->rfid;
	if (*slot == P9_NOFID) {
		struct p9_qid q;
		uint32_t nf;
		int r = p9_walk(n->fs, n->fid, NULL, 0, &nf, &q);
		if (r)
			return r;
		r = lopen(n->fs, nf, write ? L_O_WRONLY : L_O_RDONLY);
		if (r) {
			p9_clunk(n->fs, nf);
			return r;
		}
		if (*slot != P9_NOFID) /* another thread opened one meanwhile */
			p9_clunk(n->fs, nf);
		else
			*slot = nf;
	}
	*fid = *slot;
	return 0;
}

void p9_node_release(struct kn_vnode *vn)
{
	struct p9_node *n = P9N(vn);
	struct p9_fs *fs = n->fs;
	for (struct p9_node **pp = &fs->nodes; *pp; pp = &(*pp)->next)
		if (*pp == n) {
			*pp = n->next;
			break;
		}
	uint32_t fid = n->fid, rfid = n->rfid, wfid = n->wfid;
	kn_share_dirlist_free(&n->dir);
	kn_free(n);
	p9_clunk(fs, fid);
	p9_clunk(fs, rfid);
	if (wfid != rfid) /* a created file's one fid does both */
		p9_clunk(fs, wfid);
}
