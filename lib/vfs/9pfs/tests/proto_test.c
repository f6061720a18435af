/* The 9P message layer (../proto.c) against a scripted server standing in
 * for the virtio-9p channel: fields round-trip little-endian, a read past
 * a reply's end is flagged, every request carries its size and a tag no
 * other request in flight has, and a reply that does not match its
 * request (tag, type, size) is an error, never taken for another's.
 * Prints "failures=N" last. Driven by host.py. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <kn/errno.h>
#include "p9.h"

static long checks, fails;

static void check(int ok, const char *what, int line)
{
	checks++;
	if (!ok && ++fails)
		printf("FAIL proto_test.c:%d: %s\n", line, what);
}
#define CHECK(cond) check(!!(cond), #cond, __LINE__)

void *kn_malloc(size_t n)
{
	return malloc(n);
}

void kn_free(void *p)
{
	free(p);
}

/* What the scripted server does with the next request. */
static enum { REPLY_OK, REPLY_LERROR, WRONG_TAG, WRONG_TYPE, WRONG_SIZE, SHORT, NESTED } script;
static struct p9_fs fs;
static uint16_t last_tag, nested_tag;
static int nested_result;

static uint32_t le32(const uint8_t *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

static void put_le(uint8_t *p, uint64_t v, int n)
{
	for (int i = 0; i < n; i++, v >>= 8)
		p[i] = (uint8_t)v;
}

long kn_9p_chan_request(struct kn_9p_chan *c, const void *tx, size_t tx_len, const void *out,
			size_t out_len, void *rx, size_t rx_max, void *in, size_t in_max)
{
	const uint8_t *t = tx;
	uint8_t *r = rx;
	CHECK(le32(t) == tx_len + out_len); /* the size field covers the message */
	uint16_t tag = (uint16_t)(t[5] | t[6] << 8);
	last_tag = tag;
	if (script == NESTED) {
		/* Another thread's request while this one waits: a tag of its own. */
		struct p9_msg m, reply;
		script = REPLY_OK;
		if (!p9_msg_new(&m, P9_TCLUNK, 16)) {
			p9_put32(&m, 7);
			nested_result = p9_rpc(&fs, &m, &reply, 16);
			if (!nested_result)
				p9_msg_free(&reply);
		}
		nested_tag = last_tag;
		last_tag = tag;
	}
	uint8_t type = t[4] + 1;
	uint32_t len = P9_HDR, data = 0;
	if (script == REPLY_LERROR) {
		type = P9_RLERROR;
		put_le(r + len, KN_ENOENT, 4);
		len += 4;
	} else if (t[4] == P9_TWALK) { /* one qid per name asked */
		uint16_t names = (uint16_t)(t[15] | t[16] << 8);
		put_le(r + len, names, 2);
		len += 2;
		for (unsigned i = 0; i < names; i++, len += 13)
			memset(r + len, 0x11 * (i + 1), 13);
	} else if (t[4] == P9_TREAD) { /* all asked, in the caller's buffer */
		data = le32(t + P9_HDR + 12);
		CHECK(data <= in_max);
		memset(in, 0x5a, data);
		put_le(r + len, data, 4);
		len += 4;
	}
	put_le(r, len + data + (script == WRONG_SIZE), 4);
	r[4] = script == WRONG_TYPE ? type + 2 : type;
	put_le(r + 5, script == WRONG_TAG ? tag + 1 : tag, 2);
	CHECK(len <= rx_max);
	return script == SHORT ? 5 : len + data;
}

static void test_fields(void)
{
	struct p9_msg m;
	CHECK(p9_msg_new(&m, P9_TREAD, 64) == 0);
	p9_put8(&m, 0xab);
	p9_put16(&m, 0xcdef);
	p9_put32(&m, 0x01234567);
	p9_put64(&m, 0x89abcdef01234567ull);
	p9_put_str(&m, "name", 4);
	CHECK(!m.bad && m.len == P9_HDR + 1 + 2 + 4 + 8 + 2 + 4);
	CHECK(m.buf[P9_HDR + 1] == 0xef && m.buf[P9_HDR + 2] == 0xcd); /* little-endian */
	m.at = P9_HDR;
	CHECK(p9_get8(&m) == 0xab && p9_get16(&m) == 0xcdef && p9_get32(&m) == 0x01234567);
	CHECK(p9_get64(&m) == 0x89abcdef01234567ull);
	const char *s;
	CHECK(p9_get_str(&m, &s) == 4 && !memcmp(s, "name", 4));
	CHECK(!m.bad && p9_get32(&m) == 0 && m.bad); /* past the end: flagged, zero */
	CHECK(p9_get64(&m) == 0 && p9_get_str(&m, &s) == 0 && s == NULL);
	p9_msg_free(&m);
	CHECK(p9_msg_new(&m, P9_TWRITE, 12) == 0);
	p9_put64(&m, 1); /* does not fit: flagged, nothing written past cap */
	CHECK(m.bad && m.len == P9_HDR);
	p9_msg_free(&m);
}

static int clunk_with(int how)
{
	script = how;
	return p9_clunk(&fs, 3);
}

static void test_replies(void)
{
	CHECK(clunk_with(REPLY_OK) == 0);
	CHECK(last_tag != P9_NOTAG);
	CHECK(clunk_with(REPLY_LERROR) == -KN_ENOENT); /* the server's errno, as it is */
	CHECK(clunk_with(WRONG_TAG) == -KN_EIO);
	CHECK(clunk_with(WRONG_TYPE) == -KN_EIO);
	CHECK(clunk_with(WRONG_SIZE) == -KN_EIO);
	CHECK(clunk_with(SHORT) == -KN_EIO);
	/* A request made while another waits gets another tag; both finish. */
	CHECK(clunk_with(NESTED) == 0 && nested_result == 0);
	CHECK(nested_tag != last_tag && nested_tag != P9_NOTAG);
	/* Tags come back: many requests later, none is refused. */
	for (int i = 0; i < 70000; i++)
		if (clunk_with(REPLY_OK))
			CHECK(!"a tag ran out");
}

static void test_walk(void)
{
	uint32_t fid = 0;
	struct p9_qid q;
	script = REPLY_OK;
	fs.next_fid = 10;
	CHECK(p9_walk(&fs, 1, "dir", 3, &fid, &q) == 0);
	CHECK(fid == 10 && q.type == 0x11 && q.path == 0x1111111111111111ull);
	CHECK(p9_walk(&fs, 1, NULL, 0, &fid, &q) == 0 && fid == 11); /* a clone */
	script = REPLY_LERROR;
	CHECK(p9_walk(&fs, 1, "absent", 6, &fid, &q) == -KN_ENOENT);
}

/* A read's and a write's data stay in the caller's buffer. */
static void test_data_in_callers_buffer(void)
{
	uint8_t buf[100] = {0};
	struct p9_msg tx, rx;
	uint32_t got = 0;
	script = REPLY_OK;
	CHECK(p9_msg_new(&tx, P9_TREAD, 32) == 0);
	p9_put32(&tx, 1);
	p9_put64(&tx, 0);
	p9_put32(&tx, 60);
	CHECK(p9_rpc_io(&fs, &tx, NULL, 0, &rx, 11, buf, sizeof(buf), &got) == 0);
	CHECK(got == 60 && p9_get32(&rx) == 60 && !rx.bad && rx.len == 11);
	CHECK(buf[59] == 0x5a && buf[60] == 0);
	p9_msg_free(&rx);
	CHECK(p9_msg_new(&tx, P9_TWRITE, 32) == 0); /* the server checks the size */
	p9_put32(&tx, 1);
	p9_put64(&tx, 0);
	p9_put32(&tx, 50);
	CHECK(p9_rpc_io(&fs, &tx, buf, 50, &rx, 32, NULL, 0, NULL) == 0);
	p9_msg_free(&rx);
}

int main(void)
{
	test_fields();
	test_replies();
	test_walk();
	test_data_in_callers_buffer();
	printf("checks=%ld failures=%ld\n", checks, fails);
	return fails != 0;
}
