/* The first C code: brings up what every library may rely on, in the
 * order each step needs the previous ones, then hands over to kn_boot. */
#include <kn/boot.h>
#include <kn/plat.h>
#include "kvm.h"

const char kn_plat_name[] = "kvm";

KN_NORETURN void kn_kvm_start(uint32_t start_info);

void kn_kvm_start(uint32_t start_info)
{
	kn_kvm_serial_init(); /* kn_printk works from here */
	kn_kvm_time_begin();  /* the TSC measuring window opens */
	kn_kvm_idt_init();    /* faults are reported */
	kn_kvm_tls_init();    /* FS base loads for thread TLS */
	kn_kvm_start_info_init(start_info);
	kn_kvm_mem_init();
	kn_kvm_paging_init(); /* maps the local APIC */
	kn_kvm_irq_init();
	kn_kvm_time_init(); /* ... and closes */
	kn_boot();
}
