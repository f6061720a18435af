/* Page protections of the heap: the host's mprotect on the heap mapping,
 * and the host's view of a page read back from /proc/self/maps (the only
 * place Linux tells a process its own protections).
 *
 * System calls check user buffers here (kn_plat_access_ok) before the
 * kernel touches them, since a fault would kill the whole process. Reading
 * /proc/self/maps each time would cost more than most calls, so: the heap's
 * protections only change through kn_plat_protect, which records the pages
 * that are not read-write (a byte per page, in a lazily mapped array;
 * while there are none, any heap range passes); the other mappings (the
 * image, the host stack) never change under the guest, so the lines of
 * /proc/self/maps already looked up are kept in a small cache. */
#include <kn/errno.h>
#include <kn/plat.h>
#include "linuxu.h"

#define PAGE 4096UL
#define O_RDONLY 0
#define O_CLOEXEC 0x80000
#define MAP_PRIVATE 0x02
#define MAP_ANONYMOUS 0x20
#define MAP_NORESERVE 0x4000
#define RW (KN_PLAT_PROT_READ | KN_PLAT_PROT_WRITE)
/* User space ends here on x86-64 Linux (48-bit addresses). */
#define USER_END 0x00007ffffffff000UL

/* Per heap page: 0 when read-write, else its protection | 0x80. */
static unsigned char *heap_prot;
static size_t heap_unusual; /* pages whose byte is not 0 */

static int in_heap(uintptr_t va, uintptr_t end)
{
	struct kn_mem_region heap;
	if (!kn_plat_mem_regions(&heap, 1))
		return 0;
	return va >= heap.base && end <= heap.base + heap.len;
}

/* Maps the record the first time a page stops being read-write
 * (untouched, it costs nothing). */
