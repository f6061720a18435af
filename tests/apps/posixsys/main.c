/* Runs the in-kernel tests of the image (all, or those whose suite.name
 * starts with argv[1]), or one of these checks of boot-time behaviour:
 *   kill N   send signal N to itself with its default action
 *   uname    print uname's fields (the host name is a kernel parameter)
 *   brk      print whether the program break can grow by 64 KiB */
#include <kn/console.h>
#include <kn/ktest.h>
#include <kn/mman.h>
#include <kn/posix_process.h>
#include <kn/posix_signal.h>

static int parse_int(const char *s)
{
	int v = 0;
	while (*s >= '0' && *s <= '9')
		v = v * 10 + (*s++ - '0');
	return v;
}

static int is(const char *a, const char *b)
{
	while (*a && *a == *b)
		a++, b++;
	return *a == *b;
}

int main(int argc, char *argv[])
{
	if (argc > 2 && is(argv[1], "kill")) {
		int sig = parse_int(argv[2]);
		kn_printk("posixsys: sending signal %d to myself\n", sig);
		long r = kn_sys_kill(1, sig);
		kn_printk("posixsys: still running after kill (%ld)\n", r);
		return 0;
	}
	if (argc > 1 && is(argv[1], "uname")) {
		struct kn_utsname u;
		if (kn_sys_uname(&u))
			return 1;
		kn_printk("posixsys: uname sysname=%s nodename=%s release=%s machine=%s\n",
			  u.sysname, u.nodename, u.release, u.machine);
		return 0;
	}
	if (argc > 1 && is(argv[1], "brk")) {
		long cur = kn_sys_brk(0);
		long grown = kn_sys_brk((void *)(cur + 65536));
		kn_printk("posixsys: brk grows: %s\n", cur && grown == cur + 65536 ? "yes" : "no");
		return 0;
	}
	return kn_ktest_run_all(argc > 1 ? argv[1] : 0) ? 1 : 0;
}
