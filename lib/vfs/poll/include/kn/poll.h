/* vfs-poll: poll, ppoll, select and pselect6 with Linux semantics over
 * every descriptor of the fd table (readiness from kn_vfs_fd_poll).
 * Timeouts expire on the monotonic clock; ppoll and select-family calls
 * write the time left back, as the Linux system calls do. Signal masks
 * (ppoll, pselect6) are checked for size and address but not applied:
 * Kiln has no asynchronous signals yet. */
#ifndef KN_POLL_H
#define KN_POLL_H

#include <stdint.h>
#include <kn/compiler.h>
#include <kn/uapi/epoll.h>
#include <kn/vfs.h>

/* pselect6's sixth argument. */
struct kn_sigset_arg {
	const void *set;
	size_t size;
};

KN_API_BEGIN
long kn_sys_poll(struct kn_pollfd *fds, unsigned long nfds, int timeout_ms);
long kn_sys_ppoll(struct kn_pollfd *fds, unsigned long nfds, struct kn_timespec *tsp,
		  const void *sigmask, size_t sigsetsize);
long kn_sys_select(int nfds, kn_fd_set *in, kn_fd_set *out, kn_fd_set *ex, struct kn_timeval *tv);
long kn_sys_pselect6(int nfds, kn_fd_set *in, kn_fd_set *out, kn_fd_set *ex, struct kn_timespec *ts,
		     const struct kn_sigset_arg *sig);
/* epoll (epoll.c): items stay registered on their files between calls,
 * so epoll_wait looks only at what changed. */
long kn_sys_epoll_create(int size);
long kn_sys_epoll_create1(int flags);
long kn_sys_epoll_ctl(int epfd, int op, int fd, struct kn_epoll_event *event);
long kn_sys_epoll_wait(int epfd, struct kn_epoll_event *events, int max, int timeout_ms);
long kn_sys_epoll_pwait(int epfd, struct kn_epoll_event *events, int max, int timeout_ms,
			const void *sigmask, size_t sigsetsize);
long kn_sys_epoll_pwait2(int epfd, struct kn_epoll_event *events, int max,
			 const struct kn_timespec *timeout, const void *sigmask, size_t sigsetsize);
KN_API_END

#endif
