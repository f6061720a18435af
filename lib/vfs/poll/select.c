/* vfs-poll: select and pselect6 over fd_set bitmaps. */
#include <kn/errno.h>
#include <kn/syscall.h>
#include <kn/time.h>
#include "poll_internal.h"

#define WORD_BITS 64
/* Which readiness bits make a descriptor count in each set (Linux's). */
#define IN_SET (KN_POLLIN | KN_POLLRDNORM | KN_POLLRDBAND | KN_POLLHUP | KN_POLLERR)
#define OUT_SET (KN_POLLOUT | KN_POLLWRNORM | KN_POLLWRBAND | KN_POLLERR)
#define EX_SET KN_POLLPRI

enum { IN, OUT, EX, NSETS };

struct select_req {
	int nfds;
	size_t words;
	kn_fd_set *user[NSETS]; /* where results go (NULL: not asked) */
	kn_fd_set want[NSETS];  /* what was asked, copied before results overwrite it */
	kn_fd_set got[NSETS];
};

static const unsigned set_mask[NSETS] = {IN_SET, OUT_SET, EX_SET};

static int wanted(const struct select_req *r, int fd)
{
	unsigned long bit = 1UL << (fd % WORD_BITS);
	return ((r->want[IN].bits[fd / WORD_BITS] | r->want[OUT].bits[fd / WORD_BITS] |
		 r->want[EX].bits[fd / WORD_BITS]) &
		bit) != 0;
}

/* How many descriptors any set asks about: the files a wait registers on. */
static unsigned wanted_count(const struct select_req *r)
{
	unsigned n = 0;
	for (size_t w = 0; w < r->words; w++)
		n += (unsigned)__builtin_popcountl(r->want[IN].bits[w] | r->want[OUT].bits[w] |
						   r->want[EX].bits[w]);
	return n;
}

/* Counts every (descriptor, set) pair that is ready; -KN_EBADF if a set
 * names a closed descriptor. */
static long scan(void *ctx, struct kn_poll_table *pt)
{
	struct select_req *r = ctx;
	long ready = 0;
	__builtin_memset(r->got, 0, sizeof(r->got));
	for (int fd = 0; fd < r->nfds; fd++) {
		if (!wanted(r, fd))
			continue;
		int mask = kn_vfs_fd_poll(fd, pt);
		if (mask < 0)
			return -KN_EBADF;
		unsigned long bit = 1UL << (fd % WORD_BITS);
		for (int s = 0; s < NSETS; s++)
			if ((r->want[s].bits[fd / WORD_BITS] & bit) &&
			    ((unsigned)mask & set_mask[s])) {
				r->got[s].bits[fd / WORD_BITS] |= bit;
				ready++;
			}
	}
	return ready;
}

static long do_select(int nfds, kn_fd_set **sets, uint64_t deadline)
{
	if (nfds < 0)
		return -KN_EINVAL;
	if (nfds > KN_FD_SETSIZE)
		nfds = KN_FD_SETSIZE; /* Linux clamps to its descriptor table size */
	struct select_req r = {.nfds = nfds, .words = ((size_t)nfds + WORD_BITS - 1) / WORD_BITS};
	size_t bytes = r.words * sizeof(unsigned long);
	for (int s = 0; s < NSETS; s++) {
		r.user[s] = sets[s];
		__builtin_memset(&r.want[s], 0, sizeof(r.want[s]));
		if (!sets[s] || !bytes)
			continue;
		if (kn_user_writable(sets[s], bytes))
			return -KN_EFAULT;
		__builtin_memcpy(r.want[s].bits, sets[s]->bits, bytes);
		if (nfds % WORD_BITS) /* bits at or past nfds are not looked at */
			r.want[s].bits[r.words - 1] &= (1UL << (nfds % WORD_BITS)) - 1;
	}
	long n = kn_poll_until(scan, &r, wanted_count(&r), deadline);
	if (n < 0)
		return n;
	for (int s = 0; s < NSETS; s++)
		if (r.user[s] && bytes)
			__builtin_memcpy(r.user[s]->bits, r.got[s].bits, bytes);
	return n;
}

KN_SYSCALL(select)(int nfds, kn_fd_set *in, kn_fd_set *out, kn_fd_set *ex, struct kn_timeval *tv)
{
	uint64_t deadline = POLL_FOREVER;
	if (tv) {
		if (kn_user_writable(tv, sizeof(*tv)))
			return -KN_EFAULT;
		/* Linux carries whole seconds of tv_usec over into tv_sec. */
		int64_t sec, nsec = tv->tv_usec % 1000000 * 1000;
		if (__builtin_add_overflow(tv->tv_sec, tv->tv_usec / 1000000, &sec) || sec < 0 ||
		    nsec < 0)
			return -KN_EINVAL;
		deadline = kn_poll_deadline((uint64_t)sec, (uint64_t)nsec);
	}
	kn_fd_set *sets[NSETS] = {in, out, ex};
	long r = do_select(nfds, sets, deadline);
	if (tv && deadline) {
		uint64_t left = kn_poll_left_ns(deadline);
		tv->tv_sec = (int64_t)(left / KN_NSEC_PER_SEC);
		tv->tv_usec = (int64_t)(left % KN_NSEC_PER_SEC / KN_NSEC_PER_USEC);
	}
	return r;
}

KN_SYSCALL(pselect6)
(int nfds, kn_fd_set *in, kn_fd_set *out, kn_fd_set *ex, struct kn_timespec *ts,
 const struct kn_sigset_arg *sig)
{
	uint64_t deadline = POLL_FOREVER;
	if (ts) {
		if (kn_user_readable(ts, sizeof(*ts)))
			return -KN_EFAULT;
		if (!kn_poll_timespec_ok(ts))
			return -KN_EINVAL;
		deadline = kn_poll_deadline((uint64_t)ts->tv_sec, (uint64_t)ts->tv_nsec);
	}
	if (sig) {
		if (kn_user_readable(sig, sizeof(*sig)))
			return -KN_EFAULT;
		long r = kn_poll_check_sigmask(sig->set, sig->size);
		if (r)
			return r;
	}
	kn_fd_set *sets[NSETS] = {in, out, ex};
	long r = do_select(nfds, sets, deadline);
	if (ts && deadline) {
		uint64_t left = kn_poll_left_ns(deadline);
		ts->tv_sec = (int64_t)(left / KN_NSEC_PER_SEC);
		ts->tv_nsec = (int64_t)(left % KN_NSEC_PER_SEC);
	}
	return r;
}
