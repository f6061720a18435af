/* Measuring the TSC and the local APIC timer against a clock of known
 * rate, quickly: a 2 ms window of the 8254 PIT (present on QEMU microvm
 * and pc, and on Firecracker), or, without a PIT, one second of the RTC.
 * Under TCG the guest TSC is the host's, so its rate must be measured.
 *
 * The PIT window opens before the rest of early init and closes after
 * it, so that work hides most of the wait. The APIC timer can only be
 * started once paging maps it, so it is sampled over the tail (at least
 * 0.5 ms) of the window, against the TSC. */
#include <kn/arch.h>
#include <kn/console.h>
#include "io.h"
#include "kvm.h"

#define PIT_HZ 1193182
#define PIT_CH0 0x40
#define PIT_CMD 0x43
#define PIT_CH0_MODE0 0x30 /* channel 0, low then high byte, mode 0 */
#define PIT_CH0_LATCH 0x00
#define PIT_CH0_STATUS 0xe2             /* read-back: status only, channel 0 */
#define PIT_STATUS_OUT 0x80             /* mode 0: set once the count ran out */
#define PIT_WINDOW_TICKS (PIT_HZ / 500) /* 2 ms */
#define PIT_LAPIC_TICKS (PIT_HZ / 2000) /* 0.5 ms */

/* A tick of the reference clock and the TSC at that moment. */
struct kn_kvm_edge {
	uint64_t tsc;
	uint16_t pit;
};

/* An APIC timer reading and the TSC just before it. */
struct kn_kvm_lapic_sample {
	uint64_t tsc;
	uint32_t count;
};

static struct kn_kvm_edge kn_kvm_window_start;
static bool kn_kvm_have_pit;

/* Read twice: under TCG the first run of code is translated first, a
 * delay that would land between the TSC and the timer reading. */
static void kn_kvm_lapic_sample(struct kn_kvm_lapic_sample *s)
{
	kn_kvm_timer_count();
	s->tsc = kn_arch_rdtsc();
	s->count = kn_kvm_timer_count();
}

static void kn_kvm_window_set(struct kn_kvm_window *w, uint64_t ref_ticks, uint64_t ref_hz,
			      const struct kn_kvm_edge *a, const struct kn_kvm_edge *b,
			      const struct kn_kvm_lapic_sample *la,
			      const struct kn_kvm_lapic_sample *lb)
{
	w->ref_ticks = ref_ticks;
	w->ref_hz = ref_hz;
	w->tsc = b->tsc - a->tsc;
	w->lapic = la->count - lb->count;
	w->lapic_tsc = lb->tsc - la->tsc;
}

static uint16_t kn_kvm_pit_read(void)
{
	kn_outb(PIT_CMD, PIT_CH0_LATCH);
	uint8_t lo = kn_inb(PIT_CH0);
	return lo | (uint16_t)kn_inb(PIT_CH0) << 8;
}

static bool kn_kvm_pit_ran_out(void)
{
	kn_outb(PIT_CMD, PIT_CH0_STATUS);
	return kn_inb(PIT_CH0) & PIT_STATUS_OUT;
}

/* Waits for the PIT count to change: it did so between the last two
 * reads, so the TSC at their midpoint is its time, within half a read.
 * A change seen across a read stretched by the host (a preempted vCPU)
 * is skipped for the next one. Returns -1 when the count never moves. */
static int kn_kvm_pit_edge(struct kn_kvm_edge *e)
{
	uint64_t prev_tsc = kn_arch_rdtsc();
	uint16_t prev = kn_kvm_pit_read();
	uint64_t shortest = ~0ULL;
	unsigned changes = 0;
	for (unsigned i = 0;; i++) {
		uint64_t tsc = kn_arch_rdtsc();
		uint16_t now = kn_kvm_pit_read();
		uint64_t d = tsc - prev_tsc;
		shortest = KN_MIN(shortest, d);
		if (now != prev && i >= 4 && (d <= 2 * shortest || ++changes > 64)) {
			e->tsc = prev_tsc + d / 2;
			e->pit = now;
			return 0;
		}
		if (now == prev && changes == 0 && i > 10000)
			return -1;
		prev = now;
		prev_tsc = tsc;
	}
}

