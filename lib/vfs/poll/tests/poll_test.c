/* Host tests of poll, ppoll, select and pselect6, compared with the host
 * kernel over pipes, eventfds, regular files and /dev/null. */
#include "../../pipe/tests/harness.h"
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/select.h>
#include <sys/time.h>

/* poll one descriptor asking for ev; returns revents (or -errno). */
static long kpoll1(int fd, short ev)
{
	struct kn_pollfd p = {fd, ev, 0x7777};
	long r = kn_sys_poll(&p, 1, 0);
	return r < 0 ? r : p.revents;
}

static long hpoll1(int fd, short ev)
{
	struct pollfd p = {fd, ev, 0x7777};
	long r = HOST(poll, &p, 1, 0);
	return r < 0 ? -errno : p.revents;
}

#define ALL (POLLIN | POLLPRI | POLLOUT | POLLRDNORM | POLLWRNORM | POLLRDBAND | POLLWRBAND)

static void poll_masks(void)
{
	EQ(KN_POLLIN, POLLIN);
	EQ(KN_POLLOUT, POLLOUT);
	EQ(KN_POLLHUP, POLLHUP);
	EQ(KN_POLLNVAL, POLLNVAL);
	EQ(KN_POLLWRNORM, POLLWRNORM);
	EQ(sizeof(struct kn_pollfd), sizeof(struct pollfd));
	int k[2], h[2];
	EQ(kn_sys_pipe2(k, KN_O_NONBLOCK), 0);
	EQ(HOST(pipe2, h, O_NONBLOCK), 0);
	SAME(kpoll1(k[0], ALL), hpoll1(h[0], ALL)); /* empty: nothing */
	SAME(kpoll1(k[1], ALL), hpoll1(h[1], ALL)); /* writable */
	SAME(kn_sys_write(k[1], "abc", 3), write(h[1], "abc", 3));
	SAME(kpoll1(k[0], ALL), hpoll1(h[0], ALL)); /* readable */
	SAME(kpoll1(k[0], POLLOUT), hpoll1(h[0], POLLOUT));
	SAME(kpoll1(k[0], 0), hpoll1(h[0], 0));
	/* Full (page steps, where Linux and Kiln agree): not writable. */
	static char buf[65536];
	SAME(kn_sys_write(k[1], buf, 65536 - 4096 - 3), write(h[1], buf, 65536 - 4096 - 3));
	SAME(kpoll1(k[1], ALL), hpoll1(h[1], ALL));
	SAME(kn_sys_write(k[1], buf, 4096), write(h[1], buf, 4096));
	SAME(kpoll1(k[1], ALL), hpoll1(h[1], ALL));
	SAME(kn_sys_read(k[0], buf, 4096), read(h[0], buf, 4096));
	SAME(kpoll1(k[1], ALL), hpoll1(h[1], ALL));
	/* Writer gone: HUP (with IN while data remains), also when not asked. */
	SAME(kn_sys_close(k[1]), close(h[1]));
	SAME(kpoll1(k[0], ALL), hpoll1(h[0], ALL));
	SAME(kpoll1(k[0], 0), hpoll1(h[0], 0));
	SAME(kn_sys_read(k[0], buf, sizeof(buf)), read(h[0], buf, sizeof(buf)));
	SAME(kpoll1(k[0], ALL), hpoll1(h[0], ALL));
	SAME(kn_sys_close(k[0]), close(h[0]));
	/* Reader gone: ERR on the write end. */
	EQ(kn_sys_pipe2(k, 0), 0);
	EQ(HOST(pipe2, h, 0), 0);
	SAME(kn_sys_close(k[0]), close(h[0]));
	SAME(kpoll1(k[1], ALL), hpoll1(h[1], ALL));
	SAME(kpoll1(k[1], 0), hpoll1(h[1], 0));
	SAME(kn_sys_close(k[1]), close(h[1]));
	/* Closed and bad descriptors: NVAL. */
	SAME(kpoll1(k[1], ALL), hpoll1(h[1], ALL));
	SAME(kpoll1(5000, POLLIN), hpoll1(5000, POLLIN));
	/* eventfd: IN with a count, OUT below the maximum. */
	int ke = (int)kn_sys_eventfd2(0, KN_EFD_NONBLOCK),
	    he = (int)HOST(eventfd2, 0, EFD_NONBLOCK);
	SAME(kpoll1(ke, ALL), hpoll1(he, ALL));
	uint64_t v = UINT64_MAX - 1;
	SAME(kn_sys_write(ke, &v, 8), write(he, &v, 8));
	SAME(kpoll1(ke, ALL), hpoll1(he, ALL));
	SAME(kn_sys_read(ke, &v, 8), read(he, &v, 8));
	SAME(kpoll1(ke, ALL), hpoll1(he, ALL));
	SAME(kn_sys_close(ke), close(he));
	/* Regular files and /dev/null: always ready. */
	char tmpl[] = "/tmp/kn_poll_XXXXXX";
	int hf = mkstemp(tmpl);
	int kf = (int)kn_sys_open("/pollfile", KN_O_CREAT | KN_O_RDWR, 0644);
	SAME(kpoll1(kf, ALL), hpoll1(hf, ALL));
	SAME(kpoll1(kf, POLLIN), hpoll1(hf, POLLIN));
	SAME(kn_sys_close(kf), close(hf));
	unlink(tmpl);
	kn_sys_unlink("/pollfile");
	int kz = (int)kn_sys_open("/dev/null", KN_O_RDWR, 0), hz = open("/dev/null", O_RDWR);
	SAME(kpoll1(kz, ALL), hpoll1(hz, ALL));
	SAME(kn_sys_close(kz), close(hz));
	/* An O_PATH descriptor is not open for I/O: NVAL. */
	kz = (int)kn_sys_open("/dev/null", KN_O_PATH, 0);
	hz = open("/dev/null", O_PATH);
	SAME(kpoll1(kz, ALL), hpoll1(hz, ALL));
	SAME(kn_sys_close(kz), close(hz));
	kz = (int)kn_sys_open("/dev/zero", KN_O_RDONLY, 0);
	hz = open("/dev/zero", O_RDONLY);
	SAME(kpoll1(kz, ALL), hpoll1(hz, ALL));
	SAME(kn_sys_close(kz), close(hz));
}

