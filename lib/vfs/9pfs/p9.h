/* vfs-9pfs's internals: a 9P2000.L client (proto.c: messages, tags, the
 * round trip), its vnodes (node.c: one per file the VFS holds, found
 * again by the file's qid), the vnode ops (ops.c, data.c) and mounting a
 * share (attach.c). */
#ifndef KN_9PFS_P9_H
#define KN_9PFS_P9_H

#include <stdint.h>
#include <kn/share.h>
#include <kn/vfs.h>
#include <kn/virtio_9p.h>

/* Message types (T; the reply R is T + 1). */
enum {
	P9_RLERROR = 7,
	P9_TSTATFS = 8,
	P9_TLOPEN = 12,
	P9_TLCREATE = 14,
	P9_TSYMLINK = 16,
	P9_TREADLINK = 22,
	P9_TGETATTR = 24,
	P9_TSETATTR = 26,
	P9_TREADDIR = 40,
	P9_TFSYNC = 50,
	P9_TLINK = 70,
	P9_TMKDIR = 72,
	P9_TRENAMEAT = 74,
	P9_TUNLINKAT = 76,
	P9_TVERSION = 100,
	P9_TATTACH = 104,
	P9_TWALK = 110,
	P9_TREAD = 116,
	P9_TWRITE = 118,
	P9_TCLUNK = 120,
};

#define P9_NOTAG 0xffff
#define P9_NOFID 0xffffffffu
#define P9_HDR 7    /* size[4] type[1] tag[2] */
#define P9_IOHDR 24 /* the most a read or write adds around its data */
#define P9_QID_DIR 0x80
#define P9_QID_SYMLINK 0x02

struct p9_qid {
	uint8_t type;
	uint32_t version;
	uint64_t path;
};

/* One message being built (put) or read (get). A get past the end sets
 * bad, and every later get returns zeros: check bad once at the end. */
struct p9_msg {
	uint8_t *buf;
	uint32_t len, cap, at;
	int bad;
};

struct p9_node;

/* One mounted share. */
struct p9_fs {
	struct kn_9p_chan *chan;
	uint32_t msize;
	int ro;
	uint32_t next_fid;
	uint16_t next_tag;
	uint8_t tags_used[8192]; /* a bit per tag in flight */
	struct p9_node *nodes;   /* those the VFS holds */
	uint64_t dev;
};

struct p9_node {
	struct kn_vnode vn;
	struct p9_fs *fs;
	struct p9_node *next;
	uint64_t qpath;
	uint32_t fid;                /* walked here, never opened: walks and attributes */
	uint32_t rfid, wfid;         /* opened for reading, writing (NOFID until needed) */
	struct kn_share_dirlist dir; /* the directory's entries, read at index 0 */
};

#define P9N(v) ((struct p9_node *)(v))

/* proto.c */
int p9_msg_new(struct p9_msg *m, uint8_t type, uint32_t cap);
void p9_msg_free(struct p9_msg *m);
void p9_put8(struct p9_msg *m, uint8_t v);
void p9_put16(struct p9_msg *m, uint16_t v);
void p9_put32(struct p9_msg *m, uint32_t v);
void p9_put64(struct p9_msg *m, uint64_t v);
void p9_put_str(struct p9_msg *m, const char *s, size_t len);
void p9_put_data(struct p9_msg *m, const void *p, size_t len);
uint8_t p9_get8(struct p9_msg *m);
uint16_t p9_get16(struct p9_msg *m);
uint32_t p9_get32(struct p9_msg *m);
uint64_t p9_get64(struct p9_msg *m);
void p9_get_qid(struct p9_msg *m, struct p9_qid *q);
/* Points *s at a string of the reply (not NUL-terminated); its length. */
uint16_t p9_get_str(struct p9_msg *m, const char **s);
/* Sends tx and reads the reply into rx (rx_cap bytes, allocated here;
 * free it with p9_msg_free). 0 with rx at the reply's body, or -errno:
 * the server's Rlerror, or the transport's. Frees tx. */
int p9_rpc(struct p9_fs *fs, struct p9_msg *tx, struct p9_msg *rx, uint32_t rx_cap);
/* p9_rpc with the data of a write (out) or a read (in) in the caller's
 * buffer, never copied: the message goes on with out's bytes, and the
 * reply's bytes past rx_cap land in in (*in_got of them). */
int p9_rpc_io(struct p9_fs *fs, struct p9_msg *tx, const void *out, uint32_t out_len,
	      struct p9_msg *rx, uint32_t rx_cap, void *in, uint32_t in_max, uint32_t *in_got);
/* An rpc whose reply carries nothing the caller needs. */
int p9_rpc0(struct p9_fs *fs, struct p9_msg *tx);
int p9_clunk(struct p9_fs *fs, uint32_t fid);
/* Walks name (NULL: clones) from fid to a new fid: 0 and its qid. */
int p9_walk(struct p9_fs *fs, uint32_t fid, const char *name, size_t len, uint32_t *newfid,
	    struct p9_qid *qid);
int p9_getattr(struct p9_fs *fs, uint32_t fid, struct kn_stat *st);

/* node.c */
/* The node of qid (walked at fid): the one the VFS holds already (fid is
 * clunked), or a new one that takes fid. Clunks fid on failure. */
int p9_node_get(struct p9_fs *fs, uint32_t fid, const struct p9_qid *qid, struct p9_node **out);
/* A fid of n opened with flags (for reading or writing), opened on first use. */
int p9_node_open(struct p9_node *n, int write, uint32_t *fid);
void p9_node_release(struct kn_vnode *vn);
extern const struct kn_vnode_ops p9_ops;

/* data.c */
long p9_read(struct kn_vnode *vn, struct kn_file *f, void *buf, size_t n, uint64_t off);
long p9_write(struct kn_vnode *vn, struct kn_file *f, const void *buf, size_t n, uint64_t off);
int p9_readdir(struct kn_vnode *dir, uint64_t index, struct kn_dirent *out);
int p9_fsync(struct kn_vnode *vn);

#endif
