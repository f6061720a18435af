/* The console formatting engine (../format.c) against glibc: a large table
 * of (format, arguments) cases, many generated (integers with every flag,
 * width and length; random doubles with %f %e %g %a at random precisions),
 * formatted by both kn_vsnprintf and glibc's vsnprintf; prints every case
 * where the bytes or the return value differ. Driven by host.py. */
#include <float.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>
#include <kn/format.h>

static long checks, fails;
static char ga[1 << 14], gk[1 << 14];

static void report(const char *what, const char *fmt, int rg, int rk)
{
	if (++fails <= 40)
		printf("MISMATCH fmt=\"%s\" args=%s\n  glibc=[%s] (%d)\n  kn   =[%s] (%d)\n", fmt,
		       what, ga, rg, gk, rk);
}

/* Formats with both engines; `what` describes the arguments on failure. */
static void vcheck(const char *what, const char *fmt, va_list ap)
{
	va_list ap2;
	va_copy(ap2, ap);
	int rg = vsnprintf(ga, sizeof(ga), fmt, ap);
	int rk = kn_vsnprintf(gk, sizeof(gk), fmt, ap2);
	va_end(ap2);
	checks++;
	if (rg != rk || strcmp(ga, gk))
		report(what, fmt, rg, rk);
}

static void check(const char *what, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vcheck(what, fmt, ap);
	va_end(ap);
}

#define CHECK(...) check(#__VA_ARGS__, __VA_ARGS__)

static uint64_t rng = 0x9e3779b97f4a7c15ull;
static uint64_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}
static unsigned rndn(unsigned n)
{
	return (unsigned)(rnd() % n);
}

