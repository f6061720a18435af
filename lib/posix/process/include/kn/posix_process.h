/* posix-process: identity and system information of the one process a
 * unikernel runs. Its pid (and its main thread's tid) is KN_PID_SELF; its
 * parent is 0, like init's; it leads its own session and process group;
 * it starts as root (all ids 0), and the set*id calls follow Linux's
 * permission rules from there. */
#ifndef KN_POSIX_PROCESS_H
#define KN_POSIX_PROCESS_H

#include <stddef.h>
#include <stdint.h>
#include <kn/compiler.h>

#define KN_PID_SELF 1

#define KN_UTS_LEN 65
struct kn_utsname {
	char sysname[KN_UTS_LEN], nodename[KN_UTS_LEN], release[KN_UTS_LEN], version[KN_UTS_LEN],
		machine[KN_UTS_LEN], domainname[KN_UTS_LEN];
};

struct kn_sysinfo {
	long uptime;
	unsigned long loads[3];
	unsigned long totalram, freeram, sharedram, bufferram, totalswap, freeswap;
	unsigned short procs, pad;
	unsigned long totalhigh, freehigh;
	unsigned int mem_unit;
	char reserved[20 - 2 * sizeof(long) - sizeof(int)];
};

#define KN_RLIMIT_CPU 0
#define KN_RLIMIT_FSIZE 1
#define KN_RLIMIT_DATA 2
#define KN_RLIMIT_STACK 3
#define KN_RLIMIT_CORE 4
#define KN_RLIMIT_NOFILE 7
#define KN_RLIMIT_AS 9
#define KN_RLIM_NLIMITS 16
#define KN_RLIM_INFINITY (~0UL)
struct kn_rlimit {
	uint64_t rlim_cur, rlim_max;
};

struct kn_rusage {
	struct {
		int64_t tv_sec, tv_usec;
	} ru_utime, ru_stime;
	long ru_maxrss, ru_ixrss, ru_idrss, ru_isrss, ru_minflt, ru_majflt, ru_nswap, ru_inblock,
		ru_oublock, ru_msgsnd, ru_msgrcv, ru_nsignals, ru_nvcsw, ru_nivcsw;
};
#define KN_RUSAGE_SELF 0
#define KN_RUSAGE_CHILDREN (-1)
#define KN_RUSAGE_THREAD 1

#define KN_GRND_NONBLOCK 1
#define KN_GRND_RANDOM 2
#define KN_GRND_INSECURE 4

KN_API_BEGIN
/* Fills buf with n cryptographically strong random bytes (ChaCha20,
 * keyed from RDRAND when the CPU has it and from timing jitter
 * otherwise). For /dev/random and friends. */
void kn_random_bytes(void *buf, size_t n);

long kn_sys_getpid(void);
long kn_sys_getppid(void);
long kn_sys_getuid(void);
long kn_sys_geteuid(void);
long kn_sys_getgid(void);
long kn_sys_getegid(void);
long kn_sys_getresuid(uint32_t *r, uint32_t *e, uint32_t *s);
long kn_sys_getresgid(uint32_t *r, uint32_t *e, uint32_t *s);
long kn_sys_setuid(uint32_t uid);
long kn_sys_setgid(uint32_t gid);
long kn_sys_setreuid(uint32_t r, uint32_t e);
long kn_sys_setregid(uint32_t r, uint32_t e);
long kn_sys_setresuid(uint32_t r, uint32_t e, uint32_t s);
long kn_sys_setresgid(uint32_t r, uint32_t e, uint32_t s);
long kn_sys_setfsuid(uint32_t uid);
long kn_sys_setfsgid(uint32_t gid);
long kn_sys_getgroups(int size, uint32_t *list);
long kn_sys_setgroups(int size, const uint32_t *list);
long kn_sys_getpgid(int pid);
long kn_sys_setpgid(int pid, int pgid);
long kn_sys_getpgrp(void);
long kn_sys_getsid(int pid);
long kn_sys_setsid(void);
long kn_sys_uname(struct kn_utsname *buf);
long kn_sys_sethostname(const char *name, size_t len);
long kn_sys_setdomainname(const char *name, size_t len);
long kn_sys_sysinfo(struct kn_sysinfo *info);
long kn_sys_getrandom(void *buf, size_t len, unsigned flags);
long kn_sys_getrlimit(unsigned res, struct kn_rlimit *rl);
long kn_sys_setrlimit(unsigned res, const struct kn_rlimit *rl);
long kn_sys_prlimit64(int pid, unsigned res, const struct kn_rlimit *new_rl,
		      struct kn_rlimit *old_rl);
long kn_sys_getrusage(int who, struct kn_rusage *ru);
long kn_sys_getcpu(unsigned *cpu, unsigned *node, void *cache);
long kn_sys_sched_get_priority_max(int policy);
long kn_sys_sched_get_priority_min(int policy);
KN_API_END

#endif