static void poll_many(void)
{
	int k[2], h[2];
	EQ(kn_sys_pipe(k), 0);
	EQ(HOST(pipe, h), 0);
	SAME(kn_sys_write(k[1], "x", 1), write(h[1], "x", 1));
	/* Negative fds are skipped (revents 0), bad ones count as NVAL,
	 * duplicates count twice. */
	struct kn_pollfd kp[5] = {{k[0], POLLIN, 1},
				  {-1, POLLIN, 1},
				  {k[1], POLLOUT, 1},
				  {700, POLLIN, 1},
				  {k[0], POLLOUT, 1}};
	struct pollfd hp[5] = {{h[0], POLLIN, 1},
			       {-1, POLLIN, 1},
			       {h[1], POLLOUT, 1},
			       {700, POLLIN, 1},
			       {h[0], POLLOUT, 1}};
	SAME(kn_sys_poll(kp, 5, -1), HOST(poll, hp, 5, -1));
	for (int i = 0; i < 5; i++)
		EQ(kp[i].revents, hp[i].revents);
	/* Faults and limits. */
	SAME(kn_sys_poll(NULL, 1, 0), HOST(poll, NULL, 1, 0));
	SAME(kn_sys_poll((struct kn_pollfd *)16, 2, 0), HOST(poll, (struct pollfd *)16, 2, 0));
	SAME(kn_sys_poll(NULL, 0, 0), HOST(poll, NULL, 0, 0));
	EQ(kn_sys_poll(kp, KN_FD_MAX + 1, 0), -KN_EINVAL); /* beyond the fd limit */
	/* Timeouts expire on the clock: nothing ready, 0 after the time. */
	struct kn_pollfd one = {k[1], POLLIN, 0};
	struct pollfd hone = {h[1], POLLIN, 0};
	uint64_t t0 = fake_now;
	SAME(kn_sys_poll(&one, 1, 30), HOST(poll, &hone, 1, 30));
	EQ(fake_now - t0, 30 * 1000000ull);
	EQ(one.revents, 0);
	t0 = fake_now;
	SAME(kn_sys_poll(NULL, 0, 5), HOST(poll, NULL, 0, 5)); /* a sleep */
	EQ(fake_now - t0, 5 * 1000000ull);
	t0 = fake_now;
	SAME(kn_sys_poll(&one, 1, 0), HOST(poll, &hone, 1, 0));
	EQ(fake_now, t0);
	SAME(kn_sys_close(k[0]), close(h[0]));
	SAME(kn_sys_close(k[1]), close(h[1]));
}

