/* The record of what posix-mmap has mapped: an address-ordered list of
 * areas (vmas), each inside one block of heap pages. A block is given back
 * to the heap when no area uses any of its pages, so partial munmaps never
 * hand the allocator a range it did not give out. */
#ifndef KN_POSIX_MMAP_VMA_H
#define KN_POSIX_MMAP_VMA_H

#include <stddef.h>
#include <stdint.h>
#include <kn/alloc.h>

#define PAGE KN_PAGE_SIZE
#define PAGE_UP(x) (((x) + PAGE - 1) & ~(PAGE - 1))
/* Nothing larger is ever asked of the allocator (keeps sums overflow-free). */
#define MAP_MAX_BYTES (1UL << 46)

struct kn_mm_block {
	uintptr_t base;
	size_t npages;
	size_t live; /* pages covered by some vma */
};

struct kn_vma {
	uintptr_t start, end; /* page aligned, start < end */
	int prot;
	int flags; /* MAP_SHARED or MAP_PRIVATE, and MAP_ANONYMOUS */
	struct kn_mm_block *blk;
	struct kn_vma *next;
	/* A shared file mapping: the file (stat identity; ino 0 for any
	 * other area) and the file offset of start. vfs-core's write and
	 * truncate hooks (shared.c) keep its pages equal to the file. */
	uint64_t dev, ino;
	uint64_t off;
};

/* Makes the areas in [start, end) (area boundaries) a shared mapping of
 * file (dev, ino) from offset off at start. */
void kn_mm_set_file(uintptr_t start, uintptr_t end, uint64_t dev, uint64_t ino, uint64_t off);
/* Makes the areas in [start, end) (area boundaries) no file's. */
void kn_mm_clear_file(uintptr_t start, uintptr_t end);

/* The first area (lowest address), or NULL. */
struct kn_vma *kn_mm_first(void);
/* The area containing addr, or NULL. */
struct kn_vma *kn_mm_find(uintptr_t addr);
/* Whether [start, end) is entirely covered by areas, without holes. */
int kn_mm_covered(uintptr_t start, uintptr_t end);
/* Whether any area overlaps [start, end). */
int kn_mm_overlaps(uintptr_t start, uintptr_t end);
/* Makes `at` an area boundary if it falls inside an area: 0 or -ENOMEM. */
int kn_mm_split_at(uintptr_t at);
/* Allocates a fresh zero-filled block of len bytes (page multiple) and one
 * area over it; returns the area or NULL when memory runs out. The pages
 * are left read-write whatever prot says: the caller fills them, then
 * applies prot (kn_mm_protect). */
struct kn_vma *kn_mm_map_new(size_t len, int prot, int flags);
/* Removes every area part inside [start, end) (page aligned), giving back
 * blocks that become unused: 0 or -ENOMEM (splitting needs a record). The
 * pages removed become read-write again. */
int kn_mm_unmap(uintptr_t start, uintptr_t end);
/* Grows area v in place by `extra` bytes when its block has room right
 * after it: 0, or -ENOMEM. The new bytes are zeroed and get v's prot. */
int kn_mm_grow_in_place(struct kn_vma *v, size_t extra);
/* Joins neighbouring areas of one block that have the same attributes
 * (as Linux merges compatible vmas), so that a range split by mprotect or
 * MAP_FIXED can again be resized as one. */
void kn_mm_merge(void);
/* Page protections. Block pages are read-write (the heap's own state)
 * except inside areas whose prot says otherwise: whatever maps, changes
 * or unmaps an area keeps its pages as its prot says, and pages go back
 * to the heap read-write. What the hardware gives a prot (WRITE and EXEC
 * imply READ), whether that is plain read-write, and setting it on
 * [start, end) (0, or -ENOMEM when page tables run out; never fails for
 * pages that were protected before, see kn_plat_protect). */
int kn_mm_hw_prot(int prot);
int kn_mm_prot_is_rw(int prot);
int kn_mm_protect(uintptr_t start, uintptr_t end, int prot);
/* Bytes covered by areas. */
size_t kn_mm_mapped_bytes(void);

#endif
