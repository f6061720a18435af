/* Free RAM: the memory map minus everything the boot still uses. The
 * page tables are carved from it too, just above the image. */
#include <kn/console.h>
#include <kn/panic.h>
#include "kvm.h"

#define PAGE KN_KVM_PAGE_SIZE
/* VGA memory and the BIOS ROMs, which some memory maps call RAM. */
#define LEGACY_HOLE_START 0xa0000
#define LEGACY_HOLE_END 0x100000

static struct kn_kvm_regions kn_kvm_free;

/* Only whole pages count as free: the range shrinks to page bounds. */
void kn_kvm_regions_add(struct kn_kvm_regions *rs, uint64_t base, uint64_t end)
{
	base = KN_ALIGN_UP(base, PAGE);
	end = KN_ALIGN_DOWN(end, PAGE);
	if (base >= end || rs->n == KN_KVM_REGIONS_MAX)
		return;
	rs->r[rs->n].base = base;
	rs->r[rs->n].len = end - base;
	rs->n++;
}

static void kn_kvm_regions_drop(struct kn_kvm_regions *rs, size_t i)
{
	rs->r[i] = rs->r[--rs->n];
}

/* A used range takes its whole pages away. When the table is full, the
 * upper half of a split is lost rather than overwriting anything. */
void kn_kvm_regions_remove(struct kn_kvm_regions *rs, uint64_t base, uint64_t end)
{
	base = KN_ALIGN_DOWN(base, PAGE);
	end = KN_ALIGN_UP(end, PAGE);
	for (size_t i = 0; i < rs->n;) {
		uint64_t rb = rs->r[i].base, re = rb + rs->r[i].len;
		if (end <= rb || base >= re) {
			i++;
			continue;
		}
		if (base <= rb && end >= re) {
			kn_kvm_regions_drop(rs, i);
			continue;
		}
		if (base > rb) {
			rs->r[i].len = base - rb;
			kn_kvm_regions_add(rs, end, re);
		} else {
			rs->r[i].base = end;
			rs->r[i].len = re - end;
		}
		i++;
	}
}

void kn_kvm_mem_init(void)
{
	struct kn_kvm_regions *rs = &kn_kvm_free;
	kn_kvm_start_info_ram(rs);
	/* Below the memory floor the image's end (bss, stacks) lies past
	 * RAM: say so instead of running on memory that is not there. */
	uint64_t start = (uintptr_t)__kn_image_start, end = (uintptr_t)__kn_image_end;
	int fits = 0;
	for (size_t i = 0; i < rs->n; i++)
		if (rs->r[i].base <= start && rs->r[i].base + rs->r[i].len >= end)
			fits = 1;
	if (!fits) {
		kn_printk("kn: kvm: the image needs RAM up to 0x%lx, which the VM does not "
			  "have; give it more memory (-m)\n",
			  (unsigned long)end);
		kn_plat_exit(KN_EXIT_PANIC);
	}
	kn_kvm_regions_remove(rs, 0, PAGE); /* NULL stays unmapped */
	kn_kvm_regions_remove(rs, LEGACY_HOLE_START, LEGACY_HOLE_END);
	kn_kvm_regions_remove(rs, (uintptr_t)__kn_image_start, (uintptr_t)__kn_image_end);
	kn_kvm_start_info_reserve(rs);
}

/* The free region with the lowest base at or above `from`, or rs->n. */
static size_t kn_kvm_lowest_from(const struct kn_kvm_regions *rs, uint64_t from)
{
	size_t best = rs->n;
	for (size_t i = 0; i < rs->n; i++)
		if (rs->r[i].base >= from && (best == rs->n || rs->r[i].base < rs->r[best].base))
			best = i;
	return best;
}

/* Page tables are zeroed through the boot mapping of the first GiB. */
uint64_t kn_kvm_mem_take_page(void)
{
	struct kn_kvm_regions *rs = &kn_kvm_free;
	size_t i = kn_kvm_lowest_from(rs, (uintptr_t)__kn_image_end);
	if (i == rs->n)
		i = kn_kvm_lowest_from(rs, 0);
	if (i == rs->n || rs->r[i].base + PAGE > (1ULL << 30)) {
		kn_printk("kn: kvm: no memory for page tables\n");
		kn_plat_exit(KN_EXIT_PANIC);
	}
	uint64_t page = rs->r[i].base;
	rs->r[i].base += PAGE;
	rs->r[i].len -= PAGE;
	if (rs->r[i].len == 0)
		kn_kvm_regions_drop(rs, i);
	return page;
}

/* In address order, lowest first. */
size_t kn_plat_mem_regions(struct kn_mem_region *out, size_t max)
{
	const struct kn_kvm_regions *rs = &kn_kvm_free;
	size_t n = 0;
	for (uint64_t from = 0; n < rs->n; n++) {
		size_t i = kn_kvm_lowest_from(rs, from);
		if (n < max)
			out[n] = rs->r[i];
		from = rs->r[i].base + 1;
	}
	return n;
}