struct poster {
	int fd;
	long result;
};

static void post_write(void *arg)
{
	struct poster *p = arg;
	p->result = kn_sys_write(p->fd, "data", 4);
}

/* A poller without a timeout wakes when another thread writes. */
static void poll_wakes(void)
{
	int k[2];
	EQ(kn_sys_pipe(k), 0);
	struct poster w = {k[1], 0};
	struct kn_pollfd p = {k[0], POLLIN, 0};
	then_run(post_write, &w);
	blocks = 0;
	EQ(kn_sys_poll(&p, 1, -1), 1);
	EQ(p.revents, POLLIN);
	EQ(blocks, 1);
	EQ(w.result, 4);
	/* ... and with a timeout, before it expires. */
	char buf[8];
	EQ(kn_sys_read(k[0], buf, 8), 4);
	then_run(post_write, &w);
	uint64_t t0 = fake_now;
	EQ(kn_sys_poll(&p, 1, 1000), 1);
	EQ(fake_now, t0);
	/* select and ppoll the same way. */
	EQ(kn_sys_read(k[0], buf, 8), 4);
	then_run(post_write, &w);
	kn_fd_set in = {{0}};
	in.bits[0] = 1UL << k[0];
	EQ(kn_sys_select(k[0] + 1, &in, NULL, NULL, NULL), 1);
	EQ(in.bits[0], 1UL << k[0]);
	EQ(kn_sys_read(k[0], buf, 8), 4);
	then_run(post_write, &w);
	struct kn_timespec ts = {5, 0};
	EQ(kn_sys_ppoll(&p, 1, &ts, NULL, 0), 1);
	EQ(ts.tv_sec, 5);
	EQ(ts.tv_nsec, 0);
	kn_sys_close(k[0]);
	kn_sys_close(k[1]);
}

static void write_to(void *arg)
{
	kn_sys_write(*(int *)arg, "x", 1);
}

static void close_fd(void *arg)
{
	kn_sys_close(*(int *)arg);
}

/* A poller of pipe A sleeps through changes of pipe B and of an eventfd:
 * only its own files' queues wake it. */
static void poll_not_woken_by_others(void)
{
	int a[2], b[2];
	EQ(kn_sys_pipe(a), 0);
	EQ(kn_sys_pipe(b), 0);
	int e = (int)kn_sys_eventfd(0);
	struct kn_pollfd p = {a[0], POLLIN, 0};
	then_run(write_to, &b[1]);
	blocks = wakeups = 0;
	uint64_t t0 = fake_now;
	EQ(kn_sys_poll(&p, 1, 100), 0);
	EQ(blocks, 1);
	EQ(wakeups, 0);
	EQ(fake_now - t0, 100 * 1000000ull);
	EQ(p.revents, 0);
	EQ(entries_live, 0);
	/* select the same way; an eventfd post is someone else's change too. */
	uint64_t one = 1;
	kn_fd_set in = {{0}};
	in.bits[0] = 1UL << a[0];
	struct kn_timeval tv = {0, 5000};
	then_run(write_to, &b[1]);
	EQ(kn_sys_select(a[0] + 1, &in, NULL, NULL, &tv), 0);
	EQ(wakeups, 0);
	EQ(kn_sys_write(e, &one, 8), 8); /* no poller of it: wakes nobody */
	EQ(wakeups, 0);
	/* The change it waits for does wake it, once. */
	then_run(write_to, &a[1]);
	EQ(kn_sys_poll(&p, 1, 100), 1);
	EQ(wakeups, 1);
	EQ(p.revents, POLLIN);
	EQ(entries_live, 0);
	kn_sys_close(a[0]), kn_sys_close(a[1]), kn_sys_close(b[0]), kn_sys_close(b[1]);
	kn_sys_close(e);
}

