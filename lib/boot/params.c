/* Kernel parameters: "lib.name=value" words matched against the
 * .kn_params table that libraries fill with KN_PARAM. */
#include <stdint.h>
#include <kn/console.h>
#include <kn/param.h>
#include "internal.h"

extern const struct kn_param __kn_params_start[], __kn_params_end[];

static int str_eq_n(const char *a, const char *b, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (a[i] != b[i] || !a[i])
			return 0;
	return b[n] == '\0';
}

static int parse_bool(const char *v, int *out)
{
	static const char *const yes[] = {"1", "y", "yes", "true", "on"};
	static const char *const no[] = {"0", "n", "no", "false", "off"};
	for (unsigned i = 0; i < KN_ARRAY_SIZE(yes); i++) {
		size_t n = __builtin_strlen(yes[i]);
		if (str_eq_n(yes[i], v, n) && !v[n]) {
			*out = 1;
			return 0;
		}
		n = __builtin_strlen(no[i]);
		if (str_eq_n(no[i], v, n) && !v[n]) {
			*out = 0;
			return 0;
		}
	}
	return -1;
}

int kn_param_parse_u64(const char **s, uint64_t *out)
{
	const char *v = *s;
	unsigned base = 10;
	if (v[0] == '0' && (v[1] == 'x' || v[1] == 'X')) {
		base = 16;
		v += 2;
	}
	const char *digits = v;
	uint64_t n = 0;
	for (;; v++) {
		unsigned d;
		if (*v >= '0' && *v <= '9')
			d = (unsigned)(*v - '0');
		else if (base == 16 && (*v | 0x20) >= 'a' && (*v | 0x20) <= 'f')
			d = (unsigned)((*v | 0x20) - 'a' + 10);
		else
			break;
		if (n > (UINT64_MAX - d) / base)
			return -1;
		n = n * base + d;
	}
	if (v == digits)
		return -1;
	char suffix = (char)(*v | 0x20);
	unsigned shift = suffix == 'k' ? 10 : suffix == 'm' ? 20 : suffix == 'g' ? 30 : 0;
	if (shift) {
		if (n > UINT64_MAX >> shift)
			return -1;
		n <<= shift;
		v++;
	}
	*s = v;
	*out = n;
	return 0;
}

/* A whole value: a number as above with an optional sign. */
static int parse_number(const char *v, int64_t *out)
{
	int neg = 0;
	if (*v == '-' || *v == '+')
		neg = *v++ == '-';
	uint64_t n;
	if (kn_param_parse_u64(&v, &n) || *v)
		return -1;
	*out = neg ? -(int64_t)n : (int64_t)n;
	return 0;
}

static const struct kn_param *find_param(const char *word, size_t liblen, const char *name,
					 size_t namelen)
{
	for (const struct kn_param *p = __kn_params_start; p < __kn_params_end; p++)
		if (str_eq_n(word, p->lib, liblen) && str_eq_n(name, p->name, namelen))
			return p;
	return NULL;
}

int kn_boot_apply_param(const char *word)
{
	const char *dot = word, *eq;
	while (*dot && *dot != '.' && *dot != '=')
		dot++;
	for (eq = dot; *eq && *eq != '='; eq++)
		;
	if (*dot != '.' || *eq != '=') {
		kn_printk("kn: warning: kernel parameter '%s' ignored: expected lib.name=value\n",
			  word);
		return -1;
	}
	const struct kn_param *p = find_param(word, dot - word, dot + 1, eq - dot - 1);
	if (!p) {
		kn_printk("kn: warning: unknown kernel parameter '%.*s' ignored\n",
			  (int)(eq - word), word);
		return -1;
	}
	const char *val = eq + 1;
	int b;
	int64_t n;
	switch (p->type) {
	case KN_PARAM_BOOL:
		if (parse_bool(val, &b))
			goto bad;
		*(int *)p->var = b;
		return 0;
	case KN_PARAM_INT:
		if (parse_number(val, &n) || n < INT32_MIN || n > INT32_MAX)
			goto bad;
		*(int *)p->var = (int)n;
		return 0;
	case KN_PARAM_U64:
		if (*val == '-' || parse_number(val, &n))
			goto bad;
		*(uint64_t *)p->var = (uint64_t)n;
		return 0;
	case KN_PARAM_STR: *(const char **)p->var = val; return 0;
	case KN_PARAM_CALL:
		if ((*(kn_param_fn *)p->var)(val))
			goto bad;
		return 0;
	}
bad:
	kn_printk("kn: warning: kernel parameter %s.%s: bad value '%s' ignored\n", p->lib, p->name,
		  val);
	return -1;
}
