/* vfs-poll: epoll. An instance is an anonymous file holding items, one
 * per (descriptor, file) watched. Each item stays registered on its
 * file's wait queues with a notify entry, so a change to the file puts
 * the item on the instance's ready list even while nobody waits, and
 * epoll_wait only looks at ready items: its cost follows activity, not
 * the number of descriptors. epoll_wait asks each ready item's file for
 * its readiness again: level-triggered items stay on the list while they
 * are ready, edge-triggered ones leave it until their file's next change,
 * one-shot ones are disabled until EPOLL_CTL_MOD. Items hold no reference
 * to their file: when the file is released (its last descriptor closed)
 * vfs-core calls kn_vfs_epoll_release and its items leave their sets, as
 * on Linux. */
#include <kn/alloc.h>
#include <kn/errno.h>
#include <kn/poll_table.h>
#include <kn/syscall.h>
#include <kn/time.h>
#include <kn/uapi/epoll.h>
#include <kn/uapi/fcntl.h>
#include <kn/uapi/poll.h>
#include <kn/uapi/stat.h>
#include "poll_internal.h"
#include <kn/poll.h>

#define MAX_EVENTS (0x7fffffff / sizeof(struct kn_epoll_event))
#define QUEUES_PER_ITEM 2 /* wait queues one file may register */
#define MAX_NESTING 4     /* Linux's EP_MAX_NESTS */
/* Bits epoll_ctl accepts; the others are refused as Linux refuses them. */
#define ALLOWED                                                                                    \
	(KN_POLLIN | KN_POLLPRI | KN_POLLOUT | KN_POLLERR | KN_POLLHUP | KN_POLLRDNORM |           \
	 KN_POLLRDBAND | KN_POLLWRNORM | KN_POLLWRBAND | 0x400 | KN_EPOLLRDHUP |                   \
	 KN_EPOLLEXCLUSIVE | KN_EPOLLWAKEUP | KN_EPOLLONESHOT | KN_EPOLLET)

struct epoll;

struct ep_wait {
	struct kn_wait_entry wait;
	struct ep_item *item;
};

struct ep_item {
	struct epoll *ep;
	struct ep_item *next;       /* the instance's items */
	struct ep_item *next_ready; /* its ready list, while on_ready */
	struct ep_item *next_file;  /* items watching the same file */
	int on_ready, disabled;
	int fd;
	struct kn_file *file;
	uint32_t events;
	uint64_t data;
	struct ep_wait waits[QUEUES_PER_ITEM];
	int nwaits;
};

struct epoll {
	struct kn_vnode vn;
	struct ep_item *items;
	struct ep_item *ready, *ready_tail;
	struct kn_waitq waiters; /* epoll_wait's threads, and pollers of the epoll fd */
	uint64_t ino;
};

static const struct kn_vnode_ops epoll_ops;
static uint64_t next_ino = 1;

static void ready_add(struct ep_item *it)
{
	struct epoll *ep = it->ep;
	if (it->on_ready || it->disabled)
		return;
	it->on_ready = 1;
	it->next_ready = NULL;
	if (ep->ready_tail)
		ep->ready_tail->next_ready = it;
	else
		ep->ready = it;
	ep->ready_tail = it;
	kn_waitq_wake(&ep->waiters, 0x7fffffff);
}

static struct ep_item *ready_pop(struct epoll *ep)
{
	struct ep_item *it = ep->ready;
	if (it) {
		ep->ready = it->next_ready;
		if (!ep->ready)
			ep->ready_tail = NULL;
		it->on_ready = 0;
	}
	return it;
}

static void ready_remove(struct ep_item *it)
{
	struct epoll *ep = it->ep;
	for (struct ep_item **p = &ep->ready; *p; p = &(*p)->next_ready)
		if (*p == it) {
			*p = it->next_ready;
			if (ep->ready_tail == it) {
				ep->ready_tail = NULL;
				for (struct ep_item *q = ep->ready; q; q = q->next_ready)
					ep->ready_tail = q;
			}
			it->on_ready = 0;
			return;
		}
}

static unsigned wanted(const struct ep_item *it);

/* A queue the item's file registered on was woken: it may be ready,
 * unless the change concerns nothing the item watches. */
static void item_notify(struct kn_wait_entry *e, unsigned key)
{
	struct ep_item *it = ((struct ep_wait *)e)->item;
	if (!key || key & wanted(it))
		ready_add(it);
}

static void item_attach(struct kn_poll_table *pt, struct kn_waitq *q)
{
	struct ep_item *it = pt->owner;
	if (it->nwaits == QUEUES_PER_ITEM) {
		pt->error = -KN_ENOMEM;
		return;
	}
	struct ep_wait *w = &it->waits[it->nwaits++];
	w->item = it;
	kn_waitq_add_notify(q, &w->wait, item_notify);
}

static int depth;

/* The file's readiness now; with register_it, the item's entries are
 * put on the file's queues first. */
