/* In-kernel tests of TLS, thread ids and scheduling calls. */
#include <kn/errno.h>
#include <kn/ktest.h>
#include <kn/posix_thread.h>
#include <kn/sched.h>

#define ARCH_SET_GS 0x1001
#define ARCH_SET_FS 0x1002
#define ARCH_GET_FS 0x1003

/* What a libc's TLS block starts with: a pointer to itself, read through
 * FS exactly as compiled TLS code does. */
struct tls_block {
	struct tls_block *self;
	long value;
};

static long fs_word(long offset)
{
	long v;
	__asm__ volatile("movq %%fs:(%1), %0" : "=r"(v) : "r"(offset) : "memory");
	return v;
}

static void *tls_thread(void *arg)
{
	struct tls_block block = {&block, (long)arg};
	int bad = 0;
	if (kn_sys_arch_prctl(ARCH_SET_FS, (unsigned long)&block))
		return (void *)1;
	for (int i = 0; i < 20; i++) {
		unsigned long got = 0;
		kn_sys_arch_prctl(ARCH_GET_FS, (unsigned long)&got);
		bad |= got != (unsigned long)&block;
		bad |= fs_word(0) != (long)&block || fs_word(8) != (long)arg;
		if (i % 3)
			kn_yield();
		else
			kn_sleep_ns(1000 * (i % 4));
	}
	return (void *)(long)bad;
}

KN_TEST(posix_thread, tls_per_thread_survives_switches)
{
	unsigned long saved = 1;
	KN_ASSERT(kn_sys_arch_prctl(ARCH_GET_FS, (unsigned long)&saved) == 0);
	struct tls_block mine = {&mine, -1};
	KN_ASSERT(kn_sys_arch_prctl(ARCH_SET_FS, (unsigned long)&mine) == 0);
	struct kn_thread *t[4];
	for (long i = 0; i < 4; i++)
		t[i] = kn_thread_create("tls", tls_thread, (void *)(100 + i), 0);
	for (int i = 0; i < 4; i++) {
		void *bad = (void *)1;
		KN_ASSERT(t[i]);
		KN_EXPECT(kn_thread_join(t[i], &bad) == 0 && !bad);
		KN_EXPECT(fs_word(0) == (long)&mine && fs_word(8) == -1);
	}
	KN_EXPECT(kn_sys_arch_prctl(ARCH_SET_FS, saved) == 0);
}

KN_TEST(posix_thread, arch_prctl_errors)
{
	unsigned long fs;
	KN_EXPECT(kn_sys_arch_prctl(ARCH_GET_FS, 0) == -KN_EFAULT);
	KN_EXPECT(kn_sys_arch_prctl(ARCH_GET_FS, 8) == -KN_EFAULT);
	KN_EXPECT(kn_sys_arch_prctl(ARCH_SET_GS, 0) == -KN_EINVAL);
	KN_EXPECT(kn_sys_arch_prctl(0x9999, (unsigned long)&fs) == -KN_EINVAL);
	KN_EXPECT(kn_sys_arch_prctl(ARCH_GET_FS, (unsigned long)&fs) == 0);
	/* A non-canonical base would fault when loaded: refused, unchanged. */
	KN_EXPECT(kn_sys_arch_prctl(ARCH_SET_FS, 0x0000800000000000ul) == -KN_EPERM);
	KN_EXPECT(kn_sys_arch_prctl(ARCH_SET_FS, 0x8000000000000000ul) == -KN_EPERM);
	unsigned long after = 1;
	KN_EXPECT(kn_sys_arch_prctl(ARCH_GET_FS, (unsigned long)&after) == 0 && after == fs);
}

static void *report_tid(void *arg)
{
	*(long *)arg = kn_sys_gettid();
	return NULL;
}

