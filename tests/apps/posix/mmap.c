/* Memory mapping: anonymous and file-backed private maps, munmap,
 * mprotect, madvise, mremap, brk-backed malloc. */
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "check.h"

void test_mmap(void)
{
	long page = sysconf(_SC_PAGESIZE);
	CHECK(page == 4096);
	char *p = mmap(NULL, 3 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(p != MAP_FAILED && ((uintptr_t)p & (page - 1)) == 0);
	CHECK(p[0] == 0 && p[3 * page - 1] == 0);
	memset(p, 0xab, 3 * page);
	CHECK(munmap(p + page, page) == 0); /* a hole in the middle */
	CHECK((unsigned char)p[2 * page] == 0xab);
	CHECK(madvise(p, page, MADV_DONTNEED) == 0 && p[0] == 0);
	CHECK(mprotect(p, page, PROT_READ) == 0);
	CHECK(munmap(p, 3 * page) == 0);

	char *q = mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(q != MAP_FAILED);
	strcpy(q, "kept");
	char *r = mremap(q, page, 64 * page, MREMAP_MAYMOVE);
	CHECK(r != MAP_FAILED && strcmp(r, "kept") == 0 && r[64 * page - 1] == 0);
	r = mremap(r, 64 * page, page, 0);
	CHECK(r != MAP_FAILED && strcmp(r, "kept") == 0);
	CHECK(munmap(r, page) == 0);

	int fd = open("map.txt", O_CREAT | O_RDWR | O_TRUNC, 0600);
	CHECK(fd >= 0 && write(fd, "mapped file contents", 20) == 20);
	char *f = mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	CHECK(f != MAP_FAILED && memcmp(f, "mapped file contents", 20) == 0 && f[20] == 0);
	f[0] = 'M'; /* private: the file does not change */
	char buf[8];
	CHECK(pread(fd, buf, 6, 0) == 6 && memcmp(buf, "mapped", 6) == 0);
	CHECK(munmap(f, page) == 0);
	/* A shared read-only mapping follows the file: writes (past the
	 * mapped end of file too, within the mapped pages) and truncation. */
	char *g = mmap(NULL, 2 * page, PROT_READ, MAP_SHARED, fd, 0);
	CHECK(g != MAP_FAILED && memcmp(g, "mapped file contents", 20) == 0);
	CHECK(pwrite(fd, "MAPPED", 6, 0) == 6 && memcmp(g, "MAPPED file", 11) == 0);
	CHECK(pwrite(fd, "grown", 5, 100) == 5 && memcmp(g + 100, "grown", 5) == 0);
	CHECK(ftruncate(fd, 10) == 0 && g[9] == 'l' && g[10] == 0 && g[100] == 0);
	CHECK(munmap(g, 2 * page) == 0);
	/* Growing a file mapping: Linux fills the new page from the file;
	 * Kiln refuses (ENOMEM). Never zeros where the file has data. */
	CHECK(pwrite(fd, "second page", 11, page) == 11);
	char *h = mmap(NULL, page, PROT_READ, MAP_PRIVATE, fd, 0);
	CHECK(h != MAP_FAILED);
	char *hh = mremap(h, page, 2 * page, MREMAP_MAYMOVE);
	CHECK(hh == MAP_FAILED ? errno == ENOMEM : memcmp(hh + page, "second page", 11) == 0);
	CHECK(munmap(hh == MAP_FAILED ? h : hh, hh == MAP_FAILED ? page : 2 * page) == 0);
	close(fd);
	unlink("map.txt");

	errno = 0;
	CHECK(mmap(NULL, 0, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) == MAP_FAILED &&
	      errno == EINVAL);
	errno = 0;
	CHECK(mmap(NULL, page, PROT_READ, MAP_PRIVATE, 999, 0) == MAP_FAILED && errno == EBADF);
	errno = 0;
	CHECK(mmap(NULL, (size_t)1 << 47, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1,
		   0) == MAP_FAILED &&
	      errno == ENOMEM);
	CHECK_ERR(munmap((void *)((uintptr_t)p + 1), page), EINVAL);

	/* malloc: small and large blocks (the large ones go through mmap). */
	void *blocks[64];
	for (int i = 0; i < 64; i++) {
		blocks[i] = malloc((size_t)i * 4099 + 1);
		CHECK(blocks[i] != NULL);
		memset(blocks[i], i, (size_t)i * 4099 + 1);
	}
	for (int i = 0; i < 64; i++)
		free(blocks[i]);
	void *big = malloc(8 << 20);
	CHECK(big != NULL);
	memset(big, 1, 8 << 20);
	big = realloc(big, 16 << 20);
	CHECK(big != NULL && ((char *)big)[(8 << 20) - 1] == 1);
	free(big);
	errno = 0;
	CHECK(malloc((size_t)1 << 46) == NULL && errno == ENOMEM);
}
