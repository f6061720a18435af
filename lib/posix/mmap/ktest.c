/* In-kernel tests of posix-mmap: every call with good and bad arguments.
 * File-backed cases need a writable root (ramfs) and skip without one. */
#include <kn/alloc.h>
#include <kn/errno.h>
#include <kn/ktest.h>
#include <kn/mman.h>
#include <kn/plat.h>
#include <kn/vfs.h>

#define PG 4096L
#define ANON (KN_MAP_PRIVATE | KN_MAP_ANONYMOUS)
#define RW (KN_PROT_READ | KN_PROT_WRITE)

static int all(const void *p, int byte, long n)
{
	const unsigned char *c = p;
	for (long i = 0; i < n; i++)
		if (c[i] != (unsigned char)byte)
			return 0;
	return 1;
}

KN_TEST(mmap, anonymous_is_zeroed_and_unmaps)
{
	size_t before = kn_mmap_mapped_bytes();
	long p = kn_sys_mmap(0, 3 * PG + 5, RW, ANON, -1, 0);
	KN_ASSERT(p > 0 && !(p & (PG - 1)));
	KN_EXPECT(all((void *)p, 0, 4 * PG));
	__builtin_memset((void *)p, 0x5a, 4 * PG);
	KN_EXPECT(kn_mmap_mapped_bytes() == before + 4 * PG);
	long q = kn_sys_mmap(0, PG, RW, KN_MAP_SHARED | KN_MAP_ANONYMOUS, -1, 0);
	KN_EXPECT(q > 0 && q != p && all((void *)q, 0, PG));
	KN_EXPECT(kn_sys_munmap((void *)p, 4 * PG) == 0);
	KN_EXPECT(kn_sys_munmap((void *)q, PG) == 0);
	KN_EXPECT(kn_mmap_mapped_bytes() == before);
	KN_EXPECT(kn_alloc_check() == 0);
}

KN_TEST(mmap, bad_arguments)
{
	KN_EXPECT(kn_sys_mmap(0, 0, RW, ANON, -1, 0) == -KN_EINVAL);
	KN_EXPECT(kn_sys_mmap(0, PG, RW, KN_MAP_ANONYMOUS, -1, 0) == -KN_EINVAL);
	KN_EXPECT(kn_sys_mmap(0, PG, RW, ANON | 0xf, -1, 0) == -KN_EINVAL);
	KN_EXPECT(kn_sys_mmap(0, PG, RW, ANON, -1, 100) == -KN_EINVAL);
	KN_EXPECT(kn_sys_mmap((void *)(PG + 1), PG, RW, ANON | KN_MAP_FIXED, -1, 0) == -KN_EINVAL);
	KN_EXPECT(kn_sys_mmap(0, PG, RW, KN_MAP_PRIVATE, -1, 0) == -KN_EBADF);
	KN_EXPECT(kn_sys_mmap(0, PG, RW, KN_MAP_PRIVATE, 999, 0) == -KN_EBADF);
	KN_EXPECT(kn_sys_mmap(0, PG, RW, KN_MAP_SHARED_VALIDATE | KN_MAP_ANONYMOUS, -1, 0) ==
		  -KN_EINVAL);
	KN_EXPECT(kn_sys_munmap((void *)(PG + 1), PG) == -KN_EINVAL);
	KN_EXPECT(kn_sys_munmap((void *)PG, 0) == -KN_EINVAL);
	KN_EXPECT(kn_sys_mprotect((void *)(PG + 1), PG, KN_PROT_READ) == -KN_EINVAL);
	KN_EXPECT(kn_sys_madvise((void *)(PG + 1), PG, KN_MADV_NORMAL) == -KN_EINVAL);
	KN_EXPECT(kn_sys_mincore((void *)(PG + 1), PG, 0) == -KN_EINVAL);
}

KN_TEST(mmap, out_of_memory_is_enomem)
{
	KN_EXPECT(kn_sys_mmap(0, 1UL << 40, RW, ANON, -1, 0) == -KN_ENOMEM);
	KN_EXPECT(kn_sys_mmap(0, ~0UL - PG, RW, ANON, -1, 0) == -KN_ENOMEM);
	KN_EXPECT(kn_sys_mmap(0, PG, RW, ANON | KN_MAP_HUGETLB, -1, 0) == -KN_ENOMEM);
	KN_EXPECT(kn_alloc_check() == 0);
	long p = kn_sys_mmap(0, PG, RW, ANON, -1, 0);
	KN_EXPECT(p > 0 && kn_sys_munmap((void *)p, PG) == 0);
}

