/* Crash reports for CPU exceptions: what happened, where, the registers
 * and a backtrace, then exit with KN_EXIT_PANIC. The host tool turns the
 * "kn: at 0x..." and "kn: bt #N 0x..." lines into symbol names. */
#include <kn/arch_fault.h>
#include <kn/console.h>
#include <kn/panic.h>
#include <kn/plat.h>
#include "kvm.h"

/* Pushed by traps.S, lowest address first. */
struct kn_kvm_trap_frame {
	uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
	uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
	uint64_t vector, error;
	uint64_t rip, cs, rflags, rsp, ss; /* pushed by the CPU */
};

static const char *const kn_kvm_exc_names[32] = {
	[0] = "divide error (#DE)",
	[1] = "debug (#DB)",
	[2] = "non-maskable interrupt (NMI)",
	[3] = "breakpoint (#BP)",
	[4] = "overflow (#OF)",
	[5] = "bound range exceeded (#BR)",
	[6] = "invalid opcode (#UD)",
	[7] = "device not available (#NM)",
	[8] = "double fault (#DF)",
	[9] = "coprocessor segment overrun",
	[10] = "invalid TSS (#TS)",
	[11] = "segment not present (#NP)",
	[12] = "stack fault (#SS)",
	[13] = "general protection fault (#GP)",
	[14] = "page fault (#PF)",
	[16] = "x87 floating-point error (#MF)",
	[17] = "alignment check (#AC)",
	[18] = "machine check (#MC)",
	[19] = "SIMD floating-point error (#XM)",
	[20] = "virtualization exception (#VE)",
	[21] = "control protection (#CP)",
	[28] = "hypervisor injection (#HV)",
	[29] = "VMM communication (#VC)",
	[30] = "security exception (#SX)",
};

static void kn_kvm_trap_regs(const struct kn_kvm_trap_frame *f)
{
	kn_printk("kn: rax=0x%016lx rbx=0x%016lx rcx=0x%016lx rdx=0x%016lx\n", f->rax, f->rbx,
		  f->rcx, f->rdx);
	kn_printk("kn: rsi=0x%016lx rdi=0x%016lx rbp=0x%016lx rsp=0x%016lx\n", f->rsi, f->rdi,
		  f->rbp, f->rsp);
	kn_printk("kn: r8=0x%016lx r9=0x%016lx r10=0x%016lx r11=0x%016lx\n", f->r8, f->r9, f->r10,
		  f->r11);
	kn_printk("kn: r12=0x%016lx r13=0x%016lx r14=0x%016lx r15=0x%016lx\n", f->r12, f->r13,
		  f->r14, f->r15);
	kn_printk("kn: rip=0x%016lx rflags=0x%08lx cs=0x%lx ss=0x%lx\n", f->rip, f->rflags, f->cs,
		  f->ss);
}

/* Without a scheduler, main runs on the boot stack (entry.S), whose
 * guard page paging.c leaves unmapped. */
static void kn_kvm_boot_stack_explain(uint64_t addr)
{
	uintptr_t guard = (uintptr_t)kn_kvm_boot_guard;
	if (kn_x86_has_sched() || addr - guard >= KN_KVM_PAGE_SIZE)
		return;
	kn_x86_stack_overflow((uint64_t)(kn_kvm_boot_stack_top - kn_kvm_boot_guard) -
				      KN_KVM_PAGE_SIZE,
			      "add \"sched\" to requires: main then runs on a stack of "
			      "SCHED_COOP_MAIN_STACK_SIZE");
}

void kn_kvm_trap(struct kn_kvm_trap_frame *f)
{
	/* A fault while reporting one (a bad frame pointer, a broken
	 * console) must not loop: say so with the bare UART and leave. */
	static volatile int kn_kvm_in_trap;
	if (kn_kvm_in_trap++) {
		static const char msg[] = "kn: crash: fault in the fault handler\n";
		kn_kvm_serial_write_err(msg, sizeof(msg) - 1);
		kn_plat_exit(KN_EXIT_PANIC);
	}

	const char *name = kn_kvm_exc_names[f->vector & 31];
	if (f->vector == 14) {
		uint64_t cr2;
		__asm__ volatile("mov %%cr2, %0" : "=r"(cr2));
		kn_x86_protection_fault(f->error, cr2, f->rip);
		kn_kvm_boot_stack_explain(cr2);
		kn_printk("kn: crash: %s error=0x%lx cr2=0x%016lx%s\n", name, f->error, cr2,
			  cr2 < KN_KVM_PAGE_SIZE ? " (NULL pointer)" : "");
	} else if (name) {
		kn_printk("kn: crash: %s error=0x%lx\n", name, f->error);
	} else {
		kn_printk("kn: crash: reserved exception %lu error=0x%lx\n", f->vector, f->error);
	}
	kn_printk("kn: at 0x%lx\n", f->rip);
	kn_kvm_trap_regs(f);
	kn_plat_backtrace((const void *)f->rbp);
	kn_plat_exit(KN_EXIT_PANIC);
}
