/* In-kernel tests of kn_clone: what musl's pthread_create and
 * pthread_join rely on. */
#include <kn/alloc.h>
#include <kn/clone.h>
#include <kn/errno.h>
#include <kn/ktest.h>
#include <kn/posix_thread.h>
#include <kn/sched.h>

#define CLONE_VM 0x00000100
#define CLONE_FS 0x00000200
#define CLONE_FILES 0x00000400
#define CLONE_SIGHAND 0x00000800
#define CLONE_VFORK 0x00004000
#define CLONE_THREAD 0x00010000
#define CLONE_NEWNS 0x00020000
#define CLONE_SYSVSEM 0x00040000
#define CLONE_SETTLS 0x00080000
#define CLONE_PARENT_SETTID 0x00100000
#define CLONE_CHILD_CLEARTID 0x00200000
#define CLONE_DETACHED 0x00400000
#define CLONE_CHILD_SETTID 0x01000000
/* What musl 1.2's pthread_create passes. */
#define MUSL_FLAGS                                                                                 \
	(CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD | CLONE_SYSVSEM |        \
	 CLONE_SETTLS | CLONE_PARENT_SETTID | CLONE_CHILD_CLEARTID | CLONE_DETACHED)
#define FUTEX_WAIT 0
#define ARCH_GET_FS 0x1003

#define N 4
#define STACK 16384
static char stacks[N][STACK] __attribute__((aligned(16)));

struct child {
	struct child *self; /* TLS block: FS points here */
	int tid_seen;
	int ran;
	unsigned long fs_seen;
	int tid; /* ptid and ctid, as musl shares one word */
};

static long fs_word0(void)
{
	long v;
	__asm__ volatile("movq %%fs:0, %0" : "=r"(v) : : "memory");
	return v;
}

static int child_main(void *arg)
{
	struct child *c = arg;
	c->tid_seen = (int)kn_sys_gettid();
	kn_yield();
	c->fs_seen = (unsigned long)fs_word0();
	c->ran++;
	return 0;
}

/* pthread_join's loop: wait on the tid word until the exit clears it. */
static void join_tid(int *word)
{
	int v;
	while ((v = __atomic_load_n(word, __ATOMIC_ACQUIRE)))
		kn_sys_futex((uint32_t *)word, FUTEX_WAIT, (uint32_t)v, 0, 0, 0);
}

KN_TEST(posix_thread, clone_runs_threads_with_tls_and_cleartid_join)
{
	static struct child c[N];
	for (int i = 0; i < N; i++) {
		c[i] = (struct child){.self = &c[i]};
		int tid = kn_clone(child_main, stacks[i] + STACK, MUSL_FLAGS, &c[i], &c[i].tid,
				   &c[i], &c[i].tid);
		KN_ASSERT(tid > KN_MAIN_THREAD_ID);
		KN_EXPECT(c[i].tid == tid); /* CLONE_PARENT_SETTID, before it ran */
		KN_EXPECT(c[i].ran == 0);
		for (int j = 0; j < i; j++)
			KN_EXPECT(c[j].tid != tid);
	}
	int tids[N];
	for (int i = 0; i < N; i++)
		tids[i] = c[i].tid;
	for (int i = N; i-- > 0;) {
		join_tid(&c[i].tid);
		KN_EXPECT(c[i].ran == 1);
		KN_EXPECT(c[i].tid_seen == tids[i]);
		KN_EXPECT(c[i].fs_seen == (unsigned long)&c[i]);
	}
	unsigned long fs = 1;
	KN_EXPECT(kn_sys_arch_prctl(ARCH_GET_FS, (unsigned long)&fs) == 0 && fs == 0);
}

static int exits_early(void *arg)
{
	*(int *)arg = 1;
	kn_sys_exit(3);
	*(int *)arg = 2; /* never reached */
	return 0;
}

KN_TEST(posix_thread, clone_child_exit_syscall_clears_tid)
{
	int step = 0, ctid = -1;
	int tid = kn_clone(exits_early, stacks[0] + STACK,
			   CLONE_VM | CLONE_SIGHAND | CLONE_THREAD | CLONE_CHILD_SETTID |
				   CLONE_CHILD_CLEARTID,
			   &step, 0, 0, &ctid);
	KN_ASSERT(tid > 0);
	KN_EXPECT(ctid == tid); /* CLONE_CHILD_SETTID */
	join_tid(&ctid);
	KN_EXPECT(step == 1 && ctid == 0);
}

static int inherit_fs(void *arg)
{
	*(unsigned long *)arg = (unsigned long)fs_word0();
	return 0;
}