static unsigned file_poll(struct ep_item *it, int register_it)
{
	struct kn_vnode *vn = it->file->vn;
	struct kn_poll_table pt = {0};
	pt.file = it->file;
	pt.attach = item_attach;
	pt.owner = it;
	if (depth >= MAX_NESTING) /* nested instances: no deeper */
		return 0;
	depth++;
	unsigned mask = vn->ops->poll(vn, it->file, register_it ? &pt : NULL);
	depth--;
	return pt.error ? 0 : mask;
}

static void item_free(struct ep_item *it)
{
	for (int i = 0; i < it->nwaits; i++)
		kn_waitq_del(&it->waits[i].wait);
	if (it->on_ready)
		ready_remove(it);
	/* Off the file's list. */
	for (struct ep_item **p = (struct ep_item **)&it->file->epoll_items; *p;
	     p = &(*p)->next_file)
		if (*p == it) {
			*p = it->next_file;
			break;
		}
	/* Off the instance's list. */
	for (struct ep_item **p = &it->ep->items; *p; p = &(*p)->next)
		if (*p == it) {
			*p = it->next;
			break;
		}
	kn_free(it);
}

void kn_vfs_epoll_release(struct kn_file *f)
{
	while (f->epoll_items)
		item_free(f->epoll_items);
}

static struct ep_item *find(struct epoll *ep, int fd, struct kn_file *f)
{
	for (struct ep_item *it = ep->items; it; it = it->next)
		if (it->fd == fd && it->file == f)
			return it;
	return NULL;
}

/* Whether watching `target` from ep would close a loop of instances. */
static int loops(struct epoll *ep, struct kn_file *target, int level)
{
	if (target->vn->ops != &epoll_ops)
		return 0;
	struct epoll *inner = target->vn->priv;
	if (inner == ep || level >= MAX_NESTING)
		return 1;
	for (struct ep_item *it = inner->items; it; it = it->next)
		if (loops(ep, it->file, level + 1))
			return 1;
	return 0;
}

static unsigned wanted(const struct ep_item *it)
{
	return (it->events & ~(KN_EPOLLET | KN_EPOLLONESHOT | KN_EPOLLEXCLUSIVE | KN_EPOLLWAKEUP)) |
	       KN_POLLERR | KN_POLLHUP;
}

static long ctl(struct epoll *ep, int op, int fd, struct kn_file *f,
		const struct kn_epoll_event *ev)
{
	struct ep_item *it = find(ep, fd, f);
	if (op != KN_EPOLL_CTL_DEL && ev->events & ~ALLOWED)
		return -KN_EINVAL;
	switch (op) {
	case KN_EPOLL_CTL_ADD:
		if (it)
			return -KN_EEXIST;
		if (!f->vn->ops->poll) /* regular files and directories */
			return -KN_EPERM;
		if (loops(ep, f, 0))
			return -KN_ELOOP;
		it = kn_calloc(1, sizeof(*it));
		if (!it)
			return -KN_ENOMEM;
		it->ep = ep;
		it->fd = fd;
		it->file = f;
		it->events = ev->events;
		it->data = ev->data;
		it->next = ep->items;
		ep->items = it;
		it->next_file = f->epoll_items;
		f->epoll_items = it;
		if (file_poll(it, 1) & wanted(it))
			ready_add(it);
		return 0;
	case KN_EPOLL_CTL_MOD:
		if (!it)
			return -KN_ENOENT;
		if (ev->events & KN_EPOLLEXCLUSIVE || it->events & KN_EPOLLEXCLUSIVE)
			return -KN_EINVAL;
		it->events = ev->events;
		it->data = ev->data;
		it->disabled = 0;
		if (file_poll(it, 0) & wanted(it))
			ready_add(it);
		return 0;
	case KN_EPOLL_CTL_DEL:
		if (!it)
			return -KN_ENOENT;
		item_free(it);
		return 0;
	default: return -KN_EINVAL;
	}
}

/* Fills at most max events from the ready list: one pass over the items
 * that were on it when it began. */
static long collect(struct epoll *ep, struct kn_epoll_event *out, long max)
{
	/* Like Linux, a bad buffer fails only when there is an event to
	 * write: with nothing ready, epoll_wait(ep, NULL, 1, 0) is 0. */
	if (ep->ready && kn_user_writable(out, (size_t)max * sizeof(*out)))
		return -KN_EFAULT;
	long n = 0;
	struct ep_item *last = ep->ready_tail;
	while (n < max && ep->ready) {
		struct ep_item *it = ready_pop(ep);
		unsigned mask = it->disabled ? 0 : file_poll(it, 0) & wanted(it);
		if (mask) {
			out[n].events = mask;
			out[n].data = it->data;
			n++;
			if (it->events & KN_EPOLLONESHOT)
				it->disabled = 1;
			else if (!(it->events & KN_EPOLLET))
				ready_add(it); /* level-triggered: looked at again next time */
		}
		if (it == last)
			break;
	}
	return n;
}