KN_TEST(mmap, partial_munmap_and_unknown_ranges)
{
	long p = kn_sys_mmap(0, 4 * PG, RW, ANON, -1, 0);
	KN_ASSERT(p > 0);
	KN_EXPECT(kn_sys_munmap((void *)(p + PG), PG) == 0);
	/* The hole is no longer ours: mprotect/madvise there are ENOMEM. */
	KN_EXPECT(kn_sys_mprotect((void *)(p + PG), PG, KN_PROT_READ) == -KN_ENOMEM);
	KN_EXPECT(kn_sys_madvise((void *)p, 2 * PG, KN_MADV_NORMAL) == -KN_ENOMEM);
	KN_EXPECT(kn_sys_mprotect((void *)(p + 2 * PG), 2 * PG, KN_PROT_READ) == 0);
	/* Still memory, and now read-only (a write would fault). */
	KN_EXPECT(*(volatile char *)(p + 3 * PG) == 0);
	KN_EXPECT(kn_plat_protection((uintptr_t)(p + 3 * PG)) == KN_PROT_READ ||
		  kn_plat_protection((uintptr_t)(p + 3 * PG)) == -KN_ENOSYS);
	KN_EXPECT(kn_sys_munmap((void *)p, PG) == 0);
	KN_EXPECT(kn_sys_munmap((void *)p, 4 * PG) == 0); /* holes are fine */
	KN_EXPECT(kn_sys_mprotect((void *)p, PG, KN_PROT_READ) == -KN_ENOMEM);
	KN_EXPECT(kn_alloc_check() == 0);
}

KN_TEST(mmap, map_fixed_inside_own_mapping)
{
	long p = kn_sys_mmap(0, 3 * PG, RW, ANON, -1, 0);
	KN_ASSERT(p > 0);
	__builtin_memset((void *)p, 7, 3 * PG);
	KN_EXPECT(kn_sys_mmap((void *)(p + PG), PG, KN_PROT_READ, ANON | KN_MAP_FIXED, -1, 0) ==
		  p + PG);
	KN_EXPECT(all((void *)p, 7, PG) && all((void *)(p + PG), 0, PG) &&
		  all((void *)(p + 2 * PG), 7, PG));
	KN_EXPECT(kn_sys_mmap((void *)p, PG, RW, ANON | KN_MAP_FIXED_NOREPLACE, -1, 0) ==
		  -KN_EEXIST);
	long stack_page = (long)__builtin_frame_address(0) & ~(PG - 1);
	KN_EXPECT(kn_sys_mmap((void *)stack_page, PG, RW, ANON | KN_MAP_FIXED, -1, 0) ==
		  -KN_ENOMEM);
	/* Same attributes again: one mapping, which mremap can move whole. */
	KN_EXPECT(kn_sys_mprotect((void *)p, 3 * PG, RW) == 0);
	long q = kn_sys_mremap((void *)p, 3 * PG, 8 * PG, KN_MREMAP_MAYMOVE, 0);
	KN_ASSERT(q > 0);
	KN_EXPECT(all((void *)q, 7, PG) && all((void *)(q + PG), 0, PG) &&
		  all((void *)(q + 2 * PG), 7, PG) && all((void *)(q + 3 * PG), 0, 5 * PG));
	KN_EXPECT(kn_sys_munmap((void *)q, 8 * PG) == 0);
}

