/* 9pfs mounts: the "9p" filesystem type (source: the share's mount tag)
 * and the shares the kernel command line names, `9pfs.mount=TAG:PATH` or
 * `TAG:PATH:ro` (kiln run -v writes them), mounted before main. Mounting
 * waits for the server's replies, so it runs on main's thread. */
#include <kn/alloc.h>
#include <kn/console.h>
#include <kn/errno.h>
#include <kn/init.h>
#include <kn/param.h>
#include "p9.h"

#define MSIZE (128 * 1024 + P9_IOHDR)
#define VERSION "9P2000.L"
#define ROOT_FID 0
#define MAX_MOUNTS 16

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

/* data: an int, nonzero for a read-only mount. */
static int p9_mount(const char *source, void *data, struct kn_vnode **root)
{
	struct kn_9p_chan *chan = kn_9p_chan_find(source);
	if (!chan)
		return -KN_ENODEV;
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
	*root = &n->vn;
	return 0;
}

static struct kn_fs_type p9_type = {.name = "9p", .mount = p9_mount};

static struct {
	char tag[65];
	char path[256];
	int ro;
} mounts[MAX_MOUNTS];
static unsigned nmounts;

/* TAG:PATH[:ro], PATH absolute. */
static int kn_9pfs_param(const char *value)
{
	const char *colon = __builtin_strchr(value, ':');
	if (!colon || colon == value || (size_t)(colon - value) >= sizeof(mounts[0].tag) ||
	    colon[1] != '/' || nmounts == MAX_MOUNTS)
		return -1;
	const char *path = colon + 1, *end = path + __builtin_strlen(path);
	int ro = end - path > 3 && !__builtin_strcmp(end - 3, ":ro");
	if (ro)
		end -= 3;
	if ((size_t)(end - path) >= sizeof(mounts[0].path))
		return -1;
	__builtin_memcpy(mounts[nmounts].tag, value, (size_t)(colon - value));
	__builtin_memcpy(mounts[nmounts].path, path, (size_t)(end - path));
	mounts[nmounts++].ro = ro;
	return 0;
}

static kn_param_fn kn_9pfs_param_fn = kn_9pfs_param;
KN_PARAM(9pfs, mount, KN_PARAM_CALL, kn_9pfs_param_fn,
	 "mounts the 9p share tagged TAG at PATH: TAG:PATH, or TAG:PATH:ro read-only");

/* mkdir -p: a mount point may be new to the root filesystem. */
static int make_dirs(char *path)
{
	for (char *p = path + 1;; p++) {
		if (*p && *p != '/')
			continue;
		char c = *p;
		*p = 0;
		long r = kn_sys_mkdir(path, 0755);
		*p = c;
		if (r && r != -KN_EEXIST)
			return (int)r;
		if (!c)
			return 0;
	}
}

static int kn_9pfs_register(void)
{
	return kn_vfs_register_fs(&p9_type);
}
KN_INIT(kn_9pfs_register, KN_INIT_FS, 40);

static int kn_9pfs_mount_all(void)
{
	for (unsigned i = 0; i < nmounts; i++) {
		int r = make_dirs(mounts[i].path);
		if (!r)
			r = kn_vfs_mount("9p", mounts[i].tag, mounts[i].path, &mounts[i].ro);
		if (r == -KN_ENODEV) {
			char tags[128];
			kn_9p_chan_tags(tags, sizeof(tags));
			kn_printk(
				"kn: 9pfs: no 9p share is tagged %s (the VM has: %s); give the VM "
				"the share (kiln run -v HOSTDIR:%s)\n",
				mounts[i].tag, tags[0] ? tags : "none", mounts[i].path);
			return r;
		}
		if (r) {
			kn_printk("kn: 9pfs: cannot mount share %s at %s (error %d)\n",
				  mounts[i].tag, mounts[i].path, -r);
			return r;
		}
	}
	return 0;
}
KN_INIT(kn_9pfs_mount_all, KN_INIT_THREAD, 10);
