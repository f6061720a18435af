/* The PVH start info (Xen's struct hvm_start_info, version 1): command
 * line, modules (the first is the initrd) and the memory map. Layouts
 * written from the public PVH boot ABI. What is needed after boot is
 * copied out: the VMM may put boot data anywhere, even in page 0, which
 * the final page tables leave unmapped. */
#include <kn/console.h>
#include <kn/panic.h>
#include "kvm.h"

#define KN_KVM_PVH_MAGIC 0x336ec578
#define KN_KVM_MEMMAP_RAM 1
#define KN_KVM_CMDLINE_MAX 4096 /* Linux takes 2048, Firecracker too */

struct kn_kvm_pvh_start_info {
	uint32_t magic;
	uint32_t version;
	uint32_t flags;
	uint32_t nr_modules;
	uint64_t modlist_paddr;
	uint64_t cmdline_paddr;
	uint64_t rsdp_paddr;
	uint64_t memmap_paddr;   /* version >= 1 */
	uint32_t memmap_entries; /* version >= 1 */
	uint32_t reserved;
};

struct kn_kvm_pvh_module {
	uint64_t paddr;
	uint64_t size;
	uint64_t cmdline_paddr;
	uint64_t reserved;
};

struct kn_kvm_pvh_memmap_entry {
	uint64_t addr;
	uint64_t size;
	uint32_t type;
	uint32_t reserved;
};

/* Until paging.c runs only the first GiB is mapped. */
#define KN_KVM_BOOT_MAPPED (1ULL << 30)

static const struct kn_kvm_pvh_start_info *kn_kvm_si;
static const struct kn_kvm_pvh_memmap_entry *kn_kvm_memmap;
static char kn_kvm_cmdline[KN_KVM_CMDLINE_MAX];
static uint64_t kn_kvm_initrd_base, kn_kvm_initrd_len;

static KN_NORETURN void kn_kvm_bad_boot(const char *what, uint64_t v)
{
	kn_printk("kn: kvm: unusable PVH start info: %s (0x%llx)\n", what, (unsigned long long)v);
	kn_plat_exit(KN_EXIT_PANIC);
}

/* Boot data must be readable on the boot page tables. */
static const void *kn_kvm_boot_ptr(const char *what, uint64_t paddr, uint64_t len)
{
	if (paddr == 0 || paddr + len > KN_KVM_BOOT_MAPPED)
		kn_kvm_bad_boot(what, paddr);
	return (const void *)(uintptr_t)paddr;
}

static void kn_kvm_cmdline_copy(uint64_t paddr)
{
	const char *s = kn_kvm_boot_ptr("command line", paddr, 1);
	size_t n = 0;
	while (s[n] && n < KN_KVM_CMDLINE_MAX - 1) {
		kn_kvm_cmdline[n] = s[n];
		n++;
	}
	if (s[n])
		kn_printk("kn: kvm: command line cut to %d bytes\n", KN_KVM_CMDLINE_MAX - 1);
}

/* The initrd is read after paging.c has mapped only RAM: it must lie in
 * one RAM range of the memory map (and not wrap around). */
static void kn_kvm_initrd_check(void)
{
	uint64_t base = kn_kvm_initrd_base, end = base + kn_kvm_initrd_len;
	if (!kn_kvm_initrd_len)
		return;
	if (end < base)
		kn_kvm_bad_boot("initrd size", kn_kvm_initrd_len);
	for (uint32_t i = 0; i < kn_kvm_si->memmap_entries; i++) {
		const struct kn_kvm_pvh_memmap_entry *e = &kn_kvm_memmap[i];
		if (e->type == KN_KVM_MEMMAP_RAM && base >= e->addr && base != 0 &&
		    end <= e->addr + e->size)
			return;
	}
	kn_kvm_bad_boot("initrd outside RAM", base);
}

void kn_kvm_start_info_init(uint32_t paddr)
{
	const struct kn_kvm_pvh_start_info *si = kn_kvm_boot_ptr("address", paddr, sizeof(*si));
	if (si->magic != KN_KVM_PVH_MAGIC)
		kn_kvm_bad_boot("magic", si->magic);
	if (si->version < 1 || si->memmap_entries == 0)
		kn_kvm_bad_boot("no memory map, version", si->version);
	kn_kvm_si = si;
	kn_kvm_memmap = kn_kvm_boot_ptr("memory map", si->memmap_paddr,
					si->memmap_entries * sizeof(*kn_kvm_memmap));
	if (si->cmdline_paddr)
		kn_kvm_cmdline_copy(si->cmdline_paddr);
	if (si->nr_modules) {
		const struct kn_kvm_pvh_module *m =
			kn_kvm_boot_ptr("module list", si->modlist_paddr, sizeof(*m));
		kn_kvm_initrd_base = m->paddr;
		kn_kvm_initrd_len = m->size;
		kn_kvm_initrd_check();
	}
}

void kn_kvm_start_info_ram(struct kn_kvm_regions *rs)
{
	for (uint32_t i = 0; i < kn_kvm_si->memmap_entries; i++) {
		const struct kn_kvm_pvh_memmap_entry *e = &kn_kvm_memmap[i];
		if (e->type == KN_KVM_MEMMAP_RAM)
			kn_kvm_regions_add(rs, e->addr, e->addr + e->size);
	}
}

/* The start info and memory map are read until paging is set up. */
void kn_kvm_start_info_reserve(struct kn_kvm_regions *rs)
{
	uint64_t p = (uintptr_t)kn_kvm_si;
	kn_kvm_regions_remove(rs, p, p + sizeof(*kn_kvm_si));
	p = (uintptr_t)kn_kvm_memmap;
	kn_kvm_regions_remove(rs, p, p + kn_kvm_si->memmap_entries * sizeof(*kn_kvm_memmap));
	kn_kvm_regions_remove(rs, kn_kvm_initrd_base, kn_kvm_initrd_base + kn_kvm_initrd_len);
}

const char *kn_plat_cmdline(void)
{
	return kn_kvm_cmdline;
}

int kn_plat_initrd(const void **base, size_t *len)
{
	if (!kn_kvm_initrd_len)
		return -1;
	*base = (const void *)(uintptr_t)kn_kvm_initrd_base;
	*len = kn_kvm_initrd_len;
	return 0;
}
