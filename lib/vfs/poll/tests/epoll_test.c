/* Host tests of epoll, compared with the host kernel over pipes:
 * level-triggered, edge-triggered and one-shot items, hang-ups, nesting,
 * items leaving their set when their file is released, every error, and
 * a blocked epoll_wait woken by "another thread". */
#include "../../pipe/tests/harness.h"
#include <fcntl.h>
#include <sys/epoll.h>

struct pair {
	int k[2], h[2]; /* Kiln's pipe, the host's */
	int kep, hep;   /* epoll instances */
};

static void pair_open(struct pair *p)
{
	EQ(kn_sys_pipe2(p->k, KN_O_NONBLOCK), 0);
	EQ(HOST(pipe2, p->h, O_NONBLOCK), 0);
	p->kep = (int)kn_sys_epoll_create1(0);
	p->hep = (int)HOST(epoll_create1, 0);
	EQ(p->kep >= 0 && p->hep >= 0, 1);
}

static void pair_close(struct pair *p)
{
	SAME(kn_sys_close(p->k[0]), close(p->h[0]));
	SAME(kn_sys_close(p->k[1]), close(p->h[1]));
	SAME(kn_sys_close(p->kep), close(p->hep));
}

/* epoll_ctl on both, the same events and data. */
static void ctl(struct pair *p, int op, int end, uint32_t events, uint64_t data)
{
	struct kn_epoll_event kev = {events, data};
	struct epoll_event hev = {.events = events, .data.u64 = data};
	SAME(kn_sys_epoll_ctl(p->kep, op, p->k[end], &kev),
	     HOST(epoll_ctl, p->hep, op, p->h[end], &hev));
}

/* epoll_wait with no timeout on both: the same count, events and data. */
static void same_wait(struct pair *p, int max)
{
	struct kn_epoll_event kev[8] = {{0}};
	struct epoll_event hev[8] = {{0}};
	long kn = kn_sys_epoll_wait(p->kep, kev, max, 0);
	long hn = HOST(epoll_wait, p->hep, hev, max, 0);
	SAME(kn, hn);
	for (long i = 0; i < kn && i < hn; i++) {
		EQ(kev[i].events, hev[i].events);
		EQ(kev[i].data, hev[i].data.u64);
	}
}

static void put(struct pair *p, const char *s)
{
	SAME(kn_sys_write(p->k[1], s, strlen(s)), write(p->h[1], s, strlen(s)));
}

static void take(struct pair *p, size_t n)
{
	char buf[64];
	SAME(kn_sys_read(p->k[0], buf, n), read(p->h[0], buf, n));
}

static void epoll_level(void)
{
	EQ(sizeof(struct kn_epoll_event), sizeof(struct epoll_event));
	struct pair p;
	pair_open(&p);
	ctl(&p, EPOLL_CTL_ADD, 0, EPOLLIN, 0x1122334455667788ULL);
	ctl(&p, EPOLL_CTL_ADD, 1, EPOLLOUT, 7);
	same_wait(&p, 8); /* writable end only */
	put(&p, "abc");
	same_wait(&p, 8); /* both */
	same_wait(&p, 8); /* level-triggered: again */
	same_wait(&p, 1); /* one at a time */
	same_wait(&p, 1);
	take(&p, 2);
	same_wait(&p, 8); /* still readable */
	take(&p, 1);
	same_wait(&p, 8); /* drained */
	ctl(&p, EPOLL_CTL_MOD, 0, EPOLLIN | EPOLLOUT, 9);
	put(&p, "x");
	same_wait(&p, 8);
	pair_close(&p);
}

static void epoll_edge(void)
{
	struct pair p;
	pair_open(&p);
	ctl(&p, EPOLL_CTL_ADD, 0, EPOLLIN | EPOLLET, 1);
	same_wait(&p, 8);
	put(&p, "abc");
	same_wait(&p, 8); /* the edge */
	same_wait(&p, 8); /* no new edge: nothing */
	put(&p, "d");
	same_wait(&p, 8); /* new data is a new edge, though it was readable */
	take(&p, 1);
	same_wait(&p, 8); /* reading is no edge */
	take(&p, 8);
	put(&p, "e");
	same_wait(&p, 8);
	pair_close(&p);
}

static void epoll_oneshot(void)
{
	struct pair p;
	pair_open(&p);
	ctl(&p, EPOLL_CTL_ADD, 0, EPOLLIN | EPOLLONESHOT, 3);
	put(&p, "a");
	same_wait(&p, 8); /* fires once */
	same_wait(&p, 8); /* then disabled */
	put(&p, "b");
	same_wait(&p, 8); /* still disabled */
	ctl(&p, EPOLL_CTL_MOD, 0, EPOLLIN | EPOLLONESHOT, 4);
	same_wait(&p, 8); /* re-armed, and readable */
	same_wait(&p, 8);
	pair_close(&p);
}

