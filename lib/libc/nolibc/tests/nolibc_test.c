/* nolibc against glibc, on the host.
 *
 * The nolibc objects (built with the kernel flags) are linked with every
 * symbol renamed nl_<name> (objcopy --prefix-symbols), so nl_memcpy and
 * glibc's memcpy live side by side. The kn_* functions nolibc calls become
 * nl_kn_*: this file provides them over glibc, capturing console output.
 * Built twice: without and with -DWITH_SCHED, which links the nolibc
 * built with CONFIG_HAVE_SCHED and provides the scheduler's
 * kn_sched_errno_location and kn_sleep_ns. */
#define _GNU_SOURCE /* memrchr, strcasecmp */
#include <ctype.h>
#include <errno.h>
#include <float.h>
#include <limits.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* ---- nolibc, as renamed ---- */
struct nl_file;
extern struct nl_file *const nl_stdin, *const nl_stdout, *const nl_stderr;

void *nl_memcpy(void *, const void *, size_t);
void *nl_memmove(void *, const void *, size_t);
void *nl_memset(void *, int, size_t);
int nl_memcmp(const void *, const void *, size_t);
void *nl_memchr(const void *, int, size_t);
void *nl_memrchr(const void *, int, size_t);
void nl_bzero(void *, size_t);
size_t nl_strlen(const char *);
size_t nl_strnlen(const char *, size_t);
int nl_strcmp(const char *, const char *);
int nl_strncmp(const char *, const char *, size_t);
char *nl_strcpy(char *, const char *);
char *nl_strncpy(char *, const char *, size_t);
char *nl_strcat(char *, const char *);
char *nl_strncat(char *, const char *, size_t);
char *nl_strchr(const char *, int);
char *nl_strrchr(const char *, int);
char *nl_strstr(const char *, const char *);
char *nl_strdup(const char *);
char *nl_strndup(const char *, size_t);
size_t nl_strspn(const char *, const char *);
size_t nl_strcspn(const char *, const char *);
char *nl_strpbrk(const char *, const char *);
char *nl_strtok(char *, const char *);
char *nl_strtok_r(char *, const char *, char **);
char *nl_strerror(int);
int nl_strcasecmp(const char *, const char *);
int nl_strncasecmp(const char *, const char *, size_t);

int nl_isalnum(int), nl_isalpha(int), nl_iscntrl(int), nl_isdigit(int), nl_isgraph(int),
	nl_islower(int), nl_isprint(int), nl_ispunct(int), nl_isspace(int), nl_isupper(int),
	nl_isxdigit(int), nl_isblank(int), nl_tolower(int), nl_toupper(int);

int *nl___errno_location(void);
#define NL_ERRNO (*nl___errno_location())

long nl_strtol(const char *, char **, int);
unsigned long nl_strtoul(const char *, char **, int);
long long nl_strtoll(const char *, char **, int);
unsigned long long nl_strtoull(const char *, char **, int);
double nl_strtod(const char *, char **);
float nl_strtof(const char *, char **);
int nl_atoi(const char *);
long nl_atol(const char *);
double nl_atof(const char *);
void nl_qsort(void *, size_t, size_t, int (*)(const void *, const void *));
void *nl_bsearch(const void *, const void *, size_t, size_t, int (*)(const void *, const void *));
int nl_rand(void);
void nl_srand(unsigned);
char *nl_getenv(const char *);
int nl_abs(int);
long long nl_llabs(long long);
div_t nl_div(int, int);
ldiv_t nl_ldiv(long, long);
void *nl_malloc(size_t);
void nl_free(void *);
void *nl_calloc(size_t, size_t);
void *nl_realloc(void *, size_t);
void *nl_aligned_alloc(size_t, size_t);
int nl_posix_memalign(void **, size_t, size_t);
void *nl_memalign(size_t, size_t);
int nl_atexit(void (*)(void));
void nl_exit(int);
void nl__exit(int);
void nl_abort(void);
void nl___assert_fail(const char *, const char *, unsigned, const char *);

int nl_printf(const char *, ...);
int nl_fprintf(struct nl_file *, const char *, ...);
int nl_sprintf(char *, const char *, ...);
int nl_snprintf(char *, size_t, const char *, ...);
int nl_puts(const char *);
int nl_fputs(const char *, struct nl_file *);
int nl_putchar(int);
int nl_fputc(int, struct nl_file *);
size_t nl_fwrite(const void *, size_t, size_t, struct nl_file *);
int nl_fflush(struct nl_file *);
void nl_perror(const char *);
int nl_setvbuf(struct nl_file *, char *, int, size_t);
int nl_fgetc(struct nl_file *);
int nl_getchar(void);
char *nl_fgets(char *, int, struct nl_file *);
int nl_feof(struct nl_file *);
int nl_ferror(struct nl_file *);
void nl_clearerr(struct nl_file *);
int nl_fileno(struct nl_file *);
long nl_write(int, const void *, size_t);

