/* musl as the libc of a Kiln image. Prints "ok <what>" per check and
 * "FAIL <what>: ..." on a failed one; the exit code says how it went:
 * 0 all good, 1 a check failed, or the code asked for with "exit N"
 * (through exit(), after atexit handlers and a buffered write). */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <malloc.h>
#include <kn/alloc.h>

static int failures;

#define CHECK(what, cond, ...)                                                                     \
	do {                                                                                       \
		if (cond) {                                                                        \
			printf("ok %s\n", what);                                                   \
		} else {                                                                           \
			printf("FAIL %s: ", what);                                                 \
			printf(__VA_ARGS__);                                                       \
			printf("\n");                                                              \
			failures++;                                                                \
		}                                                                                  \
	} while (0)

/* C lets a program write into its argv strings (setproctitle does). */
static void check_argv_writable(int argc, char **argv)
{
	int same = 1;
	for (int i = 0; i < argc; i++) {
		char first = argv[i][0];
		argv[i][0] = 'X';
		same &= argv[i][0] == 'X';
		argv[i][0] = first;
	}
	CHECK("argv-writable", same, "a write into argv did not stick");
}

/* Many sizes, small to several MiB (mallocng serves those with mmap):
 * every block is filled and checked before it is freed. */
static void check_malloc(void)
{
	static void *blocks[200];
	static size_t sizes[200];
	int bad = 0;

	for (int round = 0; round < 3; round++) {
		for (int i = 0; i < 200; i++) {
			size_t n = (i % 10 == 9) ? (size_t)(i + 1) * 40000
						 : (size_t)(i * 37 + round) % 3000 + 1;
			sizes[i] = n;
			blocks[i] = malloc(n);
			if (!blocks[i]) {
				bad = 1;
				break;
			}
			memset(blocks[i], i & 0xff, n);
		}
		for (int i = 0; i < 200 && !bad; i += 2)
			blocks[i] = realloc(blocks[i], sizes[i] * 2 + 5), sizes[i] = sizes[i];
		for (int i = 0; i < 200; i++) {
			unsigned char *p = blocks[i];
			if (!p) {
				bad = 1;
				continue;
			}
			if (p[0] != (i & 0xff) || p[sizes[i] - 1] != (i & 0xff))
				bad = 1;
			free(p);
		}
	}
	CHECK("malloc", !bad, "a block lost its contents or malloc failed");
	void *big = malloc(8 << 20);
	CHECK("malloc-8MiB", big && ((uintptr_t)big & 15) == 0, "got %p", big);
	if (big) {
		memset(big, 0x5a, 8 << 20);
		free(big);
	}
	void *huge = malloc((size_t)1 << 40);
	CHECK("malloc-too-big", !huge && errno == ENOMEM, "got %p errno %d", huge, errno);
	void *m = mmap(0, 1 << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK("mmap", m != MAP_FAILED && ((char *)m)[12345] == 0, "mmap failed: %s",
	      strerror(errno));
	if (m != MAP_FAILED)
		munmap(m, 1 << 20);
}

static void check_file(void)
{
	FILE *f = fopen("/musl-test.txt", "w");
	CHECK("fopen-w", f != NULL, "%s", strerror(errno));
	if (!f)
		return;
	for (int i = 0; i < 1000; i++)
		fprintf(f, "line %d %s\n", i, i % 2 ? "odd" : "even");
	CHECK("fclose", fclose(f) == 0, "%s", strerror(errno));
	f = fopen("/musl-test.txt", "r");
	CHECK("fopen-r", f != NULL, "%s", strerror(errno));
	if (!f)
		return;
	char line[64];
	int n = 0, good = 1;
	while (fgets(line, sizeof(line), f)) {
		char want[64];
		snprintf(want, sizeof(want), "line %d %s\n", n, n % 2 ? "odd" : "even");
		good &= strcmp(line, want) == 0;
		n++;
	}
	fseek(f, 0, SEEK_END);
	long size = ftell(f);
	fclose(f);
	CHECK("file-roundtrip", good && n == 1000, "read %d lines, good %d", n, good);
	CHECK("ftell", size == 13390, "size %ld", size);
	CHECK("missing-file", !fopen("/no/such/file", "r") && errno == ENOENT, "errno %d", errno);
	CHECK("remove", remove("/musl-test.txt") == 0 && access("/musl-test.txt", F_OK) < 0, "%s",
	      strerror(errno));
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static void check_numbers(void)
{
	char buf[128];
	char *end;
	double d = strtod("  -1234.5e-2xyz", &end);
	CHECK("strtod", d == -12.345 && strcmp(end, "xyz") == 0, "%g rest '%s'", d, end);
	snprintf(buf, sizeof(buf), "%.3f %e %g %a", 3.14159265, 12345.678, 0.0001, 1.0);
	CHECK("snprintf-float", strcmp(buf, "3.142 1.234568e+04 0.0001 0x1p+0") == 0, "'%s'", buf);
	double v[] = {3.5, -1.0, 2.25, 1e10, -7.75, 0.0};
	qsort(v, 6, sizeof(v[0]), cmp_double);
	snprintf(buf, sizeof(buf), "%g %g %g %g %g %g", v[0], v[1], v[2], v[3], v[4], v[5]);
	CHECK("qsort", strcmp(buf, "-7.75 -1 0 2.25 3.5 1e+10") == 0, "'%s'", buf);
	CHECK("math",
	      fabs(sqrt(2.0) * sqrt(2.0) - 2.0) < 1e-12 &&
		      fabs(sin(0.5) - 0.479425538604203) < 1e-12,
	      "sqrt/sin are off");
	long l = strtol("0x7fffffffffffffff", 0, 16);
	CHECK("strtol", l == 0x7fffffffffffffff, "%ld", l);
}

/* The rest of the malloc family, with the edge cases C and POSIX define. */
static void check_malloc_family(void)
{
	unsigned char *z = calloc(1000, 7);
	int zero = z != NULL;
	for (int i = 0; z && i < 7000; i++)
		zero &= z[i] == 0;
	CHECK("calloc-zeroed", zero, "got %p or a non-zero byte", (void *)z);
	free(z);
	errno = 0;
	void *over = calloc((size_t)1 << 33, (size_t)1 << 33);
	CHECK("calloc-overflow", !over && errno == ENOMEM, "got %p errno %d", over, errno);
	char *r = malloc(10);
	memcpy(r, "realloc!!", 10);
	r = realloc(r, 100000);
	CHECK("realloc-keeps", r && memcmp(r, "realloc!!", 10) == 0, "contents lost");
	CHECK("usable-size", r && malloc_usable_size(r) >= 100000, "%zu",
	      r ? malloc_usable_size(r) : 0);
	free(r);
	free(NULL);
	void *a = aligned_alloc(256, 1000);
	CHECK("aligned_alloc", a && ((uintptr_t)a & 255) == 0, "got %p", a);
	free(a);
	errno = 0;
	a = aligned_alloc(48, 96);
	CHECK("aligned_alloc-bad-align", !a && errno == EINVAL, "got %p errno %d", a, errno);
	void *pm = NULL;
	int rc = posix_memalign(&pm, 4096, 5000);
	CHECK("posix_memalign", rc == 0 && ((uintptr_t)pm & 4095) == 0, "rc %d %p", rc, pm);
	free(pm);
	CHECK("posix_memalign-bad", posix_memalign(&pm, 3, 8) == EINVAL, "accepted align 3");
	void *ma = memalign(64, 10);
	CHECK("memalign", ma && ((uintptr_t)ma & 63) == 0, "got %p", ma);
	free(ma);
}

/* Which heap malloc uses: the kernel's (libc-musl's default: each small
 * block is one allocation in the alloc API's statistics) or musl's own
 * mallocng (LIBC_MUSL_KILN_MALLOC=n: small blocks are carved from groups
 * it maps a few at a time). */
static void print_heap(void)
{
	struct kn_alloc_stats before, after;
	void *p[16];
	kn_alloc_stats(&before);
	for (int i = 0; i < 16; i++)
		p[i] = malloc(100);
	kn_alloc_stats(&after);
	printf("heap: %s\n", after.allocs >= before.allocs + 16 ? "kiln" : "mallocng");
	for (int i = 0; i < 16; i++)
		free(p[i]);
}

static void first(void)
{
	printf("atexit: first registered, runs last\n");
}
static void second(void)
{
	printf("atexit: second registered, runs first\n");
}

int main(int argc, char **argv)
{
	printf("hello from musl: argc %d argv[0] %s\n", argc, argv[0]);
	check_argv_writable(argc, argv);
	check_malloc();
	check_malloc_family();
	print_heap();
	check_file();
	check_numbers();
	const char *home = getenv("HOME"), *kiln = getenv("KILN_TEST");
	CHECK("getenv", getenv("NO_SUCH_VARIABLE") == NULL, "found one");
	printf("env HOME=%s KILN_TEST=%s\n", home ? home : "(unset)", kiln ? kiln : "(unset)");
	atexit(first);
	atexit(second);
	if (argc > 2 && strcmp(argv[1], "exit") == 0) {
		fputs("buffered line written by exit()", stdout); /* no newline: exit must flush */
		fputc('\n', stdout);
		exit(atoi(argv[2]));
	}
	printf("%s\n", failures ? "musl-hello: FAILED" : "musl-hello: all passed");
	return failures ? 1 : 0;
}