/* One thread polling three pipes wakes on a write to any of them. */
static void poll_three_pipes(void)
{
	int p[3][2];
	for (int i = 0; i < 3; i++)
		EQ(kn_sys_pipe(p[i]), 0);
	for (int i = 0; i < 3; i++) {
		struct kn_pollfd fds[3];
		for (int j = 0; j < 3; j++)
			fds[j] = (struct kn_pollfd){p[j][0], POLLIN, 0};
		then_run(write_to, &p[i][1]);
		blocks = wakeups = 0;
		EQ(kn_sys_poll(fds, 3, -1), 1);
		EQ(blocks, 1);
		EQ(wakeups, 1);
		for (int j = 0; j < 3; j++)
			EQ(fds[j].revents, j == i ? POLLIN : 0);
		EQ(entries_live, 0); /* left all three queues */
		char c;
		EQ(kn_sys_read(p[i][0], &c, 1), 1);
	}
	/* pselect6 over the same three. */
	kn_fd_set in = {{0}};
	int n = 0;
	for (int j = 0; j < 3; j++) {
		in.bits[0] |= 1UL << p[j][0];
		n = p[j][0] + 1 > n ? p[j][0] + 1 : n;
	}
	then_run(write_to, &p[2][1]);
	wakeups = 0;
	EQ(kn_sys_pselect6(n, &in, NULL, NULL, NULL, NULL), 1);
	EQ(in.bits[0], 1UL << p[2][0]);
	EQ(wakeups, 1);
	EQ(entries_live, 0);
	for (int i = 0; i < 3; i++)
		kn_sys_close(p[i][0]), kn_sys_close(p[i][1]);
}

/* A poller that times out leaves nothing on the file: closing the
 * descriptor and writing afterwards touches no stale entry (the shim's
 * wake checks every entry it walks). A descriptor closed by "another
 * thread" while polled keeps its file until the poll returns. */
static void poll_timeout_leaves_nothing(void)
{
	int a[2];
	EQ(kn_sys_pipe(a), 0);
	struct kn_pollfd p[2] = {{a[0], POLLIN, 0}, {a[1], POLLIN, 0}};
	EQ(kn_sys_poll(p, 2, 10), 0);
	EQ(entries_live, 0);
	EQ(kn_sys_close(a[0]), 0);
	EQ(kn_sys_write(a[1], "x", 1), -KN_EPIPE);
	EQ(kn_sys_close(a[1]), 0);
	EQ(kn_sys_pipe(a), 0);
	struct kn_pollfd r = {a[0], POLLIN, 0};
	then_run(close_fd, &a[1]); /* the writer goes: HUP wakes the poller */
	wakeups = 0;
	EQ(kn_sys_poll(&r, 1, -1), 1);
	EQ(r.revents, POLLHUP);
	EQ(wakeups, 1);
	EQ(kn_sys_close(a[0]), 0);
	/* The polled descriptor itself goes: no readiness change wakes the
	 * poll; at the timeout its last scan finds the descriptor closed
	 * (NVAL). Its file lived until then and is released after. */
	EQ(kn_sys_pipe(a), 0);
	r.fd = a[0];
	then_run(close_fd, &a[0]);
	wakeups = 0;
	EQ(kn_sys_poll(&r, 1, 20), 1);
	EQ(r.revents, POLLNVAL);
	EQ(wakeups, 0);
	EQ(entries_live, 0);
	EQ(kn_sys_close(a[0]), -KN_EBADF);
	EQ(kn_sys_write(a[1], "x", 1), -KN_EPIPE);
	EQ(kn_sys_close(a[1]), 0);
}