struct nl_timespec {
	long tv_sec, tv_nsec;
};
struct nl_timeval {
	long tv_sec, tv_usec;
};
long nl_time(long *);
int nl_clock_gettime(int, struct nl_timespec *);
int nl_gettimeofday(struct nl_timeval *, void *);
long nl_clock(void);
int nl_nanosleep(const struct nl_timespec *, struct nl_timespec *);
int nl_usleep(unsigned);
unsigned nl_sleep(unsigned);

int nl_setjmp(long *);
void nl_longjmp(long *, int); /* noreturn, but gcc would then call dive() infinitely recursive */
long long nl_strtoimax(const char *, char **, int);

/* ---- the kernel underneath, over glibc ---- */
static char console[1 << 16];
static size_t console_len, console_calls;

void nl_kn_console_write(const char *s, size_t n)
{
	if (console_len + n < sizeof(console)) {
		memcpy(console + console_len, s, n);
		console_len += n;
		console[console_len] = 0;
	}
	console_calls++;
}

/* stderr's stream: the same record, which is all the tests look at. */
void nl_kn_console_write_err(const char *s, size_t n)
{
	nl_kn_console_write(s, n);
}

static void console_reset(void)
{
	console_len = console_calls = 0;
	console[0] = 0;
}

static size_t live_allocs;
void *nl_kn_malloc(size_t n)
{
	if (n == (size_t)-1)
		return NULL; /* lets the tests see out-of-memory */
	live_allocs++;
	return malloc(n ? n : 1);
}
void *nl_kn_calloc(size_t a, size_t b)
{
	live_allocs++;
	return calloc(a ? a : 1, b ? b : 1);
}
void *nl_kn_realloc(void *p, size_t n)
{
	return realloc(p, n);
}
void *nl_kn_memalign(size_t a, size_t n)
{
	live_allocs++;
	return aligned_alloc(a < sizeof(void *) ? sizeof(void *) : a, (n + a - 1) / a * a);
}
void nl_kn_free(void *p)
{
	if (p)
		live_allocs--;
	free(p);
}
size_t nl_kn_malloc_usable_size(void *p)
{
	return p ? 1 : 0;
}

static uint64_t mono_ns, wall_ns = 1700000000123456789ull, mono_step;
uint64_t nl_kn_time_monotonic_ns(void)
{
	mono_ns += mono_step;
	return mono_ns;
}
uint64_t nl_kn_time_wall_ns(void)
{
	return wall_ns;
}

static jmp_buf exit_jmp;
static int exit_code;
static char panic_msg[256];
/* As boot's kn_exit: teardown entries (nolibc's atexit handlers and stdio
 * flush) run first, in reverse order. */
struct fini_entry {
	void (*fn)(void);
	const char *name;
};
extern const struct fini_entry __start_kn_fini[], __stop_kn_fini[];
void nl_kn_exit(int code)
{
	for (const struct fini_entry *e = __stop_kn_fini; e-- > __start_kn_fini;)
		e->fn();
	exit_code = code;
	longjmp(exit_jmp, 1);
}
void nl_kn_panic(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(panic_msg, sizeof(panic_msg), fmt, ap);
	va_end(ap);
	exit_code = 125;
	longjmp(exit_jmp, 1);
}

static char *test_environ[] = {"PATHX=no", "PATH=/bin", "HOME=/root", NULL};
char **nl_kn_boot_environ(void)
{
	return test_environ;
}

#ifdef WITH_SCHED
static int thread_errno;
static uint64_t slept_ns;
int *nl_kn_sched_errno_location(void)
{
	return &thread_errno;
}
void nl_kn_sleep_ns(uint64_t ns)
{
	slept_ns += ns;
}
#endif

/* ---- checking ---- */
static long checks, fails;

#define EXPECT(cond, ...)                                                                          \
	do {                                                                                       \
		checks++;                                                                          \
		if (!(cond)) {                                                                     \
			if (++fails <= 60) {                                                       \
				printf("FAIL %s:%d: %s: ", __FILE__, __LINE__, #cond);             \
				printf(__VA_ARGS__);                                               \
				printf("\n");                                                      \
			}                                                                          \
		}                                                                                  \
	} while (0)

static int sign(int v)
{
	return (v > 0) - (v < 0);
}

static uint64_t rng = 0x243f6a8885a308d3ull;
static uint64_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}
static size_t rndn(size_t n)
{
	return (size_t)(rnd() % n);
}

static void fill_random(unsigned char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (unsigned char)rnd();
}

/* ---- string.h ---- */
#define BUF 9000
static unsigned char a_buf[BUF], b_buf[BUF], c_buf[BUF];