KN_TEST(mmap, mprotect_madvise_msync_mincore)
{
	long p = kn_sys_mmap(0, 2 * PG, RW, ANON, -1, 0);
	KN_ASSERT(p > 0);
	KN_EXPECT(kn_sys_mprotect((void *)p, 2 * PG, KN_PROT_READ) == 0);
	KN_EXPECT(kn_sys_mprotect((void *)p, PG, 0x40) == -KN_EINVAL);
	KN_EXPECT(kn_sys_mprotect((void *)p, 0, KN_PROT_READ) == 0);
	KN_EXPECT(kn_sys_mprotect((void *)p, 2 * PG, RW) == 0);
	__builtin_memset((void *)p, 9, 2 * PG);
	KN_EXPECT(kn_sys_madvise((void *)p, PG, KN_MADV_WILLNEED) == 0);
	KN_EXPECT(all((void *)p, 9, 2 * PG));
	KN_EXPECT(kn_sys_madvise((void *)p, PG, KN_MADV_DONTNEED) == 0);
	KN_EXPECT(all((void *)p, 0, PG) && all((void *)(p + PG), 9, PG));
	KN_EXPECT(kn_sys_madvise((void *)p, PG, 77) == -KN_EINVAL);
	KN_EXPECT(kn_sys_msync((void *)p, PG, KN_MS_SYNC) == 0);
	KN_EXPECT(kn_sys_msync((void *)p, PG, KN_MS_SYNC | KN_MS_ASYNC) == -KN_EINVAL);
	unsigned char vec[2] = {0, 0};
	KN_EXPECT(kn_sys_mincore((void *)p, 2 * PG, vec) == 0 && vec[0] == 1 && vec[1] == 1);
	KN_EXPECT(kn_sys_mincore((void *)p, 2 * PG, (void *)8) == -KN_EFAULT);
	KN_EXPECT(kn_sys_mlock((void *)p, PG) == 0 && kn_sys_munlock((void *)p, PG) == 0);
	KN_EXPECT(kn_sys_mlockall(0) == -KN_EINVAL && kn_sys_mlockall(1) == 0);
	KN_EXPECT(kn_sys_mlock2((void *)p, PG, 1) == 0 &&
		  kn_sys_mlock2((void *)p, PG, 2) == -KN_EINVAL);
	KN_EXPECT(kn_sys_munmap((void *)p, 2 * PG) == 0);
}

KN_TEST(mmap, mremap_shrink_grow_move)
{
	long p = kn_sys_mmap(0, 4 * PG, RW, ANON, -1, 0);
	KN_ASSERT(p > 0);
	__builtin_memset((void *)p, 3, 4 * PG);
	KN_EXPECT(kn_sys_mremap((void *)p, 4 * PG, 2 * PG, 0, 0) == p);
	KN_EXPECT(kn_sys_mprotect((void *)(p + 2 * PG), PG, KN_PROT_READ) == -KN_ENOMEM);
	/* Back to 3 pages in place: the block still has the room. */
	KN_EXPECT(kn_sys_mremap((void *)p, 2 * PG, 3 * PG, 0, 0) == p);
	KN_EXPECT(all((void *)p, 3, 2 * PG) && all((void *)(p + 2 * PG), 0, PG));
	KN_EXPECT(kn_sys_mremap((void *)p, 3 * PG, 64 * PG, 0, 0) == -KN_ENOMEM);
	long q = kn_sys_mremap((void *)p, 3 * PG, 64 * PG, KN_MREMAP_MAYMOVE, 0);
	KN_ASSERT(q > 0);
	KN_EXPECT(all((void *)q, 3, 2 * PG) && all((void *)(q + 2 * PG), 0, 62 * PG));
	KN_EXPECT(kn_sys_mremap((void *)q, PG, 2 * PG, 8, 0) == -KN_EINVAL);
	KN_EXPECT(kn_sys_mremap((void *)q, PG, 2 * PG, KN_MREMAP_FIXED, 0) == -KN_EINVAL);
	KN_EXPECT(kn_sys_mremap((void *)(q + 1), PG, 2 * PG, 0, 0) == -KN_EINVAL);
	KN_EXPECT(kn_sys_mremap((void *)q, PG, 0, 0, 0) == -KN_EINVAL);
	KN_EXPECT(kn_sys_mremap((void *)q, 65 * PG, 66 * PG, KN_MREMAP_MAYMOVE, 0) == -KN_EFAULT);
	KN_EXPECT(kn_sys_mremap((void *)PG, PG, 2 * PG, KN_MREMAP_MAYMOVE, 0) == -KN_EFAULT);
	/* MREMAP_FIXED onto another of our mappings. */
	long r = kn_sys_mmap(0, 2 * PG, RW, ANON, -1, 0);
	KN_ASSERT(r > 0);
	KN_EXPECT(kn_sys_mremap((void *)q, PG, PG, KN_MREMAP_MAYMOVE | KN_MREMAP_FIXED,
				(void *)r) == r);
	KN_EXPECT(all((void *)r, 3, PG));
	KN_EXPECT(kn_sys_mprotect((void *)q, PG, KN_PROT_READ) == -KN_ENOMEM);
	KN_EXPECT(kn_sys_munmap((void *)q, 64 * PG) == 0);
	KN_EXPECT(kn_sys_munmap((void *)r, 2 * PG) == 0);
	KN_EXPECT(kn_alloc_check() == 0);
}