static void fixed_cases(void)
{
	CHECK("hello %s!", "world");
	CHECK("%s|%10s|%-10s|%.3s|%10.3s|%-10.3s|", "abcdef", "abc", "abc", "abcdef", "abcdef",
	      "abcdef");
	CHECK("%s|%.3s|%.6s|%10s|%-8s|", (char *)NULL, (char *)NULL, (char *)NULL, (char *)NULL,
	      (char *)NULL);
	CHECK("%c|%5c|%-5c|%c", 'a', 'b', 'c', 0x141);
	CHECK("%%|%5%|%-5%|");
	CHECK("%p|%20p|%-20p|%p", (void *)0x1234, (void *)0xdeadbeef, (void *)1,
	      (void *)UINTPTR_MAX);
	CHECK("%p|%10p|%-10p|", (void *)0, (void *)0, (void *)0);
	CHECK("%+p|% p|%#p|%.10p|%020p", (void *)0x1234, (void *)0x1234, (void *)0x1234,
	      (void *)0x1234, (void *)0x1234);
	CHECK("%d %i %u %o %x %X", -42, 42, 42u, 42u, 0xabcu, 0xabcu);
	CHECK("%hhd %hhu %hd %hu", 300, 300, 70000, 70000);
	CHECK("%ld %lu %lld %llu", LONG_MIN, ULONG_MAX, LLONG_MIN, ULLONG_MAX);
	CHECK("%zd %zu %jd %ju %td %tu", (ssize_t)-5, (size_t)-5, (intmax_t)-5, (uintmax_t)-5,
	      (ptrdiff_t)-5, (ptrdiff_t)-5);
	CHECK("%Ld %Lu %qd", -5LL, 5ULL, -7LL);
	CHECK("%*d|%-*d|%*d|%.*d|%.*d|%*.*d|", 5, 1, 5, 1, -5, 1, 3, 1, -3, 1, -8, 4, 7);
	CHECK("%.0d|%.0x|%#.0o|%#.0x|%.0u|%5.0d|", 0, 0, 0, 0, 0, 0);
	CHECK("%#o|%#x|%#X|%#o|%#5o|%#.5o|%#.3o", 0, 0, 0, 8, 8, 8, 0100);
	CHECK("%f %F %e %E %g %G %a %A", 1.5, 1.5, 1.5, 1.5, 1.5, 1.5, 1.5, 1.5);
	CHECK("%f|%e|%g|%a", 0.0, 0.0, 0.0, 0.0);
	CHECK("%f|%e|%g|%a|%+f|% e", -0.0, -0.0, -0.0, -0.0, 0.0, 0.0);
	CHECK("%f|%F|%e|%E|%g|%G|%a|%A", 1.0 / 0.0, 1.0 / 0.0, -1.0 / 0.0, 1.0 / 0.0, 1.0 / 0.0,
	      -1.0 / 0.0, 1.0 / 0.0, 1.0 / 0.0);
	CHECK("%f|%F|%e|%E|%g|%G|%a|%A", __builtin_nan(""), __builtin_nan(""), -__builtin_nan(""),
	      __builtin_nan(""), __builtin_nan(""), -__builtin_nan(""), __builtin_nan(""),
	      __builtin_nan(""));
	CHECK("%010f|%-10f|%+10f|% 010f|%010e", 1.0 / 0.0, -1.0 / 0.0, __builtin_nan(""),
	      __builtin_nan(""), -1.0 / 0.0);
	CHECK("%.0f %.0f %.0f %.0f %.0f %.0f", 0.5, 1.5, 2.5, 3.5, -0.5, -2.5);
	CHECK("%.1f %.1f %.2f %.2f %.3f", 0.25, 0.35, 0.125, 0.375, 1.0005);
	CHECK("%.0e %.0e %.1e %.1e", 5.0, 15.0, 125.0, 135.0);
	CHECK("%.1g %.2g %g %g %g %g", 0.95, 9.95, 100000.0, 1000000.0, 0.0001, 0.00001);
	CHECK("%#g|%#.3g|%#.0f|%#.0e|%#.0g|%#a|%#.0a", 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0);
	CHECK("%f|%e|%g|%a", DBL_MAX, DBL_MAX, DBL_MAX, DBL_MAX);
	CHECK("%.1100f", 4.9406564584124654e-324);
	CHECK("%.800e|%.800g", 4.9406564584124654e-324, 2.2250738585072014e-308);
	CHECK("%a|%a|%a|%.0a|%.1a|%.20a", DBL_MIN, 4.9406564584124654e-324, 2.2250738585072009e-308,
	      1.5, 1.97, 1.0);
	CHECK("%.0a|%.0a|%.0a|%.0a|%.1a|%.1a", 1.5, 2.5, 1.5 * 1.0000000000000002, 0.5, 1.03125,
	      1.09375);
	CHECK("%.0a|%.0a|%.1a|%.12a", 2.2250738585072009e-308, 1.1125369292536007e-308,
	      1.1125369292536007e-308, 2.2250738585072009e-308);
	/* %La is left out: glibc prints long doubles with a 4-bit leading digit. */
	CHECK("%Lf|%Le|%Lg|%LG", (long double)1.25, (long double)-3e100, (long double)1e-5,
	      (long double)0.1);
	CHECK("%5.3s|%-6c|%08.3f|%-08.3f|%+08d|%-+8d|% 08d", "abcdef", 'x', -3.14159, 3.14159, 42,
	      42, 42);
	CHECK("%y %k %");
	CHECK("%'d|%'10.2f|%'x", 1234567, 1234567.891, 0x123456u);
	CHECK("%ls|%5ls|%-5ls|%.2ls|%lc|%3lc", L"abc", L"ab", L"ab", L"abc", (wint_t)'z',
	      (wint_t)'y');
	{
		int n1 = -1, n2 = -1;
		signed char hh = -1;
		short h = -1;
		long l = -1;
		long long ll = -1;
		size_t z = 0;
		char buf[64];
		int r = kn_snprintf(buf, sizeof(buf), "ab%ncdef%hhn%hn%ln%lln%zn%n", &n1, &hh, &h,
				    &l, &ll, &z, &n2);
		checks++;
		if (r != 6 || n1 != 2 || n2 != 6 || hh != 6 || h != 6 || l != 6 || ll != 6 ||
		    z != 6) {
			fails++;
			printf("MISMATCH %%n: r=%d n1=%d n2=%d\n", r, n1, n2);
		}
	}
}

static const char *len_names[] = {"hh", "h", "", "l", "ll", "z", "j", "t"};

