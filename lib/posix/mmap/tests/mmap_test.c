/* Host tests of posix-mmap: each call is made on our implementation and
 * on the host kernel with the same arguments, and the results compared
 * (errors exactly; successes by the contents of the mapped pages).
 *   mmap_test errors | files DIR | oom | brk | protect | stress SEED */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <kn/errno.h>
#include <kn/mman.h>
#include "host_shim.h"

#define P 4096L
static int failures;

#define FAIL(...)                                                                                  \
	do {                                                                                       \
		printf("FAIL %s:%d: ", __FILE__, __LINE__);                                        \
		printf(__VA_ARGS__);                                                               \
		printf("\n");                                                                      \
		failures++;                                                                        \
	} while (0)

/* A host result as ours looks: the value, or -errno. */
static long host_rc(long r)
{
	return r == -1 ? -errno : r;
}

static long host_mmap(void *a, size_t n, int prot, int flags, int fd, off_t off)
{
	void *r = mmap(a, n, prot, flags, fd, off);
	return r == MAP_FAILED ? -errno : (long)r;
}

/* Both succeeded (>= 0) or both failed with the same error. */
static void same(const char *what, long ours, long host)
{
	if ((ours >= 0) != (host >= 0) || (ours < 0 && ours != host))
		FAIL("%s: ours %ld, host %ld", what, ours, host);
}

#define BOTH_MMAP(what, len, prot, flags, fd, off)                                                 \
	do {                                                                                       \
		long o = kn_sys_mmap(0, len, prot, flags, fd, off);                                \
		long h = host_mmap(0, len, prot, flags, fd, off);                                  \
		same(what, o, h);                                                                  \
		if (o >= 0)                                                                        \
			kn_sys_munmap((void *)o, len);                                             \
		if (h >= 0)                                                                        \
			munmap((void *)h, len);                                                    \
	} while (0)

