/* Host stand-ins for the scheduler and the clock (one thread, a fake
 * clock); the allocator and kn_user_check come from lib/vfs/tests. */
#include "harness.h"
#include <kn/sched.h>
#include <kn/time.h>

uint64_t fake_now = 1000000000;
int blocks;
static void (*pending)(void *);
static void *pending_arg;

void then_run(void (*fn)(void *), void *arg)
{
	pending = fn;
	pending_arg = arg;
}

uint64_t kn_time_monotonic_ns(void)
{
	return fake_now;
}

int kn_waitq_wait(struct kn_waitq *q, uint64_t deadline_ns)
{
	blocks++;
	if (pending) {
		void (*fn)(void *) = pending;
		pending = NULL;
		fn(pending_arg);
		return 0;
	}
	if (!deadline_ns) {
		printf("FAIL: a call blocked for ever (no other thread could wake it)\n");
		exit(3);
	}
	if (fake_now < deadline_ns)
		fake_now = deadline_ns;
	return -KN_ETIMEDOUT;
}

int kn_waitq_wake(struct kn_waitq *q, int n)
{
	return 0;
}
