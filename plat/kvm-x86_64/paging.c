/* The final page tables: every RAM range of the memory map identity
 * mapped read-write and non-executable with the largest pages that fit,
 * the image with W^X (text RX, rodata R, data and bss RW), page 0 and
 * the boot stack's guard page left unmapped so NULL and an overflow fault,
 * and the 0xc0000000-0xffffffff MMIO window
 * (local APIC, IOAPIC, virtio-mmio, PCI BARs) uncached. */
#include <stdbool.h>
#include "io.h"
#include "kvm.h"

#define MSR_EFER 0xc0000080
#define EFER_NXE (1 << 11)
#define MMIO_START 0xc0000000ULL
#define MMIO_END 0x100000000ULL

uint64_t *kn_kvm_pml4;
uint64_t kn_kvm_pte_nx;
static bool kn_kvm_gib_pages;

static uint64_t *kn_kvm_table_new(void)
{
	uint64_t *t = (uint64_t *)(uintptr_t)kn_kvm_mem_take_page();
	uint64_t *p = t;
	size_t n = KN_KVM_PAGE_SIZE / 8;
	__asm__ volatile("rep stosq" : "+D"(p), "+c"(n) : "a"(0ULL) : "memory");
	return t;
}

/* Intermediate entries allow everything; the leaf decides. */
static uint64_t *kn_kvm_table_next(uint64_t *entry)
{
	if (!(*entry & KN_PTE_P))
		*entry = (uintptr_t)kn_kvm_table_new() | KN_PTE_P | KN_PTE_W;
	return (uint64_t *)(uintptr_t)(*entry & KN_PTE_ADDR);
}

/* Identity maps [va, end). The ranges given never overlap, so a large
 * page never has to be split later. */
static void kn_kvm_map(uint64_t va, uint64_t end, uint64_t flags)
{
	while (va < end) {
		uint64_t *table = kn_kvm_pml4;
		for (unsigned shift = 39;; shift -= 9) {
			uint64_t *e = &table[(va >> shift) & 511];
			uint64_t size = 1ULL << shift;
			bool large = (shift == 21 || (shift == 30 && kn_kvm_gib_pages)) &&
				     (va & (size - 1)) == 0 && end - va >= size;
			if (shift == 12 || large) {
				*e = va | flags | (large ? KN_PTE_PS : 0);
				va += size;
				break;
			}
			table = kn_kvm_table_next(e);
		}
	}
}

void kn_kvm_paging_init(void)
{
	uint64_t nx = (kn_kvm_rdmsr(MSR_EFER) & EFER_NXE) ? KN_PTE_NX : 0;
	kn_kvm_pte_nx = nx;
	kn_kvm_gib_pages = kn_kvm_cpuid(0x80000001, 0).edx & (1u << 26);
	kn_kvm_pml4 = kn_kvm_table_new();

	struct kn_kvm_regions ram;
	ram.n = 0;
	kn_kvm_start_info_ram(&ram);
	kn_kvm_regions_remove(&ram, 0, KN_KVM_PAGE_SIZE);
	kn_kvm_regions_remove(&ram, (uintptr_t)__kn_image_start, (uintptr_t)__kn_image_end);
	for (size_t i = 0; i < ram.n; i++)
		kn_kvm_map(ram.r[i].base, ram.r[i].base + ram.r[i].len, KN_PTE_P | KN_PTE_W | nx);

	kn_kvm_map((uintptr_t)__kn_text_start, (uintptr_t)__kn_text_end, KN_PTE_P);
	kn_kvm_map((uintptr_t)__kn_rodata_start, (uintptr_t)__kn_rodata_end, KN_PTE_P | nx);
	uintptr_t guard = (uintptr_t)kn_kvm_boot_guard;
	kn_kvm_map((uintptr_t)__kn_data_start, guard, KN_PTE_P | KN_PTE_W | nx);
	kn_kvm_map(guard, guard + KN_KVM_PAGE_SIZE, KN_PTE_NONE);
	kn_kvm_map(guard + KN_KVM_PAGE_SIZE, (uintptr_t)__kn_image_end, KN_PTE_P | KN_PTE_W | nx);

	/* The MMIO window, except where the memory map has RAM in it (ram
	 * lacks page 0 and the image, which lie below the window). */
	struct kn_kvm_regions mmio;
	mmio.n = 0;
	kn_kvm_regions_add(&mmio, MMIO_START, MMIO_END);
	for (size_t i = 0; i < ram.n; i++)
		kn_kvm_regions_remove(&mmio, ram.r[i].base, ram.r[i].base + ram.r[i].len);
	for (size_t i = 0; i < mmio.n; i++)
		kn_kvm_map(mmio.r[i].base, mmio.r[i].base + mmio.r[i].len,
			   KN_PTE_P | KN_PTE_W | KN_PTE_PCD | KN_PTE_PWT | nx);

	__asm__ volatile("mov %0, %%cr3" : : "r"(kn_kvm_pml4) : "memory");
}
