/* 9P2000.L messages: little-endian fields, strings as len[2] + bytes,
 * size[4] type[1] tag[2] in front of every message. Each request takes a
 * tag no other request in flight has, and its reply must carry it back. */
#include <kn/alloc.h>
#include <kn/errno.h>
#include "p9.h"

int p9_msg_new(struct p9_msg *m, uint8_t type, uint32_t cap)
{
	*m = (struct p9_msg){.buf = kn_malloc(cap), .cap = cap};
	if (!m->buf)
		return -KN_ENOMEM;
	p9_put32(m, 0); /* the size, filled at sending */
	p9_put8(m, type);
	p9_put16(m, P9_NOTAG);
	return 0;
}

void p9_msg_free(struct p9_msg *m)
{
	kn_free(m->buf);
	m->buf = NULL;
}

static uint8_t *room(struct p9_msg *m, uint32_t n)
{
	if (m->bad || m->cap - m->len < n) {
		m->bad = 1;
		return NULL;
	}
	uint8_t *p = m->buf + m->len;
	m->len += n;
	return p;
}

static void put_le(struct p9_msg *m, uint64_t v, unsigned bytes)
{
	uint8_t *p = room(m, bytes);
	for (unsigned i = 0; p && i < bytes; i++, v >>= 8)
		p[i] = (uint8_t)v;
}

void p9_put8(struct p9_msg *m, uint8_t v)
{
	put_le(m, v, 1);
}
void p9_put16(struct p9_msg *m, uint16_t v)
{
	put_le(m, v, 2);
}
void p9_put32(struct p9_msg *m, uint32_t v)
{
	put_le(m, v, 4);
}
void p9_put64(struct p9_msg *m, uint64_t v)
{
	put_le(m, v, 8);
}

void p9_put_data(struct p9_msg *m, const void *src, size_t len)
{
	uint8_t *p = len <= UINT32_MAX ? room(m, (uint32_t)len) : (m->bad = 1, NULL);
	if (p)
		__builtin_memcpy(p, src, len);
}

void p9_put_str(struct p9_msg *m, const char *s, size_t len)
{
	p9_put16(m, (uint16_t)len);
	p9_put_data(m, s, len);
}

static const uint8_t *take(struct p9_msg *m, uint32_t n)
{
	if (m->bad || m->len - m->at < n) {
		m->bad = 1;
		return NULL;
	}
	const uint8_t *p = m->buf + m->at;
	m->at += n;
	return p;
}

static uint64_t get_le(struct p9_msg *m, unsigned bytes)
{
	const uint8_t *p = take(m, bytes);
	uint64_t v = 0;
	for (unsigned i = bytes; p && i-- > 0;)
		v = v << 8 | p[i];
	return v;
}

uint8_t p9_get8(struct p9_msg *m)
{
	return (uint8_t)get_le(m, 1);
}
uint16_t p9_get16(struct p9_msg *m)
{
	return (uint16_t)get_le(m, 2);
}
uint32_t p9_get32(struct p9_msg *m)
{
	return (uint32_t)get_le(m, 4);
}
uint64_t p9_get64(struct p9_msg *m)
{
	return get_le(m, 8);
}

void p9_get_qid(struct p9_msg *m, struct p9_qid *q)
{
	q->type = p9_get8(m);
	q->version = p9_get32(m);
	q->path = p9_get64(m);
}

uint16_t p9_get_str(struct p9_msg *m, const char **s)
{
	uint16_t len = p9_get16(m);
	*s = (const char *)take(m, len);
	return *s ? len : 0;
}

static int tag_take(struct p9_fs *fs, uint16_t *tag)
{
	for (unsigned tries = 0; tries < P9_NOTAG; tries++) {
		uint16_t t = fs->next_tag++;
		if (t == P9_NOTAG)
			continue;
		if (!(fs->tags_used[t / 8] & (1u << (t % 8)))) {
			fs->tags_used[t / 8] |= (uint8_t)(1u << (t % 8));
			*tag = t;
			return 0;
		}
	}
	return -KN_EAGAIN;
}

static void tag_drop(struct p9_fs *fs, uint16_t tag)
{
	fs->tags_used[tag / 8] &= (uint8_t) ~(1u << (tag % 8));
}

/* Checks the reply's header against the request; leaves rx at its body. */
static int check_reply(struct p9_msg *rx, long got, uint8_t type, uint16_t tag)
{
	if (got < P9_HDR)
		return -KN_EIO;
	/* Past rx's buffer the reply went on in the caller's (p9_rpc_io). */
	rx->len = got < rx->cap ? (uint32_t)got : rx->cap;
	uint32_t size = p9_get32(rx);
	uint8_t rtype = p9_get8(rx);
	uint16_t rtag = p9_get16(rx);
	if (size != (uint32_t)got || rtag != tag)
		return -KN_EIO;
	if (rtype == P9_RLERROR) {
		uint32_t err = p9_get32(rx);
		return rx->bad || !err ? -KN_EIO : -(int)err;
	}
	return rtype == type + 1 ? 0 : -KN_EIO;
}