static void epoll_hangup(void)
{
	struct pair p;
	pair_open(&p);
	ctl(&p, EPOLL_CTL_ADD, 0, EPOLLRDHUP, 5); /* HUP comes unasked */
	same_wait(&p, 8);
	SAME(kn_sys_close(p.k[1]), close(p.h[1]));
	same_wait(&p, 8);
	SAME(kn_sys_close(p.k[0]), close(p.h[0]));
	SAME(kn_sys_close(p.kep), close(p.hep));
}

static void epoll_errors(void)
{
	struct pair p;
	pair_open(&p);
	struct kn_epoll_event kev = {EPOLLIN, 0};
	struct epoll_event hev = {.events = EPOLLIN};
	SAME(kn_sys_epoll_ctl(p.kep, EPOLL_CTL_ADD, p.k[0], &kev),
	     HOST(epoll_ctl, p.hep, EPOLL_CTL_ADD, p.h[0], &hev));
	SAME(kn_sys_epoll_ctl(p.kep, EPOLL_CTL_ADD, p.k[0], &kev),
	     HOST(epoll_ctl, p.hep, EPOLL_CTL_ADD, p.h[0], &hev)); /* EEXIST */
	SAME(kn_sys_epoll_ctl(p.kep, EPOLL_CTL_MOD, p.k[1], &kev),
	     HOST(epoll_ctl, p.hep, EPOLL_CTL_MOD, p.h[1], &hev)); /* ENOENT */
	SAME(kn_sys_epoll_ctl(p.kep, EPOLL_CTL_DEL, p.k[1], NULL),
	     HOST(epoll_ctl, p.hep, EPOLL_CTL_DEL, p.h[1], NULL));
	SAME(kn_sys_epoll_ctl(p.kep, 99, p.k[0], &kev), HOST(epoll_ctl, p.hep, 99, p.h[0], &hev));
	SAME(kn_sys_epoll_ctl(p.kep, EPOLL_CTL_ADD, 999, &kev),
	     HOST(epoll_ctl, p.hep, EPOLL_CTL_ADD, 999, &hev)); /* EBADF */
	SAME(kn_sys_epoll_ctl(p.k[0], EPOLL_CTL_ADD, p.k[1], &kev),
	     HOST(epoll_ctl, p.h[0], EPOLL_CTL_ADD, p.h[1], &hev)); /* not an epoll */
	SAME(kn_sys_epoll_ctl(p.kep, EPOLL_CTL_ADD, p.kep, &kev),
	     HOST(epoll_ctl, p.hep, EPOLL_CTL_ADD, p.hep, &hev)); /* itself */
	kev.events = hev.events = EPOLLIN | EPOLLEXCLUSIVE;
	SAME(kn_sys_epoll_ctl(p.kep, EPOLL_CTL_MOD, p.k[0], &kev),
	     HOST(epoll_ctl, p.hep, EPOLL_CTL_MOD, p.h[0], &hev));
	struct kn_epoll_event kout[1];
	struct epoll_event hout[1];
	SAME(kn_sys_epoll_wait(p.kep, kout, 0, 0), HOST(epoll_wait, p.hep, hout, 0, 0));
	SAME(kn_sys_epoll_wait(p.k[0], kout, 1, 0), HOST(epoll_wait, p.h[0], hout, 1, 0));
	SAME(kn_sys_epoll_wait(p.kep, NULL, 1, 0), HOST(epoll_wait, p.hep, NULL, 1, 0));
	SAME(kn_sys_epoll_create(0), HOST(epoll_create, 0));
	SAME(kn_sys_epoll_create1(1), HOST(epoll_create1, 1));
	/* Regular files cannot be watched. */
	char tmpl[] = "/tmp/kn_epoll_XXXXXX";
	int hf = mkstemp(tmpl);
	int kf = (int)kn_sys_open("/epollfile", KN_O_CREAT | KN_O_RDWR, 0644);
	kev.events = hev.events = EPOLLIN;
	SAME(kn_sys_epoll_ctl(p.kep, EPOLL_CTL_ADD, kf, &kev),
	     HOST(epoll_ctl, p.hep, EPOLL_CTL_ADD, hf, &hev));
	SAME(kn_sys_close(kf), close(hf));
	unlink(tmpl);
	kn_sys_unlink("/epollfile");
	/* Two instances watching each other: the second link is a loop. */
	int k2 = (int)kn_sys_epoll_create1(0), h2 = (int)HOST(epoll_create1, 0);
	SAME(kn_sys_epoll_ctl(p.kep, EPOLL_CTL_ADD, k2, &kev),
	     HOST(epoll_ctl, p.hep, EPOLL_CTL_ADD, h2, &hev));
	SAME(kn_sys_epoll_ctl(k2, EPOLL_CTL_ADD, p.kep, &kev),
	     HOST(epoll_ctl, h2, EPOLL_CTL_ADD, p.hep, &hev));
	SAME(kn_sys_close(k2), close(h2));
	pair_close(&p);
}

