/* Time from the TSC. Its rate comes from CPUID when the CPU or the
 * hypervisor states it, else from a short measured window (calibrate.c).
 * The wall clock is the RTC plus monotonic time. */
#include <kn/arch.h>
#include <kn/boot.h>
#include <kn/console.h>
#include <kn/panic.h>
#include <kn/time.h>
#include "io.h"
#include "kvm.h"

#define CPUID_HYPERVISOR (1u << 31) /* leaf 1, ecx */
#define HZ_MIN 100000000ULL         /* sanity bounds for stated rates */
#define HZ_MAX 20000000000ULL

static uint64_t kn_kvm_tsc_base;   /* TSC at monotonic time 0 */
static uint64_t kn_kvm_tsc_mult;   /* ns per TSC tick, 32.32 fixed point */
static uint64_t kn_kvm_wall_delta; /* wall minus monotonic, mod 2^64 */
static bool kn_kvm_wall_known;

static uint64_t kn_kvm_sane_hz(uint64_t hz)
{
	return hz >= HZ_MIN && hz <= HZ_MAX ? hz : 0;
}

/* KVM (QEMU with invtsc or tsc-frequency) and VMware publish the TSC and
 * APIC bus rates in kHz in the timing leaf 0x40000010. */
static uint64_t kn_kvm_hypervisor_tsc_hz(uint64_t *bus_hz)
{
	if (!(kn_kvm_cpuid(1, 0).ecx & CPUID_HYPERVISOR))
		return 0;
	struct kn_kvm_cpuid h = kn_kvm_cpuid(0x40000000, 0);
	bool kvm = h.ebx == 0x4b4d564b && h.ecx == 0x564b4d56 && h.edx == 0x4d;
	bool vmware = h.ebx == 0x61774d56 && h.ecx == 0x4d566572 && h.edx == 0x65726177;
	if (!(kvm || vmware) || h.eax < 0x40000010)
		return 0;
	struct kn_kvm_cpuid t = kn_kvm_cpuid(0x40000010, 0);
	*bus_hz = kn_kvm_sane_hz(t.ebx * 1000ULL);
	return kn_kvm_sane_hz(t.eax * 1000ULL);
}

/* Leaf 0x15: TSC = crystal * ebx / eax; when the crystal rate is not
 * given, leaf 0x16 has the nominal rate the TSC runs at. */
static uint64_t kn_kvm_cpu_tsc_hz(void)
{
	uint32_t max = kn_kvm_cpuid(0, 0).eax;
	if (max < 0x15)
		return 0;
	struct kn_kvm_cpuid c = kn_kvm_cpuid(0x15, 0);
	if (!c.eax || !c.ebx)
		return 0;
	if (c.ecx)
		return kn_kvm_sane_hz((uint64_t)c.ecx * c.ebx / c.eax);
	if (max < 0x16)
		return 0;
	return kn_kvm_sane_hz((kn_kvm_cpuid(0x16, 0).eax & 0xffff) * 1000000ULL);
}

static uint64_t kn_kvm_stated_hz, kn_kvm_stated_bus_hz;

void kn_kvm_time_begin(void)
{
	kn_kvm_stated_hz = kn_kvm_hypervisor_tsc_hz(&kn_kvm_stated_bus_hz);
	if (!kn_kvm_stated_hz)
		kn_kvm_stated_hz = kn_kvm_cpu_tsc_hz();
	if (!kn_kvm_stated_hz)
		kn_kvm_calibrate_begin();
}

void kn_kvm_time_init(void)
{
	uint64_t hz = kn_kvm_stated_hz;
	uint64_t timer_hz = kn_kvm_stated_bus_hz / KN_KVM_TIMER_DIVIDE;
	if (!hz || !timer_hz) {
		struct kn_kvm_window w;
		if (kn_kvm_calibrate_end(&w, hz) != 0) {
			kn_printk("kn: kvm: no PIT or RTC to measure the TSC rate\n");
			kn_plat_exit(KN_EXIT_PANIC);
		}
		if (!hz)
			hz = kn_kvm_muldiv(w.tsc, w.ref_hz, w.ref_ticks);
		timer_hz = kn_kvm_muldiv(w.lapic, hz, w.lapic_tsc);
	}
	kn_kvm_timer_set_hz(timer_hz);
	kn_kvm_tsc_base = kn_boot_times.first_insn_tsc;
	kn_kvm_tsc_mult = kn_kvm_muldiv(KN_NSEC_PER_SEC, 1ULL << 32, hz);
	kn_boot_times.tsc_hz = hz;
}

uint64_t kn_time_monotonic_ns(void)
{
	uint64_t ticks = kn_arch_rdtsc() - kn_kvm_tsc_base;
	return (uint64_t)((unsigned __int128)ticks * kn_kvm_tsc_mult >> 32);
}

/* The RTC is read on first use: reading it costs dozens of port reads,
 * each a VM exit, which programs that never ask the date should not pay
 * at boot. Without an RTC the wall clock starts at the epoch. */
uint64_t kn_time_wall_ns(void)
{
	if (!kn_kvm_wall_known) {
		int64_t rtc = kn_kvm_rtc_read();
		kn_time_set_wall_ns(rtc >= 0 ? (uint64_t)rtc * KN_NSEC_PER_SEC : 0);
	}
	return kn_kvm_wall_delta + kn_time_monotonic_ns();
}

void kn_time_set_wall_ns(uint64_t ns)
{
	kn_kvm_wall_delta = ns - kn_time_monotonic_ns();
	kn_kvm_wall_known = true;
}