int p9_rpc_io(struct p9_fs *fs, struct p9_msg *tx, const void *out, uint32_t out_len,
	      struct p9_msg *rx, uint32_t rx_cap, void *in, uint32_t in_max, uint32_t *in_got)
{
	uint16_t tag = P9_NOTAG;
	uint8_t type = tx->buf[4];
	int r = tx->bad ? -KN_ENAMETOOLONG : 0;
	if (!r && type != P9_TVERSION)
		r = tag_take(fs, &tag);
	if (!r)
		r = p9_msg_new(rx, 0, rx_cap < 11 ? 11 : rx_cap); /* Rlerror fits */
	if (r) {
		p9_msg_free(tx);
		return r;
	}
	rx->len = 0;
	uint32_t size = tx->len + out_len;
	for (unsigned i = 0; i < 4; i++)
		tx->buf[i] = (uint8_t)(size >> (8 * i));
	tx->buf[5] = (uint8_t)tag;
	tx->buf[6] = (uint8_t)(tag >> 8);
	long got = kn_9p_chan_request(fs->chan, tx->buf, tx->len, out, out_len, rx->buf, rx->cap,
				      in, in_max);
	if (tag != P9_NOTAG)
		tag_drop(fs, tag);
	p9_msg_free(tx);
	r = got < 0 ? (int)got : check_reply(rx, got, type, tag);
	if (r)
		p9_msg_free(rx);
	else if (in_got)
		*in_got = (uint32_t)got > rx->cap ? (uint32_t)got - rx->cap : 0;
	return r;
}

int p9_rpc(struct p9_fs *fs, struct p9_msg *tx, struct p9_msg *rx, uint32_t rx_cap)
{
	return p9_rpc_io(fs, tx, NULL, 0, rx, rx_cap, NULL, 0, NULL);
}

int p9_rpc0(struct p9_fs *fs, struct p9_msg *tx)
{
	struct p9_msg rx;
	int r = p9_rpc(fs, tx, &rx, 64);
	if (!r)
		p9_msg_free(&rx);
	return r;
}

int p9_clunk(struct p9_fs *fs, uint32_t fid)
{
	struct p9_msg tx;
	if (fid == P9_NOFID || p9_msg_new(&tx, P9_TCLUNK, 16))
		return 0;
	p9_put32(&tx, fid);
	return p9_rpc0(fs, &tx);
}

int p9_walk(struct p9_fs *fs, uint32_t fid, const char *name, size_t len, uint32_t *newfid,
	    struct p9_qid *qid)
{
	struct p9_msg tx, rx;
	int r = p9_msg_new(&tx, P9_TWALK, 32 + (uint32_t)len);
	if (r)
		return r;
	uint32_t nf = fs->next_fid++;
	p9_put32(&tx, fid);
	p9_put32(&tx, nf);
	p9_put16(&tx, name ? 1 : 0);
	if (name)
		p9_put_str(&tx, name, len);
	r = p9_rpc(fs, &tx, &rx, 64);
	if (r)
		return r;
	uint16_t n = p9_get16(&rx);
	if (n)
		p9_get_qid(&rx, qid);
	if (rx.bad || n != (name ? 1 : 0)) {
		/* A partial walk makes no fid (9P): the name is absent. */
		p9_msg_free(&rx);
		return -KN_ENOENT;
	}
	p9_msg_free(&rx);
	*newfid = nf;
	return 0;
}

#define GETATTR_BASIC 0x7ffull

int p9_getattr(struct p9_fs *fs, uint32_t fid, struct kn_stat *st)
{
	struct p9_msg tx, rx;
	int r = p9_msg_new(&tx, P9_TGETATTR, 32);
	if (r)
		return r;
	p9_put32(&tx, fid);
	p9_put64(&tx, GETATTR_BASIC);
	r = p9_rpc(fs, &tx, &rx, 256);
	if (r)
		return r;
	struct p9_qid q;
	p9_get64(&rx); /* valid: QEMU fills the basic set */
	p9_get_qid(&rx, &q);
	st->st_mode = p9_get32(&rx);
	st->st_uid = p9_get32(&rx);
	st->st_gid = p9_get32(&rx);
	st->st_nlink = p9_get64(&rx);
	st->st_rdev = p9_get64(&rx);
	st->st_size = (int64_t)p9_get64(&rx);
	st->st_blksize = (int64_t)p9_get64(&rx);
	st->st_blocks = (int64_t)p9_get64(&rx);
	st->st_atim.tv_sec = (int64_t)p9_get64(&rx);
	st->st_atim.tv_nsec = (int64_t)p9_get64(&rx);
	st->st_mtim.tv_sec = (int64_t)p9_get64(&rx);
	st->st_mtim.tv_nsec = (int64_t)p9_get64(&rx);
	st->st_ctim.tv_sec = (int64_t)p9_get64(&rx);
	st->st_ctim.tv_nsec = (int64_t)p9_get64(&rx);
	st->st_ino = q.path;
	r = rx.bad ? -KN_EIO : 0;
	p9_msg_free(&rx);
	return r;
}