static void test_mem(void)
{
	for (int it = 0; it < 4000; it++) {
		size_t n = it % 4 == 0 ? rndn(5000) : rndn(600);
		size_t so = rndn(64), doff = rndn(64);
		fill_random(a_buf, BUF);
		fill_random(b_buf, BUF);
		memcpy(c_buf, b_buf, BUF);
		memcpy(c_buf + doff, a_buf + so, n);
		void *r = nl_memcpy(b_buf + doff, a_buf + so, n);
		EXPECT(r == b_buf + doff && !memcmp(b_buf, c_buf, BUF), "memcpy n=%zu", n);

		int v = (int)rndn(512) - 128;
		memset(c_buf + doff, v, n);
		r = nl_memset(b_buf + doff, v, n);
		EXPECT(r == b_buf + doff && !memcmp(b_buf, c_buf, BUF), "memset n=%zu c=%d", n, v);

		/* Overlapping moves in both directions. */
		size_t src = rndn(1000), dst = rndn(1000);
		memcpy(c_buf, a_buf, BUF);
		memmove(c_buf + dst, c_buf + src, n);
		r = nl_memmove(a_buf + dst, a_buf + src, n);
		EXPECT(r == a_buf + dst && !memcmp(a_buf, c_buf, BUF), "memmove n=%zu %zu->%zu", n,
		       src, dst);

		memcpy(c_buf, a_buf, BUF);
		if (n && rndn(2))
			c_buf[rndn(n)] ^= (unsigned char)(1 + rndn(255));
		EXPECT(sign(nl_memcmp(a_buf, c_buf, n)) == sign(memcmp(a_buf, c_buf, n)),
		       "memcmp n=%zu", n);

		int ch = (int)rndn(256);
		EXPECT(nl_memchr(a_buf, ch, n) == memchr(a_buf, ch, n), "memchr");
		EXPECT(nl_memrchr(a_buf, ch, n) == memrchr(a_buf, ch, n), "memrchr");
	}
	memset(a_buf, 7, 100);
	nl_bzero(a_buf + 10, 50);
	EXPECT(a_buf[9] == 7 && a_buf[10] == 0 && a_buf[59] == 0 && a_buf[60] == 7, "bzero");
}

static void random_string(char *s, size_t n, const char *alphabet)
{
	size_t k = strlen(alphabet);
	for (size_t i = 0; i < n; i++)
		s[i] = alphabet[rndn(k)];
	s[n] = 0;
}

static void test_str(void)
{
	char s1[300], s2[300], d1[700], d2[700], *p1, *p2;
	const char *alpha = "abcAB ,;x";

	for (int it = 0; it < 3000; it++) {
		size_t off = rndn(16);
		random_string(s1 + off, rndn(200), alpha);
		random_string(s2, rndn(20), alpha);
		const char *s = s1 + off;
		EXPECT(nl_strlen(s) == strlen(s), "strlen");
		size_t m = rndn(250);
		EXPECT(nl_strnlen(s, m) == strnlen(s, m), "strnlen");
		strcpy(d1, s);
		if (rndn(2) && *d1)
			d1[rndn(strlen(d1))] = (char)rndn(256);
		EXPECT(sign(nl_strcmp(s, d1)) == sign(strcmp(s, d1)), "strcmp");
		EXPECT(sign(nl_strncmp(s, d1, m)) == sign(strncmp(s, d1, m)), "strncmp");
		EXPECT(sign(nl_strcmp(s, s2)) == sign(strcmp(s, s2)), "strcmp2");
		EXPECT(sign(nl_strcasecmp(s, d1)) == sign(strcasecmp(s, d1)), "strcasecmp");
		EXPECT(sign(nl_strncasecmp(s, s2, m)) == sign(strncasecmp(s, s2, m)),
		       "strncasecmp");
		int ch = alpha[rndn(strlen(alpha))];
		EXPECT(nl_strchr(s, ch) == strchr(s, ch), "strchr");
		EXPECT(nl_strrchr(s, ch) == strrchr(s, ch), "strrchr");
		EXPECT(nl_strchr(s, 0) == strchr(s, 0), "strchr nul");
		const char *needle = s2 + rndn(strlen(s2) + 1);
		EXPECT(nl_strstr(s, needle) == strstr(s, needle), "strstr \"%s\" in \"%s\"", needle,
		       s);
		if (*s && rndn(2)) { /* a needle that is there */
			size_t at = rndn(strlen(s)), len = rndn(strlen(s) - at) + 1;
			memcpy(d2, s + at, len);
			d2[len] = 0;
			EXPECT(nl_strstr(s, d2) == strstr(s, d2), "strstr present");
		}
		EXPECT(nl_strspn(s, s2) == strspn(s, s2), "strspn");
		EXPECT(nl_strcspn(s, s2) == strcspn(s, s2), "strcspn");
		EXPECT(nl_strpbrk(s, s2) == strpbrk(s, s2), "strpbrk");

		/* Copies, with canaries around the destination. */
		memset(d1, 0x5a, sizeof(d1));
		memset(d2, 0x5a, sizeof(d2));
		strcpy(d1 + 8, s);
		EXPECT(nl_strcpy(d2 + 8, s) == d2 + 8 && !memcmp(d1, d2, sizeof(d1)), "strcpy");
		size_t k = rndn(260);
		strncpy(d1 + 8, s2, k);
		EXPECT(nl_strncpy(d2 + 8, s2, k) == d2 + 8 && !memcmp(d1, d2, sizeof(d1)),
		       "strncpy %zu", k);
		strcpy(d1 + 8, s2);
		strcpy(d2 + 8, s2);
		strcat(d1 + 8, s);
		EXPECT(nl_strcat(d2 + 8, s) == d2 + 8 && !memcmp(d1, d2, sizeof(d1)), "strcat");
		strncat(d1 + 8, s2, k % 25);
		EXPECT(nl_strncat(d2 + 8, s2, k % 25) == d2 + 8 && !memcmp(d1, d2, sizeof(d1)),
		       "strncat");

		p1 = nl_strdup(s);
		EXPECT(p1 && !strcmp(p1, s), "strdup");
		nl_free(p1);
		p1 = nl_strndup(s, k);
		EXPECT(p1 && strlen(p1) == strnlen(s, k) && !strncmp(p1, s, k), "strndup");
		nl_free(p1);

		/* Tokens, both ways. */
		strcpy(d1, s);
		strcpy(d2, s);
		char *save1, *save2;
		p1 = strtok_r(d1, " ,;", &save1);
		p2 = nl_strtok_r(d2, " ,;", &save2);
		for (;;) {
			EXPECT((p1 == NULL) == (p2 == NULL) && (!p1 || (p1 - d1 == p2 - d2)),
			       "strtok_r");
			if (!p1 || !p2)
				break;
			p1 = strtok_r(NULL, " ,;", &save1);
			p2 = nl_strtok_r(NULL, " ,;", &save2);
		}
		strcpy(d1, s);
		strcpy(d2, s);
		p1 = strtok(d1, ",");
		p2 = nl_strtok(d2, ",");
		for (;;) {
			EXPECT((p1 == NULL) == (p2 == NULL) && (!p1 || (p1 - d1 == p2 - d2)),
			       "strtok");
			if (!p1 || !p2)
				break;
			p1 = strtok(NULL, ",");
			p2 = nl_strtok(NULL, ",");
		}
	}
	for (int e = -2; e < 140; e++)
		EXPECT(!strcmp(nl_strerror(e), strerror(e)), "strerror(%d): [%s] vs [%s]", e,
		       nl_strerror(e), strerror(e));
}

