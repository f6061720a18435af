/* vfs-pipe: eventfd, a 64-bit counter behind a descriptor.
 *
 * write adds an 8-byte value, read takes the whole count (or 1 with
 * EFD_SEMAPHORE); a read of 0 and a write that would reach 2^64-1 block
 * or fail with -KN_EAGAIN, as on Linux. */
#include <kn/alloc.h>
#include <kn/errno.h>
#include <kn/pipe.h>
#include <kn/sched.h>
#include <kn/syscall.h>
#include <kn/vfs.h>

#define COUNT_MAX (UINT64_MAX - 1) /* the largest value the counter holds */

struct eventfd {
	struct kn_vnode vn;
	uint64_t count;
	int semaphore;
	struct kn_waitq waiters; /* readers, writers and pollers */
};

static struct eventfd *efd_of(struct kn_vnode *vn)
{
	return vn->priv;
}

static void changed(struct eventfd *e)
{
	kn_waitq_wake(&e->waiters, 0x7fffffff);
}

static long e_read(struct kn_vnode *vn, struct kn_file *f, void *buf, size_t n, uint64_t off)
{
	struct eventfd *e = efd_of(vn);
	if (n < sizeof(uint64_t))
		return -KN_EINVAL;
	while (!e->count) {
		if (f->flags & KN_O_NONBLOCK)
			return -KN_EAGAIN;
		kn_waitq_wait(&e->waiters, 0);
	}
	uint64_t v = e->semaphore ? 1 : e->count;
	e->count -= v;
	__builtin_memcpy(buf, &v, sizeof(v));
	changed(e);
	return sizeof(v);
}

static long e_write(struct kn_vnode *vn, struct kn_file *f, const void *buf, size_t n, uint64_t off)
{
	struct eventfd *e = efd_of(vn);
	uint64_t v;
	if (n != sizeof(v)) /* exactly 8, as current Linux (reads take 8 or more) */
		return -KN_EINVAL;
	__builtin_memcpy(&v, buf, sizeof(v));
	if (v == UINT64_MAX)
		return -KN_EINVAL;
	while (COUNT_MAX - e->count < v) {
		if (f->flags & KN_O_NONBLOCK)
			return -KN_EAGAIN;
		kn_waitq_wait(&e->waiters, 0);
	}
	e->count += v;
	if (v)
		changed(e);
	return sizeof(v);
}

static unsigned e_poll(struct kn_vnode *vn, struct kn_file *f, struct kn_poll_table *pt)
{
	struct eventfd *e = efd_of(vn);
	unsigned mask = 0;
	kn_poll_register(pt, &e->waiters);
	if (e->count)
		mask |= KN_POLLIN;
	if (e->count < COUNT_MAX)
		mask |= KN_POLLOUT;
	return mask;
}

static int e_getattr(struct kn_vnode *vn, struct kn_stat *st)
{
	st->st_mode = 0600; /* an anonymous inode: no file type bits, as on Linux */
	st->st_blksize = 4096;
	return 0;
}

static void e_release(struct kn_vnode *vn)
{
	kn_free(efd_of(vn));
}

static const struct kn_vnode_ops eventfd_ops = {
	.read = e_read,
	.write = e_write,
	.poll = e_poll,
	.getattr = e_getattr,
	.release = e_release,
};

KN_SYSCALL(eventfd2)(unsigned int initval, int flags)
{
	if (flags & ~(KN_EFD_SEMAPHORE | KN_EFD_NONBLOCK | KN_EFD_CLOEXEC))
		return -KN_EINVAL;
	struct eventfd *e = kn_calloc(1, sizeof(*e));
	if (!e)
		return -KN_ENOMEM;
	e->vn.ops = &eventfd_ops;
	e->vn.priv = e;
	e->count = initval;
	e->semaphore = flags & KN_EFD_SEMAPHORE;
	/* On failure vfs-core drops the only reference and e_release frees e. */
	return kn_vfs_open_vnode(&e->vn, KN_O_RDWR | (flags & ~KN_EFD_SEMAPHORE), -1);
}

KN_SYSCALL(eventfd)(unsigned int initval)
{
	return kn_sys_eventfd2(initval, 0);
}
