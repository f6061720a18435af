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

static int failures;

#define CHECK(what, cond, ...) do { \
	if (cond) { printf("ok %s\n", what); } \
	else { printf("FAIL %s: ", what); printf(__VA_ARGS__); printf("\n"); failures++; } \
} while (0)

/* Many sizes, small to several MiB (mallocng serves those with mmap):
 * every block is filled and checked before it is freed. */
static void check_malloc(void)
{
	static void *blocks[200];
	static size_t sizes[200];
	int bad = 0;

	for (int round = 0; round < 3; round++) {
		for (int i = 0; i < 200; i++) {
			size_t n = (i % 10 == 9) ? (size_t)(i + 1) * 40000 : (size_t)(i * 37 + round) % 3000 + 1;
			sizes[i] = n;
			blocks[i] = malloc(n);
			if (!blocks[i]) { bad = 1; break; }
			memset(blocks[i], i & 0xff, n);
		}
		for (int i = 0; i < 200 && !bad; i += 2)
			blocks[i] = realloc(blocks[i], sizes[i] * 2 + 5), sizes[i] = sizes[i];
		for (int i = 0; i < 200; i++) {
			unsigned char *p = blocks[i];
			if (!p) { bad = 1; continue; }
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
	CHECK("mmap", m != MAP_FAILED && ((char *)m)[12345] == 0, "mmap failed: %s", strerror(errno));
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
	CHECK("remove", remove("/musl-test.txt") == 0 && access("/musl-test.txt", F_OK) < 0,
	      "%s", strerror(errno));
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
	CHECK("math", fabs(sqrt(2.0) * sqrt(2.0) - 2.0) < 1e-12 && fabs(sin(0.5) - 0.479425538604203) < 1e-12,
	      "sqrt/sin are off");
	long l = strtol("0x7fffffffffffffff", 0, 16);
	CHECK("strtol", l == 0x7fffffffffffffff, "%ld", l);
}

static void first(void) { printf("atexit: first registered, runs last\n"); }
static void second(void) { printf("atexit: second registered, runs first\n"); }

int main(int argc, char **argv)
{
	printf("hello from musl: argc %d argv[0] %s\n", argc, argv[0]);
	check_malloc();
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
