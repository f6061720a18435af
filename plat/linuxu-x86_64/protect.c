/* Page protections of the heap: the host's mprotect on the heap mapping,
 * and the host's view of a page read back from /proc/self/maps (the only
 * place Linux tells a process its own protections). */
#include <kn/errno.h>
#include <kn/plat.h>
#include "linuxu.h"

#define PAGE 4096UL
#define O_RDONLY 0
#define O_CLOEXEC 0x80000

static int in_heap(uintptr_t va, uintptr_t end)
{
	struct kn_mem_region heap;
	if (!kn_plat_mem_regions(&heap, 1))
		return 0;
	return va >= heap.base && end <= heap.base + heap.len;
}

int kn_plat_protect(uintptr_t va, size_t len, int prot)
{
	uintptr_t end = va + len;
	if ((va | len) & (PAGE - 1) || !len || end < va || !in_heap(va, end))
		return -KN_EINVAL;
	prot &= KN_PLAT_PROT_READ | KN_PLAT_PROT_WRITE | KN_PLAT_PROT_EXEC;
	/* The host's errno values are Kiln's. */
	return (int)kn_linuxu_syscall(KN_SYS_mprotect, va, len, prot);
}

/* One line of /proc/self/maps, "start-end rwxp ...", read a character at
 * a time so that lines of any length need no buffer. */
struct maps_line {
	int field;          /* 0 start, 1 end, 2 permissions, 3 the rest */
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
		static const int bits[] = {KN_PLAT_PROT_READ, KN_PLAT_PROT_WRITE, KN_PLAT_PROT_EXEC};
		if (l->perm < 3 && c == letters[l->perm])
			l->prot |= bits[l->perm];
		if (++l->perm == 4)
			l->field++;
	}
	return 0;
}

int kn_plat_protection(uintptr_t va)
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
			if (l.start <= va && va < l.end)
				ret = l.prot;
			l = (struct maps_line){0};
		}
	}
	kn_linuxu_syscall(KN_SYS_close, fd, 0, 0);
	return ret;
}
