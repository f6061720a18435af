/* Readiness of a pair through poll and epoll, against the host's: every
 * state's mask, edge-triggered wake-ups in both directions, and nginx's
 * start-up probe of EPOLLRDHUP. */
#include "harness.h"
#include <poll.h>
#include <sys/epoll.h>

#define ALL_EVENTS                                                                                 \
	(POLLIN | POLLPRI | POLLOUT | POLLRDNORM | POLLRDBAND | POLLWRNORM | POLLWRBAND | POLLRDHUP)

void pairs_same_poll(struct pairs *p, int at)
{
	struct kn_pollfd kp = {p->k[at], ALL_EVENTS, 0};
	struct pollfd hp = {p->h[at], ALL_EVENTS, 0};
	SAME(kn_sys_poll(&kp, 1, 0), poll(&hp, 1, 0));
	if (kp.revents != hp.revents)
		printf("FAIL %s:%d: poll of end %d: kiln %#x, host %#x\n", __FILE__, __LINE__, at,
		       kp.revents, hp.revents);
	failures += kp.revents != hp.revents;
}

struct sets {
	struct pairs p;
	int kep, hep;
};

static void sets_open(struct sets *s)
{
	pairs_open(&s->p, SOCK_NONBLOCK);
	s->kep = (int)kn_sys_epoll_create1(0);
	s->hep = (int)HOST(epoll_create1, 0);
	EQ(s->kep >= 0 && s->hep >= 0, 1);
}

static void sets_close(struct sets *s)
{
	pairs_close(&s->p);
	SAME(kn_sys_close(s->kep), close(s->hep));
}

static void ctl(struct sets *s, int op, int end, uint32_t events)
{
	struct kn_epoll_event kev = {events, (uint64_t)end};
	struct epoll_event hev = {.events = events, .data.u64 = (uint64_t)end};
	SAME(kn_sys_epoll_ctl(s->kep, op, s->p.k[end], &kev),
	     HOST(epoll_ctl, s->hep, op, s->p.h[end], &hev));
}

/* epoll_wait without waiting on both: the same events for the same ends. */
static void same_wait_at(struct sets *s, int line)
{
	struct kn_epoll_event kev[4] = {{0}};
	struct epoll_event hev[4] = {{0}};
	long kn = kn_sys_epoll_wait(s->kep, kev, 4, 0);
	long hn = HOST(epoll_wait, s->hep, hev, 4, 0);
	if (kn != hn)
		printf("FAIL %s:%d: epoll_wait: kiln %ld, host %ld\n", __FILE__, line, kn, hn);
	failures += kn != hn;
	for (long i = 0; i < kn && i < hn; i++) {
		if (kev[i].events != hev[i].events || kev[i].data != hev[i].data.u64)
			printf("FAIL %s:%d: event %ld: kiln %#x end %lu, host %#x end %lu\n",
			       __FILE__, line, i, kev[i].events, (unsigned long)kev[i].data,
			       hev[i].events, (unsigned long)hev[i].data.u64);
		failures += kev[i].events != hev[i].events || kev[i].data != hev[i].data.u64;
	}
}

#define same_wait(s) same_wait_at(s, __LINE__)

static void pair_poll_masks(void)
{
	struct pairs p;
	pairs_open(&p, SOCK_NONBLOCK);
	pairs_same_poll(&p, 0); /* writable only */
	pairs_put(&p, 1, "data");
	pairs_same_poll(&p, 0); /* and readable */
	pairs_same_poll(&p, 1);
	pairs_take(&p, 0, 4);
	pairs_same_poll(&p, 0);
	SAME(kn_sys_shutdown(p.k[1], SHUT_WR), shutdown(p.h[1], SHUT_WR));
	pairs_same_poll(&p, 0); /* read hang-up */
	pairs_same_poll(&p, 1);
	SAME(kn_sys_shutdown(p.k[0], SHUT_WR), shutdown(p.h[0], SHUT_WR));
	pairs_same_poll(&p, 0); /* both ways: hang-up */
	pairs_same_poll(&p, 1);
	pairs_close(&p);
	pairs_open(&p, SOCK_NONBLOCK);
	SAME(kn_sys_close(p.k[1]), close(p.h[1]));
	p.k[1] = p.h[1] = -1;
	pairs_same_poll(&p, 0);
	pairs_close(&p);
}

