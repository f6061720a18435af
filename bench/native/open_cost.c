/* The Linux side of bench/open_cost.py: cycles of open+close of an existing
 * file entered with `syscall` instructions, on the host (a tmpfs path, the
 * linuxu comparison) and in the Linux microVM (its initramfs, the kvm
 * image's comparison). The file is created first. Static, so it runs from a
 * bare busybox initramfs. Args: [iterations per batch] [batches] [path]. */
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

#define BENCH_PRINT printf
#include "cycles.h"

#define NR_OPEN 2
#define NR_CLOSE 3

static long open_close(const char *path)
{
	long fd = bench_raw_syscall3(NR_OPEN, (long)path, O_RDONLY, 0);
	return bench_raw_syscall3(NR_CLOSE, fd, 0, 0) | fd;
}

int main(int argc, char *argv[])
{
	long iters = bench_arg(argc, argv, 1, 20000);
	int batches = (int)bench_arg(argc, argv, 2, 15);
	const char *path = argc > 3 ? argv[3] : "/etc/x";
	if (batches > BENCH_MAX_BATCHES)
		batches = BENCH_MAX_BATCHES;
	static uint64_t loop[BENCH_MAX_BATCHES], pairs[BENCH_MAX_BATCHES];

	int fd = open(path, O_CREAT | O_WRONLY | O_TRUNC, 0644);
	int r = fd < 0 ? -1 : (int)write(fd, "x\n", 2);
	if (fd >= 0)
		close(fd);
	/* A failed open would time an error path. */
	long rfd = bench_raw_syscall3(NR_OPEN, (long)path, O_RDONLY, 0);
	long closed = bench_raw_syscall3(NR_CLOSE, rfd, 0, 0);
	printf("bench-info: open %s platform linux create %d fd %ld close %ld\n", path,
	       r < 0 ? -1 : 0, rfd, closed);
	if (r < 0 || rfd < 0 || closed < 0)
		return 1;

	for (int b = -1; b < batches; b++) {
		uint64_t t;
		BENCH_BATCH(t, iters, (void)0);
		if (b >= 0)
			loop[b] = t;
		BENCH_BATCH(t, iters, BENCH_USE(open_close(path)));
		if (b >= 0)
			pairs[b] = t;
	}
	bench_report("loop", iters, loop, batches);
	bench_report("open_close", iters, pairs, batches);
	return 0;
}