static void integer_cases(void)
{
	static const long long vals[] = {
		0,
		1,
		-1,
		7,
		8,
		9,
		10,
		15,
		16,
		42,
		100,
		127,
		128,
		255,
		256,
		-128,
		-129,
		1000,
		65535,
		65536,
		-32768,
		INT_MAX,
		INT_MIN,
		UINT_MAX,
		LLONG_MAX,
		LLONG_MIN,
		0x123456789abcdefLL,
		-1000000007LL,
	};
	const char *convs = "diouxX";
	const char *flagch = "-+ #0";
	char fmt[64], what[64];

	for (const char *c = convs; *c; c++)
		for (int fl = 0; fl < 32; fl++)
			for (int wi = 0; wi < 5; wi++)
				for (int pi = 0; pi < 6; pi++)
					for (int li = 0; li < 8; li++) {
						static const int widths[] = {-1, 0, 1, 6, 25};
						static const int precs[] = {-1, 0, 1, 3, 6, 30};
						char *p = fmt;
						*p++ = '%';
						for (int b = 0; b < 5; b++)
							if (fl & (1 << b))
								*p++ = flagch[b];
						if (widths[wi] >= 0)
							p += sprintf(p, "%d", widths[wi]);
						if (precs[pi] >= 0)
							p += sprintf(p, ".%d", precs[pi]);
						p += sprintf(p, "%s%c", len_names[li], *c);
						for (int k = 0; k < 3; k++) {
							long long v =
								rndn(4) ? vals[rndn(
										  sizeof(vals) /
										  sizeof(vals[0]))]
									: (long long)rnd() >>
										  rndn(64);
							sprintf(what, "%lld", v);
							if (li <= 2)
								check(what, fmt, (int)v);
							else
								check(what, fmt, v);
						}
					}
	/* Width and precision from arguments, negative ones included. */
	for (int i = 0; i < 3000; i++) {
		int w = (int)rndn(41) - 20, pr = (int)rndn(31) - 10;
		long long v = (long long)rnd() >> rndn(64);
		sprintf(what, "w=%d p=%d v=%lld", w, pr, v);
		check(what, "%*.*lld|%-*.*llx|%0*lld", w, pr, v, w, pr, v, w, v);
	}
}

/* Doubles from every part of the range, and decimal-looking ones whose
 * roundings are the interesting cases. */
static double random_double(void)
{
	union {
		double d;
		uint64_t u;
	} x;
	switch (rndn(6)) {
	case 0:
	case 1:
		do
			x.u = rnd();
		while (((x.u >> 52) & 0x7ff) == 0x7ff);
		return x.d;
	case 2: {
		static const double p10[] = {1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8};
		double v = (double)(int64_t)(rnd() % 2000000001) - 1e9;
		return v / p10[rndn(9)];
	}
	case 3: /* exact binary fractions: ties for %f and %e */
		return (double)((int64_t)(rnd() % 100001) - 50000) / (double)(1 << rndn(12));
	case 4: /* near the %g switch points and powers of ten */
		x.d = 1.0;
		for (int e = (int)rndn(40) - 20; e; e += e > 0 ? -1 : 1)
			x.d = e > 0 ? x.d * 10 : x.d / 10;
		x.u += (int64_t)rndn(7) - 3;
		return rndn(2) ? x.d : x.d * 9.9999995;
	default: /* small and subnormal */
		x.u = rnd() >> (rndn(2) ? 12 : 1);
		x.u &= ~(0x7ffull << 52) | (rnd() % 64) << 52;
		return x.d;
	}
}

static long glibc_hash_g;

/* glibc drops the zeros %#g must keep when rounding carries the value into
 * e-style (999.7 with %#.3g gives "1.e+03", C says "1.00e+03"). There kn
 * must give the standard answer, which is what glibc's %#.<P-1>e prints. */
static void check_float(const char *what, const char *fmt, const char *alt, double v)
{
	int rg = snprintf(ga, sizeof(ga), fmt, v);
	int rk = kn_snprintf(gk, sizeof(gk), fmt, v);
	checks++;
	if (rg == rk && !strcmp(ga, gk))
		return;
	if (alt && strpbrk(ga, "eE")) {
		rg = snprintf(ga, sizeof(ga), alt, v);
		if (rg == rk && !strcmp(ga, gk)) {
			glibc_hash_g++;
			return;
		}
	}
	report(what, fmt, rg, rk);
}

