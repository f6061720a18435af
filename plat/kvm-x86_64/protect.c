/* Page protections of heap memory at run time (kn_plat_protect).
 *
 * Boot maps the heap read-write, non-executable, with 2 MiB and 1 GiB
 * pages (paging.c). A page given any other protection gets a 4 KiB leaf:
 * the large pages above it are split with page tables taken from the heap
 * itself (kn_palloc). Those tables are never given back: there is at most
 * one per 2 MiB of heap ever protected (0.2% of it), and keeping them means
 * that a large leaf is always plain read-write, so every later change of a
 * protected page (munmap's return to read-write included) only rewrites
 * 4 KiB leaves and cannot run out of memory. */
#include <kn/errno.h>
#include <kn/plat.h>
#include "kvm.h"

#define PAGE KN_KVM_PAGE_SIZE
#define ENTRIES 512
/* The leaf bits a protection decides; the others (address, caching,
 * accessed/dirty) are kept. */
#define PROT_BITS (KN_PTE_P | KN_PTE_W | KN_PTE_NONE | KN_PTE_NX)
/* Up to this many pages, each is invalidated alone (invlpg); beyond,
 * reloading CR3 flushes the whole TLB at once. */
#define INVLPG_MAX 32

#ifdef CONFIG_HAVE_ALLOC
#include <kn/alloc.h>
#endif

static uint64_t kn_kvm_prot_bits(int prot)
{
	if (!(prot & (KN_PLAT_PROT_READ | KN_PLAT_PROT_WRITE | KN_PLAT_PROT_EXEC)))
		return KN_PTE_NONE;
	uint64_t bits = KN_PTE_P;
	if (prot & KN_PLAT_PROT_WRITE)
		bits |= KN_PTE_W;
	if (!(prot & KN_PLAT_PROT_EXEC))
		bits |= kn_kvm_pte_nx;
	return bits;
}

/* Whether [va, end) lies in the memory the heap was given. */
static bool kn_kvm_is_heap(uintptr_t va, uintptr_t end)
{
	struct kn_mem_region r[KN_KVM_REGIONS_MAX];
	size_t n = kn_plat_mem_regions(r, KN_KVM_REGIONS_MAX);
	/* In address order: walk along regions that touch each other. */
	for (size_t i = 0; i < n && va < end; i++)
		if (r[i].base <= va && va < r[i].base + r[i].len)
			va = r[i].base + r[i].len;
	return va >= end;
}

/* Replaces the large leaf *e, mapping 2^shift bytes, with a table of 512
 * leaves of 2^(shift - 9) bytes that map the same memory the same way. */
static int kn_kvm_split(uint64_t *e, unsigned shift)
{
	/* An image without an allocator (uses) has no heap to protect. */
#ifdef CONFIG_HAVE_ALLOC
	uint64_t *t = kn_palloc(1);
#else
	uint64_t *t = NULL;
#endif
	if (!t)
		return -KN_ENOMEM;
	uint64_t child = 1ULL << (shift - 9);
	uint64_t base = *e & KN_PTE_ADDR & ~((1ULL << shift) - 1); /* drops PAT */
	uint64_t flags = (*e & ~KN_PTE_ADDR & ~KN_PTE_PS) | (child > PAGE ? KN_PTE_PS : 0);
	for (unsigned i = 0; i < ENTRIES; i++)
		t[i] = (base + i * child) | flags;
	/* The translation of every address stays the same, so the TLB may
	 * keep the large entry until the leaves change. */
	*e = (uintptr_t)t | KN_PTE_P | KN_PTE_W;
	return 0;
}

static bool kn_kvm_is_leaf(uint64_t e, unsigned shift)
{
	return shift == 12 || (e & KN_PTE_PS);
}

/* Walks [va, end) in table t, whose entries map 2^shift bytes: without
 * `set`, splits every large leaf that needs a change (the only step that
 * can fail, and it changes no protection); with it, writes `bits` into the
 * 4 KiB leaves. Counts the leaves changed in *changed. */