static void set_bit(void *set, int fd)
{
	((unsigned long *)set)[fd / 64] |= 1UL << (fd % 64);
}

static void select_sets(void)
{
	int k[2], h[2], ke, he;
	EQ(kn_sys_pipe(k), 0);
	EQ(HOST(pipe, h), 0);
	ke = (int)kn_sys_eventfd(1);
	he = (int)HOST(eventfd, 1);
	/* Kiln and the host number their descriptors differently: nfds
	 * covers both. */
	int n = 1 + (k[1] > h[1] ? k[1] : h[1]);
	n = n > ke + 1 ? n : ke + 1;
	n = n > he + 1 ? n : he + 1;
	for (int step = 0; step < 4; step++) {
		kn_fd_set ki = {{0}}, ko = {{0}}, kx = {{0}};
		fd_set hi, ho, hx;
		FD_ZERO(&hi);
		FD_ZERO(&ho);
		FD_ZERO(&hx);
		set_bit(&ki, k[0]), set_bit(&ko, k[1]), set_bit(&kx, k[0]);
		set_bit(&ki, ke), set_bit(&ko, ke);
		FD_SET(h[0], &hi), FD_SET(h[1], &ho), FD_SET(h[0], &hx);
		FD_SET(he, &hi), FD_SET(he, &ho);
		struct kn_timeval kt = {0, 0};
		struct timeval ht = {0, 0};
		SAME(kn_sys_select(n, &ki, &ko, &kx, &kt), HOST(select, n, &hi, &ho, &hx, &ht));
		EQ(!!(ki.bits[0] & (1UL << k[0])), FD_ISSET(h[0], &hi));
		EQ(!!(ko.bits[0] & (1UL << k[1])), FD_ISSET(h[1], &ho));
		EQ(!!(ki.bits[0] & (1UL << ke)), FD_ISSET(he, &hi));
		EQ(!!(ko.bits[0] & (1UL << ke)), FD_ISSET(he, &ho));
		EQ(kx.bits[0], 0);
		if (step == 0)
			SAME(kn_sys_write(k[1], "z", 1), write(h[1], "z", 1));
		if (step == 1) {
			uint64_t v;
			SAME(kn_sys_read(ke, &v, 8), read(he, &v, 8));
		}
		if (step == 2) { /* the writer goes: the read end is "readable" (EOF) */
			int kw = (int)kn_sys_dup(k[1]), hw = dup(h[1]);
			SAME(kn_sys_close(k[1]), close(h[1]));
			k[1] = kw, h[1] = hw;
			char c;
			SAME(kn_sys_read(k[0], &c, 1), read(h[0], &c, 1));
			kn_sys_close(ke), close(he);
			ke = (int)kn_sys_eventfd(0), he = (int)HOST(eventfd, 0);
		}
	}
	/* A closed descriptor in a set: EBADF, sets untouched. (Linux looks
	 * only below its fd table's size, at least 64: use a low fd.) */
	kn_fd_set kbad = {{0}};
	fd_set hbad;
	FD_ZERO(&hbad);
	set_bit(&kbad, 60);
	FD_SET(60, &hbad);
	struct kn_timeval kt = {0, 0};
	struct timeval ht = {0, 0};
	SAME(kn_sys_select(61, &kbad, NULL, NULL, &kt), HOST(select, 61, &hbad, NULL, NULL, &ht));
	EQ(kbad.bits[0], 1UL << 60);
	/* ... but bits at or past nfds are ignored. */
	SAME(kn_sys_select(60, &kbad, NULL, NULL, &kt), HOST(select, 60, &hbad, NULL, NULL, &ht));
	SAME(kn_sys_select(-1, NULL, NULL, NULL, &kt), HOST(select, -1, NULL, NULL, NULL, &ht));
	SAME(kn_sys_select(1, (kn_fd_set *)8, NULL, NULL, &kt),
	     HOST(select, 1, (fd_set *)8, NULL, NULL, &ht));
	SAME(kn_sys_select(0, NULL, NULL, NULL, (struct kn_timeval *)8),
	     HOST(select, 0, NULL, NULL, NULL, (struct timeval *)8));
	kn_sys_close(k[0]), kn_sys_close(k[1]), kn_sys_close(ke);
	close(h[0]), close(h[1]), close(he);
}

