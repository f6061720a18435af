/* mmap, munmap, mprotect, madvise, msync, mlock family, mincore. */
#include <kn/errno.h>
#include <kn/mman.h>
#include <kn/syscall.h>
#include <kn/vfs.h>
#include "vma.h"

#define PROT_KNOWN                                                                                 \
	(KN_PROT_READ | KN_PROT_WRITE | KN_PROT_EXEC | KN_PROT_GROWSDOWN | KN_PROT_GROWSUP)
/* What MAP_SHARED_VALIDATE accepts (Linux refuses unknown flags there). */
#define FLAGS_KNOWN                                                                                \
	(KN_MAP_TYPE | KN_MAP_FIXED | KN_MAP_ANONYMOUS | KN_MAP_GROWSDOWN | KN_MAP_DENYWRITE |     \
	 KN_MAP_EXECUTABLE | KN_MAP_LOCKED | KN_MAP_NORESERVE | KN_MAP_POPULATE |                  \
	 KN_MAP_NONBLOCK | KN_MAP_STACK | KN_MAP_HUGETLB | KN_MAP_SYNC | KN_MAP_FIXED_NOREPLACE)
#define DEV_ZERO_RDEV 0x105 /* makedev(1, 5) */
#define RW (KN_PROT_READ | KN_PROT_WRITE)

static int aligned(uintptr_t a)
{
	return !(a & (PAGE - 1));
}

/* What a file descriptor can give a mapping: 0 (fill from the file),
 * 1 (it is /dev/zero: an anonymous mapping) or -errno. */
static int check_file(int fd, int prot, int shared)
{
	struct kn_stat st;
	long err = kn_sys_fstat(fd, &st);
	if (err == -KN_ENOSYS)
		return -KN_EBADF; /* no vfs in the image: no descriptor is valid */
	if (err)
		return (int)err;
	long fl = kn_sys_fcntl(fd, KN_F_GETFL, 0);
	if (fl < 0)
		return (int)fl;
	if ((fl & KN_O_ACCMODE) == KN_O_WRONLY)
		return -KN_EACCES;
	if (shared && (prot & KN_PROT_WRITE) && (fl & KN_O_ACCMODE) != KN_O_RDWR)
		return -KN_EACCES;
	if (KN_S_ISREG(st.st_mode)) {
		/* A shared mapping is a copy that follows the file
		 * (shared.c); writes through it would not reach the file. */
		return shared && (prot & KN_PROT_WRITE) ? -KN_ENODEV : 0;
	}
	if ((st.st_mode & KN_S_IFMT) == KN_S_IFCHR && st.st_rdev == DEV_ZERO_RDEV)
		return 1;
	return -KN_ENODEV;
}

static long fill_from_file(int fd, uintptr_t at, size_t len, int64_t off)
{
	size_t done = 0;
	while (done < len) {
		long n = kn_sys_pread64(fd, (void *)(at + done), len - done, off + (int64_t)done);
		if (n < 0)
			return n;
		if (!n)
			break; /* past the end of the file: the rest stays zero */
		done += (size_t)n;
	}
	return 0;
}

/* Registers a shared file mapping to be kept equal to the file. */
static long follow_file(int fd, uintptr_t at, size_t len, int64_t off)
{
	struct kn_stat st;
	long err = kn_sys_fstat(fd, &st);
	if (!err)
		kn_mm_set_file(at, at + len, st.st_dev, st.st_ino, (uint64_t)off);
	return err;
}

/* MAP_FIXED: only over our own areas, which are given the new attributes
 * and contents. Their pages are opened (read-write) for the new contents;
 * the caller applies prot once they are in. */
static long map_fixed(uintptr_t a, size_t len, int prot, int flags)
{
	if (a + len < a || !kn_mm_covered(a, a + len))
		return -KN_ENOMEM;
	int err = kn_mm_split_at(a);
	if (!err)
		err = kn_mm_split_at(a + len);
	if (err)
		return err;
	for (struct kn_vma *v = kn_mm_find(a); v && v->start < a + len; v = v->next) {
		if (!kn_mm_prot_is_rw(v->prot))
			kn_mm_protect(v->start, v->end, RW); /* protected before: cannot fail */
		v->prot = prot;
		v->flags = flags & (KN_MAP_TYPE | KN_MAP_ANONYMOUS);
	}
	kn_mm_clear_file(a, a + len);
	kn_mm_merge();
	__builtin_memset((void *)a, 0, len);
	return (long)a;
}