static void test_ctype(void)
{
	static int (*const mine[])(int) = {nl_isalnum, nl_isalpha, nl_iscntrl,  nl_isdigit,
					   nl_isgraph, nl_islower, nl_isprint,  nl_ispunct,
					   nl_isspace, nl_isupper, nl_isxdigit, nl_isblank,
					   nl_tolower, nl_toupper};
	static int (*const theirs[])(int) = {isalnum,  isalpha, iscntrl, isdigit, isgraph,
					     islower,  isprint, ispunct, isspace, isupper,
					     isxdigit, isblank, tolower, toupper};
	for (size_t f = 0; f < sizeof(mine) / sizeof(mine[0]); f++)
		for (int c = -1; c < 256; c++) {
			int m = mine[f](c), t = theirs[f](c);
			EXPECT(f >= 12 ? m == t : !m == !t, "ctype #%zu (%d): %d vs %d", f, c, m,
			       t);
		}
}

/* ---- stdlib.h ---- */
static void test_strtol(void)
{
	static const char *fixed[] = {
		"0",
		"-0",
		"+17",
		"  \t\n42xyz",
		"0x",
		"0x1g",
		"0X1F",
		"-0x8000000000000000",
		"0777",
		"08",
		"9223372036854775807",
		"9223372036854775808",
		"-9223372036854775808",
		"-9223372036854775809",
		"18446744073709551615",
		"18446744073709551616",
		"-18446744073709551615",
		"-18446744073709551616",
		"99999999999999999999999",
		"zz",
		"ZZZZZZZZZZZZZZZ",
		"",
		"   ",
		"-",
		"+-1",
		"1_000",
		"0b101",
	};
	static const int bases[] = {0, 2, 8, 10, 16, 36, 3, 25, 1, 37, -1};
	const char *alphabet = " -+0123456789abcdefxzXZ";
	char s[64], *e1, *e2;

	for (int it = 0; it < 40000; it++) {
		if (it < (int)(sizeof(fixed) / sizeof(fixed[0])) * 11)
			strcpy(s, fixed[it / 11]);
		else if (rndn(3))
			random_string(s, rndn(30), alphabet);
		else /* plausible numbers near the limits */
			sprintf(s, "%s%s%llu%s", rndn(2) ? "-" : "", rndn(3) ? "" : "0x",
				(unsigned long long)rnd() >> rndn(64), rndn(3) ? "" : "9");
		int base = it < 300 ? bases[it % 11] : bases[rndn(11)];
		if (rndn(4) == 0)
			base = 2 + (int)rndn(35);

		/* glibc leaves the end pointer alone for an invalid base. */
		int bad_base = base < 0 || base == 1 || base > 36;
		e1 = bad_base ? s : NULL;
		errno = 0;
		NL_ERRNO = 0;
		long r1 = strtol(s, &e1, base);
		int err1 = errno;
		long r2 = nl_strtol(s, &e2, base);
		EXPECT(r1 == r2 && e1 - s == e2 - s && err1 == NL_ERRNO,
		       "strtol(\"%s\", %d): %ld/%td/%d vs %ld/%td/%d", s, base, r1, e1 - s, err1,
		       r2, e2 - s, NL_ERRNO);

		e1 = bad_base ? s : NULL;
		errno = 0;
		NL_ERRNO = 0;
		unsigned long u1 = strtoul(s, &e1, base);
		err1 = errno;
		unsigned long u2 = nl_strtoul(s, &e2, base);
		EXPECT(u1 == u2 && e1 - s == e2 - s && err1 == NL_ERRNO,
		       "strtoul(\"%s\", %d): %lu/%td/%d vs %lu/%td/%d", s, base, u1, e1 - s, err1,
		       u2, e2 - s, NL_ERRNO);

		errno = 0;
		NL_ERRNO = 0;
		long long l1 = strtoll(s, NULL, base);
		err1 = errno;
		EXPECT(l1 == nl_strtoll(s, NULL, base) && err1 == NL_ERRNO, "strtoll(\"%s\", %d)",
		       s, base);
		errno = 0;
		NL_ERRNO = 0;
		unsigned long long ull1 = strtoull(s, NULL, base);
		err1 = errno;
		EXPECT(ull1 == nl_strtoull(s, NULL, base) && err1 == NL_ERRNO,
		       "strtoull(\"%s\", %d)", s, base);
		EXPECT(nl_strtoimax(s, NULL, base) == strtoll(s, NULL, base), "strtoimax");
		if (base == 10) {
			EXPECT(nl_atoi(s) == atoi(s), "atoi(\"%s\")", s);
			EXPECT(nl_atol(s) == atol(s), "atol(\"%s\")", s);
		}
	}
}