KN_TEST(mmap, brk_grows_shrinks_and_refuses_past_limit)
{
	long cur = kn_sys_brk(0);
	if (!cur)
		return; /* brk disabled (POSIX_MMAP_BRK_KIB=0) */
	KN_EXPECT(kn_sys_brk((void *)(cur + 3 * PG)) == cur + 3 * PG);
	KN_EXPECT(all((void *)cur, 0, 3 * PG));
	__builtin_memset((void *)cur, 1, 3 * PG);
	KN_EXPECT(kn_sys_brk((void *)(cur + PG)) == cur + PG);
	KN_EXPECT(kn_sys_brk((void *)(cur + 2 * PG)) == cur + 2 * PG);
	KN_EXPECT(all((void *)(cur + PG), 0, PG)); /* regrown memory is zero */
	KN_EXPECT(kn_sys_brk((void *)(cur + (1L << 42))) == cur + 2 * PG);
	KN_EXPECT(kn_sys_brk((void *)(cur - PG)) == cur + 2 * PG);
	KN_EXPECT(kn_sys_brk((void *)cur) == cur);
}

static int make_file(const char *path, int fill, long len)
{
	long fd = kn_sys_open(path, KN_O_CREAT | KN_O_RDWR | KN_O_TRUNC, 0644);
	if (fd < 0)
		return -1;
	char buf[256];
	__builtin_memset(buf, fill, sizeof(buf));
	for (long done = 0; done < len; done += (long)sizeof(buf))
		kn_sys_write((int)fd, buf, len - done < 256 ? (size_t)(len - done) : 256);
	return (int)fd;
}

KN_TEST(mmap, file_backed_private_mapping)
{
	if (!kn_vfs_has_root())
		return;
	int fd = make_file("/kt_mmap", 'f', PG + 100);
	KN_ASSERT(fd >= 0);
	long p = kn_sys_mmap(0, 3 * PG, KN_PROT_READ | KN_PROT_WRITE, KN_MAP_PRIVATE, fd, 0);
	KN_ASSERT(p > 0);
	KN_EXPECT(all((void *)p, 'f', PG + 100) && all((void *)(p + PG + 100), 0, 2 * PG - 100));
	*(char *)p = 'x'; /* private: the file keeps its byte */
	char c = 0;
	KN_EXPECT(kn_sys_pread64(fd, &c, 1, 0) == 1 && c == 'f');
	long q = kn_sys_mmap(0, PG, KN_PROT_READ, KN_MAP_PRIVATE, fd, PG);
	KN_EXPECT(q > 0 && all((void *)q, 'f', 100) && all((void *)(q + 100), 0, PG - 100));
	long r = kn_sys_mmap(0, PG, KN_PROT_READ, KN_MAP_SHARED, fd, 0);
	KN_EXPECT(r > 0 && all((void *)r, 'f', PG));
	KN_EXPECT(kn_sys_mmap(0, PG, RW, KN_MAP_SHARED, fd, 0) == -KN_ENODEV);
	KN_EXPECT(kn_sys_mmap(0, PG, KN_PROT_READ, KN_MAP_SHARED_VALIDATE | 0x400000, fd, 0) ==
		  -KN_ENOTSUP);
	KN_EXPECT(kn_sys_mmap(0, PG, KN_PROT_READ, KN_MAP_PRIVATE, fd, 5) == -KN_EINVAL);
	KN_EXPECT(kn_sys_mmap(0, PG, KN_PROT_READ, KN_MAP_PRIVATE, fd, -PG) == -KN_EOVERFLOW);
	/* MAP_FIXED with a file over our own mapping. */
	KN_EXPECT(kn_sys_mmap((void *)p, PG, KN_PROT_READ, KN_MAP_PRIVATE | KN_MAP_FIXED, fd, PG) ==
		  p);
	KN_EXPECT(all((void *)p, 'f', 100) && all((void *)(p + 100), 0, PG - 100));
	kn_sys_munmap((void *)p, 3 * PG);
	kn_sys_munmap((void *)q, PG);
	kn_sys_munmap((void *)r, PG);
	kn_sys_close(fd);

	long wfd = kn_sys_open("/kt_mmap", KN_O_WRONLY, 0);
	KN_ASSERT(wfd >= 0);
	KN_EXPECT(kn_sys_mmap(0, PG, KN_PROT_READ, KN_MAP_PRIVATE, (int)wfd, 0) == -KN_EACCES);
	kn_sys_close((int)wfd);
	long rfd = kn_sys_open("/kt_mmap", KN_O_RDONLY, 0);
	KN_ASSERT(rfd >= 0);
	KN_EXPECT(kn_sys_mmap(0, PG, RW, KN_MAP_SHARED, (int)rfd, 0) == -KN_EACCES);
	long pr = kn_sys_mmap(0, PG, RW, KN_MAP_PRIVATE, (int)rfd, 0);
	KN_EXPECT(pr > 0 && kn_sys_munmap((void *)pr, PG) == 0);
	kn_sys_close((int)rfd);
	kn_sys_unlink("/kt_mmap");

	long dfd = kn_sys_open("/", KN_O_RDONLY | KN_O_DIRECTORY, 0);
	KN_ASSERT(dfd >= 0);
	KN_EXPECT(kn_sys_mmap(0, PG, KN_PROT_READ, KN_MAP_PRIVATE, (int)dfd, 0) == -KN_ENODEV);
	kn_sys_close((int)dfd);
	long zfd = kn_sys_open("/dev/zero", KN_O_RDWR, 0);
	if (zfd >= 0) {
		long z = kn_sys_mmap(0, 2 * PG, RW, KN_MAP_PRIVATE, (int)zfd, 0);
		KN_EXPECT(z > 0 && all((void *)z, 0, 2 * PG));
		kn_sys_munmap((void *)z, 2 * PG);
		kn_sys_close((int)zfd);
	}
	KN_EXPECT(kn_alloc_check() == 0);
}

