/* The interrupt table. Exceptions run on their own stack (IST1, set in
 * the TSS) so a blown or corrupt stack still gets reported. */
#include "kvm.h"

#define KN_KVM_SEL_CODE 0x08
#define KN_KVM_SEL_TSS 0x18
#define KN_KVM_GATE_INTR 0x8e /* present, DPL 0, 64-bit interrupt gate */
#define KN_KVM_TSS_AVAIL 0x89 /* present, 64-bit TSS */
#define KN_KVM_EXC_STACK_SIZE (16 * 1024)

struct kn_kvm_tss {
	uint32_t reserved0;
	uint64_t rsp[3];
	uint64_t reserved1;
	uint64_t ist[7];
	uint64_t reserved2;
	uint16_t reserved3;
	uint16_t iomap_base;
} KN_PACKED;

struct kn_kvm_gate {
	uint16_t offset_low;
	uint16_t selector;
	uint8_t ist;
	uint8_t type;
	uint16_t offset_mid;
	uint32_t offset_high;
	uint32_t reserved;
};

extern uint64_t kn_kvm_gdt[];                 /* entry.S */
extern const uintptr_t kn_kvm_trap_stubs[32]; /* traps.S */
void kn_kvm_isr_timer(void);
extern const uintptr_t kn_kvm_isr_slots[KN_KVM_IRQ_SLOTS]; /* traps.S */
void kn_kvm_isr_ignore(void);

static struct kn_kvm_tss kn_kvm_tss;
static struct kn_kvm_gate kn_kvm_idt[256] KN_ALIGNED(16);
static char kn_kvm_exc_stack[KN_KVM_EXC_STACK_SIZE] KN_ALIGNED(16);

static void kn_kvm_gate_set(unsigned vec, uintptr_t fn, unsigned ist)
{
	struct kn_kvm_gate *g = &kn_kvm_idt[vec];
	g->offset_low = fn & 0xffff;
	g->selector = KN_KVM_SEL_CODE;
	g->ist = ist;
	g->type = KN_KVM_GATE_INTR;
	g->offset_mid = (fn >> 16) & 0xffff;
	g->offset_high = fn >> 32;
}

static void kn_kvm_tss_load(void)
{
	uint64_t base = (uintptr_t)&kn_kvm_tss, limit = sizeof(kn_kvm_tss) - 1;
	kn_kvm_tss.ist[0] = (uintptr_t)kn_kvm_exc_stack + sizeof(kn_kvm_exc_stack);
	kn_kvm_tss.iomap_base = sizeof(kn_kvm_tss); /* no I/O bitmap */
	kn_kvm_gdt[KN_KVM_SEL_TSS / 8] = (limit & 0xffff) | (base & 0xffffff) << 16 |
					 (uint64_t)KN_KVM_TSS_AVAIL << 40 |
					 (limit >> 16 & 0xf) << 48 | (base >> 24 & 0xff) << 56;
	kn_kvm_gdt[KN_KVM_SEL_TSS / 8 + 1] = base >> 32;
	__asm__ volatile("ltr %w0" : : "r"(KN_KVM_SEL_TSS) : "memory");
}

void kn_kvm_idt_init(void)
{
	kn_kvm_tss_load();
	for (unsigned v = 0; v < 32; v++)
		kn_kvm_gate_set(v, kn_kvm_trap_stubs[v], 1);
	/* Masked 8259s can still raise spurious IRQ 7 and 15. */
	for (unsigned v = KN_KVM_VEC_PIC_BASE; v < KN_KVM_VEC_PIC_BASE + 16; v++)
		kn_kvm_gate_set(v, (uintptr_t)kn_kvm_isr_ignore, 0);
	kn_kvm_gate_set(KN_KVM_VEC_TIMER, (uintptr_t)kn_kvm_isr_timer, 0);
	for (unsigned slot = 0; slot < KN_KVM_IRQ_SLOTS; slot++)
		kn_kvm_gate_set(KN_KVM_VEC_SLOT(slot), kn_kvm_isr_slots[slot], 0);
	kn_kvm_gate_set(KN_KVM_VEC_SPURIOUS, (uintptr_t)kn_kvm_isr_ignore, 0);

	struct {
		uint16_t limit;
		uint64_t base;
	} KN_PACKED idtr = {sizeof(kn_kvm_idt) - 1, (uintptr_t)kn_kvm_idt};
	__asm__ volatile("lidt %0" : : "m"(idtr) : "memory");
}
