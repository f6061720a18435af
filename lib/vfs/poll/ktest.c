/* In-kernel tests of poll/select: a thread blocked in poll wakes when
 * another writes, and timeouts expire on the platform's timer. Needs
 * vfs-pipe for something that becomes ready (skipped without it). */
#include <kn/errno.h>
#include <kn/ktest.h>
#include <kn/pipe.h>
#include <kn/poll.h>
#include <kn/sched.h>
#include <kn/time.h>

struct later {
	int fd;
	uint64_t delay;
	long result;
};

static void *write_later(void *arg)
{
	struct later *l = arg;
	kn_sleep_ns(l->delay);
	l->result = kn_sys_write(l->fd, "ping", 4);
	return NULL;
}

static void *close_later(void *arg)
{
	struct later *l = arg;
	kn_sleep_ns(l->delay);
	l->result = kn_sys_close(l->fd);
	return NULL;
}

static int make_pipe(int p[2])
{
	return kn_sys_pipe(p) == 0;
}

KN_TEST(poll, wakes_when_another_thread_writes)
{
	int p[2];
	if (!make_pipe(p))
		return;
	struct later w = {p[1], 3 * KN_NSEC_PER_MSEC, 0};
	struct kn_thread *t = kn_thread_create("poll-w", write_later, &w, 0);
	KN_ASSERT(t);
	struct kn_pollfd fds[2] = {{p[0], KN_POLLIN, 0}, {-1, KN_POLLIN, 0}};
	KN_EXPECT(kn_sys_poll(fds, 2, -1) == 1);
	KN_EXPECT(fds[0].revents == KN_POLLIN && fds[1].revents == 0);
	KN_EXPECT(kn_thread_join(t, 0) == 0 && w.result == 4);
	char buf[8];
	KN_EXPECT(kn_sys_read(p[0], buf, sizeof(buf)) == 4);
	/* With a timeout longer than the writer's delay: woken, not expired. */
	w.delay = KN_NSEC_PER_MSEC;
	t = kn_thread_create("poll-w", write_later, &w, 0);
	KN_ASSERT(t);
	KN_EXPECT(kn_sys_poll(fds, 1, 60000) == 1);
	KN_EXPECT(kn_thread_join(t, 0) == 0);
	kn_sys_close(p[0]);
	kn_sys_close(p[1]);
}

KN_TEST(poll, hangup_wakes_a_poller)
{
	int p[2];
	if (!make_pipe(p))
		return;
	struct later c = {p[1], 2 * KN_NSEC_PER_MSEC, -1};
	struct kn_thread *t = kn_thread_create("poll-c", close_later, &c, 0);
	KN_ASSERT(t);
	struct kn_pollfd fd = {p[0], KN_POLLIN, 0};
	KN_EXPECT(kn_sys_poll(&fd, 1, -1) == 1);
	KN_EXPECT(fd.revents == KN_POLLHUP);
	KN_EXPECT(kn_thread_join(t, 0) == 0 && c.result == 0);
	kn_sys_close(p[0]);
}

KN_TEST(poll, timeout_expires_on_the_timer)
{
	int p[2];
	if (!make_pipe(p))
		return;
	struct kn_pollfd fd = {p[0], KN_POLLIN, 0x55};
	uint64_t t0 = kn_time_monotonic_ns();
	KN_EXPECT(kn_sys_poll(&fd, 1, 20) == 0);
	KN_EXPECT(kn_time_monotonic_ns() - t0 >= 20 * KN_NSEC_PER_MSEC);
	KN_EXPECT(fd.revents == 0);
	/* No descriptors at all: a sleep. */
	t0 = kn_time_monotonic_ns();
	KN_EXPECT(kn_sys_poll(0, 0, 10) == 0);
	KN_EXPECT(kn_time_monotonic_ns() - t0 >= 10 * KN_NSEC_PER_MSEC);
	/* ppoll writes back the time left: none after expiring. */
	struct kn_timespec ts = {0, 15 * KN_NSEC_PER_MSEC};
	KN_EXPECT(kn_sys_ppoll(&fd, 1, &ts, 0, 0) == 0);
	KN_EXPECT(ts.tv_sec == 0 && ts.tv_nsec == 0);
	kn_sys_close(p[0]);
	kn_sys_close(p[1]);
}

