/* vfs-pipe: anonymous pipes.
 *
 * A pipe is one ring buffer and two vnodes, the read end and the write
 * end; every descriptor of an end (after dup, dup2, F_DUPFD) holds the same
 * vnode, so vfs-core's reference count tells when an end is closed: its
 * release op runs. The pipe is freed when both ends are gone. */
#include <kn/alloc.h>
#include <kn/errno.h>
#include <kn/pipe.h>
#include <kn/sched.h>
#include <kn/syscall.h>
#include <kn/vfs.h>
#ifdef CONFIG_HAVE_POSIX_SIGNAL
#include <kn/posix_signal.h>
#endif

enum { READ_END, WRITE_END };
#define PIPE_MAX_SIZE (1UL << 20) /* Linux's default /proc/sys/fs/pipe-max-size */

struct pipe {
	struct kn_vnode end[2];
	int open[2];              /* whether each end still has a file */
	char *buf;                /* size bytes, KN_PIPE_SIZE unless F_SETPIPE_SZ */
	size_t size, head, count; /* capacity, first unread byte, bytes unread */
	/* Readers, writers and pollers of either end: all re-check after
	 * any change, and a change of one pipe wakes no one else. */
	struct kn_waitq waiters;
	uint64_t ino;
};

static const struct kn_vnode_ops pipe_ops;
static uint64_t next_ino = 1;

static struct pipe *pipe_of(struct kn_vnode *vn)
{
	return vn->priv;
}

/* key: what changed (KN_POLL* bits, 0 for anything), for epoll. */
static void changed(struct pipe *p, unsigned key)
{
	kn_waitq_wake_key(&p->waiters, 0x7fffffff, key);
}

/* Moves the k oldest bytes out of the ring. */
static void take(struct pipe *p, char *dst, size_t k)
{
	size_t first = p->size - p->head;
	if (first > k)
		first = k;
	__builtin_memcpy(dst, p->buf + p->head, first);
	__builtin_memcpy(dst + first, p->buf, k - first);
	p->head = (p->head + k) % p->size;
	p->count -= k;
	if (!p->count)
		p->head = 0;
}

static long p_read(struct kn_vnode *vn, struct kn_file *f, void *buf, size_t n, uint64_t off)
{
	struct pipe *p = pipe_of(vn);
	while (!p->count) {
		if (!p->open[WRITE_END])
			return 0;
		if (f->flags & KN_O_NONBLOCK)
			return -KN_EAGAIN;
		kn_waitq_wait(&p->waiters, 0);
	}
	size_t k = n < p->count ? n : p->count;
	take(p, buf, k);
	changed(p, KN_POLLOUT | KN_POLLWRNORM); /* room for writers */
	return (long)k;
}

static void put(struct pipe *p, const char *src, size_t k)
{
	size_t tail = (p->head + p->count) % p->size;
	size_t first = p->size - tail;
	if (first > k)
		first = k;
	__builtin_memcpy(p->buf + tail, src, first);
	__builtin_memcpy(p->buf, src + first, k - first);
	p->count += k;
}

/* Writes of at most KN_PIPE_BUF bytes go in whole or wait; longer ones
 * take whatever room there is and wait for more (with O_NONBLOCK they
 * return the part written). */
static long p_write(struct kn_vnode *vn, struct kn_file *f, const void *buf, size_t n, uint64_t off)
{
	struct pipe *p = pipe_of(vn);
	const char *src = buf;
	size_t done = 0;
	for (;;) {
		if (!p->open[READ_END]) {
			if (done)
				return (long)done;
#ifdef CONFIG_HAVE_POSIX_SIGNAL
			/* Like Linux, a write that finds no reader raises
			 * SIGPIPE (whose default action ends the program)
			 * before it returns EPIPE. */
			kn_signal_raise(KN_SIGPIPE);
#endif
			return -KN_EPIPE;
		}
		size_t room = p->size - p->count;
		int fits = n <= KN_PIPE_BUF ? room >= n : room > 0;
		if (!fits) {
			if (f->flags & KN_O_NONBLOCK)
				return done ? (long)done : -KN_EAGAIN;
			kn_waitq_wait(&p->waiters, 0);
			continue;
		}
		size_t k = n - done < room ? n - done : room;
		put(p, src + done, k);
		done += k;
		changed(p, KN_POLLIN | KN_POLLRDNORM);
		if (done == n)
			return (long)n;
	}
}

/* Linux's rules: the read end is readable with data and hung up with no
 * writer; the write end is writable when an atomic write fits and in
 * error with no reader. */
