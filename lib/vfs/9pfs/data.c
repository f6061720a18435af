/* 9pfs's data ops: reads and writes split into requests that fit the
 * negotiated msize, directory listings, fsync. */
#include <kn/errno.h>
#include "p9.h"

#define RREAD_HDR 11 /* size type tag count */

static uint32_t chunk(struct p9_fs *fs, size_t n)
{
	uint32_t most = fs->msize - P9_IOHDR;
	return n < most ? (uint32_t)n : most;
}

/* One Tread: the bytes the server gave (0 at the end), written by the
 * device straight into buf (the reply's header alone is ours). */
static long read_once(struct p9_fs *fs, uint32_t fid, void *buf, uint32_t n, uint64_t off)
{
	struct p9_msg tx, rx;
	uint32_t data;
	int r = p9_msg_new(&tx, P9_TREAD, 32);
	if (r)
		return r;
	p9_put32(&tx, fid);
	p9_put64(&tx, off);
	p9_put32(&tx, n);
	if ((r = p9_rpc_io(fs, &tx, NULL, 0, &rx, RREAD_HDR, buf, n, &data)))
		return r;
	uint32_t got = p9_get32(&rx);
	p9_msg_free(&rx);
	return rx.bad || got > n || got != data ? -KN_EIO : (long)got;
}

/* One Twrite, its data read by the device from buf. */
static long write_once(struct p9_fs *fs, uint32_t fid, void *buf, uint32_t n, uint64_t off)
{
	struct p9_msg tx, rx;
	int r = p9_msg_new(&tx, P9_TWRITE, 32);
	if (r)
		return r;
	p9_put32(&tx, fid);
	p9_put64(&tx, off);
	p9_put32(&tx, n);
	if ((r = p9_rpc_io(fs, &tx, buf, n, &rx, 32, NULL, 0, NULL)))
		return r;
	uint32_t got = p9_get32(&rx);
	r = rx.bad || got > n ? -KN_EIO : 0;
	p9_msg_free(&rx);
	return r ? r : (long)got;
}

/* Requests of at most msize until n bytes moved, the server moves fewer
 * (the end of the file), or fails (an error only when nothing moved). */
static long transfer(struct kn_vnode *vn, void *buf, size_t n, uint64_t off, int write)
{
	struct p9_fs *fs = P9N(vn)->fs;
	uint32_t fid;
	int r = write && fs->ro ? -KN_EROFS : p9_node_open(P9N(vn), write, &fid);
	if (r)
		return r;
	size_t done = 0;
	while (done < n) {
		uint32_t want = chunk(fs, n - done);
		long got = (write ? write_once : read_once)(fs, fid, (char *)buf + done, want,
							    off + done);
		if (got < 0)
			return done ? (long)done : got;
		done += (size_t)got;
		if ((uint32_t)got < want)
			break;
	}
	return (long)done;
}

long p9_read(struct kn_vnode *vn, struct kn_file *f, void *buf, size_t n, uint64_t off)
{
	return transfer(vn, buf, n, off, 0);
}

long p9_write(struct kn_vnode *vn, struct kn_file *f, const void *buf, size_t n, uint64_t off)
{
	return transfer(vn, (void *)buf, n, off, 1); /* write_once only reads it */
}

/* Reads the whole listing: entries qid[13] offset[8] type[1] name[s],
 * each offset the cookie to go on from. */
static int load(struct kn_vnode *dir)
{
	struct p9_node *d = P9N(dir);
	struct p9_fs *fs = d->fs;
	uint32_t fid;
	int r = p9_node_open(d, 0, &fid);
	uint64_t off = 0;
	d->dir.n = 0;
	while (!r) {
		struct p9_msg tx, rx;
		if ((r = p9_msg_new(&tx, P9_TREADDIR, 32)))
			break;
		p9_put32(&tx, fid);
		p9_put64(&tx, off);
		p9_put32(&tx, fs->msize - RREAD_HDR);
		if ((r = p9_rpc(fs, &tx, &rx, fs->msize)))
			break;
		uint32_t count = p9_get32(&rx), end = rx.at + count;
		if (rx.bad || end > rx.len)
			r = -KN_EIO;
		while (!r && rx.at < end) {
			struct p9_qid q;
			const char *name;
			p9_get_qid(&rx, &q);
			off = p9_get64(&rx);
			uint8_t type = p9_get8(&rx);
			uint16_t len = p9_get_str(&rx, &name);
			r = rx.bad ? -KN_EIO
				   : kn_share_dirlist_add(&d->dir, name, len, q.path, type);
		}
		p9_msg_free(&rx);
		if (!count)
			break;
	}
	return r;
}

int p9_readdir(struct kn_vnode *dir, uint64_t index, struct kn_dirent *out)
{
	return kn_share_readdir(&P9N(dir)->dir, index, out, load, dir);
}

/* Tfsync on an open fid: the server syncs its open file. A directory is
 * opened here, since nothing else opens it before fsync (Redis syncs the
 * folder after renaming a new dump over the old one). */
int p9_fsync(struct kn_vnode *vn)
{
	struct p9_node *n = P9N(vn);
	uint32_t fid = n->wfid != P9_NOFID ? n->wfid : n->rfid;
	struct p9_msg tx;
	if (fid == P9_NOFID && !KN_S_ISDIR(vn->mode))
		return 0; /* a symlink or device: no data of its own here */
	int r = fid != P9_NOFID ? 0 : p9_node_open(n, 0, &fid);
	if (!r)
		r = p9_msg_new(&tx, P9_TFSYNC, 16);
	if (r)
		return r;
	p9_put32(&tx, fid);
	p9_put32(&tx, 0);
	return p9_rpc0(n->fs, &tx);
}