static long ep_wait(int epfd, struct kn_epoll_event *events, int max, uint64_t deadline)
{
	if (max <= 0 || (unsigned long)max > MAX_EVENTS)
		return -KN_EINVAL;
	struct kn_file *f = kn_vfs_fget(epfd);
	if (!f)
		return -KN_EBADF;
	if (f->vn->ops != &epoll_ops) {
		kn_vfs_fput(f);
		return -KN_EINVAL;
	}
	struct epoll *ep = f->vn->priv;
	long n;
	for (;;) {
		n = collect(ep, events, max);
		if (n || !deadline)
			break;
		struct kn_wait_entry e;
		kn_wait_prepare();
		kn_waitq_add(&ep->waiters, &e);
		int r = ep->ready ? 0 : kn_wait_block(deadline == POLL_FOREVER ? 0 : deadline);
		kn_waitq_del(&e);
		if (r == -KN_ETIMEDOUT)
			break;
	}
	kn_vfs_fput(f);
	return n;
}

static unsigned epoll_poll(struct kn_vnode *vn, struct kn_file *f, struct kn_poll_table *pt)
{
	struct epoll *ep = vn->priv;
	kn_poll_register(pt, &ep->waiters);
	for (struct ep_item *it = ep->ready; it; it = it->next_ready)
		if (!it->disabled && file_poll(it, 0) & wanted(it))
			return KN_POLLIN | KN_POLLRDNORM;
	return 0;
}

static int epoll_getattr(struct kn_vnode *vn, struct kn_stat *st)
{
	st->st_ino = ((struct epoll *)vn->priv)->ino;
	st->st_mode = 0600; /* an anonymous inode: no file type, as on Linux */
	st->st_blksize = 4096;
	return 0;
}

static void epoll_release(struct kn_vnode *vn)
{
	struct epoll *ep = vn->priv;
	while (ep->items)
		item_free(ep->items);
	kn_free(ep);
}

static const struct kn_vnode_ops epoll_ops = {
	.poll = epoll_poll,
	.getattr = epoll_getattr,
	.release = epoll_release,
};

KN_SYSCALL(epoll_create1)(int flags)
{
	if (flags & ~KN_EPOLL_CLOEXEC)
		return -KN_EINVAL;
	struct epoll *ep = kn_calloc(1, sizeof(*ep));
	if (!ep)
		return -KN_ENOMEM;
	ep->ino = next_ino++;
	ep->vn.ops = &epoll_ops;
	ep->vn.priv = ep;
	/* On failure the vnode's release frees it. */
	return kn_vfs_open_vnode(&ep->vn, KN_O_RDWR | flags, -1);
}

KN_SYSCALL(epoll_create)(int size)
{
	return size <= 0 ? -KN_EINVAL : kn_sys_epoll_create1(0);
}

KN_SYSCALL(epoll_ctl)(int epfd, int op, int fd, struct kn_epoll_event *event)
{
	if (op != KN_EPOLL_CTL_DEL && kn_user_readable(event, sizeof(*event)))
		return -KN_EFAULT;
	struct kn_file *ef = kn_vfs_fget(epfd);
	if (!ef)
		return -KN_EBADF;
	struct kn_file *f = kn_vfs_fget(fd);
	long r;
	if (!f)
		r = -KN_EBADF;
	else if (ef->vn->ops != &epoll_ops || f == ef)
		r = -KN_EINVAL;
	else
		r = ctl(ef->vn->priv, op, fd, f, event);
	if (f)
		kn_vfs_fput(f);
	kn_vfs_fput(ef);
	return r;
}

KN_SYSCALL(epoll_wait)(int epfd, struct kn_epoll_event *events, int max, int timeout_ms)
{
	uint64_t deadline = POLL_FOREVER;
	if (timeout_ms >= 0)
		deadline = kn_poll_deadline((uint64_t)timeout_ms / 1000,
					    (uint64_t)timeout_ms % 1000 * KN_NSEC_PER_MSEC);
	return ep_wait(epfd, events, max, deadline);
}

KN_SYSCALL(epoll_pwait)
(int epfd, struct kn_epoll_event *events, int max, int timeout_ms, const void *sigmask,
 size_t sigsetsize)
{
	long r = kn_poll_check_sigmask(sigmask, sigsetsize);
	return r ? r : kn_sys_epoll_wait(epfd, events, max, timeout_ms);
}

KN_SYSCALL(epoll_pwait2)
(int epfd, struct kn_epoll_event *events, int max, const struct kn_timespec *timeout,
 const void *sigmask, size_t sigsetsize)
{
	uint64_t deadline = POLL_FOREVER;
	if (timeout) {
		if (kn_user_readable(timeout, sizeof(*timeout)))
			return -KN_EFAULT;
		if (!kn_poll_timespec_ok(timeout))
			return -KN_EINVAL;
		deadline = kn_poll_deadline((uint64_t)timeout->tv_sec, (uint64_t)timeout->tv_nsec);
	}
	long r = kn_poll_check_sigmask(sigmask, sigsetsize);
	return r ? r : ep_wait(epfd, events, max, deadline);
}