static void epoll_nested(void)
{
	struct pair p;
	pair_open(&p);
	ctl(&p, EPOLL_CTL_ADD, 0, EPOLLIN, 1);
	int k2 = (int)kn_sys_epoll_create1(0), h2 = (int)HOST(epoll_create1, 0);
	struct kn_epoll_event kev = {EPOLLIN, 42};
	struct epoll_event hev = {.events = EPOLLIN, .data.u64 = 42};
	SAME(kn_sys_epoll_ctl(k2, EPOLL_CTL_ADD, p.kep, &kev),
	     HOST(epoll_ctl, h2, EPOLL_CTL_ADD, p.hep, &hev));
	struct kn_epoll_event ko[2];
	struct epoll_event ho[2];
	SAME(kn_sys_epoll_wait(k2, ko, 2, 0), HOST(epoll_wait, h2, ho, 2, 0));
	put(&p, "z");
	SAME(kn_sys_epoll_wait(k2, ko, 2, 0), HOST(epoll_wait, h2, ho, 2, 0));
	EQ(ko[0].events, ho[0].events);
	EQ(ko[0].data, 42);
	SAME(kn_sys_close(k2), close(h2));
	pair_close(&p);
}

/* An item belongs to the file, not the descriptor: closing one of two
 * descriptors keeps it, closing the last removes it (and frees it, which
 * main's allocation count checks). */
static void epoll_close_removes(void)
{
	struct pair p;
	pair_open(&p);
	ctl(&p, EPOLL_CTL_ADD, 0, EPOLLIN, 8);
	int kd = (int)kn_sys_dup(p.k[0]), hd = dup(p.h[0]);
	SAME(kn_sys_close(p.k[0]), close(p.h[0]));
	put(&p, "a");
	same_wait(&p, 8); /* still watched: the file is open through the dup */
	SAME(kn_sys_close(kd), close(hd));
	same_wait(&p, 8); /* gone with the file */
	SAME(kn_sys_close(p.k[1]), close(p.h[1]));
	SAME(kn_sys_close(p.kep), close(p.hep));
}

struct poster {
	int fd;
	long result;
};

static void post(void *arg)
{
	struct poster *w = arg;
	w->result = kn_sys_write(w->fd, "x", 1);
}

static void epoll_wakes(void)
{
	int k[2];
	EQ(kn_sys_pipe(k), 0);
	int ep = (int)kn_sys_epoll_create1(KN_EPOLL_CLOEXEC);
	struct kn_epoll_event ev = {EPOLLIN, 5}, out[4];
	EQ(kn_sys_epoll_ctl(ep, EPOLL_CTL_ADD, k[0], &ev), 0);
	struct poster w = {k[1], 0};
	then_run(post, &w);
	blocks = 0;
	EQ(kn_sys_epoll_wait(ep, out, 4, -1), 1); /* woken by the write */
	EQ(blocks, 1);
	EQ(out[0].events, EPOLLIN);
	EQ(w.result, 1);
	/* With a timeout and nothing coming: the clock reaches it. */
	char c;
	EQ(kn_sys_read(k[0], &c, 1), 1);
	uint64_t t0 = fake_now;
	EQ(kn_sys_epoll_wait(ep, out, 4, 250), 0);
	EQ(fake_now - t0 >= 250000000ULL, 1);
	EQ(kn_sys_close(k[0]), 0);
	EQ(kn_sys_close(k[1]), 0);
	EQ(kn_sys_close(ep), 0);
	EQ(entries_live, 0); /* no wait entry left behind */
}

void epoll_scenarios(const char *name, int *found)
{
	static const struct {
		const char *name;
		void (*fn)(void);
	} all[] = {
		{"epoll_level", epoll_level},
		{"epoll_edge", epoll_edge},
		{"epoll_oneshot", epoll_oneshot},
		{"epoll_hangup", epoll_hangup},
		{"epoll_errors", epoll_errors},
		{"epoll_nested", epoll_nested},
		{"epoll_close_removes", epoll_close_removes},
		{"epoll_wakes", epoll_wakes},
	};
	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++)
		if (!strcmp(all[i].name, name)) {
			all[i].fn();
			*found = 1;
		}
}