KN_TEST(posix_thread, clone_without_settls_inherits_the_thread_pointer)
{
	static struct child mine;
	mine.self = &mine;
	unsigned long seen = 0;
	int ctid = 0;
	KN_ASSERT(kn_sys_arch_prctl(0x1002, (unsigned long)&mine) == 0);
	int tid = kn_clone(inherit_fs, stacks[1] + STACK,
			   CLONE_VM | CLONE_SIGHAND | CLONE_THREAD | CLONE_PARENT_SETTID |
				   CLONE_CHILD_CLEARTID,
			   &seen, &ctid, 0, &ctid);
	KN_ASSERT(tid > 0);
	join_tid(&ctid);
	KN_EXPECT(seen == (unsigned long)&mine);
	KN_EXPECT(kn_sys_arch_prctl(0x1002, 0) == 0);
}

static int never(void *arg)
{
	return 0;
}

KN_TEST(posix_thread, clone_refuses_what_it_cannot_do)
{
	int w = 0;
	void *top = stacks[2] + STACK;
	KN_EXPECT(kn_clone(never, top, 0, 0, 0, 0, 0) == -KN_ENOSYS); /* fork */
	KN_EXPECT(kn_clone(never, top, CLONE_VM | CLONE_VFORK, 0, 0, 0, 0) == -KN_ENOSYS);
	KN_EXPECT(kn_clone(never, top, CLONE_VM | CLONE_SIGHAND, 0, 0, 0, 0) == -KN_ENOSYS);
	KN_EXPECT(kn_clone(never, top, CLONE_VM | CLONE_THREAD, 0, 0, 0, 0) == -KN_EINVAL);
	KN_EXPECT(kn_clone(never, top, MUSL_FLAGS | CLONE_NEWNS, 0, &w, 0, &w) == -KN_EINVAL);
	KN_EXPECT(kn_clone(never, top, MUSL_FLAGS | CLONE_VFORK, 0, &w, 0, &w) == -KN_EINVAL);
	KN_EXPECT(kn_clone(never, 0, MUSL_FLAGS, 0, &w, 0, &w) == -KN_EINVAL);
	KN_EXPECT(kn_clone(0, top, MUSL_FLAGS, 0, &w, 0, &w) == -KN_EINVAL);
	KN_EXPECT(kn_clone(never, top, MUSL_FLAGS, 0, 0, 0, &w) == -KN_EFAULT);
	KN_EXPECT(kn_clone(never, top, MUSL_FLAGS, 0, &w, 0, (int *)8) == -KN_EFAULT);
	KN_EXPECT(kn_clone(never, top, MUSL_FLAGS, 0, &w, (void *)0x0000900000000000ul, &w) ==
		  -KN_EPERM);
	KN_EXPECT(w == 0); /* nothing was started or written */
}

static int count;
static int bump(void *arg)
{
	count++;
	return 0;
}

/* Many short-lived clones on reused stacks: each one's control block is
 * freed, and tids keep being unique. */
KN_TEST(posix_thread, clone_churn)
{
	int last = 0;
	count = 0;
	for (int round = 0; round < 200; round++) {
		int word = 0;
		int tid = kn_clone(bump, stacks[round % N] + STACK, MUSL_FLAGS, 0, &word, 0, &word);
		KN_ASSERT(tid > last);
		last = tid;
		join_tid(&word);
	}
	KN_EXPECT(count == 200);
}

/* A detached libc thread frees its own stack on the way out. */
static int stack_released;

static void release_stack(void *base, size_t len)
{
	stack_released++;
	kn_pfree(base, len / KN_PAGE_SIZE);
}

static int frees_own_stack(void *stack)
{
	kn_yield();
	kn_exit_thread(0, release_stack, stack, 4 * KN_PAGE_SIZE);
}

KN_TEST(posix_thread, exiting_thread_releases_its_own_stack)
{
	struct kn_alloc_stats before, after;
	kn_alloc_stats(&before);
	int word = 0;
	char *stack = kn_palloc(4);
	KN_ASSERT(stack);
	stack_released = 0;
	int tid = kn_clone(frees_own_stack, stack + 4 * KN_PAGE_SIZE, MUSL_FLAGS, stack, &word, 0,
			   &word);
	KN_ASSERT(tid > 0);
	join_tid(&word);
	for (int i = 0; i < 3 && !stack_released; i++)
		kn_yield();
	KN_EXPECT(stack_released == 1);
	kn_alloc_stats(&after);
	KN_EXPECT(after.allocs == before.allocs); /* stack, thread and record */
}
