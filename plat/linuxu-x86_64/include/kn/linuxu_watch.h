/* Host file descriptors as linuxu's interrupts. A linuxu device (stdin,
 * a tap device) is a host descriptor; its driver registers a watch, and
 * the platform looks at every watch that wants events when the scheduler
 * switches threads (kn_plat_irq_poll, a zero-timeout poll) and while it
 * idles (one ppoll until the next deadline), then calls the watch's
 * ready in thread context, as kvm runs an interrupt handler. A watch
 * that wants nothing costs nothing: with none wanted, idling is a plain
 * sleep and a switch makes no system call. */
#ifndef KN_LINUXU_WATCH_H
#define KN_LINUXU_WATCH_H

#include <stdbool.h>
#include <kn/compiler.h>

/* poll(2)'s event bits, as the host uses them. */
#define KN_LINUXU_POLLIN 0x001
#define KN_LINUXU_POLLOUT 0x004
#define KN_LINUXU_POLLERR 0x008
#define KN_LINUXU_POLLHUP 0x010
#define KN_LINUXU_POLLNVAL 0x020

struct kn_linuxu_watch {
	int fd;
	/* The poll events to wait for now (0: none; the device's interrupts
	 * are off). Asked before each look, so it may change at any time. */
	short (*wanted)(struct kn_linuxu_watch *w);
	/* Some of them came (or POLLERR/POLLHUP/POLLNVAL): thread context,
	 * free to wake threads. */
	void (*ready)(struct kn_linuxu_watch *w, short revents);
	struct kn_linuxu_watch *next; /* the platform's */
};

KN_API_BEGIN
/* Adds a watch for good (devices stay for the process's life). */
void kn_linuxu_watch_add(struct kn_linuxu_watch *w);
/* The events of `events` fd has now (a zero-timeout poll; 0: none). */
short kn_linuxu_fd_events(int fd, short events);
KN_API_END

#endif