static int record_ready(int prot)
{
	struct kn_mem_region heap;
	if (heap_prot || (prot & RW) == RW || !kn_plat_mem_regions(&heap, 1))
		return 0;
	long p = kn_linuxu_syscall6(KN_SYS_mmap, 0, (long)(heap.len / PAGE), RW,
				    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (p < 0 && p > -4096)
		return (int)p;
	heap_prot = (unsigned char *)p;
	return 0;
}

static void record_prot(uintptr_t va, uintptr_t end, int prot)
{
	struct kn_mem_region heap;
	unsigned char mark = (prot & RW) == RW ? 0 : (unsigned char)(prot | 0x80);
	kn_plat_mem_regions(&heap, 1);
	for (uintptr_t a = va; heap_prot && a < end; a += PAGE) {
		unsigned char *b = &heap_prot[(a - heap.base) / PAGE];
		heap_unusual += (size_t)(mark != 0) - (size_t)(*b != 0);
		*b = mark;
	}
}

int kn_plat_protect(uintptr_t va, size_t len, int prot)
{
	uintptr_t end = va + len;
	if ((va | len) & (PAGE - 1) || !len || end < va || !in_heap(va, end))
		return -KN_EINVAL;
	prot &= KN_PLAT_PROT_READ | KN_PLAT_PROT_WRITE | KN_PLAT_PROT_EXEC;
	int err = record_ready(prot);
	/* The host's errno values are Kiln's. */
	if (!err)
		err = (int)kn_linuxu_syscall(KN_SYS_mprotect, va, len, prot);
	if (!err)
		record_prot(va, end, prot);
	return err;
}

/* One line of /proc/self/maps, "start-end rwxp ...", read a character at
 * a time so that lines of any length need no buffer. */
struct maps_line {
	int field; /* 0 start, 1 end, 2 permissions, 3 the rest */
	uintptr_t start, end;
	int perm, prot;
};

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* Feeds one character; returns 1 at the end of a line. */
static int maps_feed(struct maps_line *l, char c)
{
	if (c == '\n')
		return 1;
	if (l->field == 0 || l->field == 1) {
		int d = hex_digit(c);
		uintptr_t *v = l->field == 0 ? &l->start : &l->end;
		if (d >= 0)
			*v = *v << 4 | (uintptr_t)d;
		else
			l->field++;
	} else if (l->field == 2) {
		static const char letters[] = "rwx";
		static const int bits[] = {KN_PLAT_PROT_READ, KN_PLAT_PROT_WRITE,
					   KN_PLAT_PROT_EXEC};
		if (l->perm < 3 && c == letters[l->perm])
			l->prot |= bits[l->perm];
		if (++l->perm == 4)
			l->field++;
	}
	return 0;
}

/* The line of /proc/self/maps holding va, in *found: 0, -KN_EINVAL when
 * nothing is mapped there, -KN_ENOSYS when the file cannot be read. */
static int maps_find(uintptr_t va, struct maps_line *found)
{
	long fd = kn_linuxu_syscall(KN_SYS_open, "/proc/self/maps", O_RDONLY | O_CLOEXEC, 0);
	if (fd < 0)
		return -KN_ENOSYS;
	int ret = -KN_EINVAL;
	struct maps_line l = {0};
	char buf[512];
	long n;
	while (ret < 0 && (n = kn_linuxu_syscall(KN_SYS_read, fd, buf, sizeof(buf))) > 0) {
		for (long i = 0; i < n && ret < 0; i++) {
			if (!maps_feed(&l, buf[i]))
				continue;
			if (l.start <= va && va < l.end) {
				*found = l;
				ret = 0;
			}
			l = (struct maps_line){0};
		}
	}
	kn_linuxu_syscall(KN_SYS_close, fd, 0, 0);
	return ret;
}

int kn_plat_protection(uintptr_t va)
{
	struct maps_line l;
	int err = maps_find(va, &l);
	return err ? err : l.prot;
}

static int allows(int page_prot, int prot)
{
	/* x86: any access right makes a page readable. */
	return prot & KN_PLAT_PROT_WRITE ? page_prot & KN_PLAT_PROT_WRITE : page_prot != 0;
}

/* The heap pages of [va, last]: from the record. */
static int heap_access_ok(uintptr_t base, uintptr_t va, uintptr_t last, int prot)
{
	if (!heap_unusual)
		return 0;
	for (uintptr_t page = va / PAGE; page <= last / PAGE; page++) {
		unsigned char b = heap_prot[page - base / PAGE];
		if (b && !allows(b & 7, prot))
			return -KN_EFAULT;
	}
	return 0;
}

/* Mappings outside the heap seen so far (they never change under the
 * guest: its mmap and mprotect work inside the heap). */
#define KNOWN_MAX 8
static struct maps_line known[KNOWN_MAX];
static unsigned known_next;

/* The mapping holding va (not in the heap), clipped to end at the heap
 * when the host shows one line for both. */
static const struct maps_line *mapping_of(uintptr_t va, const struct kn_mem_region *heap)
{
	for (unsigned i = 0; i < KNOWN_MAX; i++)
		if (known[i].start <= va && va < known[i].end)
			return &known[i];
	struct maps_line l;
	if (maps_find(va, &l))
		return NULL;
	if (va < heap->base && l.end > heap->base)
		l.end = heap->base;
	if (va >= heap->base + heap->len && l.start < heap->base + heap->len)
		l.start = heap->base + heap->len;
	struct maps_line *slot = &known[known_next];
	known_next = (known_next + 1) % KNOWN_MAX;
	*slot = l;
	return slot;
}

int kn_plat_access_ok(uintptr_t va, size_t len, int prot)
{
	uintptr_t last = va + len - 1;
	struct kn_mem_region heap = {0, 0};
	if (last >= USER_END)
		return -KN_EFAULT; /* the host's kernel half, or not canonical */
	kn_plat_mem_regions(&heap, 1);
	for (;;) {
		uintptr_t stop;
		if (va - heap.base < heap.len) {
			stop = heap.base + heap.len - 1;
			if (heap_access_ok(heap.base, va, stop < last ? stop : last, prot))
				return -KN_EFAULT;
		} else {
			const struct maps_line *m = mapping_of(va, &heap);
			if (!m || !allows(m->prot, prot))
				return -KN_EFAULT;
			stop = m->end - 1;
		}
		if (stop >= last)
			return 0;
		va = stop + 1;
	}
}
