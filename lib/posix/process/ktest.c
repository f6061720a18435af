/* In-kernel tests of posix-process: every call with good and bad
 * arguments. Tests that drop root take it back before they end. */
#include <kn/alloc.h>
#include <kn/errno.h>
#include <kn/ktest.h>
#include <kn/posix_process.h>
#include <kn/vfs.h>

#define BAD ((void *)8)
#define NO_ID 0xffffffffu

static int streq(const char *a, const char *b)
{
	while (*a && *a == *b)
		a++, b++;
	return *a == *b;
}

static int contains(const char *s, const char *part)
{
	for (; *s; s++) {
		size_t i = 0;
		while (part[i] && s[i] == part[i])
			i++;
		if (!part[i])
			return 1;
	}
	return 0;
}

KN_TEST(posix_process, pids_sessions_groups)
{
	KN_EXPECT(kn_sys_getpid() == KN_PID_SELF);
	KN_EXPECT(kn_sys_getppid() == 0);
	KN_EXPECT(kn_sys_getpgid(0) == KN_PID_SELF && kn_sys_getpgid(KN_PID_SELF) == KN_PID_SELF);
	KN_EXPECT(kn_sys_getpgid(77) == -KN_ESRCH && kn_sys_getpgid(-1) == -KN_ESRCH);
	KN_EXPECT(kn_sys_getpgrp() == KN_PID_SELF);
	KN_EXPECT(kn_sys_getsid(0) == KN_PID_SELF && kn_sys_getsid(5) == -KN_ESRCH);
	KN_EXPECT(kn_sys_setsid() == -KN_EPERM); /* already a session leader */
	KN_EXPECT(kn_sys_setpgid(0, 0) == -KN_EPERM);
	KN_EXPECT(kn_sys_setpgid(0, -1) == -KN_EINVAL);
	KN_EXPECT(kn_sys_setpgid(42, 0) == -KN_ESRCH);
	uint32_t g[4] = {9, 9, 9, 9};
	KN_EXPECT(kn_sys_getgroups(0, 0) == 0);
	static const uint32_t want[3] = {10, 20, 30};
	KN_EXPECT(kn_sys_setgroups(3, want) == 0);
	KN_EXPECT(kn_sys_getgroups(0, 0) == 3);
	KN_EXPECT(kn_sys_getgroups(2, g) == -KN_EINVAL);
	KN_EXPECT(kn_sys_getgroups(4, g) == 3 && g[0] == 10 && g[2] == 30 && g[3] == 9);
	KN_EXPECT(kn_sys_getgroups(4, BAD) == -KN_EFAULT);
	KN_EXPECT(kn_sys_getgroups(-1, g) == -KN_EINVAL);
	KN_EXPECT(kn_sys_setgroups(2, BAD) == -KN_EFAULT);
	KN_EXPECT(kn_sys_setgroups(-1, want) == -KN_EINVAL);
	KN_EXPECT(kn_sys_setgroups(70000, want) == -KN_EINVAL);
	KN_EXPECT(kn_sys_setgroups(0, 0) == 0 && kn_sys_getgroups(0, 0) == 0);
}

KN_TEST(posix_process, uname_and_hostnames)
{
	struct kn_utsname u;
	KN_ASSERT(kn_sys_uname(&u) == 0);
	KN_EXPECT(streq(u.sysname, "Linux") && streq(u.machine, "x86_64"));
	KN_EXPECT(contains(u.release, "kiln") && contains(u.version, "Kiln"));
	KN_EXPECT(u.nodename[0] != 0);
	KN_EXPECT(kn_sys_uname(BAD) == -KN_EFAULT);
	KN_EXPECT(kn_sys_uname(0) == -KN_EFAULT);
	KN_EXPECT(kn_sys_sethostname("oven", 4) == 0);
	KN_EXPECT(kn_sys_uname(&u) == 0 && streq(u.nodename, "oven"));
	char long_name[80];
	__builtin_memset(long_name, 'a', sizeof(long_name));
	KN_EXPECT(kn_sys_sethostname(long_name, 65) == -KN_EINVAL);
	KN_EXPECT(kn_sys_sethostname(BAD, 4) == -KN_EFAULT);
	KN_EXPECT(kn_sys_setdomainname("example", 7) == 0);
	KN_EXPECT(kn_sys_uname(&u) == 0 && streq(u.domainname, "example"));
}