KN_SYSCALL(mmap)(void *addr, size_t len, int prot, int flags, int fd, int64_t off)
{
	uintptr_t a = (uintptr_t)addr;
	int type = flags & KN_MAP_TYPE;
	/* As on Linux: SHARED_VALIDATE checks the flags of file mappings
	 * only (anonymous ones refuse it), and prot is not checked here. */
	if (type == KN_MAP_SHARED_VALIDATE && !(flags & KN_MAP_ANONYMOUS)) {
		if (flags & ~FLAGS_KNOWN)
			return -KN_ENOTSUP;
		type = KN_MAP_SHARED;
		flags = (flags & ~KN_MAP_TYPE) | KN_MAP_SHARED;
	} else if (type != KN_MAP_SHARED && type != KN_MAP_PRIVATE) {
		return -KN_EINVAL;
	}
	if (!len || (off & (int64_t)(PAGE - 1)))
		return -KN_EINVAL;
	if (len > MAP_MAX_BYTES)
		return -KN_ENOMEM;
	len = PAGE_UP(len);
	int fixed = flags & (KN_MAP_FIXED | KN_MAP_FIXED_NOREPLACE);
	if (fixed && !aligned(a))
		return -KN_EINVAL;
	if (flags & KN_MAP_HUGETLB)
		return -KN_ENOMEM; /* no huge page pool, as on a default Linux */
	int anon = flags & KN_MAP_ANONYMOUS;
	if (!anon) {
		if (off < 0 || (uint64_t)off + len < (uint64_t)off)
			return -KN_EOVERFLOW;
		int kind = check_file(fd, prot, type == KN_MAP_SHARED);
		if (kind < 0)
			return kind;
		if (kind == 1) {
			anon = 1;
			flags |= KN_MAP_ANONYMOUS;
		}
	}
	if ((flags & KN_MAP_FIXED_NOREPLACE) && !(flags & KN_MAP_FIXED) &&
	    kn_mm_overlaps(a, a + len))
		return -KN_EEXIST;

	long ret;
	if (fixed) {
		ret = map_fixed(a, len, prot, flags);
		if (ret < 0)
			return ret;
	} else {
		struct kn_vma *v = kn_mm_map_new(len, prot, flags);
		if (!v)
			return -KN_ENOMEM;
		ret = (long)v->start;
	}
	/* Contents first, while the pages are still read-write; then the
	 * protection (anonymous read-write, the usual case, costs nothing). */
	long err = anon ? 0 : fill_from_file(fd, (uintptr_t)ret, len, off);
	if (!err && !anon && type == KN_MAP_SHARED)
		err = follow_file(fd, (uintptr_t)ret, len, off);
	if (!err && !kn_mm_prot_is_rw(prot))
		err = kn_mm_protect((uintptr_t)ret, (uintptr_t)ret + len, prot);
	if (err) {
		kn_mm_unmap((uintptr_t)ret, (uintptr_t)ret + len);
		return err;
	}
	return ret;
}

KN_SYSCALL(munmap)(void *addr, size_t len)
{
	uintptr_t a = (uintptr_t)addr;
	if (!aligned(a) || !len || len > MAP_MAX_BYTES)
		return -KN_EINVAL;
	len = PAGE_UP(len);
	if (a + len < a)
		return -KN_EINVAL;
	/* Like Linux, unmapping a range that holds no mapping succeeds. */
	return kn_mm_unmap(a, a + len);
}

/* Splits areas so that [a, a + len) starts and ends on area boundaries;
 * the range must be mapped (-ENOMEM otherwise, as Linux says). */
static long carve(uintptr_t a, size_t len)
{
	if (!kn_mm_covered(a, a + len))
		return -KN_ENOMEM;
	int err = kn_mm_split_at(a);
	if (!err)
		err = kn_mm_split_at(a + len);
	return err;
}

/* Common checks of the calls that take a page-aligned range: 1 means
 * "empty range, nothing to do". */
static long check_range(uintptr_t a, size_t *len)
{
	if (!aligned(a))
		return -KN_EINVAL;
	if (*len > MAP_MAX_BYTES)
		return -KN_ENOMEM;
	*len = PAGE_UP(*len);
	if (a + *len < a)
		return -KN_ENOMEM;
	return *len ? 0 : 1;
}

/* Whether some area in [a, end) has pages protected otherwise than prot
 * asks (mprotect(READ|WRITE) on plain memory, as musl does for every
 * thread stack, then costs no page-table walk). */
