/* The area list: see vma.h. Areas are few (a libc maps large blocks only),
 * so an ordered singly linked list is enough. */
#include <kn/errno.h>
#include <kn/mman.h>
#include <kn/plat.h>
#include <kn/vfs.h>
#include "vma.h"

#define RW (KN_PROT_READ | KN_PROT_WRITE)

static struct kn_vma *areas;

struct kn_vma *kn_mm_first(void)
{
	return areas;
}

struct kn_vma *kn_mm_find(uintptr_t addr)
{
	for (struct kn_vma *v = areas; v && v->start <= addr; v = v->next)
		if (addr < v->end)
			return v;
	return NULL;
}

int kn_mm_covered(uintptr_t start, uintptr_t end)
{
	uintptr_t at = start;
	for (struct kn_vma *v = areas; v && at < end; v = v->next) {
		if (v->end <= at)
			continue;
		if (v->start > at)
			return 0;
		at = v->end;
	}
	return at >= end;
}

int kn_mm_overlaps(uintptr_t start, uintptr_t end)
{
	for (struct kn_vma *v = areas; v && v->start < end; v = v->next)
		if (v->end > start)
			return 1;
	return 0;
}

int kn_mm_split_at(uintptr_t at)
{
	struct kn_vma *v = kn_mm_find(at);
	if (!v || v->start == at)
		return 0;
	struct kn_vma *tail = kn_malloc(sizeof(*tail));
	if (!tail)
		return -KN_ENOMEM;
	*tail = *v;
	tail->start = at;
	if (tail->ino) {
		tail->off += at - v->start;
		kn_vfs_mapped_files++;
	}
	v->end = at;
	v->next = tail;
	return 0;
}

void kn_mm_set_file(uintptr_t start, uintptr_t end, uint64_t dev, uint64_t ino, uint64_t off)
{
	for (struct kn_vma *v = kn_mm_find(start); v && v->start < end; v = v->next) {
		if (!v->ino)
			kn_vfs_mapped_files++;
		v->dev = dev;
		v->ino = ino;
		v->off = off + (v->start - start);
	}
}

void kn_mm_clear_file(uintptr_t start, uintptr_t end)
{
	for (struct kn_vma *v = kn_mm_find(start); v && v->start < end; v = v->next) {
		if (v->ino)
			kn_vfs_mapped_files--;
		v->dev = v->ino = v->off = 0;
	}
}

static void insert(struct kn_vma *n)
{
	struct kn_vma **pp = &areas;
	while (*pp && (*pp)->start < n->start)
		pp = &(*pp)->next;
	n->next = *pp;
	*pp = n;
}

struct kn_vma *kn_mm_map_new(size_t len, int prot, int flags)
{
	struct kn_vma *v = kn_malloc(sizeof(*v));
	struct kn_mm_block *b = kn_malloc(sizeof(*b));
	size_t npages = len / PAGE;
	void *mem = (v && b && npages) ? kn_palloc(npages) : NULL;
	if (!mem) {
		kn_free(v);
		kn_free(b);
		return NULL;
	}
	__builtin_memset(mem, 0, len);
	b->base = (uintptr_t)mem;
	b->npages = npages;
	b->live = npages;
	v->start = b->base;
	v->end = b->base + len;
	v->prot = prot;
	v->flags = flags & (KN_MAP_TYPE | KN_MAP_ANONYMOUS);
	v->blk = b;
	v->dev = v->ino = v->off = 0;
	insert(v);
	return v;
}

int kn_mm_hw_prot(int prot)
{
	prot &= KN_PROT_READ | KN_PROT_WRITE | KN_PROT_EXEC;
	return prot ? prot | KN_PROT_READ : KN_PROT_NONE;
}

int kn_mm_prot_is_rw(int prot)
{
	return kn_mm_hw_prot(prot) == RW;
}

int kn_mm_protect(uintptr_t start, uintptr_t end, int prot)
{
	/* The platform takes the same bit values as PROT_*. */
	_Static_assert(KN_PLAT_PROT_READ == KN_PROT_READ && KN_PLAT_PROT_WRITE == KN_PROT_WRITE &&
			       KN_PLAT_PROT_EXEC == KN_PROT_EXEC,
		       "PROT_* and KN_PLAT_PROT_* differ");
	return kn_plat_protect(start, end - start, kn_mm_hw_prot(prot));
}

static void drop(struct kn_vma *v)
{
	struct kn_mm_block *b = v->blk;
	/* Cannot fail: the pages were protected before (kn_plat_protect). */
	if (!kn_mm_prot_is_rw(v->prot))
		kn_mm_protect(v->start, v->end, RW);
	if (v->ino)
		kn_vfs_mapped_files--;
	b->live -= (v->end - v->start) / PAGE;
	if (!b->live) {
		kn_pfree((void *)b->base, b->npages);
		kn_free(b);
	}
	kn_free(v);
}

int kn_mm_unmap(uintptr_t start, uintptr_t end)
{
	if (!kn_mm_overlaps(start, end))
		return 0;
	/* Both splits first: a failure then leaves every area as it was
	 * (a split alone changes nothing visible). */
	int err = kn_mm_split_at(start);
	if (!err)
		err = kn_mm_split_at(end);
	if (err)
		return err;
	struct kn_vma **pp = &areas;
	while (*pp && (*pp)->start < end) {
		struct kn_vma *v = *pp;
		if (v->start >= start) {
			*pp = v->next;
			drop(v);
		} else {
			pp = &v->next;
		}
	}
	return 0;
}

int kn_mm_grow_in_place(struct kn_vma *v, size_t extra)
{
	struct kn_mm_block *b = v->blk;
	uintptr_t block_end = b->base + b->npages * PAGE;
	if (extra > block_end - v->end)
		return -KN_ENOMEM;
	uintptr_t new_end = v->end + extra;
	if (v->next && v->next->start < new_end)
		return -KN_ENOMEM;
	int protect = !kn_mm_prot_is_rw(v->prot);
	if (protect) {
		/* First the step that can run out of page tables, while
		 * nothing has changed yet; then open the pages to zero them. */
		int err = kn_mm_protect(v->end, new_end, v->prot);
		if (err)
			return err;
		kn_mm_protect(v->end, new_end, RW);
	}
	__builtin_memset((void *)v->end, 0, extra);
	if (protect)
		kn_mm_protect(v->end, new_end, v->prot);
	v->end = new_end;
	b->live += extra / PAGE;
	return 0;
}

void kn_mm_merge(void)
{
	struct kn_vma *v = areas;
	while (v && v->next) {
		struct kn_vma *n = v->next;
		if (v->end == n->start && v->blk == n->blk && v->prot == n->prot &&
		    v->flags == n->flags && v->dev == n->dev && v->ino == n->ino &&
		    (!v->ino || v->off + (v->end - v->start) == n->off)) {
			if (n->ino)
				kn_vfs_mapped_files--;
			v->end = n->end;
			v->next = n->next;
			kn_free(n);
		} else {
			v = n;
		}
	}
}

size_t kn_mm_mapped_bytes(void)
{
	size_t n = 0;
	for (struct kn_vma *v = areas; v; v = v->next)
		n += v->end - v->start;
	return n;
}

size_t kn_mmap_mapped_bytes(void)
{
	return kn_mm_mapped_bytes();
}
