/* mremap: shrink or grow in place, else move (MREMAP_MAYMOVE) by copying
 * into a new block; MREMAP_FIXED moves over one of our own mappings. */
#include <kn/errno.h>
#include <kn/mman.h>
#include <kn/syscall.h>
#include "vma.h"

#define RW (KN_PROT_READ | KN_PROT_WRITE)

/* Copies into dst, which already has the protection prot of the old
 * range, then unmaps the old range. Protected pages are opened for the
 * copy (both ranges were protected before: these calls cannot fail). */
static long move_to(uintptr_t old, size_t old_len, uintptr_t dst, size_t new_len, int prot)
{
	size_t keep = old_len < new_len ? old_len : new_len;
	int closed = !kn_mm_prot_is_rw(prot);
	int unreadable = !(kn_mm_hw_prot(prot) & KN_PROT_READ);
	if (closed)
		kn_mm_protect(dst, dst + new_len, RW);
	if (unreadable)
		kn_mm_protect(old, old + old_len, RW);
	__builtin_memmove((void *)dst, (void *)old, keep);
	if (closed)
		kn_mm_protect(dst, dst + new_len, prot);
	long err = kn_mm_unmap(old, old + old_len);
	if (err) {
		if (unreadable)
			kn_mm_protect(old, old + old_len, prot);
		return err;
	}
	return (long)dst;
}

KN_SYSCALL(mremap)(void *old, size_t old_len, size_t new_len, int flags, void *new_addr)
{
	uintptr_t a = (uintptr_t)old, to = (uintptr_t)new_addr;
	if (flags & ~(KN_MREMAP_MAYMOVE | KN_MREMAP_FIXED | KN_MREMAP_DONTUNMAP))
		return -KN_EINVAL;
	if ((flags & KN_MREMAP_FIXED) && !(flags & KN_MREMAP_MAYMOVE))
		return -KN_EINVAL;
	if (flags & KN_MREMAP_DONTUNMAP)
		return -KN_EINVAL; /* not supported: would need two live copies */
	if (a & (PAGE - 1))
		return -KN_EINVAL;
	if (old_len > MAP_MAX_BYTES || new_len > MAP_MAX_BYTES)
		return -KN_ENOMEM;
	old_len = PAGE_UP(old_len);
	new_len = PAGE_UP(new_len);
	/* old_len 0 duplicates a shared mapping on Linux: not supported. */
	if (!new_len || !old_len)
		return -KN_EINVAL;
	struct kn_vma *v = kn_mm_find(a);
	if (!v)
		return -KN_EFAULT;
	/* Shrinking unmaps the tail, whatever it covers (as Linux does). */
	if (new_len <= old_len && !(flags & KN_MREMAP_FIXED)) {
		long err = kn_mm_unmap(a + new_len, a + old_len);
		return err ? err : (long)a;
	}
	if (a + old_len > v->end)
		return -KN_EFAULT; /* moving or growing needs one mapping */
	/* A file mapping grown would need the file to fill it, and the file
	 * is not kept open: callers (SQLite) map it again. */
	if (!(v->flags & KN_MAP_ANONYMOUS))
		return -KN_ENOMEM;

	int prot = v->prot;
	if (flags & KN_MREMAP_FIXED) {
		if (to & (PAGE - 1))
			return -KN_EINVAL;
		if (to + new_len < to || (to < a + old_len && a < to + new_len))
			return -KN_EINVAL; /* the ranges overlap */
		long r = kn_sys_mmap((void *)to, new_len, prot,
				     (v->flags & ~KN_MAP_FIXED_NOREPLACE) | KN_MAP_FIXED |
					     KN_MAP_ANONYMOUS,
				     -1, 0);
		if (r < 0)
			return r;
		return move_to(a, old_len, to, new_len, prot);
	}
	/* Growing in place needs the area to end exactly where the old range
	 * does. */
	if (a + old_len == v->end && !kn_mm_grow_in_place(v, new_len - old_len))
		return (long)a;
	if (!(flags & KN_MREMAP_MAYMOVE))
		return -KN_ENOMEM;
	struct kn_vma *n = kn_mm_map_new(new_len, prot, v->flags);
	if (!n)
		return -KN_ENOMEM;
	uintptr_t dst = n->start;
	long r = kn_mm_prot_is_rw(prot) ? 0 : kn_mm_protect(dst, dst + new_len, prot);
	if (!r)
		r = move_to(a, old_len, dst, new_len, prot);
	if (r < 0)
		kn_mm_unmap(dst, dst + new_len);
	return r;
}