static void float_cases(void)
{
	const char *convs = "fFeEgGaA";
	const char *flagch = "-+ #0";
	char fmt[64], alt[64], what[64];

	for (int i = 0; i < 60000; i++) {
		double v = random_double();
		char c = convs[rndn(8)];
		char *p = fmt;
		bool hash = false;
		int prec = -1;
		*p++ = '%';
		for (int b = 0; b < 5; b++)
			if (!rndn(4)) {
				*p++ = flagch[b];
				hash |= flagch[b] == '#';
			}
		if (rndn(3) == 0)
			p += sprintf(p, "%u", rndn(30));
		switch (rndn(5)) {
		case 0: break;
		case 1: prec = rndn(4); break;
		case 2: prec = rndn(20); break;
		case 3: prec = 15 + rndn(5); break;
		default: prec = rndn(60); break;
		}
		char *flags_end = p;
		if (prec >= 0)
			p += sprintf(p, ".%d", prec);
		sprintf(p, "%c", c);
		bool g = (c | 0x20) == 'g';
		if (hash && g) {
			int P = prec < 0 ? 6 : prec ? prec : 1;
			memcpy(alt, fmt, flags_end - fmt);
			sprintf(alt + (flags_end - fmt), ".%d%c", P - 1, c == 'g' ? 'e' : 'E');
		}
		sprintf(what, "%a", v);
		check_float(what, fmt, hash && g ? alt : NULL, v);
	}
	/* Long expansions: every digit of tiny and huge values. */
	for (int i = 0; i < 400; i++) {
		double v = random_double();
		sprintf(what, "%a", v);
		check(what, "%.1100f|%.760e|%.760g", v, v, v);
	}
}

/* snprintf truncation at every size, and the sink is called in chunks. */
static size_t sink_calls, sink_bytes;
static void count_sink(void *ctx, const char *s, size_t n)
{
	sink_calls++;
	sink_bytes += n;
}

static int kformat(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int r = kn_vformat(count_sink, NULL, fmt, ap);
	va_end(ap);
	return r;
}

static void buffer_cases(void)
{
	const char *fmt = "%s=%d, %08.3f [%-12s] %x";
	char full[256];
	int n = snprintf(full, sizeof(full), fmt, "key", -1234, 3.14159, "pad", 0xbeefu);
	for (int size = 0; size <= n + 2; size++) {
		char g[256], k[256];
		memset(g, 'G', sizeof(g));
		memset(k, 'G', sizeof(k));
		int rg = snprintf(g, size, fmt, "key", -1234, 3.14159, "pad", 0xbeefu);
		int rk = kn_snprintf(k, size, fmt, "key", -1234, 3.14159, "pad", 0xbeefu);
		checks++;
		if (rg != rk || memcmp(g, k, sizeof(g))) {
			fails++;
			printf("MISMATCH truncation at size %d\n", size);
		}
	}
	checks++;
	if (kn_snprintf(NULL, 0, "%d%s", 12345, "abc") != 8) {
		fails++;
		printf("MISMATCH snprintf(NULL, 0)\n");
	}
	char *big = malloc(5000);
	memset(big, 'x', 4999);
	big[4999] = 0;
	sink_calls = sink_bytes = 0;
	int r = kformat("%s", big);
	checks++;
	if (r != 4999 || sink_bytes != 4999 || sink_calls > 2) {
		fails++;
		printf("MISMATCH big string: r=%d calls=%zu bytes=%zu\n", r, sink_calls,
		       sink_bytes);
	}
	sink_calls = sink_bytes = 0;
	r = kformat("%1000d%s%c%c%c%.500f", 1, "a", 'b', 'c', 'd', 1.0);
	checks++;
	if (r != 1000 + 4 + 502 || sink_bytes != (size_t)r ||
	    sink_calls > 2 * (size_t)r / 128 + 4) {
		fails++;
		printf("MISMATCH chunks: r=%d calls=%zu bytes=%zu\n", r, sink_calls, sink_bytes);
	}
	sink_calls = 0;
	kformat("a%cb%dc%sd\n", 'x', 5, "yz");
	checks++;
	if (sink_calls != 1) {
		fails++;
		printf("MISMATCH short line took %zu sink calls\n", sink_calls);
	}
	free(big);
}

int main(int argc, char **argv)
{
	if (argc > 1)
		rng = strtoull(argv[1], NULL, 0);
	fixed_cases();
	integer_cases();
	float_cases();
	buffer_cases();
	printf("checks=%ld failures=%ld (glibc %%#g divergences accepted: %ld)\n", checks, fails,
	       glibc_hash_g);
	return fails != 0;
}