KN_TEST(posix_process, sysinfo_reports_heap_and_uptime)
{
	struct kn_sysinfo si;
	KN_EXPECT(sizeof(si) == 112);
	KN_ASSERT(kn_sys_sysinfo(&si) == 0);
	struct kn_alloc_stats st;
	kn_alloc_stats(&st);
	KN_EXPECT(si.totalram == st.total && si.freeram <= si.totalram && si.freeram > 0);
	KN_EXPECT(si.mem_unit == 1 && si.procs == 1 && si.uptime >= 0);
	KN_EXPECT(kn_sys_sysinfo(BAD) == -KN_EFAULT);
}

KN_TEST(posix_process, getrandom_flags_and_output)
{
	unsigned char a[64], b[64];
	__builtin_memset(a, 0, sizeof(a));
	__builtin_memset(b, 0, sizeof(b));
	KN_EXPECT(kn_sys_getrandom(a, sizeof(a), 0) == 64);
	KN_EXPECT(kn_sys_getrandom(b, sizeof(b), KN_GRND_NONBLOCK | KN_GRND_RANDOM) == 64);
	KN_EXPECT(__builtin_memcmp(a, b, 64) != 0);
	int zeros = 0;
	for (int i = 0; i < 64; i++)
		zeros += !a[i];
	KN_EXPECT(zeros < 8); /* 64 random bytes: a handful of zeros at most */
	KN_EXPECT(kn_sys_getrandom(a, 0, 0) == 0);
	KN_EXPECT(kn_sys_getrandom(a, 5, KN_GRND_INSECURE) == 5);
	KN_EXPECT(kn_sys_getrandom(a, 5, 8) == -KN_EINVAL);
	KN_EXPECT(kn_sys_getrandom(a, 5, KN_GRND_INSECURE | KN_GRND_RANDOM) == -KN_EINVAL);
	KN_EXPECT(kn_sys_getrandom(BAD, 5, 0) == -KN_EFAULT);
	KN_EXPECT(kn_sys_getrandom(0, 5, 0) == -KN_EFAULT);
	/* Byte values spread over the whole range. */
	static unsigned char big[4096];
	KN_EXPECT(kn_sys_getrandom(big, sizeof(big), 0) == 4096);
	unsigned seen_hi = 0, seen_lo = 0;
	for (int i = 0; i < 4096; i++) {
		seen_hi |= big[i] >= 128;
		seen_lo |= big[i] < 128;
	}
	KN_EXPECT(seen_hi && seen_lo);
}