static int kn_kvm_walk(uint64_t *t, unsigned shift, uintptr_t va, uintptr_t end, uint64_t bits,
		       bool set, size_t *changed)
{
	uint64_t size = 1ULL << shift;
	while (va < end) {
		uint64_t *e = &t[(va >> shift) & (ENTRIES - 1)];
		uintptr_t next = (va & ~(size - 1)) + size;
		uintptr_t stop = next < end ? next : end;
		if (!(*e & (KN_PTE_P | KN_PTE_NONE)))
			return -KN_EINVAL; /* a hole in the heap's mapping: a bug */
		if (kn_kvm_is_leaf(*e, shift) && (*e & PROT_BITS) != bits) {
			if (shift > 12) {
				int err = set ? -KN_EINVAL : kn_kvm_split(e, shift);
				if (err)
					return err;
			} else if (set) {
				*e = (*e & ~PROT_BITS) | bits;
				(*changed)++;
			}
		}
		if (!kn_kvm_is_leaf(*e, shift)) {
			uint64_t *below = (uint64_t *)(uintptr_t)(*e & KN_PTE_ADDR);
			int err = kn_kvm_walk(below, shift - 9, va, stop, bits, set, changed);
			if (err)
				return err;
		}
		va = stop;
	}
	return 0;
}

static void kn_kvm_tlb_flush(uintptr_t va, uintptr_t end)
{
	if ((end - va) / PAGE > INVLPG_MAX) {
		uint64_t cr3;
		__asm__ volatile("mov %%cr3, %0; mov %0, %%cr3" : "=r"(cr3) : : "memory");
		return;
	}
	for (; va < end; va += PAGE)
		__asm__ volatile("invlpg (%0)" : : "r"(va) : "memory");
}

int kn_plat_protect(uintptr_t va, size_t len, int prot)
{
	uintptr_t end = va + len;
	if ((va | len) & (PAGE - 1) || !len || end < va || !kn_kvm_is_heap(va, end))
		return -KN_EINVAL;
	uint64_t bits = kn_kvm_prot_bits(prot);
	size_t changed = 0;
	int err = kn_kvm_walk(kn_kvm_pml4, 39, va, end, bits, false, &changed);
	if (!err)
		err = kn_kvm_walk(kn_kvm_pml4, 39, va, end, bits, true, &changed);
	if (changed)
		kn_kvm_tlb_flush(va, end);
	return err;
}

/* The entry that maps va (a leaf, or the first entry that is not
 * present) and, in *shift, the log2 of the bytes it covers. */
static uint64_t kn_kvm_leaf(uintptr_t va, unsigned *shift)
{
	uint64_t *t = kn_kvm_pml4;
	for (*shift = 39;; *shift -= 9) {
		uint64_t e = t[(va >> *shift) & (ENTRIES - 1)];
		if (!(e & KN_PTE_P) || *shift == 12 || (e & KN_PTE_PS))
			return e;
		t = (uint64_t *)(uintptr_t)(e & KN_PTE_ADDR);
	}
}

int kn_plat_protection(uintptr_t va)
{
	unsigned shift;
	uint64_t e = kn_kvm_leaf(va, &shift);
	if (e & KN_PTE_NONE)
		return KN_PLAT_PROT_NONE;
	if (!(e & KN_PTE_P))
		return -KN_EINVAL;
	int prot = KN_PLAT_PROT_READ;
	if (e & KN_PTE_W)
		prot |= KN_PLAT_PROT_WRITE;
	if (!(e & KN_PTE_NX))
		prot |= KN_PLAT_PROT_EXEC;
	return prot;
}

/* Canonical: bits 63..47 all equal (48-bit virtual addresses). */
static bool kn_kvm_canonical(uintptr_t va)
{
	return (uintptr_t)((intptr_t)(va << 16) >> 16) == va;
}

int kn_plat_access_ok(uintptr_t va, size_t len, int prot)
{
	uintptr_t last = va + len - 1;
	/* Both ends canonical and on one side of the hole between the halves. */
	if (!kn_kvm_canonical(va) || !kn_kvm_canonical(last) || (va ^ last) >> 63)
		return -KN_EFAULT;
	uint64_t need = KN_PTE_P | (prot & KN_PLAT_PROT_WRITE ? KN_PTE_W : 0);
	for (;;) {
		unsigned shift;
		if ((kn_kvm_leaf(va, &shift) & need) != need)
			return -KN_EFAULT;
		uintptr_t next = (va | ((1UL << shift) - 1)) + 1;
		if (next - 1 >= last || !next)
			return 0;
		va = next;
	}
}