KN_TEST(poll, select_wakes_and_times_out)
{
	int p[2];
	if (!make_pipe(p))
		return;
	kn_fd_set in = {{0}};
	in.bits[0] = 1UL << p[0];
	struct kn_timeval tv = {0, 10000};
	uint64_t t0 = kn_time_monotonic_ns();
	KN_EXPECT(kn_sys_select(p[0] + 1, &in, 0, 0, &tv) == 0);
	KN_EXPECT(kn_time_monotonic_ns() - t0 >= 10 * KN_NSEC_PER_MSEC);
	KN_EXPECT(tv.tv_sec == 0 && tv.tv_usec == 0 && in.bits[0] == 0);
	struct later w = {p[1], 2 * KN_NSEC_PER_MSEC, 0};
	struct kn_thread *t = kn_thread_create("select-w", write_later, &w, 0);
	KN_ASSERT(t);
	in.bits[0] = 1UL << p[0];
	kn_fd_set out = {{0}};
	out.bits[0] = 1UL << p[1];
	/* The write end is writable at once: select does not wait. */
	KN_EXPECT(kn_sys_select(p[1] + 1, &in, &out, 0, 0) == 1);
	KN_EXPECT(in.bits[0] == 0 && out.bits[0] == 1UL << p[1]);
	in.bits[0] = 1UL << p[0];
	struct kn_timespec ts = {60, 0};
	KN_EXPECT(kn_sys_pselect6(p[0] + 1, &in, 0, 0, &ts, 0) == 1);
	KN_EXPECT(in.bits[0] == 1UL << p[0]);
	/* The time left was written back: less than given, since the writer
	 * slept first. */
	KN_EXPECT(ts.tv_sec >= 0 && ts.tv_sec < 60 && ts.tv_nsec >= 0);
	KN_EXPECT(kn_thread_join(t, 0) == 0);
	in.bits[0] = 0;
	in.bits[700 / 64] = 1UL << (700 % 64);
	KN_EXPECT(kn_sys_select(701, &in, 0, 0, 0) == -KN_EBADF);
	KN_EXPECT(kn_sys_select(-1, 0, 0, 0, 0) == -KN_EINVAL);
	kn_sys_close(p[0]);
	kn_sys_close(p[1]);
}

static void *post_later(void *arg)
{
	struct later *l = arg;
	uint64_t one = 1;
	kn_sleep_ns(l->delay);
	l->result = kn_sys_write(l->fd, &one, 8);
	return NULL;
}

KN_TEST(poll, eventfd_readiness_between_threads)
{
	int fd = (int)kn_sys_eventfd(0);
	if (fd < 0)
		return;
	struct kn_pollfd p = {fd, KN_POLLIN | KN_POLLOUT, 0};
	KN_EXPECT(kn_sys_poll(&p, 1, 0) == 1 && p.revents == KN_POLLOUT);
	struct later w = {fd, 2 * KN_NSEC_PER_MSEC, 0};
	struct kn_thread *t = kn_thread_create("efd-post", post_later, &w, 0);
	KN_ASSERT(t);
	p.events = KN_POLLIN;
	KN_EXPECT(kn_sys_poll(&p, 1, -1) == 1 && p.revents == KN_POLLIN);
	KN_EXPECT(kn_thread_join(t, 0) == 0 && w.result == 8);
	kn_sys_close(fd);
}

/* Many threads polling one pipe: one write wakes every one of them, and
 * each leaves the pipe's queue on its way out. A poller of another pipe
 * sleeps through it. */
#define N_POLLERS 12
struct poller {
	int fd;
	long result;
	short revents;
};

static void *poll_forever(void *arg)
{
	struct poller *p = arg;
	struct kn_pollfd fd = {p->fd, KN_POLLIN, 0};
	p->result = kn_sys_poll(&fd, 1, -1);
	p->revents = fd.revents;
	return NULL;
}

KN_TEST(poll, many_pollers_on_one_pipe)
{
	int p[2], q[2];
	if (!make_pipe(p) || !make_pipe(q))
		return;
	struct poller pl[N_POLLERS + 1];
	struct kn_thread *t[N_POLLERS + 1];
	for (int i = 0; i <= N_POLLERS; i++) {
		pl[i] = (struct poller){i < N_POLLERS ? p[0] : q[0], -1, 0};
		t[i] = kn_thread_create("poller", poll_forever, &pl[i], 16384);
		KN_ASSERT(t[i]);
	}
	kn_sleep_ns(KN_NSEC_PER_MSEC); /* all of them wait now */
	for (int i = 0; i <= N_POLLERS; i++)
		KN_EXPECT(pl[i].result == -1);
	KN_EXPECT(kn_sys_write(p[1], "x", 1) == 1);
	for (int i = 0; i < N_POLLERS; i++) {
		KN_EXPECT(kn_thread_join(t[i], 0) == 0);
		KN_EXPECT(pl[i].result == 1 && pl[i].revents == KN_POLLIN);
	}
	kn_sleep_ns(KN_NSEC_PER_MSEC);
	KN_EXPECT(pl[N_POLLERS].result == -1); /* the other pipe's poller sleeps on */
	KN_EXPECT(kn_sys_write(q[1], "y", 1) == 1);
	KN_EXPECT(kn_thread_join(t[N_POLLERS], 0) == 0);
	KN_EXPECT(pl[N_POLLERS].result == 1);
	kn_sys_close(p[0]);
	kn_sys_close(p[1]);
	kn_sys_close(q[0]);
	kn_sys_close(q[1]);
}
