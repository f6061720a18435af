/* Identity and system information. */
#include <stdint.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/sysinfo.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "check.h"

void test_identity(void)
{
	CHECK(getpid() > 0 && getppid() >= 0);
	CHECK(getpid() == getpid());
	CHECK(syscall(SYS_gettid) == getpid()); /* the main thread */
	CHECK(getuid() == geteuid() && getgid() == getegid());

	struct utsname u;
	CHECK(uname(&u) == 0 && strcmp(u.sysname, "Linux") == 0 &&
	      strcmp(u.machine, "x86_64") == 0);

	struct sysinfo si;
	CHECK(sysinfo(&si) == 0 && si.totalram > 0 && si.freeram <= si.totalram);

	unsigned char r1[32], r2[32];
	CHECK(getrandom(r1, sizeof r1, 0) == 32 && getrandom(r2, sizeof r2, GRND_NONBLOCK) == 32);
	CHECK(memcmp(r1, r2, sizeof r1) != 0);
	CHECK_ERR(getrandom(r1, sizeof r1, 0x4000), EINVAL);
	CHECK_ERR(getrandom(nowhere, 16, 0), EFAULT);

	struct rlimit rl;
	CHECK(getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur >= 64);
	CHECK(getrlimit(RLIMIT_STACK, &rl) == 0 && rl.rlim_cur > 0);
	CHECK(prlimit(0, RLIMIT_NOFILE, NULL, &rl) == 0);

	/* An unknown system call: ENOSYS (Kiln logs its name once). */
	CHECK_ERR(syscall(1000), ENOSYS);
}
