/* Decimal and hexadecimal floating-point parsing.
 *
 * Decimal: up to 19 significant digits are kept in an integer (the rest
 * only count for the exponent). When it and the power of ten are exact
 * doubles the result is one correctly rounded operation; otherwise the
 * scaling is done in x87 long double (64-bit mantissa) and rounded to
 * double, which is within an ulp of the exact value. Hexadecimal input is
 * always correctly rounded. */
#include <ctype.h>
#include <errno.h>
#include <float.h>
#include <stdint.h>
#include <stdlib.h>
#include <strings.h>

#define MAX_DIGITS 19
#define EXP_CLAMP 100000

static const double exact_pow10[] = {
	1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
	1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
};

/* 10^(2^i), i = 0..12: enough for the whole long double range. */
static const long double pow10_2i[] = {
	1e1L,   1e2L,   1e4L,   1e8L,    1e16L,   1e32L,   1e64L,
	1e128L, 1e256L, 1e512L, 1e1024L, 1e2048L, 1e4096L,
};

static long double scale10(long double x, long e)
{
	int neg = e < 0;
	unsigned long k = neg ? -e : e;
	long double p = 1.0L;
	for (int i = 0; k && i < 13; i++, k >>= 1)
		if (k & 1)
			p *= pow10_2i[i];
	return neg ? x / p : x * p;
}

/* x * 2^e, exact while the result stays in long double's range. */
static long double scale2(long double x, long e)
{
	for (; e > 60; e -= 60)
		x *= 0x1p60L;
	for (; e < -60; e += 60)
		x *= 0x1p-60L;
	return e >= 0 ? x * (long double)(1ull << e) : x / (long double)(1ull << -e);
}

static long parse_exp(const char **pp)
{
	const char *p = *pp + 1;
	int neg = 0;
	long e = 0;
	if (*p == '+' || *p == '-')
		neg = *p++ == '-';
	if (!isdigit((unsigned char)*p))
		return 0; /* not an exponent: leave *pp at the 'e' */
	for (; isdigit((unsigned char)*p); p++)
		if (e < EXP_CLAMP)
			e = e * 10 + (*p - '0');
	*pp = p;
	return neg ? -e : e;
}

static double decimal(const char **pp)
{
	const char *p = *pp;
	uint64_t m = 0;
	int ndig = 0, any = 0, inexact = 0;
	long e10 = 0;

	for (int frac = 0;; p++) {
		if (*p == '.' && !frac) {
			frac = 1;
			continue;
		}
		if (!isdigit((unsigned char)*p))
			break;
		any = 1;
		if (m == 0 && *p == '0') {
			e10 -= frac; /* leading zeros only move the point */
			continue;
		}
		if (ndig < MAX_DIGITS) {
			m = m * 10 + (*p - '0');
			ndig++;
			e10 -= frac;
		} else {
			inexact |= *p != '0';
			e10 += !frac;
		}
	}
	if (!any)
		return -1;
	if (*p == 'e' || *p == 'E')
		e10 += parse_exp(&p);
	*pp = p;
	if (!m)
		return 0.0;
	if (ndig + e10 > DBL_MAX_10_EXP + 1) {
		errno = ERANGE;
		return __builtin_inf();
	}
	if (ndig + e10 < DBL_MIN_10_EXP - DBL_DIG - 2) {
		errno = ERANGE;
		return 0.0;
	}
	if (!inexact && m < (1ull << 53) && e10 >= -22 && e10 <= 22)
		return e10 < 0 ? (double)m / exact_pow10[-e10] : (double)m * exact_pow10[e10];
	double d = (double)scale10((long double)m, e10);
	if (d == __builtin_inf() || d < DBL_MIN)
		errno = ERANGE;
	return d;
}

static double hexadecimal(const char **pp)
{
	const char *p = *pp;
	uint64_t m = 0;
	int any = 0, sticky = 0;
	long e2 = 0;

	for (int frac = 0;; p++) {
		if (*p == '.' && !frac) {
			frac = 1;
			continue;
		}
		if (!isxdigit((unsigned char)*p))
			break;
		int d = isdigit((unsigned char)*p) ? *p - '0' : (*p | 0x20) - 'a' + 10;
		any = 1;
		if (m >> 60) {
			sticky |= d != 0;
			e2 += frac ? 0 : 4;
		} else {
			m = m * 16 + d;
			e2 -= frac ? 4 : 0;
		}
	}
	if (!any)
		return -1;
	if (*p == 'p' || *p == 'P')
		e2 += parse_exp(&p);
	*pp = p;
	if (!m)
		return 0.0;
	/* m has at most 64 bits, so long double holds it exactly; the sticky
	 * bit sits below the 53 that survive, to break ties upwards. */
	double d = (double)scale2((long double)(m | sticky), e2);
	if (d == __builtin_inf() || d < DBL_MIN)
		errno = ERANGE;
	return d;
}

static int match_word(const char **pp, const char *w)
{
	size_t n = 0;
	while (w[n])
		n++;
	if (strncasecmp(*pp, w, n))
		return 0;
	*pp += n;
	return 1;
}

double strtod(const char *__restrict s, char **__restrict end)
{
	const char *p = s;
	int neg = 0;
	double v;

	while (isspace((unsigned char)*p))
		p++;
	if (*p == '+' || *p == '-')
		neg = *p++ == '-';
	const char *q = p;
	if (match_word(&q, "inf")) {
		match_word(&q, "inity");
		v = __builtin_inf();
	} else if (match_word(&q, "nan")) {
		const char *r = q;
		if (*r == '(') {
			while (isalnum((unsigned char)*++r) || *r == '_')
				;
			if (*r == ')')
				q = r + 1;
		}
		v = __builtin_nan("");
	} else if (q[0] == '0' && (q[1] | 0x20) == 'x' &&
		   (isxdigit((unsigned char)q[2]) ||
		    (q[2] == '.' && isxdigit((unsigned char)q[3])))) {
		q += 2;
		v = hexadecimal(&q);
	} else {
		v = decimal(&q);
	}
	if (v < 0) { /* no digits: no conversion */
		if (end)
			*end = (char *)s;
		return 0.0;
	}
	if (end)
		*end = (char *)q;
	return neg ? -v : v;
}

float strtof(const char *__restrict s, char **__restrict end)
{
	return (float)strtod(s, end);
}

long double strtold(const char *__restrict s, char **__restrict end)
{
	return strtod(s, end);
}
