/* Cycles of a no-op system call by each way into the kernel: a direct call
 * to kn_sys_<name> (the shim path libc uses), kn_syscall(nr) (the generated
 * dispatch table alone) and, on kvm, a raw `syscall` instruction (the trap
 * path through MSR_LSTAR). Batches of all paths are interleaved so drift in
 * the host hits them alike. Args: [iterations per batch] [batches]. */
#include <kn/console.h>
#include <kn/plat.h>
#include <kn/syscall.h>
#include <kn/posix_process.h>

/* Results are the program's output: stdout (kn_printk is stderr). */
#define BENCH_PRINT kn_console_printf
#include "cycles.h"

/* getppid: the classic no-op (Kiln has one process; its parent is 0). */
#define NOOP_NAME "getppid"
#define NOOP_NR 110
#define noop_direct() kn_sys_getppid()

int main(int argc, char *argv[])
{
	long iters = bench_arg(argc, argv, 1, 100000);
	int batches = (int)bench_arg(argc, argv, 2, 15);
	if (batches > BENCH_MAX_BATCHES)
		batches = BENCH_MAX_BATCHES;
	static uint64_t loop[BENCH_MAX_BATCHES], shim[BENCH_MAX_BATCHES],
		dispatch[BENCH_MAX_BATCHES], trap[BENCH_MAX_BATCHES];

	/* Each path must reach the same call and agree on its result. */
	long want = noop_direct();
	long via_table = kn_syscall(NOOP_NR, 0, 0, 0, 0, 0, 0);
	kn_console_printf("bench-info: syscall %s nr %d platform %s direct %ld table %ld",
			  NOOP_NAME, NOOP_NR, kn_plat_name, want, via_table);
#ifdef CONFIG_PLATFORM_KVM
	kn_console_printf(" trap %ld", bench_raw_syscall3(NOOP_NR, 0, 0, 0));
#endif
	kn_console_printf("\n");

	/* Batch -1 warms caches (and TCG's translations) and is not kept. */
	for (int b = -1; b < batches; b++) {
		uint64_t t;
		BENCH_BATCH(t, iters, (void)0);
		if (b >= 0)
			loop[b] = t;
		BENCH_BATCH(t, iters, BENCH_USE(noop_direct()));
		if (b >= 0)
			shim[b] = t;
		BENCH_BATCH(t, iters, BENCH_USE(kn_syscall(NOOP_NR, 0, 0, 0, 0, 0, 0)));
		if (b >= 0)
			dispatch[b] = t;
#ifdef CONFIG_PLATFORM_KVM
		BENCH_BATCH(t, iters, BENCH_USE(bench_raw_syscall3(NOOP_NR, 0, 0, 0)));
		if (b >= 0)
			trap[b] = t;
#endif
	}
	bench_report("loop", iters, loop, batches);
	bench_report("shim", iters, shim, batches);
	bench_report("dispatch", iters, dispatch, batches);
#ifdef CONFIG_PLATFORM_KVM
	bench_report("trap", iters, trap, batches);
#else
	(void)trap;
#endif
	return 0;
}