/* Protections as the hardware sees them (kn_plat_protection). */
#define R KN_PLAT_PROT_READ
#define X KN_PLAT_PROT_EXEC

static int prot_at(long p)
{
	return kn_plat_protection((uintptr_t)p);
}

/* Whether the platform can tell protections (linuxu needs /proc). */
static int can_query(void)
{
	return prot_at((long)kn_sys_mmap) != -KN_ENOSYS;
}

KN_TEST(mmap, mprotect_reaches_the_page_tables)
{
	if (!can_query())
		return;
	long p = kn_sys_mmap(0, 3 * PG, RW, ANON, -1, 0);
	KN_ASSERT(p > 0);
	KN_EXPECT(prot_at(p) == RW && prot_at(p + PG) == RW && prot_at(p + 2 * PG) == RW);
	KN_EXPECT(kn_sys_mprotect((void *)(p + PG), PG, KN_PROT_READ) == 0);
	KN_EXPECT(prot_at(p) == RW && prot_at(p + PG) == R && prot_at(p + 2 * PG) == RW);
	KN_EXPECT(kn_sys_mprotect((void *)(p + PG), PG, KN_PROT_NONE) == 0);
	KN_EXPECT(prot_at(p) == RW && prot_at(p + PG) == KN_PLAT_PROT_NONE &&
		  prot_at(p + 2 * PG) == RW);
	KN_EXPECT(kn_sys_mprotect((void *)p, 3 * PG, KN_PROT_READ | KN_PROT_EXEC) == 0);
	KN_EXPECT(prot_at(p) == (R | X) && prot_at(p + 2 * PG) == (R | X));
	KN_EXPECT(kn_sys_mprotect((void *)p, 3 * PG, KN_PROT_WRITE) == 0); /* write implies read */
	KN_EXPECT(prot_at(p + PG) == RW);
	KN_EXPECT(kn_sys_mprotect((void *)p, 3 * PG, KN_PROT_NONE) == 0);
	/* munmap gives the pages back read-write: the heap may reuse them. */
	KN_EXPECT(kn_sys_munmap((void *)p, 3 * PG) == 0);
	KN_EXPECT(prot_at(p) == RW && prot_at(p + PG) == RW && prot_at(p + 2 * PG) == RW);
	KN_EXPECT(kn_alloc_check() == 0);
}