/* nginx's ngx_epoll_test_rdhup, call for call. */
static void pair_nginx_rdhup_probe(void)
{
	struct sets s;
	sets_open(&s);
	ctl(&s, EPOLL_CTL_ADD, 0, EPOLLIN | EPOLLRDHUP | EPOLLET);
	SAME(kn_sys_close(s.p.k[1]), close(s.p.h[1]));
	s.p.k[1] = s.p.h[1] = -1;
	struct kn_epoll_event kev = {0};
	EQ(kn_sys_epoll_wait(s.kep, &kev, 1, 5000), 1); /* at once, no waiting */
	CHECK(kev.events & EPOLLRDHUP);
	sets_close(&s);
	/* The same against the host, events compared bit for bit. */
	sets_open(&s);
	ctl(&s, EPOLL_CTL_ADD, 0, EPOLLIN | EPOLLRDHUP | EPOLLET);
	same_wait(&s);
	SAME(kn_sys_close(s.p.k[1]), close(s.p.h[1]));
	s.p.k[1] = s.p.h[1] = -1;
	same_wait(&s);
	same_wait(&s); /* edge-triggered: once */
	sets_close(&s);
}

/* Edge-triggered in both directions: a new edge for each arrival of
 * data and for each read that leaves the writer writable, none for what
 * an item does not watch. */
static void pair_epoll_edges(void)
{
	struct sets s;
	sets_open(&s);
	ctl(&s, EPOLL_CTL_ADD, 0, EPOLLIN | EPOLLRDHUP | EPOLLET);
	ctl(&s, EPOLL_CTL_ADD, 1, EPOLLOUT | EPOLLET);
	same_wait(&s); /* the writer's first edge */
	same_wait(&s);
	pairs_put(&s.p, 1, "abc");
	same_wait(&s); /* the reader's edge only */
	same_wait(&s);
	pairs_put(&s.p, 1, "d");
	same_wait(&s); /* new data, new edge */
	pairs_take(&s.p, 0, 2);
	same_wait(&s); /* room for the writer: its edge */
	pairs_take(&s.p, 0, 8);
	same_wait(&s);
	SAME(kn_sys_shutdown(s.p.k[1], SHUT_WR), shutdown(s.p.h[1], SHUT_WR));
	same_wait(&s); /* the reader's RDHUP */
	same_wait(&s);
	sets_close(&s);

	/* The writer fills the buffer; a small read does not make it
	 * writable (a quarter of SO_SNDBUF in flight), draining does. */
	sets_open(&s);
	ctl(&s, EPOLL_CTL_ADD, 1, EPOLLOUT | EPOLLET);
	same_wait(&s);
	static char big[1 << 20], sink[1 << 20];
	while (kn_sys_write(s.p.k[1], big, sizeof(big)) > 0)
		;
	while (write(s.p.h[1], big, sizeof(big)) > 0)
		;
	same_wait(&s);
	SAME(kn_sys_read(s.p.k[0], sink, 100), read(s.p.h[0], sink, 100));
	same_wait(&s);
	CHECK(kn_sys_read(s.p.k[0], sink, sizeof(sink)) > 0);
	CHECK(read(s.p.h[0], sink, sizeof(sink)) > 0);
	same_wait(&s);
	sets_close(&s);
}

/* A blocked epoll_wait ends when the peer writes or goes away. */
static struct sets *woken_sets;

static void peer_writes(void *arg)
{
	EQ(kn_sys_write(woken_sets->p.k[1], "!", 1), 1);
}

static void peer_closes(void *arg)
{
	EQ(kn_sys_close(woken_sets->p.k[1]), 0);
	woken_sets->p.k[1] = -1;
}

static void pair_epoll_wakes(void)
{
	struct sets s;
	sets_open(&s);
	woken_sets = &s;
	ctl(&s, EPOLL_CTL_ADD, 0, EPOLLIN | EPOLLRDHUP | EPOLLET);
	struct kn_epoll_event kev = {0};
	then_run(peer_writes, NULL);
	EQ(kn_sys_epoll_wait(s.kep, &kev, 1, -1), 1);
	EQ(kev.events, EPOLLIN);
	then_run(peer_closes, NULL);
	EQ(kn_sys_epoll_wait(s.kep, &kev, 1, -1), 1);
	EQ(kev.events, EPOLLIN | EPOLLRDHUP | EPOLLHUP);
	/* poll too. */
	struct kn_pollfd kp = {s.p.k[0], POLLIN, 0};
	EQ(kn_sys_poll(&kp, 1, -1), 1);
	EQ(kp.revents, POLLIN | POLLHUP);
	EQ(kn_sys_close(s.p.k[0]), 0);
	EQ(kn_sys_close(s.kep), 0);
	close(s.p.h[0]);
	close(s.p.h[1]);
	close(s.hep);
}

void pair_poll_scenarios(const char *name, int *found)
{
	static const struct {
		const char *name;
		void (*run)(void);
	} all[] = {
		{"pair_poll_masks", pair_poll_masks},
		{"pair_nginx_rdhup_probe", pair_nginx_rdhup_probe},
		{"pair_epoll_edges", pair_epoll_edges},
		{"pair_epoll_wakes", pair_epoll_wakes},
	};
	for (unsigned i = 0; i < sizeof(all) / sizeof(all[0]); i++)
		if (!strcmp(name, all[i].name)) {
			all[i].run();
			*found = 1;
		}
}
