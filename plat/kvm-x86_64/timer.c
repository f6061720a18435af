/* The local APIC timer in one-shot mode: kn_plat_idle_until arms it for
 * the deadline and halts until an interrupt arrives. */
#include <kn/plat.h>
#include <kn/time.h>
#include "kvm.h"

#define LAPIC_LVT_TIMER 0x320
#define LAPIC_TIMER_INIT 0x380
#define LAPIC_TIMER_CURRENT 0x390
#define LAPIC_TIMER_DIVIDE 0x3e0
#define LAPIC_DIVIDE_16 0x3
#define LAPIC_LVT_MASKED 0x10000

/* Timer ticks per nanosecond, 32.32 fixed point. */
static uint64_t kn_kvm_timer_mult;

/* Counts down from the maximum with its interrupt masked: calibrate.c
 * reads how far it got. */
void kn_kvm_timer_free_run(void)
{
	kn_kvm_lapic_write(LAPIC_TIMER_DIVIDE, LAPIC_DIVIDE_16);
	kn_kvm_lapic_write(LAPIC_LVT_TIMER, KN_KVM_VEC_TIMER | LAPIC_LVT_MASKED);
	kn_kvm_lapic_write(LAPIC_TIMER_INIT, 0xffffffff);
}

uint32_t kn_kvm_timer_count(void)
{
	return kn_kvm_lapic_read(LAPIC_TIMER_CURRENT);
}

void kn_kvm_timer_set_hz(uint64_t hz)
{
	kn_kvm_timer_mult = kn_kvm_muldiv(hz, 1ULL << 32, KN_NSEC_PER_SEC);
	kn_kvm_lapic_write(LAPIC_TIMER_INIT, 0);
	kn_kvm_lapic_write(LAPIC_TIMER_DIVIDE, LAPIC_DIVIDE_16);
	kn_kvm_lapic_write(LAPIC_LVT_TIMER, KN_KVM_VEC_TIMER); /* one-shot */
}

/* Ticks for ns, rounded up; beyond the counter's range (68 s) a deadline
 * is reached in several naps. */
static uint32_t kn_kvm_timer_ticks(uint64_t ns)
{
	unsigned __int128 t = ((unsigned __int128)ns * kn_kvm_timer_mult >> 32) + 1;
	return t > 0xffffffff ? 0xffffffff : (uint32_t)t;
}

void kn_plat_idle_until(uint64_t deadline_ns)
{
	unsigned long flags = kn_plat_irq_save();
	for (;;) {
		uint64_t now = kn_time_monotonic_ns();
		if (now >= deadline_ns)
			break;
		/* A VMM may fire long timers late by up to 0.1% (the slack
		 * Linux gives long poll() timeouts): aim 1/512 early and
		 * finish with a short nap. */
		uint64_t ns = deadline_ns - now;
		kn_kvm_lapic_write(LAPIC_TIMER_INIT, kn_kvm_timer_ticks(ns - ns / 512));
		/* sti takes effect after hlt has started: no interrupt can
		 * slip in between and leave us halted past the deadline. */
		__asm__ volatile("sti; hlt; cli" : : : "memory");
		if (kn_kvm_irq_pending) /* a device's handler, now (irq.c) */
			kn_kvm_irq_dispatch();
		/* Still counting: something else woke us, so it is the
		 * caller's turn. Run out: our own timer, check the clock. */
		if (kn_kvm_timer_count() != 0) {
			kn_kvm_lapic_write(LAPIC_TIMER_INIT, 0);
			break;
		}
	}
	kn_plat_irq_restore(flags);
}