KN_TEST(posix_thread, thread_ids)
{
	KN_EXPECT(kn_sys_gettid() == KN_MAIN_THREAD_ID);
	long tids[5];
	struct kn_thread *t[5];
	for (int i = 0; i < 5; i++)
		t[i] = kn_thread_create("tid", report_tid, &tids[i], 0);
	for (int i = 0; i < 5; i++) {
		KN_ASSERT(t[i]);
		int id = kn_thread_id(t[i]);
		KN_EXPECT(kn_thread_join(t[i], 0) == 0);
		KN_EXPECT(tids[i] == id && id > KN_MAIN_THREAD_ID);
		for (int j = 0; j < i; j++)
			KN_EXPECT(tids[j] != tids[i]);
	}
	int word = 5;
	KN_EXPECT(kn_sys_set_tid_address(&word) == KN_MAIN_THREAD_ID);
	KN_EXPECT(word == 5); /* written only when the thread exits */
	KN_EXPECT(kn_sys_set_tid_address(0) == KN_MAIN_THREAD_ID);
}

KN_TEST(posix_thread, robust_list_is_stored)
{
	long head[3] = {0};
	void *got = NULL;
	size_t len = 0;
	KN_EXPECT(kn_sys_set_robust_list(head, 23) == -KN_EINVAL);
	KN_EXPECT(kn_sys_set_robust_list(head, sizeof(head)) == 0);
	KN_EXPECT(kn_sys_get_robust_list(0, &got, &len) == 0);
	KN_EXPECT(got == head && len == sizeof(head));
	got = 0;
	KN_EXPECT(kn_sys_get_robust_list(KN_MAIN_THREAD_ID, &got, &len) == 0 && got == head);
	KN_EXPECT(kn_sys_get_robust_list(0, 0, &len) == -KN_EFAULT);
	KN_EXPECT(kn_sys_get_robust_list(0, &got, (size_t *)8) == -KN_EFAULT);
	KN_EXPECT(kn_sys_get_robust_list(999999, &got, &len) == -KN_ESRCH);
	KN_EXPECT(kn_sys_set_robust_list(0, sizeof(head)) == 0);
}

static int ran;
static void *note_run(void *arg)
{
	ran++;
	return NULL;
}

KN_TEST(posix_thread, affinity_and_yield)
{
	unsigned long mask[2] = {0, 77};
	KN_EXPECT(kn_sys_sched_getaffinity(0, sizeof(mask), mask) == 8);
	KN_EXPECT(mask[0] == 1 && mask[1] == 77);
	KN_EXPECT(kn_sys_sched_getaffinity(KN_MAIN_THREAD_ID, 8, mask) == 8);
	KN_EXPECT(kn_sys_sched_getaffinity(0, 4, mask) == -KN_EINVAL);
	KN_EXPECT(kn_sys_sched_getaffinity(0, 12, mask) == -KN_EINVAL);
	KN_EXPECT(kn_sys_sched_getaffinity(0, 8, 0) == -KN_EFAULT);
	KN_EXPECT(kn_sys_sched_getaffinity(424242, 8, mask) == -KN_ESRCH);
	KN_EXPECT(kn_sys_sched_getaffinity(-1, 8, mask) == -KN_ESRCH);

	unsigned char cpu0[8] = {1}, cpu1[8] = {2}, many[128] = {0xff, 0xff};
	KN_EXPECT(kn_sys_sched_setaffinity(0, sizeof(cpu0), cpu0) == 0);
	KN_EXPECT(kn_sys_sched_setaffinity(0, sizeof(many), many) == 0);
	KN_EXPECT(kn_sys_sched_setaffinity(0, sizeof(cpu1), cpu1) == -KN_EINVAL);
	KN_EXPECT(kn_sys_sched_setaffinity(0, 0, cpu0) == -KN_EINVAL);
	KN_EXPECT(kn_sys_sched_setaffinity(0, 8, 0) == -KN_EFAULT);
	KN_EXPECT(kn_sys_sched_setaffinity(424242, 8, cpu0) == -KN_ESRCH);

	ran = 0;
	struct kn_thread *t = kn_thread_create("yield", note_run, 0, 0);
	KN_ASSERT(t);
	KN_EXPECT(ran == 0);
	KN_EXPECT(kn_sys_sched_yield() == 0);
	KN_EXPECT(ran == 1);
	KN_EXPECT(kn_thread_join(t, 0) == 0);
}
