/* The "9p" filesystem type: a mount's source is the share's virtio-9p
 * mount tag; mounting agrees on the protocol and msize (Tversion) and
 * attaches to the share's root. It waits for replies: the share API
 * mounts on main's thread. */
#include <kn/alloc.h>
#include <kn/console.h>
#include <kn/errno.h>
#include <kn/share.h>
#include "p9.h"

#define MSIZE (128 * 1024 + P9_IOHDR)
#define VERSION "9P2000.L"
#define ROOT_FID 0

static int version(struct p9_fs *fs)
{
	struct p9_msg tx, rx;
	int r = p9_msg_new(&tx, P9_TVERSION, 32);
	if (r)
		return r;
	p9_put32(&tx, MSIZE);
	p9_put_str(&tx, VERSION, sizeof(VERSION) - 1);
	if ((r = p9_rpc(fs, &tx, &rx, 64)))
		return r;
	const char *v;
	fs->msize = p9_get32(&rx);
	uint16_t len = p9_get_str(&rx, &v);
	if (rx.bad || len != sizeof(VERSION) - 1 || __builtin_memcmp(v, VERSION, len) ||
	    fs->msize <= P9_IOHDR + 64 || fs->msize > MSIZE)
		r = -KN_EPROTONOSUPPORT;
	p9_msg_free(&rx);
	return r;
}

static int attach(struct p9_fs *fs, struct p9_qid *q)
{
	struct p9_msg tx, rx;
	int r = p9_msg_new(&tx, P9_TATTACH, 64);
	if (r)
		return r;
	p9_put32(&tx, ROOT_FID);
	p9_put32(&tx, P9_NOFID);
	p9_put_str(&tx, "root", 4);
	p9_put_str(&tx, "", 0);
	p9_put32(&tx, 0);
	if ((r = p9_rpc(fs, &tx, &rx, 64)))
		return r;
	p9_get_qid(&rx, q);
	r = rx.bad ? -KN_EIO : 0;
	p9_msg_free(&rx);
	return r;
}

static struct kn_9p_chan *mounted[16];
static unsigned nmounted;

/* data: an int, nonzero for a read-only mount. */
static int p9_mount(const char *source, void *data, struct kn_vnode **root)
{
	struct kn_9p_chan *chan = kn_9p_chan_find(source);
	if (!chan) {
		char tags[128];
		kn_9p_chan_tags(tags, sizeof(tags));
		kn_printk("kn: 9pfs: no 9p share is tagged %s (the VM has: %s)\n", source,
			  tags[0] ? tags : "none");
		return -KN_ENODEV;
	}
	/* A second Tversion on a channel would end the first mount's session. */
	for (unsigned i = 0; i < nmounted; i++)
		if (mounted[i] == chan)
			return -KN_EBUSY;
	if (nmounted == KN_ARRAY_SIZE(mounted))
		return -KN_ENOSPC;
	struct p9_fs *fs = kn_calloc(1, sizeof(*fs));
	if (!fs)
		return -KN_ENOMEM;
	fs->chan = chan;
	fs->ro = data && *(int *)data;
	fs->next_fid = ROOT_FID + 1;
	struct p9_qid q;
	struct p9_node *n;
	int r = version(fs);
	if (!r)
		r = attach(fs, &q);
	if (!r)
		r = p9_node_get(fs, ROOT_FID, &q, &n);
	if (r) {
		kn_free(fs);
		return r;
	}
	mounted[nmounted++] = chan;
	*root = &n->vn;
	return 0;
}

struct kn_fs_type kn_share_fs_type = {.name = "9p", .mount = p9_mount};