static void select_timeouts(void)
{
	int k[2], h[2];
	EQ(kn_sys_pipe(k), 0);
	EQ(HOST(pipe, h), 0);
	kn_fd_set ki = {{0}};
	fd_set hi;
	/* Nothing ready: 0 after the timeout, and the time left is 0. */
	set_bit(&ki, k[0]);
	FD_ZERO(&hi);
	FD_SET(h[0], &hi);
	struct kn_timeval kt = {0, 20000};
	struct timeval ht = {0, 20000};
	uint64_t t0 = fake_now;
	SAME(kn_sys_select(k[0] + 1, &ki, NULL, NULL, &kt),
	     HOST(select, h[0] + 1, &hi, NULL, NULL, &ht));
	EQ(fake_now - t0, 20 * 1000000ull);
	EQ(kt.tv_sec, ht.tv_sec);
	EQ(kt.tv_usec, ht.tv_usec);
	EQ(ki.bits[0], 0);
	/* Ready at once: the time left is (about) all of it; tv_usec past a
	 * second carries over. */
	SAME(kn_sys_write(k[1], "a", 1), write(h[1], "a", 1));
	set_bit(&ki, k[0]);
	FD_SET(h[0], &hi);
	kt = (struct kn_timeval){1, 1500000};
	ht = (struct timeval){1, 1500000};
	SAME(kn_sys_select(k[0] + 1, &ki, NULL, NULL, &kt),
	     HOST(select, h[0] + 1, &hi, NULL, NULL, &ht));
	EQ(kt.tv_sec, 2);
	EQ(kt.tv_usec, 500000);
	EQ(ht.tv_sec, 2);
	CHECK(ht.tv_usec > 400000 && ht.tv_usec <= 500000);
	/* Invalid timeouts. */
	kt = (struct kn_timeval){-1, 0};
	ht = (struct timeval){-1, 0};
	SAME(kn_sys_select(0, NULL, NULL, NULL, &kt), HOST(select, 0, NULL, NULL, NULL, &ht));
	kt = (struct kn_timeval){0, -1};
	ht = (struct timeval){0, -1};
	SAME(kn_sys_select(0, NULL, NULL, NULL, &kt), HOST(select, 0, NULL, NULL, NULL, &ht));
	/* pselect6: a timespec, and a signal-mask argument pack. */
	struct kn_timespec ks = {0, 1000000000};
	struct timespec hs = {0, 1000000000};
	SAME(kn_sys_pselect6(0, NULL, NULL, NULL, &ks, NULL),
	     HOST(pselect6, 0, NULL, NULL, NULL, &hs, NULL));
	ks = (struct kn_timespec){0, 3000000};
	hs = (struct timespec){0, 3000000};
	t0 = fake_now;
	SAME(kn_sys_pselect6(0, NULL, NULL, NULL, &ks, NULL),
	     HOST(pselect6, 0, NULL, NULL, NULL, &hs, NULL));
	EQ(fake_now - t0, 3000000);
	EQ(ks.tv_nsec, hs.tv_nsec);
	uint64_t mask = 0;
	struct kn_sigset_arg kgood = {&mask, 8}, kbad = {&mask, 4}, kfault = {(void *)8, 8};
	struct {
		void *p;
		size_t n;
	} hgood = {&mask, 8}, hbad = {&mask, 4}, hfault = {(void *)8, 8};
	set_bit(&ki, k[0]);
	FD_SET(h[0], &hi);
	SAME(kn_sys_pselect6(k[0] + 1, &ki, NULL, NULL, NULL, &kgood),
	     HOST(pselect6, h[0] + 1, &hi, NULL, NULL, NULL, &hgood));
	SAME(kn_sys_pselect6(k[0] + 1, &ki, NULL, NULL, NULL, &kbad),
	     HOST(pselect6, h[0] + 1, &hi, NULL, NULL, NULL, &hbad));
	SAME(kn_sys_pselect6(k[0] + 1, &ki, NULL, NULL, NULL, &kfault),
	     HOST(pselect6, h[0] + 1, &hi, NULL, NULL, NULL, &hfault));
	SAME(kn_sys_pselect6(k[0] + 1, &ki, NULL, NULL, NULL, (void *)8),
	     HOST(pselect6, h[0] + 1, &hi, NULL, NULL, NULL, (void *)8));
	/* ppoll: the same timespec and mask rules. */
	struct kn_pollfd kp = {k[0], POLLIN, 0};
	struct pollfd hp = {h[0], POLLIN, 0};
	ks = (struct kn_timespec){0, -1};
	hs = (struct timespec){0, -1};
	SAME(kn_sys_ppoll(&kp, 1, &ks, NULL, 0), HOST(ppoll, &hp, 1, &hs, NULL, 0));
	SAME(kn_sys_ppoll(&kp, 1, NULL, &mask, 8), HOST(ppoll, &hp, 1, NULL, &mask, 8));
	SAME(kn_sys_ppoll(&kp, 1, NULL, &mask, 16), HOST(ppoll, &hp, 1, NULL, &mask, 16));
	SAME(kn_sys_ppoll(&kp, 1, NULL, (void *)8, 8), HOST(ppoll, &hp, 1, NULL, (void *)8, 8));
	SAME(kn_sys_ppoll(&kp, 1, (void *)8, NULL, 8), HOST(ppoll, &hp, 1, (void *)8, NULL, 8));
	char c;
	SAME(kn_sys_read(k[0], &c, 1), read(h[0], &c, 1));
	ks = (struct kn_timespec){0, 7000000};
	hs = (struct timespec){0, 7000000};
	t0 = fake_now;
	SAME(kn_sys_ppoll(&kp, 1, &ks, &mask, 8), HOST(ppoll, &hp, 1, &hs, &mask, 8));
	EQ(fake_now - t0, 7000000);
	EQ(ks.tv_sec, hs.tv_sec);
	EQ(ks.tv_nsec, hs.tv_nsec);
	EQ(kp.revents, hp.revents);
	SAME(kn_sys_close(k[0]), close(h[0]));
	SAME(kn_sys_close(k[1]), close(h[1]));
}

