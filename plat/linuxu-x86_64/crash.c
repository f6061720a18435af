/* A fault in the unikernel (SIGSEGV, SIGBUS, SIGILL, SIGFPE) prints the
 * same report as on a VM: cause, registers, backtrace; then exits with
 * KN_EXIT_PANIC. Runs on its own signal stack so a stack overflow is
 * reported too. */
#include <stdint.h>
#include <kn/arch_fault.h>
#include <kn/console.h>
#include <kn/panic.h>
#include <kn/plat.h>
#include "linuxu.h"

#define SA_SIGINFO 0x4
#define SA_ONSTACK 0x08000000
#define SA_RESTORER 0x04000000
#define SIGSEGV 11
#define SEGV_ACCERR 2 /* si_code: the page is mapped, the access not allowed */
#define RLIMIT_STACK 3
#define RLIM_INFINITY (~0UL)
/* How far from rsp an overflowing frame may touch (a large local array). */
#define FRAME_REACH (64UL << 10)

/* Linux's x86-64 signal frame, as far as we read it. */
struct linuxu_siginfo {
	int signo, errno_, code, pad;
	uint64_t addr;
};

enum {
	R8,
	R9,
	R10,
	R11,
	R12,
	R13,
	R14,
	R15,
	RDI,
	RSI,
	RBP,
	RBX,
	RDX,
	RAX,
	RCX,
	RSP,
	RIP,
	EFL,
	CSGSFS,
	ERR,
	TRAPNO,
	OLDMASK,
	CR2,
	NGREG
};

struct linuxu_ucontext {
	uint64_t flags;
	void *link;
	struct {
		void *sp;
		int flags;
		uint64_t size;
	} stack;
	uint64_t gregs[NGREG];
};

struct linuxu_sigaction {
	void (*handler)(int, struct linuxu_siginfo *, void *);
	unsigned long flags;
	void (*restorer)(void);
	uint64_t mask;
};

static char signal_stack[16384] KN_ALIGNED(16);

static const char *signal_name(int sig)
{
	switch (sig) {
	case 4: return "illegal instruction (SIGILL)";
	case 7: return "bus error (SIGBUS)";
	case 8: return "arithmetic exception (SIGFPE)";
	case SIGSEGV: return "segmentation fault (SIGSEGV)";
	}
	return "signal";
}

/* Without a scheduler, main runs on the process's stack, which the host
 * grows up to RLIMIT_STACK: running off its end is a SIGSEGV at an
 * unmapped address next to rsp, below where the stack started. */
static void explain_main_stack(uint64_t addr, uint64_t rsp)
{
	struct {
		uint64_t cur, max;
	} lim;
	uint64_t top = kn_linuxu_stack_top;
	if (kn_x86_has_sched() || addr >= top || addr + FRAME_REACH < rsp ||
	    addr > rsp + FRAME_REACH)
		return;
	if (kn_linuxu_syscall6(KN_SYS_prlimit64, 0, RLIMIT_STACK, 0, (long)&lim, 0, 0) ||
	    lim.cur == RLIM_INFINITY || top - addr > lim.cur + FRAME_REACH)
		return;
	kn_x86_stack_overflow(lim.cur, "ulimit -s on the host, or add \"sched\" to requires: "
				       "main then runs on a stack of SCHED_COOP_MAIN_STACK_SIZE");
}

static void on_fault(int sig, struct linuxu_siginfo *info, void *ctx)
{
	static int in_fault;
	if (in_fault++)
		kn_linuxu_exit_group(KN_EXIT_PANIC);
	const uint64_t *g = ((struct linuxu_ucontext *)ctx)->gregs;
	if (sig == SIGSEGV && info->code == SEGV_ACCERR)
		kn_x86_protection_fault(g[ERR], info->addr, g[RIP]);
	else if (sig == SIGSEGV)
		explain_main_stack(info->addr, g[RSP]);
	kn_printk("kn: crash: %s addr=0x%016lx\n", signal_name(sig), (unsigned long)info->addr);
	kn_printk("kn: at 0x%lx\n", (unsigned long)g[RIP]);
	kn_printk("kn: rax=%016lx rbx=%016lx rcx=%016lx rdx=%016lx\n", g[RAX], g[RBX], g[RCX],
		  g[RDX]);
	kn_printk("kn: rsi=%016lx rdi=%016lx rbp=%016lx rsp=%016lx\n", g[RSI], g[RDI], g[RBP],
		  g[RSP]);
	kn_printk("kn: r8 =%016lx r9 =%016lx r10=%016lx r11=%016lx\n", g[R8], g[R9], g[R10],
		  g[R11]);
	kn_printk("kn: r12=%016lx r13=%016lx r14=%016lx r15=%016lx\n", g[R12], g[R13], g[R14],
		  g[R15]);
	kn_printk("kn: rip=%016lx rflags=%016lx\n", g[RIP], g[EFL]);
	kn_plat_backtrace((const void *)g[RBP]);
	kn_linuxu_exit_group(KN_EXIT_PANIC);
}

/* Never used (on_fault does not return) but Linux wants a restorer. */
static void restorer(void)
{
	kn_linuxu_exit_group(KN_EXIT_PANIC);
}

void kn_linuxu_crash_init(void)
{
	struct {
		void *sp;
		int flags;
		uint64_t size;
	} ss = {signal_stack, 0, sizeof(signal_stack)};
	kn_linuxu_syscall(KN_SYS_sigaltstack, &ss, 0, 0);
	static const int fatal[] = {4, 7, 8, 11};
	struct linuxu_sigaction sa = {on_fault, SA_SIGINFO | SA_ONSTACK | SA_RESTORER, restorer, 0};
	for (unsigned i = 0; i < KN_ARRAY_SIZE(fatal); i++)
		kn_linuxu_syscall6(KN_SYS_rt_sigaction, fatal[i], (long)&sa, 0, sizeof(uint64_t), 0,
				   0);
}
