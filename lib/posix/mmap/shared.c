/* Shared file mappings follow their file: vfs-core tells of every write and
 * size change (kn/vfs.h), and the mapped copies are brought up to date, so
 * a program reading through a MAP_SHARED mapping sees what write() put in
 * the file, as with Linux's page cache (SQLite's PRAGMA mmap_size relies on
 * it). Writing through such a mapping is refused at mmap time (ENODEV). */
#include <kn/mman.h>
#include <kn/vfs.h>
#include "vma.h"

#define RW (KN_PROT_READ | KN_PROT_WRITE)

long kn_vfs_mapped_files;

/* The part of area v that holds file bytes [off, off + n), as addresses
 * [*s, *e); 0 when none does. */
static int overlap(const struct kn_vma *v, uint64_t off, uint64_t n, uintptr_t *s, uintptr_t *e)
{
	uint64_t lo = off > v->off ? off : v->off;
	uint64_t vend = v->off + (v->end - v->start);
	uint64_t hi = off + n < vend ? off + n : vend;
	if (lo >= hi)
		return 0;
	*s = v->start + (uintptr_t)(lo - v->off);
	*e = v->start + (uintptr_t)(hi - v->off);
	return 1;
}

/* Runs copy(dst, src_off) on each mapped part of file bytes [off, off+n),
 * with protected pages opened for it (they were protected before, so
 * opening and closing them cannot fail). */
static void update(uint64_t dev, uint64_t ino, uint64_t off, uint64_t n, const char *src)
{
	for (struct kn_vma *v = kn_mm_first(); v; v = v->next) {
		uintptr_t s, e;
		if (v->ino != ino || v->dev != dev || !overlap(v, off, n, &s, &e))
			continue;
		uintptr_t ps = s & ~(PAGE - 1), pe = PAGE_UP(e);
		int closed = !kn_mm_prot_is_rw(v->prot);
		if (closed)
			kn_mm_protect(ps, pe, RW);
		if (src)
			__builtin_memcpy((void *)s, src + (v->off + (s - v->start) - off), e - s);
		else
			__builtin_memset((void *)s, 0, e - s);
		if (closed)
			kn_mm_protect(ps, pe, v->prot);
	}
}

void kn_vfs_mapped_written(uint64_t dev, uint64_t ino, uint64_t off, const void *buf, size_t n)
{
	update(dev, ino, off, n, buf);
}

/* Past the end of the file a mapping reads zeros (Linux would raise
 * SIGBUS for whole pages past it). */
void kn_vfs_mapped_resized(uint64_t dev, uint64_t ino, uint64_t size)
{
	update(dev, ino, size, UINT64_MAX - size, 0);
}
