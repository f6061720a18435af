/* Cycles of open+close of an existing file (/etc/x in ramfs, created
 * first): by direct calls to kn_sys_open/kn_sys_close (the shim path libc
 * uses) and, on kvm, by raw `syscall` instructions (the trap path).
 * Batches are interleaved with the empty loop's. Args: [iterations per
 * batch] [batches] [path]. */
#include <kn/console.h>
#include <kn/plat.h>
#include <kn/syscall.h>
#include <kn/vfs.h>

/* Results are the program's output: stdout (kn_printk is stderr). */
#define BENCH_PRINT kn_console_printf
#include "cycles.h"

#define NR_OPEN 2
#define NR_CLOSE 3

static long open_close_direct(const char *path)
{
	long fd = kn_sys_open(path, KN_O_RDONLY, 0);
	return kn_sys_close((int)fd) | fd;
}

#ifdef CONFIG_PLATFORM_KVM
static long open_close_trap(const char *path)
{
	long fd = bench_raw_syscall3(NR_OPEN, (long)path, KN_O_RDONLY, 0);
	return bench_raw_syscall3(NR_CLOSE, fd, 0, 0) | fd;
}
#endif

/* Creates path (and its parent folder) with a few bytes in it. */
static int create(const char *path)
{
	char dir[64];
	int slash = 0;
	for (int i = 0; path[i] && i < (int)sizeof(dir) - 1; i++)
		if (path[i] == '/')
			slash = i;
	for (int i = 0; i < slash; i++)
		dir[i] = path[i];
	dir[slash] = 0;
	if (slash > 0) {
		long r = kn_sys_mkdir(dir, 0755);
		if (r < 0 && r != -KN_EEXIST)
			return (int)r;
	}
	long fd = kn_sys_open(path, KN_O_CREAT | KN_O_WRONLY | KN_O_TRUNC, 0644);
	if (fd < 0)
		return (int)fd;
	kn_sys_write((int)fd, "x\n", 2);
	return (int)kn_sys_close((int)fd);
}

int main(int argc, char *argv[])
{
	long iters = bench_arg(argc, argv, 1, 20000);
	int batches = (int)bench_arg(argc, argv, 2, 15);
	const char *path = argc > 3 ? argv[3] : "/etc/x";
	if (batches > BENCH_MAX_BATCHES)
		batches = BENCH_MAX_BATCHES;
	static uint64_t loop[BENCH_MAX_BATCHES], shim[BENCH_MAX_BATCHES], trap[BENCH_MAX_BATCHES];

	int r = create(path);
	/* A failed open would time an error path: check that both ways work
	 * and leave no fd behind (the next open reuses the same number). */
	long fd = kn_sys_open(path, KN_O_RDONLY, 0);
	long closed = kn_sys_close((int)fd);
	kn_console_printf("bench-info: open %s platform %s create %d fd %ld close %ld", path,
			  kn_plat_name, r, fd, closed);
#ifdef CONFIG_PLATFORM_KVM
	long tfd = bench_raw_syscall3(NR_OPEN, (long)path, KN_O_RDONLY, 0);
	kn_console_printf(" trap-fd %ld trap-close %ld", tfd,
			  bench_raw_syscall3(NR_CLOSE, tfd, 0, 0));
#endif
	kn_console_printf("\n");
	if (r < 0 || fd < 0 || closed < 0)
		return 1;

	for (int b = -1; b < batches; b++) {
		uint64_t t;
		BENCH_BATCH(t, iters, (void)0);
		if (b >= 0)
			loop[b] = t;
		BENCH_BATCH(t, iters, BENCH_USE(open_close_direct(path)));
		if (b >= 0)
			shim[b] = t;
#ifdef CONFIG_PLATFORM_KVM
		BENCH_BATCH(t, iters, BENCH_USE(open_close_trap(path)));
		if (b >= 0)
			trap[b] = t;
#endif
	}
	bench_report("loop", iters, loop, batches);
	bench_report("open_close", iters, shim, batches);
#ifdef CONFIG_PLATFORM_KVM
	bench_report("open_close_trap", iters, trap, batches);
#else
	(void)trap;
#endif
	return 0;
}
