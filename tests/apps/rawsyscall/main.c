/* The trap path: every call below is a `syscall` instruction, as an
 * unmodified Linux binary would issue it, entering the kernel through
 * MSR_LSTAR (kvm only: on linuxu it would reach the host kernel). Prints
 * one line per check and a summary; exits 0 only if every check passed. */
#include <stddef.h>
#include <stdint.h>

#ifndef CONFIG_PLATFORM_KVM
#error "rawsyscall needs the kvm platform: on linuxu a raw syscall reaches the host kernel"
#endif

#define NR_read 0
#define NR_write 1
#define NR_open 2
#define NR_close 3
#define NR_mmap 9
#define NR_munmap 11
#define NR_getpid 39
#define NR_clock_gettime 228
#define NR_kexec_load 246 /* a real call nothing in the image implements */
#define ENOSYS 38
#define EFAULT 14
#define EBADF 9

static long raw(long nr, long a1, long a2, long a3, long a4, long a5, long a6)
{
	long ret;
	register long r10 __asm__("r10") = a4;
	register long r8 __asm__("r8") = a5;
	register long r9 __asm__("r9") = a6;
	__asm__ volatile("syscall"
			 : "=a"(ret)
			 : "a"(nr), "D"(a1), "S"(a2), "d"(a3), "r"(r10), "r"(r8), "r"(r9)
			 : "rcx", "r11", "memory");
	return ret;
}

#define SYS(nr, ...) raw_args(nr, __VA_ARGS__, 0, 0, 0, 0, 0, 0)
#define raw_args(nr, a, b, c, d, e, f, ...)                                                        \
	raw(nr, (long)(a), (long)(b), (long)(c), (long)(d), (long)(e), (long)(f))

static size_t len(const char *s)
{
	size_t n = 0;
	while (s[n])
		n++;
	return n;
}

static void say(const char *s)
{
	SYS(NR_write, 1, s, len(s));
}

static int passed, failed;

static void check(int ok, const char *what)
{
	say(ok ? "rawsyscall: PASS " : "rawsyscall: FAIL ");
	say(what);
	say("\n");
	if (ok)
		passed++;
	else
		failed++;
}

static void say_num(long v)
{
	char buf[24];
	int i = sizeof(buf);
	buf[--i] = 0;
	do {
		buf[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	say(buf + i);
}

int main(void)
{
	static const char hello[] = "rawsyscall: hello through the trap path\n";
	check(SYS(NR_write, 1, hello, sizeof(hello) - 1) == (long)sizeof(hello) - 1, "write");
	check(SYS(NR_getpid, 0) == 1, "getpid");

	struct {
		int64_t sec, nsec;
	} t1 = {-1, -1}, t2 = {-1, -1};
	check(SYS(NR_clock_gettime, 1, &t1) == 0 && t1.sec >= 0 && t1.nsec >= 0 &&
		      t1.nsec < 1000000000,
	      "clock_gettime");
	SYS(NR_clock_gettime, 1, &t2);
	check(t2.sec > t1.sec || (t2.sec == t1.sec && t2.nsec >= t1.nsec), "monotonic");

	long fd = SYS(NR_open, "/dev/zero", 0, 0);
	check(fd >= 0, "open /dev/zero");
	unsigned char buf[64];
	for (int i = 0; i < 64; i++)
		buf[i] = 0xff;
	long n = SYS(NR_read, fd, buf, sizeof(buf));
	int zeros = n == 64;
	for (int i = 0; i < 64; i++)
		zeros &= buf[i] == 0;
	check(zeros, "read /dev/zero");
	check(SYS(NR_close, fd) == 0, "close");
	check(SYS(NR_close, fd) == -EBADF, "close again is EBADF");

	long p = SYS(NR_mmap, 0, 8192, 3, 0x22 /* PRIVATE|ANONYMOUS */, -1, 0);
	int mapped = p > 0 && !(p & 4095);
	if (mapped) {
		volatile unsigned char *m = (void *)p;
		mapped = m[0] == 0 && m[8191] == 0;
		m[0] = 1;
		m[8191] = 2;
	}
	check(mapped, "mmap anonymous");
	check(mapped && SYS(NR_munmap, p, 8192) == 0, "munmap");

	check(SYS(NR_kexec_load, 0, 0, 0, 0) == -ENOSYS, "unknown syscall is ENOSYS");
	check(SYS(NR_kexec_load, 0, 0, 0, 0) == -ENOSYS, "unknown syscall again (logged once)");
	check(raw(100000, 0, 0, 0, 0, 0, 0) == -ENOSYS, "out-of-table number is ENOSYS");

	check(SYS(NR_write, 1, (void *)8, 10) == -EFAULT, "write from a bad pointer is EFAULT");
	check(SYS(NR_clock_gettime, 1, 0) == -EFAULT, "clock_gettime to NULL is EFAULT");
	check(SYS(NR_read, 0, (void *)16, 4) == -EFAULT, "read into a bad pointer is EFAULT");

	say("rawsyscall: ");
	say_num(passed);
	say(" passed, ");
	say_num(failed);
	say(" failed\n");
	return failed ? 1 : 0;
}
