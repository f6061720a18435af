/* In-kernel tests of prctl, the scheduling-policy calls and membarrier. */
#include <kn/errno.h>
#include <kn/ktest.h>
#include <kn/posix_thread.h>
#include <kn/sched.h>

#define PR_GET_DUMPABLE 3
#define PR_SET_DUMPABLE 4
#define PR_SET_NAME 15
#define PR_GET_NAME 16
#define PR_SET_NO_NEW_PRIVS 38
#define PR_GET_NO_NEW_PRIVS 39

long kn_sys_sched_getscheduler(int pid);
long kn_sys_sched_setscheduler(int pid, int policy, const int *param);
long kn_sys_sched_getparam(int pid, int *param);
long kn_sys_sched_setparam(int pid, const int *param);

static int same(const char *a, const char *b)
{
	while (*a && *a == *b)
		a++, b++;
	return *a == *b;
}

static void *named_thread(void *arg)
{
	char name[16];
	kn_sys_prctl(PR_SET_NAME, (unsigned long)arg, 0, 0, 0);
	kn_yield(); /* the other thread sets its own name meanwhile */
	kn_sys_prctl(PR_GET_NAME, (unsigned long)name, 0, 0, 0);
	return (void *)(long)same(name, arg);
}

KN_TEST(posix_thread, prctl_names_are_per_thread_and_truncated)
{
	struct kn_thread *a = kn_thread_create("a", named_thread, "first", 0);
	struct kn_thread *b = kn_thread_create("b", named_thread, "second", 0);
	void *ra = NULL, *rb = NULL;
	KN_ASSERT(a && b);
	kn_thread_join(a, &ra);
	kn_thread_join(b, &rb);
	KN_EXPECT(ra == (void *)1 && rb == (void *)1);

	char name[16];
	KN_EXPECT(kn_sys_prctl(PR_SET_NAME, (unsigned long)"a-name-longer-than-15", 0, 0, 0) == 0);
	KN_EXPECT(kn_sys_prctl(PR_GET_NAME, (unsigned long)name, 0, 0, 0) == 0);
	KN_EXPECT(same(name, "a-name-longer-t"));
	KN_EXPECT(kn_sys_prctl(PR_GET_NAME, 0, 0, 0, 0) == -KN_EFAULT);
	KN_EXPECT(kn_sys_prctl(PR_SET_NAME, 0, 0, 0, 0) == -KN_EFAULT);
}

KN_TEST(posix_thread, prctl_switches)
{
	KN_EXPECT(kn_sys_prctl(PR_GET_DUMPABLE, 0, 0, 0, 0) == 1);
	KN_EXPECT(kn_sys_prctl(PR_SET_DUMPABLE, 2, 0, 0, 0) == -KN_EINVAL);
	KN_EXPECT(kn_sys_prctl(PR_SET_NO_NEW_PRIVS, 0, 0, 0, 0) == -KN_EINVAL);
	KN_EXPECT(kn_sys_prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == 0);
	KN_EXPECT(kn_sys_prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) == 1);
	KN_EXPECT(kn_sys_prctl(12345, 0, 0, 0, 0) == -KN_EINVAL);
}

KN_TEST(posix_thread, scheduling_policy_is_normal_only)
{
	int prio = 0;
	KN_EXPECT(kn_sys_sched_getscheduler(0) == 0);
	KN_EXPECT(kn_sys_sched_getscheduler(-1) == -KN_EINVAL);
	KN_EXPECT(kn_sys_sched_getscheduler(99999) == -KN_ESRCH);
	KN_EXPECT(kn_sys_sched_setscheduler(0, 3 /* BATCH */, &prio) == 0);
	KN_EXPECT(kn_sys_sched_setscheduler(0, 7, &prio) == -KN_EINVAL);
	prio = 10;
	KN_EXPECT(kn_sys_sched_setscheduler(0, 1 /* FIFO */, &prio) == -KN_EPERM);
	KN_EXPECT(kn_sys_sched_setparam(0, &prio) == -KN_EINVAL);
	KN_EXPECT(kn_sys_sched_getparam(0, &prio) == 0 && prio == 0);
	KN_EXPECT(kn_sys_sched_getparam(0, 0) == -KN_EINVAL);
}

KN_TEST(posix_thread, membarrier_on_one_cpu)
{
	long q = kn_sys_membarrier(0, 0, 0);
	KN_EXPECT(q > 0 && (q & 1));
	KN_EXPECT(kn_sys_membarrier(1, 0, 0) == 0);
	KN_EXPECT(kn_sys_membarrier(1, 1, 0) == -KN_EINVAL);
	KN_EXPECT(kn_sys_membarrier(3, 0, 0) == -KN_EINVAL);
	KN_EXPECT(kn_sys_membarrier(64, 0, 0) == -KN_EINVAL);
}