static unsigned p_poll(struct kn_vnode *vn, struct kn_file *f, struct kn_poll_table *pt)
{
	struct pipe *p = pipe_of(vn);
	unsigned mask = 0;
	kn_poll_register(pt, &p->waiters);
	if (vn == &p->end[READ_END]) {
		if (p->count)
			mask |= KN_POLLIN | KN_POLLRDNORM;
		if (!p->open[WRITE_END])
			mask |= KN_POLLHUP;
	} else {
		if (p->size - p->count >= KN_PIPE_BUF)
			mask |= KN_POLLOUT | KN_POLLWRNORM;
		if (!p->open[READ_END])
			mask |= KN_POLLERR;
	}
	return mask;
}

static int p_getattr(struct kn_vnode *vn, struct kn_stat *st)
{
	st->st_ino = pipe_of(vn)->ino;
	st->st_mode = KN_S_IFIFO | 0600;
	st->st_blksize = 4096;
	return 0;
}

/* F_SETPIPE_SZ: Linux's rounding (a power of two, at least a page), up
 * to its unprivileged limit; -KN_EBUSY if the data would not fit. */
static long resize(struct pipe *p, unsigned long want)
{
	if (want > PIPE_MAX_SIZE)
		return -KN_EPERM;
	size_t size = 4096;
	while (size < want)
		size <<= 1;
	if (size == p->size)
		return (long)size;
	if (p->count > size)
		return -KN_EBUSY;
	char *buf = kn_malloc(size);
	if (!buf)
		return -KN_ENOMEM;
	size_t n = p->count;
	take(p, buf, n);
	kn_free(p->buf);
	p->buf = buf;
	p->size = size;
	p->head = 0;
	p->count = n;
	changed(p, 0);
	return (long)size;
}

static long p_ioctl(struct kn_vnode *vn, struct kn_file *f, unsigned long cmd, void *arg)
{
	struct pipe *p = pipe_of(vn);
	switch (cmd) {
	case KN_FIONREAD:
		if (kn_user_writable(arg, sizeof(int)))
			return -KN_EFAULT;
		*(int *)arg = (int)p->count;
		return 0;
	case KN_F_GETPIPE_SZ: return (long)p->size;
	case KN_F_SETPIPE_SZ: return resize(p, (unsigned long)arg);
	default: return -KN_ENOTTY;
	}
}

static void p_release(struct kn_vnode *vn)
{
	struct pipe *p = pipe_of(vn);
	p->open[vn == &p->end[READ_END] ? READ_END : WRITE_END] = 0;
	if (p->open[READ_END] || p->open[WRITE_END]) {
		changed(p, 0); /* EOF for readers, EPIPE for writers */
		return;
	}
	kn_free(p->buf);
	kn_free(p);
}

static const struct kn_vnode_ops pipe_ops = {
	.read = p_read,
	.write = p_write,
	.poll = p_poll,
	.getattr = p_getattr,
	.ioctl = p_ioctl,
	.release = p_release,
};

KN_SYSCALL(pipe2)(int *fds, int flags)
{
	/* O_DIRECT (packet mode) is not supported: refused, not ignored. */
	if (flags & ~(KN_O_CLOEXEC | KN_O_NONBLOCK))
		return -KN_EINVAL;
	if (kn_user_writable(fds, 2 * sizeof(int)))
		return -KN_EFAULT;
	struct pipe *p = kn_calloc(1, sizeof(*p));
	char *buf = p ? kn_malloc(KN_PIPE_SIZE) : NULL;
	if (!buf) {
		kn_free(p);
		return -KN_ENOMEM;
	}
	p->buf = buf;
	p->size = KN_PIPE_SIZE;
	p->ino = next_ino++;
	for (int e = READ_END; e <= WRITE_END; e++) {
		p->end[e].ops = &pipe_ops;
		p->end[e].mode = KN_S_IFIFO;
		p->end[e].priv = p;
		p->open[e] = 1;
	}
	/* On failure an end's release runs; the last one frees the pipe. */
	int rd = kn_vfs_open_vnode(&p->end[READ_END], KN_O_RDONLY | flags, -1);
	if (rd < 0) {
		p_release(&p->end[WRITE_END]);
		return rd;
	}
	int wr = kn_vfs_open_vnode(&p->end[WRITE_END], KN_O_WRONLY | flags, -1);
	if (wr < 0) {
		kn_sys_close(rd);
		return wr;
	}
	fds[READ_END] = rd;
	fds[WRITE_END] = wr;
	return 0;
}

KN_SYSCALL(pipe)(int *fds)
{
	return kn_sys_pipe2(fds, 0);
}
