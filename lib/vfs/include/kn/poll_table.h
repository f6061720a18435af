/* Poll tables: the wait entries of one thread polling several files,
 * one per file that can change (Linux's poll_table, in spirit). The
 * poller sets up a table, then in each round calls kn_poll_table_prepare,
 * scans its descriptors with kn_vfs_fd_poll(fd, pt) (the first scan
 * registers it on each file's wait queue through the file's poll op),
 * and sleeps in kn_poll_table_wait until a file it registered on wakes
 * its queue; it frees the table before returning. A change on any other
 * file does not wake it. Part of vfs-core; needs the sched API to wait. */
#ifndef KN_POLL_TABLE_H
#define KN_POLL_TABLE_H

#include <kn/sched.h>
#include <kn/vfs.h>

#define KN_POLL_INLINE 8 /* registrations without an allocation */

struct kn_poll_entry {
	struct kn_wait_entry wait; /* in the file's queue */
	struct kn_file *file;      /* referenced while registered */
};

struct kn_poll_table {
	struct kn_file *file;        /* being polled (set by kn_vfs_fd_poll) */
	struct kn_poll_entry *entry; /* inline_entry, or allocated for more */
	unsigned used, max;
	int registering; /* 0 after the first scan: registered */
	int error;       /* -KN_ENOMEM: a registration did not fit */
	/* Set by epoll, whose items stay registered between calls: each
	 * queue the file registers goes to attach (pt->file is the file)
	 * instead of this table's entries. */
	void (*attach)(struct kn_poll_table *pt, struct kn_waitq *q);
	void *owner; /* attach's */
	struct kn_poll_entry inline_entry[KN_POLL_INLINE];
};

KN_API_BEGIN
/* Room for `files` registrations: 0 or -KN_ENOMEM. */
int kn_poll_table_init(struct kn_poll_table *pt, unsigned files);
/* Starts a round: a wake from now on ends the next kn_poll_table_wait.
 * After the first round's scan, scans no longer register. */
void kn_poll_table_prepare(struct kn_poll_table *pt);
/* Blocks until a queue the table is registered on is woken (0) or the
 * monotonic clock reaches deadline_ns (0 = none; -KN_ETIMEDOUT);
 * -KN_ENOSYS without a scheduler. */
int kn_poll_table_wait(struct kn_poll_table *pt, uint64_t deadline_ns);
/* Leaves every queue, drops the file references, frees the table. */
void kn_poll_table_free(struct kn_poll_table *pt);
KN_API_END

#endif
