/* Interrupt controllers: the legacy 8259 pair moved off the exception
 * vectors and masked; the local APIC (xAPIC, MMIO) enabled; devices
 * routed through the IOAPIC (ioapic.c): COM1's receive interrupt, and
 * the lines drivers attach with kn_plat_irq_attach, edge or level
 * triggered.
 *
 * Interrupts are enabled only while kn_plat_idle_until halts the CPU and
 * for one instruction in kn_plat_irq_poll, so a device's stub just marks
 * it pending; the handler runs right after, in thread context with every
 * register free to use (SSE included), and may wake threads: the
 * scheduler calls both between two decisions. */
#include <kn/console.h>
#include <kn/errno.h>
#include <kn/plat.h>
#include "io.h"
#include "kvm.h"

#define PIC1_CMD 0x20
#define PIC1_DATA 0x21
#define PIC2_CMD 0xa0
#define PIC2_DATA 0xa1
#define MSR_APIC_BASE 0x1b
#define APIC_BASE_ENABLE (1 << 11)
#define LAPIC_TPR 0x80
#define LAPIC_SVR 0xf0
#define LAPIC_EOI 0xb0
#define LAPIC_LVT_LINT0 0x350
#define LAPIC_LVT_ERROR 0x370
#define LAPIC_SVR_ENABLE 0x100
#define LAPIC_LVT_MASKED 0x10000
#define RFLAGS_IF 0x200

/* Slot 0 is COM1's; slots 1.. are one per interrupt line, handed out in
 * attach order. A level line may be shared: its handlers all name its
 * slot. */
static struct {
	unsigned irq;
	bool used, level;
} kn_kvm_irq_lines[KN_KVM_IRQ_SLOTS];
#define KN_KVM_IRQ_HANDLERS 16
static struct {
	void (*fn)(void *arg);
	void *arg;
	unsigned slot;
} kn_kvm_irq_handlers[KN_KVM_IRQ_HANDLERS];
volatile uint32_t kn_kvm_irq_level;
volatile uint32_t kn_kvm_irq_entries;
/* Between two dispatches a vector can arrive about twice (once in
 * service, once pending), so far more entries than slots means a line
 * that is delivered again as soon as it is acknowledged: a level line
 * taken for an edge one, or a device nobody quiets. */
#define KN_KVM_IRQ_STORM (8 * KN_KVM_IRQ_SLOTS)
static bool kn_kvm_have_ioapic;

void kn_kvm_lapic_write(uint32_t reg, uint32_t v)
{
	kn_kvm_mmio_write32(KN_KVM_LAPIC_BASE + reg, v);
}

uint32_t kn_kvm_lapic_read(uint32_t reg)
{
	return kn_kvm_mmio_read32(KN_KVM_LAPIC_BASE + reg);
}

static void kn_kvm_pic_disable(void)
{
	kn_outb(PIC1_CMD, 0x11); /* ICW1: initialise, ICW4 follows */
	kn_outb(PIC2_CMD, 0x11);
	kn_outb(PIC1_DATA, KN_KVM_VEC_PIC_BASE);
	kn_outb(PIC2_DATA, KN_KVM_VEC_PIC_BASE + 8);
	kn_outb(PIC1_DATA, 0x04); /* slave on IRQ 2 */
	kn_outb(PIC2_DATA, 0x02);
	kn_outb(PIC1_DATA, 0x01); /* 8086 mode */
	kn_outb(PIC2_DATA, 0x01);
	kn_outb(PIC1_DATA, 0xff); /* everything masked */
	kn_outb(PIC2_DATA, 0xff);
}

void kn_kvm_irq_init(void)
{
	kn_kvm_pic_disable();
	uint64_t base = kn_kvm_rdmsr(MSR_APIC_BASE);
	if (!(base & APIC_BASE_ENABLE))
		kn_kvm_wrmsr(MSR_APIC_BASE, base | APIC_BASE_ENABLE);
	kn_kvm_lapic_write(LAPIC_TPR, 0);
	kn_kvm_lapic_write(LAPIC_LVT_LINT0, LAPIC_LVT_MASKED);
	kn_kvm_lapic_write(LAPIC_LVT_ERROR, LAPIC_LVT_MASKED);
	kn_kvm_lapic_write(LAPIC_SVR, LAPIC_SVR_ENABLE | KN_KVM_VEC_SPURIOUS);
	kn_kvm_have_ioapic = kn_kvm_ioapic_init() == 0;
	if (kn_kvm_have_ioapic)
		kn_kvm_serial_irq_enable();
	else
		kn_printk("kn: no IOAPIC at 0xfec00000: console input cannot wake readers\n");
}

