/* Resource limits, resource usage, getcpu and scheduling priorities. */
#include <kn/alloc.h>
#include <kn/errno.h>
#include <kn/posix_process.h>
#include <kn/syscall.h>
#include <kn/time.h>
#include <kn/vfs.h>

#define INF KN_RLIM_INFINITY
#ifdef CONFIG_SCHED_COOP_MAIN_STACK_SIZE
#define MAIN_STACK CONFIG_SCHED_COOP_MAIN_STACK_SIZE
#else
#define MAIN_STACK (8UL << 20)
#endif

/* Linux's defaults, but for the limits that describe this image: the fd
 * table (KN_FD_MAX) and the main thread's stack. */
static struct kn_rlimit limits[KN_RLIM_NLIMITS] = {
	[0] = {INF, INF},               /* CPU */
	[1] = {INF, INF},               /* FSIZE */
	[2] = {INF, INF},               /* DATA */
	[3] = {MAIN_STACK, MAIN_STACK}, /* STACK */
	[4] = {0, INF},                 /* CORE */
	[5] = {INF, INF},               /* RSS */
	[6] = {INF, INF},               /* NPROC */
	[7] = {KN_FD_MAX, KN_FD_MAX},   /* NOFILE */
	[8] = {8UL << 20, 8UL << 20},   /* MEMLOCK */
	[9] = {INF, INF},               /* AS */
	[10] = {INF, INF},              /* LOCKS */
	[11] = {INF, INF},              /* SIGPENDING */
	[12] = {819200, 819200},        /* MSGQUEUE */
	[13] = {0, 0},                  /* NICE */
	[14] = {0, 0},                  /* RTPRIO */
	[15] = {INF, INF},              /* RTTIME */
};

static long do_prlimit(int pid, unsigned res, const struct kn_rlimit *new_rl,
		       struct kn_rlimit *old_rl)
{
	if (res >= KN_RLIM_NLIMITS)
		return -KN_EINVAL;
	if (pid != 0 && pid != KN_PID_SELF)
		return -KN_ESRCH;
	struct kn_rlimit nl;
	if (new_rl) {
		if (kn_user_readable(new_rl, sizeof(*new_rl)))
			return -KN_EFAULT;
		nl = *new_rl;
		if (nl.rlim_cur > nl.rlim_max)
			return -KN_EINVAL;
		/* More descriptors than the table holds cannot be granted
		 * (Linux says EPERM past its nr_open too). */
		if (res == KN_RLIMIT_NOFILE && nl.rlim_max > KN_FD_MAX)
			return -KN_EPERM;
	}
	if (old_rl) {
		if (kn_user_writable(old_rl, sizeof(*old_rl)))
			return -KN_EFAULT;
		*old_rl = limits[res];
	}
	/* Recorded; only NOFILE is backed by a table of that size, and
	 * STACK applies to threads created later, if at all. */
	if (new_rl)
		limits[res] = nl;
	return 0;
}

KN_SYSCALL(prlimit64)
(int pid, unsigned res, const struct kn_rlimit *new_rl, struct kn_rlimit *old_rl)
{
	return do_prlimit(pid, res, new_rl, old_rl);
}

KN_SYSCALL(getrlimit)(unsigned res, struct kn_rlimit *rl)
{
	if (res < KN_RLIM_NLIMITS && kn_user_writable(rl, sizeof(*rl)))
		return -KN_EFAULT;
	return do_prlimit(0, res, NULL, rl);
}

KN_SYSCALL(setrlimit)(unsigned res, const struct kn_rlimit *rl)
{
	if (res < KN_RLIM_NLIMITS && kn_user_readable(rl, sizeof(*rl)))
		return -KN_EFAULT;
	return do_prlimit(0, res, rl, NULL);
}

KN_SYSCALL(getrusage)(int who, struct kn_rusage *ru)
{
	if (who != KN_RUSAGE_SELF && who != KN_RUSAGE_CHILDREN && who != KN_RUSAGE_THREAD)
		return -KN_EINVAL;
	if (kn_user_writable(ru, sizeof(*ru)))
		return -KN_EFAULT;
	__builtin_memset(ru, 0, sizeof(*ru));
	if (who == KN_RUSAGE_CHILDREN)
		return 0; /* there are never children */
	/* User time: the time since boot (see posix-time's CPU clocks). */
	uint64_t ns = kn_time_monotonic_ns();
	ru->ru_utime.tv_sec = (int64_t)(ns / KN_NSEC_PER_SEC);
	ru->ru_utime.tv_usec = (int64_t)(ns % KN_NSEC_PER_SEC / KN_NSEC_PER_USEC);
	struct kn_alloc_stats st;
	kn_alloc_stats(&st);
	ru->ru_maxrss = (long)((st.total - st.free) >> 10); /* KiB in use now */
	return 0;
}

KN_SYSCALL(getcpu)(unsigned *cpu, unsigned *node, void *cache)
{
	if ((cpu && kn_user_writable(cpu, sizeof(*cpu))) ||
	    (node && kn_user_writable(node, sizeof(*node))))
		return -KN_EFAULT;
	if (cpu)
		*cpu = 0;
	if (node)
		*node = 0;
	return 0;
}

/* SCHED_OTHER 0, FIFO 1, RR 2, BATCH 3, IDLE 5, DEADLINE 6. */
static long priority_bound(int policy, long rt_value)
{
	switch (policy) {
	case 1:
	case 2: return rt_value;
	case 0:
	case 3:
	case 5:
	case 6: return 0;
	default: return -KN_EINVAL;
	}
}

KN_SYSCALL(sched_get_priority_max)(int policy)
{
	return priority_bound(policy, 99);
}

KN_SYSCALL(sched_get_priority_min)(int policy)
{
	return priority_bound(policy, 1);
}