static long ulps(double a, double b)
{
	int64_t x, y;
	memcpy(&x, &a, 8);
	memcpy(&y, &b, 8);
	if (x < 0)
		x = INT64_MIN - x;
	if (y < 0)
		y = INT64_MIN - y;
	return labs((long)(x - y));
}

static void test_strtod(void)
{
	static const char *fixed[] = {
		"0",
		"-0",
		"1",
		"  +1.5",
		"-.5e1",
		".",
		"-.e1",
		"1e",
		"1e+",
		"1e+x",
		"1.e5",
		"00012.50",
		"inf",
		"-INF",
		"infinity",
		"InFiNiTyX",
		"infx",
		"nan",
		"-nan",
		"NaN(123abc)",
		"nan(",
		"nan(x",
		"0x1.8p3",
		"0X.8P-1",
		"0x",
		"0x.p1",
		"0xg",
		"0x1p",
		"-0x1.fffffffffffffp1023",
		"0x1.fffffffffffff8p1023",
		"0x1p-1074",
		"0x1p-1075",
		"0x1.8p-1074",
		"0x0.00000000000008p-1022",
		"1e308",
		"1.7976931348623157e308",
		"1.7976931348623159e308",
		"1e309",
		"-1e400",
		"2.2250738585072014e-308",
		"4.9406564584124654e-324",
		"2.4703282292062328e-324",
		"2.4703282292062327e-324",
		"1e-400",
		"123456789012345678901234567890",
		"0.000000000000000000000000000001234",
		"3.14159265358979323846264338327950288",
		"9007199254740993",
		"0.1",
		"0.2",
		"0.3",
		"1e22",
		"1e23",
		"8.98846567431158e307",
		"12345678901234567890e-30",
		"   \t-0x1P+4xyz",
		"1"
		"000000000000000000000000000000000000000000000000000000000000000000000000",
		"0e999999",
	};
	char s[128], *e1, *e2;
	long exact = 0, total = 0, worst = 0, near_exact = 0, near_total = 0;

	for (int it = 0; it < 60000; it++) {
		int near = 0;
		if (it < (int)(sizeof(fixed) / sizeof(fixed[0]))) {
			strcpy(s, fixed[it]);
		} else if (rndn(8) == 0) {
			random_string(s, rndn(12), "0123456789.eE+-xXpPaf");
		} else if (rndn(4) == 0) { /* hexadecimal */
			sprintf(s, "%s0x%llx.%llxp%d", rndn(2) ? "-" : "",
				(unsigned long long)rnd() >> rndn(64),
				(unsigned long long)rnd() >> rndn(64), (int)rndn(2200) - 1100);
		} else {
			char digits[40];
			int nd = 1 + (int)rndn(rndn(2) ? 15 : 25);
			for (int i = 0; i < nd; i++)
				digits[i] = (char)('0' + rndn(10));
			digits[nd] = 0;
			int point = (int)rndn(nd + 1);
			int ex = rndn(3) ? (int)rndn(41) - 20 : (int)rndn(700) - 350;
			sprintf(s, "%s%.*s.%se%d", rndn(2) ? "-" : "", point, digits,
				digits + point, ex);
			near = nd <= 15 && ex - (nd - point) >= -22 && ex - (nd - point) <= 22 &&
			       ex + point <= 22 && ex + point >= -22;
		}
		errno = 0;
		NL_ERRNO = 0;
		double d1 = strtod(s, &e1);
		int err1 = errno;
		double d2 = nl_strtod(s, &e2);
		int err2 = NL_ERRNO;
		EXPECT(e1 - s == e2 - s, "strtod(\"%s\") end %td vs %td", s, e1 - s, e2 - s);
		if (isnan(d1)) {
			EXPECT(isnan(d2) && !signbit(d1) == !signbit(d2), "strtod(\"%s\") nan", s);
			continue;
		}
		long u = ulps(d1, d2);
		total++;
		exact += u == 0;
		worst = u > worst ? u : worst;
		EXPECT(u <= 1, "strtod(\"%s\"): %a vs %a", s, d1, d2);
		if (near || strchr(s, 'x') || strchr(s, 'X'))
			EXPECT(u == 0, "strtod(\"%s\") should be exact: %a vs %a", s, d1, d2);
		near_total += near;
		near_exact += near && u == 0;
		if (d1 == 0 || isinf(d1))
			EXPECT(err1 == err2, "strtod(\"%s\") errno %d vs %d", s, err1, err2);
	}
	printf("strtod: %ld of %ld exact (worst %ld ulp)\n", exact, total, worst);
	EXPECT(exact * 100 >= total * 97, "too few correctly rounded strtod results");
	EXPECT(nl_atof("2.5x") == 2.5 && nl_strtof("0.1", NULL) == 0.1f, "atof/strtof");
}

