/* Internal interfaces between the files of the kvm-x86_64 platform
 * (hidden: nothing here is reachable from other libraries). */
#ifndef KN_KVM_H
#define KN_KVM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <kn/compiler.h>
#include <kn/plat.h>

#define KN_KVM_PAGE_SIZE 4096UL

/* Image boundaries from link.ld, all page aligned. */
extern char __kn_image_start[], __kn_text_start[], __kn_text_end[];
extern char __kn_rodata_start[], __kn_rodata_end[];
extern char __kn_data_start[], __kn_image_end[];
/* entry.S: the boot stack, and the unmapped page below it. */
extern char kn_kvm_boot_guard[], kn_kvm_boot_stack_top[];

/* Interrupt vectors. The 8259s are moved to 0x20..0x2f and masked. */
#define KN_KVM_VEC_PIC_BASE 0x20
/* Device interrupt slots through the IOAPIC: slot 0 is COM1, the others
 * go to kn_plat_irq_attach's callers. */
#define KN_KVM_IRQ_SLOTS 9
#define KN_KVM_VEC_SLOT(slot) (0x30 + (slot))
#define KN_KVM_VEC_SERIAL KN_KVM_VEC_SLOT(0)
#define KN_KVM_VEC_TIMER 0xef
#define KN_KVM_VEC_SPURIOUS 0xff

#define KN_KVM_LAPIC_BASE 0xfee00000UL

/* a * b / c without overflow in between; the result must fit 64 bits. */
static inline uint64_t kn_kvm_muldiv(uint64_t a, uint64_t b, uint64_t c)
{
	uint64_t q, r;
	__asm__("mulq %3; divq %4" : "=a"(q), "=&d"(r) : "a"(a), "rm"(b), "rm"(c) : "cc");
	return q;
}

/* A list of physical address ranges [base, base + len). Adding keeps the
 * whole pages inside the range, removing takes every page it touches. */
#define KN_KVM_REGIONS_MAX 32
struct kn_kvm_regions {
	struct kn_mem_region r[KN_KVM_REGIONS_MAX];
	size_t n;
};
void kn_kvm_regions_add(struct kn_kvm_regions *rs, uint64_t base, uint64_t end);
void kn_kvm_regions_remove(struct kn_kvm_regions *rs, uint64_t base, uint64_t end);

/* serial.c */
void kn_kvm_serial_init(void);
void kn_kvm_serial_write(const char *s, size_t n);     /* COM1: stdout */
void kn_kvm_serial_write_err(const char *s, size_t n); /* COM2: stderr */
/* COM3: the exit status record; -KN_ENODEV when the VM has no COM3. */
int kn_kvm_serial_write_status(const char *s, size_t n);
/* Routes COM1's receive interrupt (once the IOAPIC is up) and handles
 * it: drains the receive FIFO into the console's input. */
void kn_kvm_serial_irq_enable(void);
void kn_kvm_serial_irq(void);

/* start_info.c: the PVH start info handed over in ebx. */
void kn_kvm_start_info_init(uint32_t paddr);
/* Adds the RAM ranges of the memory map. */
void kn_kvm_start_info_ram(struct kn_kvm_regions *rs);
/* Removes the pages still in use: boot data and the initrd. */
void kn_kvm_start_info_reserve(struct kn_kvm_regions *rs);

/* memory.c: free RAM, and the pages the page tables are taken from. */
void kn_kvm_mem_init(void);
uint64_t kn_kvm_mem_take_page(void);

/* paging.c: the page tables built at boot; protect.c changes the heap's
 * leaves at run time. Bit 9 is free for software: it marks a PROT_NONE
 * page, whose entry keeps its address with P clear. */
#define KN_PTE_P 0x1ULL
#define KN_PTE_W 0x2ULL
#define KN_PTE_PWT 0x8ULL
#define KN_PTE_PCD 0x10ULL
#define KN_PTE_PS 0x80ULL
#define KN_PTE_NONE 0x200ULL
#define KN_PTE_NX (1ULL << 63)
#define KN_PTE_ADDR 0x000ffffffffff000ULL
extern uint64_t *kn_kvm_pml4;
extern uint64_t kn_kvm_pte_nx; /* KN_PTE_NX when the CPU has NX, else 0 */
void kn_kvm_paging_init(void);

/* idt.c, trap.c, traps.S */
void kn_kvm_idt_init(void);
struct kn_kvm_trap_frame;
KN_NORETURN void kn_kvm_trap(struct kn_kvm_trap_frame *f);

/* irq.c: 8259s masked, local APIC and IOAPIC on, device interrupts
 * routed. A device's interrupt stub (traps.S) only sets its bit in
 * kn_kvm_irq_pending and acknowledges; kn_plat_idle_until and
 * kn_plat_irq_poll, the only places interrupts are enabled, then run its
 * handler in ordinary C context. */
void kn_kvm_irq_init(void);
#define KN_KVM_IRQ_SERIAL 0x1 /* slot 0's pending bit */
extern volatile uint32_t kn_kvm_irq_pending;
/* Slots whose stub leaves the EOI to kn_kvm_irq_dispatch (level lines). */
extern volatile uint32_t kn_kvm_irq_level;
/* Stub entries since the last dispatch (a storm detector). */
extern volatile uint32_t kn_kvm_irq_entries;
void kn_kvm_irq_dispatch(void);

/* ioapic.c: the IOAPIC at its fixed address; -1 when there is none. */
int kn_kvm_ioapic_init(void);
/* Delivers interrupt line `irq` as `vector` to this CPU, active high:
 * edge triggered as ISA interrupts are, or level triggered as QEMU's
 * PCI interrupt lines are; -1 without an IOAPIC or such a pin. */
int kn_kvm_ioapic_route(unsigned irq, unsigned vector, bool level);
/* Picks how the FS base is loaded (WRFSBASE when CPUID offers it). */
void kn_kvm_tls_init(void);
void kn_kvm_lapic_write(uint32_t reg, uint32_t v);
uint32_t kn_kvm_lapic_read(uint32_t reg);

/* timer.c: the local APIC timer, its clock divided by 16. */
#define KN_KVM_TIMER_DIVIDE 16
void kn_kvm_timer_free_run(void);
uint32_t kn_kvm_timer_count(void);
void kn_kvm_timer_set_hz(uint64_t hz);

/* calibrate.c: a window measured against a reference clock, opened
 * early (when the TSC rate is not known from CPUID) and closed once the
 * local APIC is up; tsc_hz is the rate already known, else 0. Returns -1
 * when there is no reference clock. */
struct kn_kvm_window {
	uint64_t ref_ticks; /* its length in ticks of the reference ... */
	uint64_t ref_hz;    /* ... which runs at this rate */
	uint64_t tsc;       /* TSC ticks in it */
	uint32_t lapic;     /* APIC timer ticks over ... */
	uint64_t lapic_tsc; /* ... this many TSC ticks */
};
void kn_kvm_calibrate_begin(void);
int kn_kvm_calibrate_end(struct kn_kvm_window *w, uint64_t tsc_hz);

/* rtc.c: the CMOS clock as Unix seconds, or -1 when there is none; and
 * its update flag, up from 244 us before each new second until it is
 * counted. */
int64_t kn_kvm_rtc_read(void);
bool kn_kvm_rtc_updating(void);

/* time.c: the rate of the TSC found or its measuring begun, then (once
 * the local APIC is up) the clocks set. */
void kn_kvm_time_begin(void);
void kn_kvm_time_init(void);

#endif
