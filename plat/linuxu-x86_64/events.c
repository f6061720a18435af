/* The host descriptors linuxu waits on (kn/linuxu_watch.h): looked at
 * on each scheduler switch and while idling, so a device's input wakes
 * its threads without any thread polling for it. */
#include <kn/errno.h>
#include <kn/linuxu_watch.h>
#include <kn/plat.h>
#include <kn/time.h>
#include "linuxu.h"

/* stdin and a few devices; more watches than this are not looked at. */
#define MAX_WATCHED 8

struct host_pollfd {
	int fd;
	short events, revents;
};

static struct kn_linuxu_watch *watches;

void kn_linuxu_watch_add(struct kn_linuxu_watch *w)
{
	w->next = watches;
	watches = w;
}

short kn_linuxu_fd_events(int fd, short events)
{
	struct host_pollfd p = {fd, events, 0};
	struct kn_linuxu_timespec now = {0, 0};
	if (kn_linuxu_syscall6(KN_SYS_ppoll, (long)&p, 1, (long)&now, 0, 8, 0) <= 0)
		return 0;
	return p.revents;
}

/* Fills p and who with the watches that want events; their number. */
static unsigned gather(struct host_pollfd *p, struct kn_linuxu_watch **who)
{
	unsigned n = 0;
	for (struct kn_linuxu_watch *w = watches; w && n < MAX_WATCHED; w = w->next) {
		short events = w->wanted(w);
		if (events) {
			p[n] = (struct host_pollfd){w->fd, events, 0};
			who[n++] = w;
		}
	}
	return n;
}

int kn_linuxu_watching(void)
{
	struct host_pollfd p[MAX_WATCHED];
	struct kn_linuxu_watch *who[MAX_WATCHED];
	return gather(p, who) != 0;
}

void kn_linuxu_wait_events(const struct kn_linuxu_timespec *timeout)
{
	struct host_pollfd p[MAX_WATCHED];
	struct kn_linuxu_watch *who[MAX_WATCHED];
	unsigned n = gather(p, who);
	if (!n && timeout && !timeout->tv_sec && !timeout->tv_nsec)
		return; /* just a look, at nothing */
	/* A signal ends it early (-EINTR), which idling allows. */
	if (kn_linuxu_syscall6(KN_SYS_ppoll, (long)p, n, (long)timeout, 0, 8, 0) <= 0)
		return;
	for (unsigned i = 0; i < n; i++)
		if (p[i].revents)
			who[i]->ready(who[i], p[i].revents);
}

/* Device input that came meanwhile: run at each scheduler switch, so
 * busy threads do not hold it up. */
void kn_plat_irq_poll(void)
{
	static const struct kn_linuxu_timespec now = {0, 0};
	kn_linuxu_wait_events(&now);
}