static int cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;
	return (x > y) - (x < y);
}

struct rec {
	int key;
	char pad[8];
};

static int cmp_rec(const void *a, const void *b)
{
	const struct rec *x = a, *y = b;
	if (x->key != y->key)
		return (x->key > y->key) - (x->key < y->key);
	return memcmp(x->pad, y->pad, sizeof(x->pad));
}

static int cmp_byte(const void *a, const void *b)
{
	return *(const unsigned char *)a - *(const unsigned char *)b;
}

static void test_qsort(void)
{
	static int v1[5000], v2[5000];
	static struct rec r1[3000], r2[3000];

	for (int it = 0; it < 300; it++) {
		size_t n = rndn(it < 30 ? 20 : 5000);
		int range = rndn(3) == 0 ? 5 : 1 << 30;
		int kind = (int)rndn(5);
		for (size_t i = 0; i < n; i++) {
			v1[i] = (int)rndn(range);
			if (kind == 1)
				v1[i] = (int)i; /* sorted */
			else if (kind == 2)
				v1[i] = (int)(n - i); /* reversed */
			else if (kind == 3)
				v1[i] = (int)(i % 2 ? i : n - i); /* organ pipe */
		}
		memcpy(v2, v1, n * sizeof(int));
		qsort(v1, n, sizeof(int), cmp_int);
		nl_qsort(v2, n, sizeof(int), cmp_int);
		EXPECT(!memcmp(v1, v2, n * sizeof(int)), "qsort ints n=%zu kind=%d", n, kind);

		if (n) {
			int key = rndn(2) ? v1[rndn(n)] : (int)rnd();
			int *f1 = bsearch(&key, v1, n, sizeof(int), cmp_int);
			int *f2 = nl_bsearch(&key, v1, n, sizeof(int), cmp_int);
			EXPECT((f1 == NULL) == (f2 == NULL) && (!f2 || *f2 == key), "bsearch");
		}

		size_t m = n % 3000;
		for (size_t i = 0; i < m; i++) {
			r1[i].key = (int)rndn(50);
			fill_random((unsigned char *)r1[i].pad, sizeof(r1[i].pad));
		}
		memcpy(r2, r1, m * sizeof(struct rec));
		qsort(r1, m, sizeof(struct rec), cmp_rec);
		nl_qsort(r2, m, sizeof(struct rec), cmp_rec);
		EXPECT(!memcmp(r1, r2, m * sizeof(struct rec)), "qsort records m=%zu", m);

		fill_random(a_buf, 777);
		memcpy(b_buf, a_buf, 777);
		qsort(a_buf, 777, 1, cmp_byte);
		nl_qsort(b_buf, 777, 1, cmp_byte);
		EXPECT(!memcmp(a_buf, b_buf, 777), "qsort bytes");
	}
}