volatile uint32_t kn_kvm_irq_pending;

void kn_plat_irq_poll(void)
{
	/* One instruction with interrupts open lets a pending one in. */
	__asm__ volatile("sti; nop; cli" : : : "memory");
	if (kn_kvm_irq_pending)
		kn_kvm_irq_dispatch();
}

/* The slot of line `irq`, taking a free one when it has none yet
 * (KN_KVM_IRQ_SLOTS when none is left). */
static unsigned kn_kvm_irq_slot_of(unsigned irq)
{
	unsigned free = KN_KVM_IRQ_SLOTS;
	for (unsigned slot = KN_KVM_IRQ_SLOTS - 1; slot >= 1; slot--) {
		if (kn_kvm_irq_lines[slot].used && kn_kvm_irq_lines[slot].irq == irq)
			return slot;
		if (!kn_kvm_irq_lines[slot].used)
			free = slot;
	}
	return free;
}

int kn_plat_irq_attach(unsigned irq, enum kn_plat_irq_trigger trigger, void (*fn)(void *arg),
		       void *arg)
{
	if (!kn_kvm_have_ioapic)
		return -KN_ENODEV;
	bool level = trigger == KN_PLAT_IRQ_LEVEL;
	unsigned slot = kn_kvm_irq_slot_of(irq);
	if (slot == KN_KVM_IRQ_SLOTS)
		return -KN_ENOSPC;
	/* Two devices pulsing one line cannot be told apart reliably. */
	if (kn_kvm_irq_lines[slot].used && (!level || !kn_kvm_irq_lines[slot].level))
		return -KN_EINVAL;
	unsigned h = 0;
	while (h < KN_KVM_IRQ_HANDLERS && kn_kvm_irq_handlers[h].fn)
		h++;
	if (h == KN_KVM_IRQ_HANDLERS)
		return -KN_ENOSPC;
	if (!kn_kvm_irq_lines[slot].used) {
		if (level)
			kn_kvm_irq_level |= 1U << slot;
		if (kn_kvm_ioapic_route(irq, KN_KVM_VEC_SLOT(slot), level)) {
			kn_kvm_irq_level &= ~(1U << slot);
			return -KN_ENODEV;
		}
		kn_kvm_irq_lines[slot].irq = irq;
		kn_kvm_irq_lines[slot].level = level;
		kn_kvm_irq_lines[slot].used = true;
	}
	kn_kvm_irq_handlers[h].slot = slot;
	kn_kvm_irq_handlers[h].arg = arg;
	kn_kvm_irq_handlers[h].fn = fn;
	return 0;
}

static void kn_kvm_irq_storm_check(uint32_t pending)
{
	static bool said;
	uint32_t entries = kn_kvm_irq_entries;
	kn_kvm_irq_entries = 0;
	if (entries <= KN_KVM_IRQ_STORM || said)
		return;
	said = true;
	kn_printk("kn: interrupt storm: %u deliveries before one dispatch (pending slots %#x); "
		  "a level-triggered line attached as edge?\n",
		  entries, pending);
}

void kn_kvm_irq_dispatch(void)
{
	uint32_t pending = kn_kvm_irq_pending;
	kn_kvm_irq_pending = 0;
	kn_kvm_irq_storm_check(pending);
	if (pending & KN_KVM_IRQ_SERIAL)
		kn_kvm_serial_irq();
	for (unsigned h = 0; h < KN_KVM_IRQ_HANDLERS; h++)
		if (kn_kvm_irq_handlers[h].fn && pending & (1U << kn_kvm_irq_handlers[h].slot))
			kn_kvm_irq_handlers[h].fn(kn_kvm_irq_handlers[h].arg);
	/* The handlers quieted their devices: a level line may fire again.
	 * The LAPIC blocked every device vector meanwhile (they share one
	 * priority class), so this EOI is that line's. */
	if (pending & kn_kvm_irq_level)
		kn_kvm_lapic_write(LAPIC_EOI, 0);
}

unsigned long kn_plat_irq_save(void)
{
	unsigned long flags;
	__asm__ volatile("pushfq; popq %0; cli" : "=r"(flags) : : "memory");
	return flags;
}

void kn_plat_irq_restore(unsigned long flags)
{
	if (flags & RFLAGS_IF)
		__asm__ volatile("sti" : : : "memory");
}