/* Mode 0 counts down once (55 ms) and raises IRQ 0 once (masked), so
 * the PIT leaves no periodic timer running in the VMM. */
static int kn_kvm_pit_start(struct kn_kvm_edge *e)
{
	kn_outb(PIT_CMD, PIT_CH0_MODE0);
	kn_outb(PIT_CH0, 0xff);
	kn_outb(PIT_CH0, 0xff);
	return kn_kvm_pit_edge(e);
}

void kn_kvm_calibrate_begin(void)
{
	kn_kvm_have_pit = kn_kvm_pit_start(&kn_kvm_window_start) == 0;
}

static void kn_kvm_pit_window(struct kn_kvm_window *w, const struct kn_kvm_lapic_sample *la)
{
	struct kn_kvm_edge *a = &kn_kvm_window_start, b;
	struct kn_kvm_lapic_sample lb;
	/* Early init took over 55 ms (a very busy host): start again. */
	if (kn_kvm_pit_ran_out())
		kn_kvm_pit_start(a);
	uint16_t lapic_start = kn_kvm_pit_read();
	for (;;) {
		uint16_t now = kn_kvm_pit_read();
		if ((uint16_t)(a->pit - now) >= PIT_WINDOW_TICKS &&
		    (uint16_t)(lapic_start - now) >= PIT_LAPIC_TICKS)
			break;
		kn_arch_pause();
	}
	kn_kvm_pit_edge(&b);
	kn_kvm_lapic_sample(&lb);
	uint16_t ticks = a->pit - b.pit;
	kn_kvm_window_set(w, ticks, PIT_HZ, a, &b, la, &lb);
}

/* The start of a new RTC second, seen as the update flag rising. */
static int kn_kvm_rtc_edge(struct kn_kvm_edge *e)
{
	unsigned i = 0;
	while (kn_kvm_rtc_updating())
		if (++i > 100000) /* never clears: no RTC */
			return -1;
	while (!kn_kvm_rtc_updating())
		kn_arch_pause();
	e->tsc = kn_arch_rdtsc();
	return 0;
}

static int kn_kvm_rtc_window(struct kn_kvm_window *w)
{
	struct kn_kvm_edge a, b;
	struct kn_kvm_lapic_sample la, lb;
	if (kn_kvm_rtc_edge(&a) != 0)
		return -1;
	kn_kvm_lapic_sample(&la);
	kn_printk("kn: kvm: no PIT, timing the TSC over one RTC second\n");
	if (kn_kvm_rtc_edge(&b) != 0)
		return -1;
	kn_kvm_lapic_sample(&lb);
	kn_kvm_window_set(w, 1, 1, &a, &b, &la, &lb);
	return 0;
}

/* With the TSC rate known, the TSC times the APIC timer alone: 1 ms. */
static void kn_kvm_tsc_window(struct kn_kvm_window *w, uint64_t tsc_hz,
			      const struct kn_kvm_lapic_sample *la)
{
	struct kn_kvm_lapic_sample lb;
	while (kn_arch_rdtsc() - la->tsc < tsc_hz / 1000)
		kn_arch_pause();
	kn_kvm_lapic_sample(&lb);
	struct kn_kvm_edge a = {la->tsc, 0}, b = {lb.tsc, 0};
	kn_kvm_window_set(w, lb.tsc - la->tsc, tsc_hz, &a, &b, la, &lb);
}

int kn_kvm_calibrate_end(struct kn_kvm_window *w, uint64_t tsc_hz)
{
	struct kn_kvm_lapic_sample la;
	kn_kvm_timer_free_run();
	kn_kvm_lapic_sample(&la);
	if (tsc_hz)
		kn_kvm_tsc_window(w, tsc_hz, &la);
	else if (kn_kvm_have_pit)
		kn_kvm_pit_window(w, &la);
	else
		return kn_kvm_rtc_window(w);
	return 0;
}