static void test_stdlib_misc(void)
{
	nl_srand(7);
	int first = nl_rand(), differ = 0;
	for (int i = 0; i < 1000; i++) {
		int r = nl_rand();
		EXPECT(r >= 0 && r <= RAND_MAX, "rand range");
		differ |= r != first;
	}
	nl_srand(7);
	EXPECT(nl_rand() == first && differ, "srand repeats the sequence");
	EXPECT(!strcmp(nl_getenv("PATH"), "/bin") && !strcmp(nl_getenv("HOME"), "/root") &&
		       nl_getenv("PAT") == NULL && nl_getenv("PATH=") == NULL &&
		       nl_getenv("") == NULL,
	       "getenv");
	EXPECT(nl_abs(-5) == 5 && nl_llabs(-5000000000LL) == 5000000000LL, "abs");
	div_t d = nl_div(-7, 2);
	ldiv_t ld = nl_ldiv(7L, -2L);
	EXPECT(d.quot == -3 && d.rem == -1 && ld.quot == -3 && ld.rem == 1, "div");

	size_t before = live_allocs;
	void *p = nl_malloc(100);
	p = nl_realloc(p, 5000);
	EXPECT(p != NULL, "realloc");
	EXPECT(nl_realloc(p, 0) == NULL && live_allocs == before, "realloc(p, 0) frees");
	int *z = nl_calloc(10, sizeof(int));
	EXPECT(z && z[9] == 0, "calloc");
	nl_free(z);
	NL_ERRNO = 0;
	EXPECT(nl_malloc((size_t)-1) == NULL && NL_ERRNO == ENOMEM, "malloc failure sets ENOMEM");
	void *q = nl_aligned_alloc(256, 1000);
	EXPECT(q && ((uintptr_t)q & 255) == 0, "aligned_alloc");
	nl_free(q);
	NL_ERRNO = 0;
	EXPECT(nl_memalign(48, 10) == NULL && NL_ERRNO == EINVAL, "memalign needs a power of two");
	q = NULL;
	EXPECT(nl_posix_memalign(&q, 4, 10) == EINVAL && q == NULL, "posix_memalign(4)");
	EXPECT(nl_posix_memalign(&q, 4096, 10) == 0 && ((uintptr_t)q & 4095) == 0,
	       "posix_memalign(4096)");
	nl_free(q);
	EXPECT(live_allocs == before, "every allocation was freed (%zu left)",
	       live_allocs - before);
}

/* ---- stdio.h, exit, abort, assert ---- */
static char order[16];
static void handler_a(void)
{
	strcat(order, "a");
}
static void handler_b(void)
{
	strcat(order, "b");
	nl_printf("in handler"); /* still flushed: handlers run first */
}

static void test_stdio(void)
{
	char buf[64];

	console_reset();
	EXPECT(nl_printf("hello %d", 5) == 7 && console_len == 0, "stdout holds a partial line");
	nl_printf(" world %s\n", "!");
	EXPECT(!strcmp(console, "hello 5 world !\n") && console_calls == 1,
	       "one console write per line: [%s] in %zu", console, console_calls);

	console_reset();
	nl_printf("a\nb");
	EXPECT(!strcmp(console, "a\n"), "flushed up to the last newline: [%s]", console);
	nl_fputs("err", nl_stderr);
	EXPECT(!strcmp(console, "a\nerr"), "stderr is unbuffered: [%s]", console);
	nl_fflush(nl_stdout);
	EXPECT(!strcmp(console, "a\nerrb"), "fflush: [%s]", console);

	console_reset();
	EXPECT(nl_puts("line") >= 0 && nl_putchar('x') == 'x' && nl_fputc('y', nl_stdout) == 'y',
	       "puts/putchar");
	nl_fwrite("z\n", 1, 2, nl_stdout);
	EXPECT(!strcmp(console, "line\nxyz\n"), "puts putchar fwrite: [%s]", console);

	console_reset();
	static char big[3000];
	memset(big, 'q', sizeof(big) - 1);
	EXPECT(nl_fwrite(big, 1, sizeof(big) - 1, nl_stdout) == sizeof(big) - 1, "fwrite big");
	EXPECT(console_len == sizeof(big) - 1 && console_calls <= 2,
	       "a big write goes straight out (%zu calls)", console_calls);

	console_reset();
	nl_setvbuf(nl_stdout, NULL, 2 /* _IONBF */, 0);
	nl_printf("x");
	EXPECT(!strcmp(console, "x"), "_IONBF");
	nl_setvbuf(nl_stdout, NULL, 1 /* _IOLBF */, 0);

	console_reset();
	EXPECT(nl_write(1, "raw", 3) == 3 && !strcmp(console, "raw"), "write(1)");
	NL_ERRNO = 0;
	EXPECT(nl_write(7, "raw", 3) == -1 && NL_ERRNO == EBADF, "write(7)");

	EXPECT(nl_snprintf(buf, 5, "%s-%d", "abc", 42) == 6 && !strcmp(buf, "abc-"), "snprintf");
	EXPECT(nl_sprintf(buf, "%05.1f|%x", 3.14159, 255) == 8 && !strcmp(buf, "003.1|ff"),
	       "sprintf [%s]", buf);

	console_reset();
	NL_ERRNO = ENOENT;
	nl_perror("open");
	EXPECT(!strcmp(console, "open: No such file or directory\n"), "perror: [%s]", console);

	EXPECT(nl_fgetc(nl_stdin) == -1 && nl_feof(nl_stdin) && nl_getchar() == -1,
	       "stdin is empty");
	EXPECT(nl_fgets(buf, sizeof(buf), nl_stdin) == NULL, "fgets");
	nl_clearerr(nl_stdin);
	EXPECT(!nl_feof(nl_stdin) && !nl_ferror(nl_stdout), "clearerr");
	EXPECT(nl_fileno(nl_stdout) == 1 && nl_fileno(nl_stderr) == 2, "fileno");
	EXPECT(nl_fputc('x', nl_stdin) == -1 && nl_ferror(nl_stdin), "stdin cannot be written");
	nl_clearerr(nl_stdin);

	/* exit: handlers in reverse order, then stdio, then kn_exit. */
	console_reset();
	nl_atexit(handler_a);
	nl_atexit(handler_b);
	nl_printf("pending");
	if (!setjmp(exit_jmp))
		nl_exit(3);
	EXPECT(exit_code == 3 && !strcmp(order, "ba") && !strcmp(console, "pendingin handler"),
	       "exit: code %d order [%s] console [%s]", exit_code, order, console);

	console_reset();
	nl_printf("before abort");
	if (!setjmp(exit_jmp))
		nl_abort();
	EXPECT(exit_code == 125 && !strcmp(panic_msg, "abort()") &&
		       !strcmp(console, "before abort"),
	       "abort: %d [%s] [%s]", exit_code, panic_msg, console);

	console_reset();
	if (!setjmp(exit_jmp))
		nl___assert_fail("x == 1", "app.c", 12, "main");
	EXPECT(exit_code == 125 && !strcmp(console, "Assertion failed: x == 1 (app.c:12: main)\n"),
	       "assert: [%s]", console);

	if (!setjmp(exit_jmp))
		nl__exit(9);
	EXPECT(exit_code == 9, "_exit");
}