static void scenario_errors(void)
{
	int ANON = MAP_PRIVATE | MAP_ANONYMOUS;
	BOTH_MMAP("len 0", 0, 3, ANON, -1, 0);
	BOTH_MMAP("no type", P, 3, MAP_ANONYMOUS, -1, 0);
	BOTH_MMAP("type 0xf", P, 3, ANON | 0xf, -1, 0);
	BOTH_MMAP("unaligned offset", P, 3, ANON, -1, 100);
	BOTH_MMAP("bad fd", P, 3, MAP_PRIVATE, -1, 0);
	BOTH_MMAP("closed fd", P, 3, MAP_PRIVATE, 999, 0);
	BOTH_MMAP("shared validate anon", P, 3, MAP_SHARED_VALIDATE | MAP_ANONYMOUS, -1, 0);
	BOTH_MMAP("wrapping length", ~0UL - P, 3, ANON, -1, 0);
	BOTH_MMAP("unknown prot bit", P, 0x10 | PROT_READ, ANON, -1, 0);
	BOTH_MMAP("hugetlb", P, 3, ANON | MAP_HUGETLB, -1, 0);
	BOTH_MMAP("shared anon", 3 * P, 3, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	same("fixed unaligned", kn_sys_mmap((void *)(P + 1), P, 3, ANON | MAP_FIXED, -1, 0),
	     host_mmap((void *)(P + 1), P, 3, ANON | MAP_FIXED, -1, 0));
	same("munmap unaligned", kn_sys_munmap((void *)(P + 1), P),
	     host_rc(munmap((void *)(P + 1), P)));
	same("munmap len 0", kn_sys_munmap((void *)P, 0), host_rc(munmap((void *)P, 0)));

	long o = kn_sys_mmap(0, 4 * P, 3, ANON, -1, 0);
	char *h = mmap(0, 4 * P, 3, ANON, -1, 0);
	if (o < 0 || h == MAP_FAILED) {
		FAIL("anonymous mapping failed");
		return;
	}
	same("mremap bad flags", kn_sys_mremap((void *)o, P, 2 * P, 8, 0),
	     host_rc((long)mremap(h, P, 2 * P, 8)));
	same("mremap fixed without maymove", kn_sys_mremap((void *)o, P, 2 * P, MREMAP_FIXED, 0),
	     host_rc((long)mremap(h, P, 2 * P, MREMAP_FIXED, 0)));
	same("mremap unaligned", kn_sys_mremap((void *)(o + 1), P, 2 * P, 0, 0),
	     host_rc((long)mremap(h + 1, P, 2 * P, 0)));
	same("mremap to 0", kn_sys_mremap((void *)o, P, 0, 0, 0),
	     host_rc((long)mremap(h, P, 0, 0)));
	same("mremap shrink", kn_sys_mremap((void *)o, 4 * P, 3 * P, 0, 0) == o ? 0 : -1,
	     mremap(h, 4 * P, 3 * P, 0) == h ? 0 : -1);
	same("madvise bad advice", kn_sys_madvise((void *)o, P, 77), host_rc(madvise(h, P, 77)));
	same("madvise unaligned", kn_sys_madvise((void *)(o + 1), P, 0),
	     host_rc(madvise(h + 1, P, 0)));
	same("madvise len 0", kn_sys_madvise((void *)o, 0, 0), host_rc(madvise(h, 0, 0)));
	same("mprotect bad prot", kn_sys_mprotect((void *)o, P, 0x40),
	     host_rc(mprotect(h, P, 0x40)));
	same("mprotect unaligned", kn_sys_mprotect((void *)(o + 1), P, 1),
	     host_rc(mprotect(h + 1, P, 1)));
	same("mprotect len 0", kn_sys_mprotect((void *)o, 0, 1), host_rc(mprotect(h, 0, 1)));
	same("msync sync|async", kn_sys_msync((void *)o, P, MS_SYNC | MS_ASYNC),
	     host_rc(msync(h, P, MS_SYNC | MS_ASYNC)));
	same("msync bad flag", kn_sys_msync((void *)o, P, 8), host_rc(msync(h, P, 8)));
	/* (mlockall is not compared: ASan replaces it with a no-op.) */
	/* A hole in the middle: calls over it fail alike. */
	same("munmap middle", kn_sys_munmap((void *)(o + P), P), host_rc(munmap(h + P, P)));
	same("mprotect over a hole", kn_sys_mprotect((void *)o, 3 * P, 1),
	     host_rc(mprotect(h, 3 * P, 1)));
	same("madvise over a hole", kn_sys_madvise((void *)o, 3 * P, MADV_DONTNEED),
	     host_rc(madvise(h, 3 * P, MADV_DONTNEED)));
	same("msync over a hole", kn_sys_msync((void *)o, 3 * P, MS_SYNC),
	     host_rc(msync(h, 3 * P, MS_SYNC)));
	same("mremap from a hole", kn_sys_mremap((void *)(o + P), P, 2 * P, MREMAP_MAYMOVE, 0),
	     host_rc((long)mremap(h + P, P, 2 * P, MREMAP_MAYMOVE)));
	same("munmap over the hole", kn_sys_munmap((void *)o, 3 * P), host_rc(munmap(h, 3 * P)));
	if (kn_mmap_mapped_bytes() != 0 || shim_live_blocks != 0)
		FAIL("leak: %zu bytes mapped, %ld blocks", kn_mmap_mapped_bytes(),
		     shim_live_blocks);
}

static int all(const void *p, int c, long n)
{
	const unsigned char *b = p;
	for (long i = 0; i < n; i++)
		if (b[i] != (unsigned char)c)
			return 0;
	return 1;
}

static void scenario_files(const char *dir)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s/mapped", dir);
	int fd = open(path, O_CREAT | O_RDWR | O_TRUNC, 0644);
	char buf[P + 100];
	for (long i = 0; i < (long)sizeof(buf); i++)
		buf[i] = (char)(i * 7);
	if (fd < 0 || write(fd, buf, sizeof(buf)) != (ssize_t)sizeof(buf)) {
		FAIL("cannot write %s", path);
		return;
	}
	int ro = open(path, O_RDONLY), wo = open(path, O_WRONLY), d = open(dir, O_RDONLY);
	int z = open("/dev/zero", O_RDWR), nul = open("/dev/null", O_RDWR);
	BOTH_MMAP("write-only fd", P, PROT_READ, MAP_PRIVATE, wo, 0);
	BOTH_MMAP("shared writable on read-only fd", P, 3, MAP_SHARED, ro, 0);
	BOTH_MMAP("private writable on read-only fd", P, 3, MAP_PRIVATE, ro, 0);
	BOTH_MMAP("directory", P, PROT_READ, MAP_PRIVATE, d, 0);
	BOTH_MMAP("/dev/null", P, PROT_READ, MAP_PRIVATE, nul, 0);
	BOTH_MMAP("negative offset", P, PROT_READ, MAP_PRIVATE, fd, -P);
	BOTH_MMAP("unknown flag, shared validate", P, PROT_READ, MAP_SHARED_VALIDATE | 0x400000, fd,
		  0);
	BOTH_MMAP("read-only shared", P, PROT_READ, MAP_SHARED, fd, 0);

	/* Contents: the file, then zeros to the page end (where the host
	 * would also read zeros; beyond it the host raises SIGBUS). */
	long o = kn_sys_mmap(0, 2 * P, 3, MAP_PRIVATE, fd, 0);
	char *h = mmap(0, 2 * P, 3, MAP_PRIVATE, fd, 0);
	if (o < 0 || h == MAP_FAILED) {
		FAIL("file mapping failed: %ld", o);
		return;
	}
	if (memcmp((void *)o, h, P + 100) || !all((char *)o + P + 100, 0, P - 100) ||
	    !all(h + P + 100, 0, P - 100))
		FAIL("file contents differ from the host's mapping");
	((char *)o)[0] = 'x';
	char c;
	if (pread(fd, &c, 1, 0) != 1 || c != buf[0])
		FAIL("private write reached the file");
	long o2 = kn_sys_mmap(0, P, PROT_READ, MAP_PRIVATE, fd, P);
	char *h2 = mmap(0, P, PROT_READ, MAP_PRIVATE, fd, P);
	if (o2 < 0 || memcmp((void *)o2, h2, 100))
		FAIL("mapping at an offset differs");
	long oz = kn_sys_mmap(0, 2 * P, 3, MAP_PRIVATE, z, 0);
	if (oz < 0 || !all((void *)oz, 0, 2 * P))
		FAIL("/dev/zero mapping is not zero: %ld", oz);
	kn_sys_munmap((void *)o, 2 * P);
	kn_sys_munmap((void *)o2, P);
	kn_sys_munmap((void *)oz, 2 * P);
	munmap(h, 2 * P);
	munmap(h2, P);
	if (kn_mmap_mapped_bytes() != 0 || shim_live_blocks != 0)
		FAIL("leak after file mappings");
}