static int changes_pages(uintptr_t a, uintptr_t end, int prot)
{
	for (struct kn_vma *v = kn_mm_find(a); v && v->start < end; v = v->next)
		if (kn_mm_hw_prot(v->prot) != kn_mm_hw_prot(prot))
			return 1;
	return 0;
}

KN_SYSCALL(mprotect)(void *addr, size_t len, int prot)
{
	uintptr_t a = (uintptr_t)addr;
	if (prot & ~PROT_KNOWN)
		return -KN_EINVAL;
	long r = check_range(a, &len);
	if (r)
		return r < 0 ? r : 0;
	r = carve(a, len);
	if (!r && changes_pages(a, a + len, prot))
		r = kn_mm_protect(a, a + len, prot);
	if (!r)
		for (struct kn_vma *v = kn_mm_find(a); v && v->start < a + len; v = v->next)
			v->prot = prot;
	kn_mm_merge(); /* also undoes carve's splits after a failure */
	return r;
}

static int advice_known(int advice)
{
	return (advice >= KN_MADV_NORMAL && advice <= KN_MADV_DONTNEED) ||
	       (advice >= KN_MADV_FREE && advice <= 23) || advice == 100 || advice == 101;
}

/* Zeroes [s, e), opening pages the area protects for the time it takes
 * (they were protected before: neither call can fail). */
static void zero_pages(uintptr_t s, uintptr_t e, int prot)
{
	int closed = !kn_mm_prot_is_rw(prot);
	if (closed)
		kn_mm_protect(s, e, RW);
	__builtin_memset((void *)s, 0, e - s);
	if (closed)
		kn_mm_protect(s, e, prot);
}

KN_SYSCALL(madvise)(void *addr, size_t len, int advice)
{
	uintptr_t a = (uintptr_t)addr;
	if (!advice_known(advice))
		return -KN_EINVAL;
	long r = check_range(a, &len);
	if (r)
		return r < 0 ? r : 0;
	if (!kn_mm_covered(a, a + len))
		return -KN_ENOMEM;
	if (advice != KN_MADV_DONTNEED && advice != KN_MADV_FREE && advice != 9 /* REMOVE */)
		return 0;
	/* Dropping private anonymous pages makes them read back as zeros.
	 * Shared ones keep their data; file-backed private pages keep the
	 * copy (the file is not kept open to read them again). */
	for (struct kn_vma *v = kn_mm_find(a); v && v->start < a + len; v = v->next) {
		if ((v->flags & KN_MAP_TYPE) != KN_MAP_PRIVATE || !(v->flags & KN_MAP_ANONYMOUS))
			continue;
		uintptr_t s = v->start > a ? v->start : a;
		uintptr_t e = v->end < a + len ? v->end : a + len;
		zero_pages(s, e, v->prot);
	}
	return 0;
}

KN_SYSCALL(msync)(void *addr, size_t len, int flags)
{
	uintptr_t a = (uintptr_t)addr;
	if (flags & ~(KN_MS_ASYNC | KN_MS_INVALIDATE | KN_MS_SYNC))
		return -KN_EINVAL;
	if ((flags & KN_MS_ASYNC) && (flags & KN_MS_SYNC))
		return -KN_EINVAL;
	long r = check_range(a, &len);
	if (r)
		return r < 0 ? r : 0;
	/* Nothing to write back: mappings never reach their file. */
	return kn_mm_covered(a, a + len) ? 0 : -KN_ENOMEM;
}

/* Everything is resident and nothing is ever paged out. */
KN_SYSCALL(mlock)(const void *addr, size_t len)
{
	return 0;
}

KN_SYSCALL(mlock2)(const void *addr, size_t len, unsigned flags)
{
	return flags & ~1u ? -KN_EINVAL : 0; /* MLOCK_ONFAULT is all Linux knows */
}

KN_SYSCALL(munlock)(const void *addr, size_t len)
{
	return 0;
}

KN_SYSCALL(mlockall)(int flags)
{
	if (!(flags & 3) || (flags & ~7))
		return -KN_EINVAL;
	return 0;
}

KN_SYSCALL(munlockall)(void)
{
	return 0;
}

KN_SYSCALL(mincore)(void *addr, size_t len, unsigned char *vec)
{
	uintptr_t a = (uintptr_t)addr;
	long r = check_range(a, &len);
	if (r)
		return r < 0 ? r : 0;
	if (kn_user_writable(vec, len / PAGE))
		return -KN_EFAULT;
	if (!kn_mm_covered(a, a + len))
		return -KN_ENOMEM;
	__builtin_memset(vec, 1, len / PAGE);
	return 0;
}