/* Random operations on a pipe and an eventfd, mirrored on the host and
 * compared call by call, readiness included. The pipe stays below 8 KiB
 * so that the host's page-slot accounting never differs from Kiln's byte
 * count. The seed comes from STRESS_SEED (default 1). */
static unsigned long long rng;

static unsigned rnd(unsigned n)
{
	rng = rng * 6364136223846793005ull + 1442695040888963407ull;
	return (unsigned)(rng >> 33) % n;
}

static void stress(void)
{
	const char *seed = getenv("STRESS_SEED");
	rng = seed ? strtoull(seed, NULL, 0) : 1;
	printf("seed %llu\n", rng);
	int k[2], h[2];
	EQ(kn_sys_pipe2(k, KN_O_NONBLOCK), 0);
	EQ(HOST(pipe2, h, O_NONBLOCK), 0);
	unsigned init = rnd(5), sem = rnd(2) ? KN_EFD_SEMAPHORE : 0;
	int ke = (int)kn_sys_eventfd2(init, KN_EFD_NONBLOCK | sem);
	int he = (int)HOST(eventfd2, init, EFD_NONBLOCK | (sem ? EFD_SEMAPHORE : 0));
	static char kb[4096], hb[4096], src[4096];
	long buffered = 0;
	for (int i = 0; i < 5000 && !failures; i++) {
		unsigned n;
		switch (rnd(8)) {
		case 0:
		case 1:
			n = rnd(1025);
			if (buffered + n > 8192)
				break;
			for (unsigned j = 0; j < n; j++)
				src[j] = (char)rnd(256);
			SAME(kn_sys_write(k[1], src, n), write(h[1], src, n));
			buffered += n;
			break;
		case 2:
		case 3: {
			n = rnd(2049);
			memset(kb, 1, n);
			memset(hb, 2, n);
			long r = kn_sys_read(k[0], kb, n);
			SAME(r, read(h[0], hb, n));
			if (r > 0) {
				CHECK(!memcmp(kb, hb, (size_t)r));
				buffered -= r;
			}
			break;
		}
		case 4: {
			short ev = (short)rnd(0x400);
			int end = (int)rnd(2);
			SAME(kpoll1(k[end], ev), hpoll1(h[end], ev));
			SAME(kpoll1(ke, ev), hpoll1(he, ev));
			break;
		}
		case 5: {
			/* small values, and now and then one near the maximum */
			uint64_t v = rnd(8) ? rnd(100) : UINT64_MAX - 1 - rnd(200);
			SAME(kn_sys_write(ke, &v, 8), write(he, &v, 8));
			break;
		}
		case 6: {
			uint64_t kv = 0, hv = 0;
			SAME(kn_sys_read(ke, &kv, 8), read(he, &hv, 8));
			EQ(kv, hv);
			break;
		}
		default: {
			int kn = -1, hn = -2;
			SAME(kn_sys_ioctl(k[0], KN_FIONREAD, (unsigned long)&kn),
			     ioctl(h[0], FIONREAD, &hn));
			EQ(kn, hn);
			kn_fd_set ki = {{0}}, ko = {{0}};
			fd_set hi, ho;
			FD_ZERO(&hi);
			FD_ZERO(&ho);
			set_bit(&ki, k[0]), set_bit(&ko, k[1]), set_bit(&ki, ke), set_bit(&ko, ke);
			FD_SET(h[0], &hi), FD_SET(h[1], &ho), FD_SET(he, &hi), FD_SET(he, &ho);
			struct kn_timeval kt = {0, 0};
			struct timeval ht = {0, 0};
			SAME(kn_sys_select(KN_FD_SETSIZE, &ki, &ko, NULL, &kt),
			     HOST(select, 1 + (h[1] > he ? h[1] : he), &hi, &ho, NULL, &ht));
			EQ(!!(ki.bits[0] & (1UL << k[0])), FD_ISSET(h[0], &hi));
			EQ(!!(ko.bits[0] & (1UL << ke)), FD_ISSET(he, &ho));
		}
		}
	}
	SAME(kn_sys_close(k[0]), close(h[0]));
	SAME(kpoll1(k[1], ALL), hpoll1(h[1], ALL));
	SAME(kn_sys_write(k[1], "x", 1), write(h[1], "x", 1));
	SAME(kn_sys_close(k[1]), close(h[1]));
	SAME(kn_sys_close(ke), close(he));
}

void poll_scenarios(const char *name, int *found)
{
	static const struct {
		const char *name;
		void (*fn)(void);
	} all[] = {
		{"poll_masks", poll_masks},
		{"poll_many", poll_many},
		{"poll_wakes", poll_wakes},
		{"select_sets", select_sets},
		{"select_timeouts", select_timeouts},
		{"stress", stress},
		{"poll_not_woken_by_others", poll_not_woken_by_others},
		{"poll_three_pipes", poll_three_pipes},
		{"poll_timeout_leaves_nothing", poll_timeout_leaves_nothing},
	};
	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++)
		if (!strcmp(all[i].name, name)) {
			all[i].fn();
			*found = 1;
		}
}