KN_TEST(posix_process, rlimits_rusage_cpu_priorities)
{
	struct kn_rlimit rl;
	KN_EXPECT(kn_sys_getrlimit(KN_RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur == KN_FD_MAX &&
		  rl.rlim_max == KN_FD_MAX);
	KN_EXPECT(kn_sys_getrlimit(KN_RLIMIT_STACK, &rl) == 0 && rl.rlim_cur >= 16384 &&
		  rl.rlim_cur != KN_RLIM_INFINITY);
	KN_EXPECT(kn_sys_getrlimit(16, &rl) == -KN_EINVAL);
	KN_EXPECT(kn_sys_getrlimit(KN_RLIMIT_NOFILE, BAD) == -KN_EFAULT);
	struct kn_rlimit small = {64, KN_FD_MAX}, inverted = {100, 50}, huge = {10, 1 << 20};
	KN_EXPECT(kn_sys_setrlimit(KN_RLIMIT_NOFILE, &small) == 0);
	KN_EXPECT(kn_sys_getrlimit(KN_RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur == 64);
	KN_EXPECT(kn_sys_setrlimit(KN_RLIMIT_NOFILE, &inverted) == -KN_EINVAL);
	KN_EXPECT(kn_sys_setrlimit(KN_RLIMIT_NOFILE, &huge) == -KN_EPERM);
	KN_EXPECT(kn_sys_setrlimit(KN_RLIMIT_NOFILE, BAD) == -KN_EFAULT);
	struct kn_rlimit old, back = {KN_FD_MAX, KN_FD_MAX};
	KN_EXPECT(kn_sys_prlimit64(0, KN_RLIMIT_NOFILE, &back, &old) == 0 && old.rlim_cur == 64);
	KN_EXPECT(kn_sys_prlimit64(KN_PID_SELF, KN_RLIMIT_NOFILE, 0, &old) == 0 &&
		  old.rlim_cur == KN_FD_MAX);
	KN_EXPECT(kn_sys_prlimit64(2, KN_RLIMIT_NOFILE, 0, &old) == -KN_ESRCH);
	KN_EXPECT(kn_sys_prlimit64(0, 99, 0, &old) == -KN_EINVAL);
	KN_EXPECT(kn_sys_prlimit64(0, KN_RLIMIT_CORE, 0, BAD) == -KN_EFAULT);

	struct kn_rusage ru;
	KN_EXPECT(kn_sys_getrusage(KN_RUSAGE_SELF, &ru) == 0 && ru.ru_maxrss > 0);
	KN_EXPECT(ru.ru_utime.tv_usec >= 0 && ru.ru_utime.tv_usec < 1000000);
	KN_EXPECT(kn_sys_getrusage(KN_RUSAGE_CHILDREN, &ru) == 0 && ru.ru_maxrss == 0);
	KN_EXPECT(kn_sys_getrusage(KN_RUSAGE_THREAD, &ru) == 0);
	KN_EXPECT(kn_sys_getrusage(5, &ru) == -KN_EINVAL);
	KN_EXPECT(kn_sys_getrusage(KN_RUSAGE_SELF, BAD) == -KN_EFAULT);

	unsigned cpu = 7, node = 7;
	KN_EXPECT(kn_sys_getcpu(&cpu, &node, 0) == 0 && cpu == 0 && node == 0);
	KN_EXPECT(kn_sys_getcpu(0, 0, 0) == 0);
	KN_EXPECT(kn_sys_getcpu(BAD, 0, 0) == -KN_EFAULT);
	KN_EXPECT(kn_sys_sched_get_priority_max(1) == 99 && kn_sys_sched_get_priority_min(1) == 1);
	KN_EXPECT(kn_sys_sched_get_priority_max(0) == 0 && kn_sys_sched_get_priority_min(0) == 0);
	KN_EXPECT(kn_sys_sched_get_priority_max(4) == -KN_EINVAL);
	KN_EXPECT(kn_sys_sched_get_priority_min(-1) == -KN_EINVAL);
}

KN_TEST(posix_process, ids_start_as_root_and_can_drop)
{
	uint32_t r = 9, e = 9, s = 9;
	KN_EXPECT(kn_sys_getuid() == 0 && kn_sys_geteuid() == 0);
	KN_EXPECT(kn_sys_getgid() == 0 && kn_sys_getegid() == 0);
	KN_EXPECT(kn_sys_getresuid(&r, &e, &s) == 0 && !r && !e && !s);
	KN_EXPECT(kn_sys_getresgid(&r, &e, &s) == 0 && !r && !e && !s);
	KN_EXPECT(kn_sys_getresuid(BAD, &e, &s) == -KN_EFAULT);
	KN_EXPECT(kn_sys_getresgid(&r, &e, BAD) == -KN_EFAULT);
	KN_EXPECT(kn_sys_setuid(0) == 0 && kn_sys_setgid(0) == 0);
	KN_EXPECT(kn_sys_setuid(NO_ID) == -KN_EINVAL);
	KN_EXPECT(kn_sys_setresgid(NO_ID, NO_ID, NO_ID) == 0);
	KN_EXPECT(kn_sys_setfsuid(NO_ID) == 0);
	/* Drop to 1000 keeping root as the saved id, then come back. */
	KN_EXPECT(kn_sys_setresuid(0, 1000, 0) == 0 && kn_sys_geteuid() == 1000);
	KN_EXPECT(kn_sys_setgroups(0, 0) == -KN_EPERM);
	KN_EXPECT(kn_sys_setuid(2000) == -KN_EPERM);
	KN_EXPECT(kn_sys_setreuid(NO_ID, 0) == 0 && kn_sys_geteuid() == 0);
	KN_EXPECT(kn_sys_setregid(5, 5) == 0 && kn_sys_getgid() == 5 && kn_sys_getegid() == 5);
	KN_EXPECT(kn_sys_setgid(0) == 0 && kn_sys_getgid() == 0);
	KN_EXPECT(kn_sys_setfsgid(7) == 0 && kn_sys_setfsgid(NO_ID) == 7);
	KN_EXPECT(kn_sys_setgid(0) == 0);
	/* Unprivileged, root only as the saved id: only ids it has. */
	KN_EXPECT(kn_sys_setresuid(1000, 1000, 0) == 0);
	KN_EXPECT(kn_sys_setuid(2000) == -KN_EPERM);
	KN_EXPECT(kn_sys_setresuid(2000, NO_ID, NO_ID) == -KN_EPERM);
	KN_EXPECT(kn_sys_setgid(3) == -KN_EPERM);
	KN_EXPECT(kn_sys_setgroups(0, 0) == -KN_EPERM);
	/* The saved id may become the effective one (then root again). */
	KN_EXPECT(kn_sys_setuid(0) == 0 && kn_sys_geteuid() == 0 && kn_sys_getuid() == 1000);
	KN_EXPECT(kn_sys_setresuid(0, 0, 0) == 0);
	KN_EXPECT(kn_sys_getresuid(&r, &e, &s) == 0 && !r && !e && !s);
	KN_EXPECT(kn_sys_setuid(0) == 0); /* root again: sets all three */
}