KN_TEST(mmap, mmap_applies_prot_after_filling)
{
	if (!can_query())
		return;
	long p = kn_sys_mmap(0, 2 * PG, KN_PROT_READ, ANON, -1, 0);
	KN_ASSERT(p > 0);
	KN_EXPECT(prot_at(p) == R && prot_at(p + PG) == R && all((void *)p, 0, 2 * PG));
	/* The kernel's own writes into protected pages do not fault. */
	KN_EXPECT(kn_sys_madvise((void *)p, 2 * PG, KN_MADV_DONTNEED) == 0);
	KN_EXPECT(kn_sys_mmap((void *)p, PG, KN_PROT_NONE, ANON | KN_MAP_FIXED, -1, 0) == p);
	KN_EXPECT(prot_at(p) == KN_PLAT_PROT_NONE && prot_at(p + PG) == R);
	long q = kn_sys_mremap((void *)p, PG, 4 * PG, KN_MREMAP_MAYMOVE, 0);
	KN_ASSERT(q > 0);
	KN_EXPECT(prot_at(q) == KN_PLAT_PROT_NONE && prot_at(q + 3 * PG) == KN_PLAT_PROT_NONE);
	KN_EXPECT(kn_sys_munmap((void *)q, 4 * PG) == 0 && kn_sys_munmap((void *)p, 2 * PG) == 0);
	KN_EXPECT(prot_at(q) == RW && prot_at(p + PG) == RW);
	if (kn_vfs_has_root()) {
		int fd = make_file("/kt_prot", 'p', 100);
		KN_ASSERT(fd >= 0);
		long f = kn_sys_mmap(0, PG, KN_PROT_READ, KN_MAP_PRIVATE, fd, 0);
		KN_EXPECT(f > 0 && all((void *)f, 'p', 100) && prot_at(f) == R);
		kn_sys_munmap((void *)f, PG);
		kn_sys_close(fd);
		kn_sys_unlink("/kt_prot");
	}
	KN_EXPECT(kn_alloc_check() == 0);
}

/* Code written into a page, then made executable: "mov $42, %eax; ret". */
KN_TEST(mmap, prot_exec_runs_code)
{
	static const unsigned char code[] = {0xb8, 42, 0, 0, 0, 0xc3};
	long p = kn_sys_mmap(0, PG, RW, ANON, -1, 0);
	KN_ASSERT(p > 0);
	__builtin_memcpy((void *)p, code, sizeof(code));
	KN_EXPECT(kn_sys_mprotect((void *)p, PG, KN_PROT_READ | KN_PROT_EXEC) == 0);
	int (*fn)(void) = (int (*)(void))p;
	KN_EXPECT(fn() == 42);
	KN_EXPECT(kn_sys_munmap((void *)p, PG) == 0);
}

/* The platform call itself: heap pages only, whole pages only; a page
 * protected alone leaves every other page of its 2 MiB mapped as it was
 * (the large page is split), and a whole 2 MiB range works too. */
KN_TEST(mmap, platform_protect_bounds_and_large_pages)
{
	if (!can_query())
		return;
	uintptr_t text = (uintptr_t)kn_sys_mmap & ~(PG - 1);
	KN_EXPECT(kn_plat_protect(0, PG, R) == -KN_EINVAL);
	KN_EXPECT(kn_plat_protect(text, PG, RW) == -KN_EINVAL);
	KN_EXPECT(kn_plat_protect(0xfee00000UL, PG, R) == -KN_EINVAL); /* local APIC on kvm */
	long two_mib = 2L << 20;
	char *blk = kn_palloc(1024); /* 4 MiB: holds one aligned 2 MiB */
	if (!blk)
		return; /* a small memory: nothing to learn */
	uintptr_t al = ((uintptr_t)blk + two_mib - 1) & ~(uintptr_t)(two_mib - 1);
	KN_EXPECT(kn_plat_protect(al + 1, PG, R) == -KN_EINVAL);
	KN_EXPECT(kn_plat_protect(al, 0, R) == -KN_EINVAL);
	KN_EXPECT(kn_plat_protect(al, PG + 5, R) == -KN_EINVAL);
	uintptr_t mid = al + 77 * PG;
	KN_EXPECT(kn_plat_protect(mid, PG, KN_PLAT_PROT_NONE) == 0);
	int bad = 0;
	for (uintptr_t pg = al; pg < al + two_mib; pg += PG) {
		if (pg == mid)
			continue;
		bad += prot_at((long)pg) != RW;
		*(volatile char *)pg = 1; /* mapped and writable */
	}
	KN_EXPECT(bad == 0 && prot_at((long)mid) == KN_PLAT_PROT_NONE);
	KN_EXPECT(kn_plat_protect(mid, PG, RW) == 0 && prot_at((long)mid) == RW);
	*(volatile char *)mid = 1;
	KN_EXPECT(kn_plat_protect(al, two_mib, R) == 0);
	KN_EXPECT(prot_at((long)al) == R && prot_at((long)(al + two_mib - PG)) == R);
	KN_EXPECT(prot_at((long)(al - PG)) == RW && prot_at((long)(al + two_mib)) == RW);
	KN_EXPECT(kn_plat_protect(al, two_mib, RW) == 0 && prot_at((long)al) == RW);
	kn_pfree(blk, 1024);
	KN_EXPECT(kn_alloc_check() == 0);
}
