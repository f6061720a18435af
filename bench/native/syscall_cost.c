/* The Linux side of bench/syscall_cost.py: cycles of a no-op system call
 * entered with the `syscall` instruction, on the host (linuxu's comparison)
 * and inside the Linux microVM (the kvm image's comparison): getppid, the
 * no-op the Kiln image measures too. Static, so it runs from a bare busybox
 * initramfs.
 * Args: [iterations per batch] [batches]. */
#include <stdio.h>

#define BENCH_PRINT printf
#include "cycles.h"

#define NR_GETPPID 110

int main(int argc, char *argv[])
{
	long iters = bench_arg(argc, argv, 1, 100000);
	int batches = (int)bench_arg(argc, argv, 2, 15);
	if (batches > BENCH_MAX_BATCHES)
		batches = BENCH_MAX_BATCHES;
	static uint64_t loop[BENCH_MAX_BATCHES], getppid[BENCH_MAX_BATCHES];

	printf("bench-info: syscall getppid nr %d platform linux result %ld\n", NR_GETPPID,
	       bench_raw_syscall3(NR_GETPPID, 0, 0, 0));
	for (int b = -1; b < batches; b++) {
		uint64_t t;
		BENCH_BATCH(t, iters, (void)0);
		if (b >= 0)
			loop[b] = t;
		BENCH_BATCH(t, iters, BENCH_USE(bench_raw_syscall3(NR_GETPPID, 0, 0, 0)));
		if (b >= 0)
			getppid[b] = t;
	}
	bench_report("loop", iters, loop, batches);
	bench_report("getppid", iters, getppid, batches);
	return 0;
}
