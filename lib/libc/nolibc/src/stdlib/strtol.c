/* Out-of-range values clamp and set ERANGE; for the unsigned forms a minus
 * sign negates the value in the unsigned type, as C specifies. */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include "../internal/nolibc.h"

static long long to_signed(const char *s, char **end, int base, long long min, long long max)
{
	int neg, ovf;
	unsigned long long v = __nl_strtox(s, end, base, &neg, &ovf);
	unsigned long long lim = neg ? -(unsigned long long)min : (unsigned long long)max;
	if (ovf || v > lim) {
		errno = ERANGE;
		return neg ? min : max;
	}
	return neg ? (long long)-v : (long long)v;
}

static unsigned long long to_unsigned(const char *s, char **end, int base, unsigned long long max)
{
	int neg, ovf;
	unsigned long long v = __nl_strtox(s, end, base, &neg, &ovf);
	if (ovf || v > max) {
		errno = ERANGE;
		return max;
	}
	return neg ? (-v & max) : v;
}

long strtol(const char *__restrict s, char **__restrict end, int base)
{
	return (long)to_signed(s, end, base, LONG_MIN, LONG_MAX);
}

long long strtoll(const char *__restrict s, char **__restrict end, int base)
{
	return to_signed(s, end, base, LLONG_MIN, LLONG_MAX);
}

unsigned long strtoul(const char *__restrict s, char **__restrict end, int base)
{
	return (unsigned long)to_unsigned(s, end, base, ULONG_MAX);
}

unsigned long long strtoull(const char *__restrict s, char **__restrict end, int base)
{
	return to_unsigned(s, end, base, ULLONG_MAX);
}
