/* Scheduling policy and memory barriers for one CPU and a cooperative run
 * queue: only the normal policies exist, every thread has priority 0, and
 * a barrier across CPUs has no other CPU to wait for. */
#include <kn/posix_thread.h>
#include <kn/syscall.h>
#include "internal.h"

#define SCHED_OTHER 0
#define SCHED_FIFO 1
#define SCHED_RR 2
#define SCHED_BATCH 3
#define SCHED_IDLE 5
#define SCHED_RESET_ON_FORK 0x40000000

#define MEMBARRIER_CMD_QUERY 0
#define MEMBARRIER_CMD_GLOBAL 1
#define MEMBARRIER_CMD_PRIVATE_EXPEDITED 8
#define MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED 16

struct sched_param {
	int sched_priority;
};

static int target_ok(int pid)
{
	if (pid < 0)
		return -KN_EINVAL;
	return posix_thread_known(pid) ? 0 : -KN_ESRCH;
}

/* The real-time policies would promise preemption by priority, which a
 * cooperative scheduler cannot keep: refused as if unprivileged. */
static int policy_ok(int policy, const struct sched_param *param)
{
	policy &= ~SCHED_RESET_ON_FORK;
	if (policy == SCHED_FIFO || policy == SCHED_RR)
		return param->sched_priority >= 1 && param->sched_priority <= 99 ? -KN_EPERM
										 : -KN_EINVAL;
	if (policy != SCHED_OTHER && policy != SCHED_BATCH && policy != SCHED_IDLE)
		return -KN_EINVAL;
	return param->sched_priority == 0 ? 0 : -KN_EINVAL;
}

KN_SYSCALL(sched_getscheduler)(int pid)
{
	int r = target_ok(pid);
	return r ? r : SCHED_OTHER;
}

KN_SYSCALL(sched_setscheduler)(int pid, int policy, const struct sched_param *param)
{
	if (kn_user_readable(param, sizeof(*param)))
		return -KN_EINVAL; /* Linux: a NULL param is EINVAL, not EFAULT */
	int r = target_ok(pid);
	return r ? r : policy_ok(policy, param);
}

KN_SYSCALL(sched_getparam)(int pid, struct sched_param *param)
{
	if (kn_user_writable(param, sizeof(*param)))
		return -KN_EINVAL;
	int r = target_ok(pid);
	if (!r)
		param->sched_priority = 0;
	return r;
}

KN_SYSCALL(sched_setparam)(int pid, const struct sched_param *param)
{
	if (kn_user_readable(param, sizeof(*param)))
		return -KN_EINVAL;
	int r = target_ok(pid);
	return r ? r : policy_ok(SCHED_OTHER, param);
}

KN_SYSCALL(membarrier)(int cmd, unsigned flags, int cpu_id)
{
	const int supported = MEMBARRIER_CMD_GLOBAL | MEMBARRIER_CMD_PRIVATE_EXPEDITED |
			      MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED;
	if (flags)
		return -KN_EINVAL;
	if (cmd == MEMBARRIER_CMD_QUERY)
		return supported;
	if (!(cmd & supported) || (cmd & (cmd - 1)))
		return -KN_EINVAL;
	/* One CPU: every other thread is stopped at a switch, which is a full
	 * barrier already; only the compiler needs fencing here. */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	return 0;
}
