/* vfs-core: file readiness for poll/select, and poll tables.
 *
 * Each file that can change keeps its own wait queue; its poll op puts
 * the poller's entry there (kn_poll_register), so a change wakes only
 * the threads polling that file. An entry holds a reference to its file:
 * the file (and its queue) outlives the entry even if another thread
 * closes the descriptor meanwhile. The scheduler is optional (uses): an
 * image without one has nobody to wake, and a poll cannot wait. */
#include <kn/alloc.h>
#include <kn/errno.h>
#include <kn/poll_table.h>
#include "vfs_internal.h"

int kn_vfs_fd_poll(int fd, struct kn_poll_table *pt)
{
	struct kn_file *f = kn_vfs_fget(fd);
	if (!f)
		return -KN_EBADF;
	if (f->flags & KN_O_PATH) { /* not open for I/O: Linux's poll ignores it too */
		kn_vfs_fput(f);
		return -KN_EBADF;
	}
	struct kn_vnode *vn = f->vn;
	if (pt)
		pt->file = pt->registering ? f : 0;
	unsigned mask = vn->ops->poll ? vn->ops->poll(vn, f, pt) : KN_POLL_ALWAYS;
	if (pt)
		pt->file = 0;
	kn_vfs_fput(f);
	return (int)mask;
}

int kn_poll_table_init(struct kn_poll_table *pt, unsigned files)
{
	pt->file = 0;
	pt->used = 0;
	pt->registering = 1;
	pt->error = 0;
	pt->attach = NULL;
	pt->owner = NULL;
	pt->entry = pt->inline_entry;
	pt->max = KN_POLL_INLINE;
	if (files > KN_POLL_INLINE) {
		pt->entry = kn_malloc(files * sizeof(*pt->entry));
		if (!pt->entry)
			return -KN_ENOMEM;
		pt->max = files;
	}
	return 0;
}

void kn_poll_register(struct kn_poll_table *pt, struct kn_waitq *q)
{
#ifndef CONFIG_HAVE_SCHED
	return;
#endif
	if (!pt || !pt->file)
		return;
	if (pt->attach) {
		pt->attach(pt, q);
		return;
	}
	if (pt->used == pt->max) { /* a file registering twice: refused, not lost */
		pt->error = -KN_ENOMEM;
		return;
	}
	struct kn_poll_entry *e = &pt->entry[pt->used++];
	e->file = pt->file;
	e->file->refs++; /* dropped in kn_poll_table_free */
	kn_waitq_add(q, &e->wait);
}

void kn_poll_table_prepare(struct kn_poll_table *pt)
{
#ifdef CONFIG_HAVE_SCHED
	kn_wait_prepare();
#endif
}

int kn_poll_table_wait(struct kn_poll_table *pt, uint64_t deadline_ns)
{
#ifdef CONFIG_HAVE_SCHED
	pt->registering = 0; /* the scan before registered: later ones need not */
	return kn_wait_block(deadline_ns);
#else
	return -KN_ENOSYS;
#endif
}

void kn_poll_table_free(struct kn_poll_table *pt)
{
	for (unsigned i = 0; i < pt->used; i++) {
#ifdef CONFIG_HAVE_SCHED
		kn_waitq_del(&pt->entry[i].wait);
#endif
		kn_vfs_fput(pt->entry[i].file);
	}
	pt->used = 0;
	if (pt->entry != pt->inline_entry)
		kn_free(pt->entry);
	pt->entry = pt->inline_entry;
}
