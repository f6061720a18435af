/* What posix-mmap needs from the kernel, for a host build: the heap (with
 * a count of live page blocks, to find leaks), page protections (the
 * host's mprotect, so a wrong protection really faults), user-pointer
 * checks, and the three vfs calls, answered by the host kernel on host
 * descriptors. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <kn/alloc.h>
#include <kn/plat.h>
#include <kn/syscall.h>
#include <kn/vfs.h>
#include "host_shim.h"

long shim_live_blocks;
size_t shim_page_budget = (size_t)-1; /* pages kn_palloc may still hand out */

void *kn_malloc(size_t n)
{
	return malloc(n ? n : 1);
}

void kn_free(void *p)
{
	free(p);
}

void *kn_palloc(size_t npages)
{
	if (!npages || npages > shim_page_budget)
		return NULL;
	void *p = aligned_alloc(KN_PAGE_SIZE, npages * KN_PAGE_SIZE);
	if (p) {
		shim_page_budget -= shim_page_budget == (size_t)-1 ? 0 : npages;
		shim_live_blocks++;
		memset(p, 0xa5, npages * KN_PAGE_SIZE); /* not zero: the library must clear */
	}
	return p;
}

void kn_pfree(void *p, size_t npages)
{
	if (!p)
		return;
	/* Pages must come back read-write: a protected one faults here. */
	memset(p, 0x5b, npages * KN_PAGE_SIZE);
	shim_live_blocks--;
	free(p);
}

int kn_user_access(const void *ptr, size_t len, int access)
{
	uintptr_t p = (uintptr_t)ptr;
	return p < 4096 || p + len < p ? -KN_EFAULT : 0;
}

long kn_sys_fstat(int fd, struct kn_stat *st)
{
	struct stat s;
	if (fstat(fd, &s))
		return -errno;
	memset(st, 0, sizeof(*st));
	st->st_mode = s.st_mode;
	st->st_rdev = s.st_rdev;
	st->st_size = s.st_size;
	return 0;
}

long kn_sys_fcntl(int fd, int cmd, unsigned long arg)
{
	int r = fcntl(fd, cmd, arg);
	return r < 0 ? -errno : r;
}

long kn_sys_pread64(int fd, void *buf, size_t n, int64_t off)
{
	ssize_t r = pread(fd, buf, n, off);
	return r < 0 ? -errno : r;
}

void kn_alloc_stats(struct kn_alloc_stats *st)
{
	memset(st, 0, sizeof(*st));
	st->total = st->free = 1UL << 30; /* plenty: the brk cap does not bite */
}

int kn_plat_protect(uintptr_t va, size_t len, int prot)
{
	if ((va | len) & (KN_PAGE_SIZE - 1) || !len)
		return -KN_EINVAL;
	return mprotect((void *)va, len, prot) ? -errno : 0;
}