static void scenario_oom(void)
{
	shim_page_budget = 10;
	long a = kn_sys_mmap(0, 8 * P, 3, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (a < 0)
		FAIL("8 pages of 10 failed");
	if (kn_sys_mmap(0, 4 * P, 3, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) != -KN_ENOMEM)
		FAIL("4 more pages did not fail with ENOMEM");
	if (kn_sys_mremap((void *)a, 8 * P, 16 * P, MREMAP_MAYMOVE, 0) != -KN_ENOMEM)
		FAIL("mremap past the budget did not fail with ENOMEM");
	if (!all((void *)a, 0, 8 * P))
		FAIL("a failed mremap changed the mapping");
	if (kn_sys_mmap(0, 1UL << 45, 3, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) != -KN_ENOMEM)
		FAIL("a huge mapping did not fail with ENOMEM");
	kn_sys_munmap((void *)a, 8 * P);
	shim_page_budget = (size_t)-1;
	if (kn_mmap_mapped_bytes() != 0 || shim_live_blocks != 0)
		FAIL("leak after out of memory");
}

/* The protection the host gives the page at p ("rwx" bits as PROT_*), from
 * /proc/self/maps: what our pages really are, not what we recorded. */
static int host_prot(const void *p)
{
	FILE *f = fopen("/proc/self/maps", "r");
	char line[512], perm[5];
	unsigned long s, e;
	int prot = -1;
	while (f && prot < 0 && fgets(line, sizeof(line), f))
		if (sscanf(line, "%lx-%lx %4s", &s, &e, perm) == 3 && s <= (uintptr_t)p &&
		    (uintptr_t)p < e)
			prot = (perm[0] == 'r' ? PROT_READ : 0) |
			       (perm[1] == 'w' ? PROT_WRITE : 0) | (perm[2] == 'x' ? PROT_EXEC : 0);
	if (f)
		fclose(f);
	return prot;
}

/* Every page of [p, p + n) has protection prot. */
static void expect_prot(const char *what, long p, long n, int prot)
{
	for (long at = p; at < p + n; at += P)
		if (host_prot((void *)at) != prot) {
			FAIL("%s: page %ld is %d, want %d", what, (at - p) / P,
			     host_prot((void *)at), prot);
			return;
		}
}

/* Protections are applied to the pages, kept through every call that
 * writes into a mapping, and undone before pages go back to the heap
 * (kn_pfree in the shim writes them all). */
static void scenario_protect(void)
{
	int ANON = MAP_PRIVATE | MAP_ANONYMOUS, RW = PROT_READ | PROT_WRITE;
	long o = kn_sys_mmap(0, 3 * P, PROT_READ, ANON, -1, 0);
	if (o < 0) {
		FAIL("read-only mapping failed: %ld", o);
		return;
	}
	expect_prot("mmap read-only", o, 3 * P, PROT_READ);
	if (kn_sys_mprotect((void *)(o + P), P, PROT_NONE))
		FAIL("mprotect none");
	expect_prot("none in the middle", o + P, P, PROT_NONE);
	expect_prot("neighbours keep theirs", o, P, PROT_READ);
	expect_prot("neighbours keep theirs", o + 2 * P, P, PROT_READ);
	if (kn_sys_madvise((void *)o, 3 * P, MADV_DONTNEED))
		FAIL("madvise dontneed over read-only and none pages");
	expect_prot("madvise keeps protections", o + P, P, PROT_NONE);
	expect_prot("madvise keeps protections", o, P, PROT_READ);
	if (kn_sys_mprotect((void *)o, 3 * P, RW))
		FAIL("mprotect back to read-write");
	expect_prot("read-write again", o, 3 * P, RW);
	memset((void *)o, 4, 3 * P);
	if (kn_sys_mprotect((void *)o, 3 * P, PROT_READ | PROT_EXEC))
		FAIL("mprotect exec");
	expect_prot("read-exec", o, 3 * P, PROT_READ | PROT_EXEC);
	if (kn_sys_mprotect((void *)o, 3 * P, PROT_WRITE))
		FAIL("mprotect write-only");
	expect_prot("write implies read", o, 3 * P, RW);
	if (kn_sys_mprotect((void *)o, 3 * P, PROT_READ))
		FAIL("mprotect read-only");

	/* MAP_FIXED over protected pages: zeroed, then given the new prot. */
	if (kn_sys_mmap((void *)(o + P), P, PROT_READ, ANON | MAP_FIXED, -1, 0) != o + P)
		FAIL("map fixed over a read-only page");
	expect_prot("map fixed", o + P, P, PROT_READ);
	if (!all((void *)o, 4, P) || !all((void *)(o + P), 0, P) || !all((void *)(o + 2 * P), 4, P))
		FAIL("map fixed contents");

	/* mremap of a PROT_NONE mapping: moved with its contents and prot. */
	if (kn_sys_mprotect((void *)o, 3 * P, PROT_NONE))
		FAIL("mprotect none whole");
	long q = kn_sys_mremap((void *)o, 3 * P, 8 * P, MREMAP_MAYMOVE, 0);
	if (q < 0) {
		FAIL("mremap of a none mapping: %ld", q);
		return;
	}
	expect_prot("moved none mapping", q, 8 * P, PROT_NONE);
	if (kn_sys_mprotect((void *)q, 8 * P, PROT_READ))
		FAIL("mprotect moved");
	if (!all((void *)q, 4, P) || !all((void *)(q + P), 0, P) ||
	    !all((void *)(q + 2 * P), 4, P) || !all((void *)(q + 3 * P), 0, 5 * P))
		FAIL("moved contents");
	/* Shrink (the tail goes back read-write), grow in place (zeroed,
	 * protected like the rest). */
	if (kn_sys_mremap((void *)q, 8 * P, 2 * P, 0, 0) != q)
		FAIL("mremap shrink");
	if (kn_sys_mremap((void *)q, 2 * P, 4 * P, 0, 0) != q)
		FAIL("mremap grow in place");
	expect_prot("grown in place", q, 4 * P, PROT_READ);
	if (!all((void *)q, 4, P) || !all((void *)(q + 2 * P), 0, 2 * P))
		FAIL("grown contents");
	/* MREMAP_FIXED onto another mapping. */
	long r = kn_sys_mmap(0, 2 * P, RW, ANON, -1, 0);
	if (kn_sys_mremap((void *)q, P, P, MREMAP_MAYMOVE | MREMAP_FIXED, (void *)r) != r)
		FAIL("mremap fixed");
	expect_prot("moved fixed", r, P, PROT_READ);
	expect_prot("beside moved fixed", r + P, P, RW);
	if (!all((void *)r, 4, P))
		FAIL("moved fixed contents");

	/* A private file mapping is filled before it is made read-only. */
	FILE *tmp = tmpfile();
	char buf[P];
	memset(buf, 'f', sizeof(buf));
	if (!tmp || fwrite(buf, 1, P, tmp) != P || fflush(tmp)) {
		FAIL("tmpfile");
		return;
	}
	long f = kn_sys_mmap(0, 2 * P, PROT_READ, MAP_PRIVATE, fileno(tmp), 0);
	if (f < 0 || !all((void *)f, 'f', P) || !all((void *)(f + P), 0, P))
		FAIL("read-only file mapping: %ld", f);
	expect_prot("read-only file mapping", f, 2 * P, PROT_READ);
	fclose(tmp);

	kn_sys_munmap((void *)q, 4 * P);
	kn_sys_munmap((void *)r, 2 * P);
	kn_sys_munmap((void *)f, 2 * P);
	if (kn_mmap_mapped_bytes() != 0 || shim_live_blocks != 0)
		FAIL("leak after protections: %zu bytes, %ld blocks", kn_mmap_mapped_bytes(),
		     shim_live_blocks);
}

static void scenario_brk(void)
{
	long cur = kn_sys_brk(0);
	if (!cur) {
		FAIL("no break region");
		return;
	}
	if (kn_sys_brk((void *)(cur + 5 * P)) != cur + 5 * P || !all((void *)cur, 0, 5 * P))
		FAIL("growing the break");
	memset((void *)cur, 1, 5 * P);
	if (kn_sys_brk((void *)(cur + P)) != cur + P ||
	    kn_sys_brk((void *)(cur + 3 * P)) != cur + 3 * P || !all((void *)(cur + P), 0, 2 * P))
		FAIL("shrunk and regrown break is not zero");
	long limit = cur + CONFIG_POSIX_MMAP_BRK_KIB * 1024L;
	if (kn_sys_brk((void *)limit) != limit || kn_sys_brk((void *)(limit + P)) != limit)
		FAIL("the limit is not where the option says");
	if (kn_sys_brk((void *)(cur - 1)) != limit)
		FAIL("below the start");
}

/* Random operations on both sides; mapping i is ours[i] / host[i] with
 * one pattern byte per page. */
#define MAXMAP 24
static struct {
	char *o, *h;
	long pages;
	int shared;
	int split; /* mprotect or MAP_FIXED made it several host vmas */
	unsigned char pat[64];
} maps[MAXMAP];
static int nmaps;

static void check_all(int full)
{
	long total = 0;
	for (int i = 0; i < nmaps; i++) {
		total += maps[i].pages * P;
		for (long p = 0; p < maps[i].pages; p++) {
			unsigned char want = maps[i].pat[p];
			char *o = maps[i].o + p * P, *h = maps[i].h + p * P;
			if (full ? (!all(o, want, P) || !all(h, want, P))
				 : (o[0] != (char)want || o[P - 1] != (char)want ||
				    h[P / 2] != (char)want))
				FAIL("map %d page %ld: want %u, ours %u host %u", i, p, want,
				     (unsigned char)o[0], (unsigned char)h[0]);
		}
	}
	if ((long)kn_mmap_mapped_bytes() != total)
		FAIL("mapped bytes %zu, model %ld", kn_mmap_mapped_bytes(), total);
}

static void fill(int i, long from, long to, int byte)
{
	for (long p = from; p < to; p++) {
		maps[i].pat[p] = (unsigned char)byte;
		memset(maps[i].o + p * P, byte, P);
		memset(maps[i].h + p * P, byte, P);
	}
}

static void drop(int i)
{
	maps[i] = maps[--nmaps];
}

static void scenario_stress(unsigned seed)
{
	srand(seed);
	for (int step = 0; step < 3000; step++) {
		int op = rand() % 8, i = nmaps ? rand() % nmaps : 0;
		if (!nmaps || op == 0) {
			if (nmaps == MAXMAP)
				continue;
			long n = 1 + rand() % 16;
			int shared = rand() % 4 == 0;
			int flags = (shared ? MAP_SHARED : MAP_PRIVATE) | MAP_ANONYMOUS;
			long o = kn_sys_mmap(0, n * P - rand() % 100, 3, flags, -1, 0);
			long h = host_mmap(0, n * P, 3, flags, -1, 0);
			same("mmap", o, h);
			if (o < 0 || h < 0)
				continue;
			maps[nmaps].o = (char *)o;
			maps[nmaps].h = (char *)h;
			maps[nmaps].pages = n;
			maps[nmaps].shared = shared;
			maps[nmaps].split = 0;
			memset(maps[nmaps].pat, 0, sizeof(maps[nmaps].pat));
			nmaps++;
			if (!all((void *)o, 0, n * P))
				FAIL("fresh mapping not zero");
			fill(nmaps - 1, 0, n, 1 + rand() % 255);
			continue;
		}
		long n = maps[i].pages, s = rand() % n, c = 1 + rand() % (n - s);
		switch (op) {
		case 1: { /* munmap part (or all) */
			same("munmap", kn_sys_munmap(maps[i].o + s * P, c * P),
			     host_rc(munmap(maps[i].h + s * P, c * P)));
			long right = n - s - c;
			if (right && nmaps < MAXMAP) {
				int j = nmaps++;
				maps[j].o = maps[i].o + (s + c) * P;
				maps[j].h = maps[i].h + (s + c) * P;
				maps[j].pages = right;
				maps[j].shared = maps[i].shared;
				maps[j].split = maps[i].split;
				memcpy(maps[j].pat, maps[i].pat + s + c, right);
			} else if (right) { /* no room in the model: unmap it too */
				kn_sys_munmap(maps[i].o + (s + c) * P, right * P);
				munmap(maps[i].h + (s + c) * P, right * P);
			}
			maps[i].pages = s;
			if (!s)
				drop(i);
			break;
		}
		case 2: { /* mremap: shrink in place or grow by moving; a shared
			   * one only shrinks (on Linux, grown pages of shared
			   * anonymous memory are past its object's end: SIGBUS) */
			/* Growth of a split mapping depends on whether Linux
			 * merged its vmas again (ours always does): not compared. */
			long n2 = 1 + rand() % (maps[i].shared || maps[i].split ? n : 20);
			long o = kn_sys_mremap(maps[i].o, n * P, n2 * P, MREMAP_MAYMOVE, 0);
			long h = host_rc((long)mremap(maps[i].h, n * P, n2 * P, MREMAP_MAYMOVE));
			same("mremap", o, h);
			if (o < 0 || h < 0)
				break;
			maps[i].o = (char *)o;
			maps[i].h = (char *)h;
			maps[i].pages = n2;
			for (long p = n; p < n2; p++)
				maps[i].pat[p] = 0;
			break;
		}
		case 3: /* mprotect a part (kept writable so the model can write) */
			same("mprotect", kn_sys_mprotect(maps[i].o + s * P, c * P, 3),
			     host_rc(mprotect(maps[i].h + s * P, c * P, 3)));
			maps[i].split = 1;
			break;
		case 4: { /* MAP_FIXED over a part: private anonymous, zeroed */
			int flags = MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED;
			same("mmap fixed", kn_sys_mmap(maps[i].o + s * P, c * P, 3, flags, -1, 0),
			     host_mmap(maps[i].h + s * P, c * P, 3, flags, -1, 0));
			for (long p = s; p < s + c; p++)
				maps[i].pat[p] = 0;
			maps[i].split = 1;
			break;
		}
		case 5: { /* MADV_DONTNEED zeroes private pages; shared ones keep data
			   * (on the host, they are re-read from the shared object) */
			same("madvise", kn_sys_madvise(maps[i].o + s * P, c * P, MADV_DONTNEED),
			     host_rc(madvise(maps[i].h + s * P, c * P, MADV_DONTNEED)));
			/* Which pages are private is known only to each side; compare
			 * them and trust the host for the model. */
			for (long p = s; p < s + c; p++)
				maps[i].pat[p] = (unsigned char)maps[i].h[p * P];
			break;
		}
		default: fill(i, s, s + c, rand() % 256); break;
		}
		if (getenv("MMAP_TRACE")) /* for debugging a failing seed */
			fprintf(stderr, "step %d op %d map %d s %ld c %ld\n", step, op, i, s, c);
		check_all(step % 100 == 0);
		if (failures)
			return; /* the two sides differ now: stop before it cascades */
	}
	while (nmaps) {
		same("final munmap", kn_sys_munmap(maps[0].o, maps[0].pages * P),
		     host_rc(munmap(maps[0].h, maps[0].pages * P)));
		drop(0);
	}
	if (kn_mmap_mapped_bytes() != 0 || shim_live_blocks != 0)
		FAIL("leak after stress: %zu bytes, %ld blocks", kn_mmap_mapped_bytes(),
		     shim_live_blocks);
}

int main(int argc, char **argv)
{
	if (argc < 2)
		return 2;
	const char *s = argv[1];
	if (!strcmp(s, "errors"))
		scenario_errors();
	else if (!strcmp(s, "files") && argc > 2)
		scenario_files(argv[2]);
	else if (!strcmp(s, "oom"))
		scenario_oom();
	else if (!strcmp(s, "brk"))
		scenario_brk();
	else if (!strcmp(s, "protect"))
		scenario_protect();
	else if (!strcmp(s, "stress") && argc > 2)
		scenario_stress((unsigned)atoi(argv[2]));
	else
		return 2;
	if (failures)
		return 1;
	printf("PASS %s\n", s);
	return 0;
}