/* ---- time, errno, setjmp ---- */
static void test_time(void)
{
	struct nl_timespec ts;
	struct nl_timeval tv;

	mono_ns = 5 * 1000000000ull + 250;
	mono_step = 0;
	EXPECT(nl_clock_gettime(1, &ts) == 0 && ts.tv_sec == 5 && ts.tv_nsec == 250,
	       "CLOCK_MONOTONIC");
	EXPECT(nl_clock_gettime(0, &ts) == 0 && ts.tv_sec == 1700000000 && ts.tv_nsec == 123456789,
	       "CLOCK_REALTIME");
	NL_ERRNO = 0;
	EXPECT(nl_clock_gettime(99, &ts) == -1 && NL_ERRNO == EINVAL, "bad clock");
	long t = 0;
	EXPECT(nl_time(&t) == 1700000000 && t == 1700000000, "time");
	EXPECT(nl_gettimeofday(&tv, NULL) == 0 && tv.tv_sec == 1700000000 && tv.tv_usec == 123456,
	       "gettimeofday");
	EXPECT(nl_clock() == 5000000, "clock");

	struct nl_timespec bad = {0, 1000000000};
	NL_ERRNO = 0;
	EXPECT(nl_nanosleep(&bad, NULL) == -1 && NL_ERRNO == EINVAL, "nanosleep EINVAL");

	struct nl_timespec req = {0, 3000000}, rem = {9, 9};
	mono_ns = 0;
	mono_step = 1000;
#ifdef WITH_SCHED
	slept_ns = 0;
	EXPECT(nl_nanosleep(&req, &rem) == 0 && slept_ns == 3000000 && rem.tv_sec == 0 &&
		       rem.tv_nsec == 0,
	       "nanosleep through the scheduler");
	nl_usleep(20);
	nl_sleep(2);
	EXPECT(slept_ns == 3000000 + 20000 + 2000000000ull, "usleep/sleep through the scheduler");
	EXPECT(mono_ns == 0, "no spinning with a scheduler");
#else
	EXPECT(nl_nanosleep(&req, &rem) == 0 && mono_ns >= 3000000 && rem.tv_sec == 0 &&
		       rem.tv_nsec == 0,
	       "nanosleep spins on the clock");
	uint64_t start = mono_ns;
	nl_usleep(20);
	EXPECT(mono_ns - start >= 20000, "usleep spins");
#endif
	mono_step = 0;
}

static void test_errno(void)
{
	int *loc = nl___errno_location();
	EXPECT(loc && loc == nl___errno_location(), "errno location is stable");
#ifdef WITH_SCHED
	EXPECT(loc == &thread_errno, "errno comes from the scheduler");
#endif
}

static long jmp_buf_nl[8];
static int depth_reached = -1;

/* Leaves through nl_longjmp from `depth` frames down. */
static void dive(int depth)
{
	volatile char pad[64];
	pad[0] = (char)depth;
	if (depth > 0)
		dive(depth - 1);
	else
		nl_longjmp(jmp_buf_nl, pad[0] + 42);
	depth_reached = pad[0]; /* never runs */
}

static void test_setjmp(void)
{
	volatile int counter = 0;
	volatile long keep = 0x1234567890L;
	int r = nl_setjmp(jmp_buf_nl);
	counter++;
	if (r == 0)
		dive(50);
	EXPECT(r == 42 && counter == 2 && keep == 0x1234567890L && depth_reached == -1,
	       "longjmp back: r=%d", r);

	r = nl_setjmp(jmp_buf_nl);
	if (r == 0)
		nl_longjmp(jmp_buf_nl, 0);
	EXPECT(r == 1, "longjmp(env, 0) returns 1");
}

int main(int argc, char **argv)
{
	if (argc > 1)
		rng = strtoull(argv[1], NULL, 0);
	test_errno();
	test_mem();
	test_str();
	test_ctype();
	test_strtol();
	test_strtod();
	test_qsort();
	test_stdlib_misc();
	test_stdio();
	test_time();
	test_setjmp();
	printf("checks=%ld failures=%ld\n", checks, fails);
	return fails != 0;
}
