/* The printf engine behind kn_printk and libc's printf family.
 *
 * Output is gathered in a small buffer on the stack and handed to the sink
 * in chunks, because a console write costs much more than a copy.
 *
 * Floating point is converted exactly: a finite double is m * 2^e with an
 * integer m, which is the integer N = m * 2^e (e >= 0) or N = m * 5^-e scaled
 * by 10^e (e < 0). N is built in base 1e9, so its decimal digits are exact
 * and rounding (half to even on exact ties, like glibc) is done on them. */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <kn/format.h>

#define OUT_CHUNK 128

struct out {
	kn_fmt_sink sink;
	void *ctx;
	size_t len;   /* bytes waiting in buf */
	size_t total; /* bytes produced so far (what %n stores) */
	char buf[OUT_CHUNK];
};

static void out_flush(struct out *o)
{
	if (o->len) {
		o->sink(o->ctx, o->buf, o->len);
		o->len = 0;
	}
}

static void out_put(struct out *o, const char *s, size_t n)
{
	if (!n)
		return;
	o->total += n;
	if (n > OUT_CHUNK - o->len) {
		out_flush(o);
		if (n >= OUT_CHUNK) {
			o->sink(o->ctx, s, n);
			return;
		}
	}
	__builtin_memcpy(o->buf + o->len, s, n);
	o->len += n;
}

static void out_fill(struct out *o, char c, size_t n)
{
	o->total += n;
	while (n) {
		if (o->len == OUT_CHUNK)
			out_flush(o);
		size_t k = KN_MIN(n, OUT_CHUNK - o->len);
		for (size_t i = 0; i < k; i++)
			o->buf[o->len + i] = c;
		o->len += k;
		n -= k;
	}
}

static void out_char(struct out *o, char c)
{
	out_put(o, &c, 1);
}

/* ---- conversion specifications ---- */

enum {
	F_MINUS = 1,
	F_PLUS = 2,
	F_SPACE = 4,
	F_HASH = 8,
	F_ZERO = 16,
	F_UPPER = 32,
};

enum length { LEN_NONE, LEN_HH, LEN_H, LEN_L, LEN_LL, LEN_Z, LEN_J, LEN_T, LEN_BIG_L };

struct spec {
	unsigned flags;
	int width;
	int prec; /* -1: not given */
	enum length len;
	char conv;
};

/* Pads a field of `len` bytes to the width: spaces before it unless '-'. */
static void pad_before(struct out *o, const struct spec *sp, size_t len)
{
	if (!(sp->flags & F_MINUS) && (size_t)sp->width > len)
		out_fill(o, ' ', sp->width - len);
}

static void pad_after(struct out *o, const struct spec *sp, size_t len)
{
	if ((sp->flags & F_MINUS) && (size_t)sp->width > len)
		out_fill(o, ' ', sp->width - len);
}

/* Zeros the '0' flag adds after the sign/prefix (never with '-'). */
static size_t zero_fill(const struct spec *sp, size_t len)
{
	if ((sp->flags & (F_ZERO | F_MINUS)) == F_ZERO && (size_t)sp->width > len)
		return sp->width - len;
	return 0;
}

static void put_str_field(struct out *o, const struct spec *sp, const char *s, size_t n)
{
	pad_before(o, sp, n);
	out_put(o, s, n);
	pad_after(o, sp, n);
}

/* ---- integers ---- */

static uintmax_t arg_unsigned(va_list *ap, enum length len)
{
	switch (len) {
	case LEN_HH: return (unsigned char)va_arg(*ap, unsigned int);
	case LEN_H: return (unsigned short)va_arg(*ap, unsigned int);
	case LEN_L: return va_arg(*ap, unsigned long);
	case LEN_LL:
	case LEN_BIG_L: return va_arg(*ap, unsigned long long);
	case LEN_Z: return va_arg(*ap, size_t);
	case LEN_J: return va_arg(*ap, uintmax_t);
	case LEN_T: return (uintmax_t)va_arg(*ap, ptrdiff_t);
	default: return va_arg(*ap, unsigned int);
	}
}

static intmax_t arg_signed(va_list *ap, enum length len)
{
	switch (len) {
	case LEN_HH: return (signed char)va_arg(*ap, int);
	case LEN_H: return (short)va_arg(*ap, int);
	case LEN_L: return va_arg(*ap, long);
	case LEN_LL:
	case LEN_BIG_L: return va_arg(*ap, long long);
	case LEN_Z: return (intmax_t)va_arg(*ap, size_t);
	case LEN_J: return va_arg(*ap, intmax_t);
	case LEN_T: return va_arg(*ap, ptrdiff_t);
	default: return va_arg(*ap, int);
	}
}

static const char lower_digits[] = "0123456789abcdef";
static const char upper_digits[] = "0123456789ABCDEF";

/* Writes v in `base` right-aligned ending at `end`; returns the start. */
static char *utoa(char *end, uintmax_t v, unsigned base, bool upper)
{
	const char *dig = upper ? upper_digits : lower_digits;
	char *p = end;
	switch (base) {
	case 10:
		for (; v; v /= 10)
			*--p = (char)('0' + v % 10);
		break;
	case 16:
		for (; v; v >>= 4)
			*--p = dig[v & 15];
		break;
	default:
		for (; v; v >>= 3)
			*--p = (char)('0' + (v & 7));
		break;
	}
	return p;
}

/* sign is '-', '+', ' ' or 0; '#' adds 0x/0X (hex) or a leading 0 (octal). */
static void fmt_int(struct out *o, const struct spec *sp, uintmax_t v, char sign, unsigned base)
{
	char buf[3 * sizeof(uintmax_t)];
	char *end = buf + sizeof(buf);
	char *dig = utoa(end, v, base, sp->flags & F_UPPER);
	size_t nd = end - dig;
	size_t prec = sp->prec < 0 ? 1 : (size_t)sp->prec;
	char prefix[3];
	size_t np = 0;

	if (sign)
		prefix[np++] = sign;
	if (base == 16 && (sp->flags & F_HASH) && v) {
		prefix[np++] = '0';
		prefix[np++] = (sp->flags & F_UPPER) ? 'X' : 'x';
	}
	/* '#' with octal: the first digit must be a 0. */
	if (base == 8 && (sp->flags & F_HASH) && prec <= nd && (nd == 0 || *dig != '0'))
		prec = nd + 1;
	size_t zeros = prec > nd ? prec - nd : 0;
	size_t len = np + zeros + nd;
	if (sp->prec < 0) {
		size_t z = zero_fill(sp, len);
		zeros += z;
		len += z;
	}
	pad_before(o, sp, len);
	out_put(o, prefix, np);
	out_fill(o, '0', zeros);
	out_put(o, dig, nd);
	pad_after(o, sp, len);
}

/* ---- characters and strings ---- */

/* UTF-8 for %lc and %ls; returns the byte count, 0 for a non-character. */
static size_t utf8_encode(char *b, uint32_t c)
{
	if (c < 0x80) {
		b[0] = (char)c;
		return 1;
	}
	if (c < 0x800) {
		b[0] = (char)(0xc0 | (c >> 6));
		b[1] = (char)(0x80 | (c & 0x3f));
		return 2;
	}
	if (c < 0x10000) {
		if (c >= 0xd800 && c < 0xe000)
			return 0;
		b[0] = (char)(0xe0 | (c >> 12));
		b[1] = (char)(0x80 | ((c >> 6) & 0x3f));
		b[2] = (char)(0x80 | (c & 0x3f));
		return 3;
	}
	if (c < 0x110000) {
		b[0] = (char)(0xf0 | (c >> 18));
		b[1] = (char)(0x80 | ((c >> 12) & 0x3f));
		b[2] = (char)(0x80 | ((c >> 6) & 0x3f));
		b[3] = (char)(0x80 | (c & 0x3f));
		return 4;
	}
	return 0;
}

static void fmt_string(struct out *o, const struct spec *sp, const char *s)
{
	size_t n = 0;
	if (!s)
		/* glibc prints "(null)" only when it fits the precision. */
		s = (sp->prec < 0 || sp->prec >= 6) ? "(null)" : "";
	if (sp->prec < 0)
		while (s[n])
			n++;
	else
		while (n < (size_t)sp->prec && s[n])
			n++;
	put_str_field(o, sp, s, n);
}

/* Wide strings: the precision counts bytes, and a character that would
 * not fit whole is left out. */
static void fmt_wstring(struct out *o, const struct spec *sp, const wchar_t *ws)
{
	char b[4];
	size_t len = 0, max = sp->prec < 0 ? SIZE_MAX : (size_t)sp->prec;

	if (!ws) {
		fmt_string(o, sp, NULL);
		return;
	}
	for (const wchar_t *p = ws; *p; p++) {
		size_t k = utf8_encode(b, (uint32_t)*p);
		if (len + k > max)
			break;
		len += k;
	}
	pad_before(o, sp, len);
	for (size_t done = 0; done < len; ws++) {
		size_t k = utf8_encode(b, (uint32_t)*ws);
		out_put(o, b, k);
		done += k;
	}
	pad_after(o, sp, len);
}

/* ---- floating point ---- */

#define BIG_BASE 1000000000u
#define BIG_LIMBS 90 /* 767 digits (the longest double) in base 1e9 */
#define DEC_DIGITS 780

/* A decimal number 0.d[0]d[1]...d[n-1] * 10^dp, no trailing zeros. */
struct dec {
	int n;
	int dp;
	char d[DEC_DIGITS];
};

static int big_mul(uint32_t *a, int n, uint32_t m)
{
	uint64_t carry = 0;
	for (int i = 0; i < n; i++) {
		uint64_t t = (uint64_t)a[i] * m + carry;
		a[i] = (uint32_t)(t % BIG_BASE);
		carry = t / BIG_BASE;
	}
	while (carry) {
		a[n++] = (uint32_t)(carry % BIG_BASE);
		carry /= BIG_BASE;
	}
	return n;
}

/* The exact decimal expansion of m * 2^e (m != 0). */
static void dec_from_binary(struct dec *dec, uint64_t m, int e)
{
	uint32_t big[BIG_LIMBS];
	int n = 0, scale = 0;

	while (!(m & 1) && e < 0) {
		m >>= 1;
		e++;
	}
	for (; m; m /= BIG_BASE)
		big[n++] = (uint32_t)(m % BIG_BASE);
	if (e >= 0) {
		for (; e >= 30; e -= 30)
			n = big_mul(big, n, 1u << 30);
		n = big_mul(big, n, 1u << e);
	} else {
		scale = e; /* N = m * 5^-e, value = N * 10^e */
		for (e = -e; e >= 13; e -= 13)
			n = big_mul(big, n, 1220703125u); /* 5^13 */
		uint32_t p = 1;
		while (e--)
			p *= 5;
		n = big_mul(big, n, p);
	}

	char tmp[9];
	int k = 0, len = 0;
	for (uint32_t top = big[n - 1]; top; top /= 10)
		tmp[k++] = (char)('0' + top % 10);
	while (k)
		dec->d[len++] = tmp[--k];
	for (int i = n - 2; i >= 0; i--) {
		uint32_t v = big[i];
		for (int j = 8; j >= 0; j--, v /= 10)
			dec->d[len + j] = (char)('0' + v % 10);
		len += 9;
	}
	dec->dp = len + scale;
	while (dec->d[len - 1] == '0')
		len--;
	dec->n = len;
}

/* Keeps the first `keep` digits (keep may be <= 0), rounding half to even. */
static void dec_round(struct dec *dec, long keep)
{
	if (keep >= dec->n)
		return;
	if (keep < 0) {
		dec->n = 0;
		return;
	}
	char r = dec->d[keep];
	bool up;
	if (r != '5')
		up = r > '5';
	else if (dec->n > keep + 1)
		up = true; /* more nonzero digits follow: above the tie */
	else
		up = keep > 0 && ((dec->d[keep - 1] - '0') & 1);
	dec->n = (int)keep;
	if (up) {
		int i = (int)keep - 1;
		while (i >= 0 && dec->d[i] == '9')
			i--;
		if (i < 0) {
			dec->d[0] = '1';
			dec->n = 1;
			dec->dp++;
		} else {
			dec->d[i]++;
			dec->n = i + 1;
		}
	}
	while (dec->n > 0 && dec->d[dec->n - 1] == '0')
		dec->n--;
}

/* Digits [from, to) of the expansion, zeros outside the stored ones. */
static void put_digits(struct out *o, const struct dec *dec, long from, long to)
{
	if (from < 0) {
		long z = KN_MIN(to, 0L) - from;
		out_fill(o, '0', z);
		from = 0;
	}
	if (from < to && from < dec->n) {
		long end = KN_MIN(to, (long)dec->n);
		out_put(o, dec->d + from, end - from);
		from = end;
	}
	if (from < to)
		out_fill(o, '0', to - from);
}

/* The start of a decimal number's field: padding, sign, '0'-flag zeros.
 * Returns how many zeros were added to the `len` bytes of the number. */
static size_t put_number_start(struct out *o, const struct spec *sp, char sign, size_t len)
{
	size_t zeros = zero_fill(sp, len);
	pad_before(o, sp, len + zeros);
	if (sign)
		out_char(o, sign);
	out_fill(o, '0', zeros);
	return zeros;
}

static void fmt_fixed(struct out *o, const struct spec *sp, char sign, const struct dec *dec,
		      long prec)
{
	bool point = prec > 0 || (sp->flags & F_HASH);
	long intlen = dec->dp > 0 ? dec->dp : 1;
	size_t len = (sign != 0) + intlen + point + prec;
	size_t zeros = put_number_start(o, sp, sign, len);

	if (dec->dp > 0)
		put_digits(o, dec, 0, dec->dp);
	else
		out_char(o, '0');
	if (point)
		out_char(o, '.');
	put_digits(o, dec, dec->dp, dec->dp + prec);
	pad_after(o, sp, len + zeros);
}

static void fmt_exp(struct out *o, const struct spec *sp, char sign, const struct dec *dec,
		    long prec)
{
	bool point = prec > 0 || (sp->flags & F_HASH);
	int x = dec->n ? dec->dp - 1 : 0;
	char ebuf[8];
	char *end = ebuf + sizeof(ebuf);
	char *e = utoa(end, x < 0 ? -(unsigned)x : (unsigned)x, 10, false);
	while (end - e < 2)
		*--e = '0';
	*--e = x < 0 ? '-' : '+';
	*--e = (sp->flags & F_UPPER) ? 'E' : 'e';
	size_t len = (sign != 0) + 1 + point + prec + (end - e);
	size_t zeros = put_number_start(o, sp, sign, len);

	put_digits(o, dec, 0, 1);
	if (point)
		out_char(o, '.');
	put_digits(o, dec, 1, 1 + prec);
	out_put(o, e, end - e);
	pad_after(o, sp, len + zeros);
}

/* %a: 1.xxx (or 0.xxx for subnormals, like glibc) times a power of two. */
static void fmt_hex(struct out *o, const struct spec *sp, char sign, uint64_t frac, int bexp)
{
	const char *dig = (sp->flags & F_UPPER) ? upper_digits : lower_digits;
	int lead = 1, x = bexp - 1023, prec = sp->prec;

	if (bexp == 0) {
		lead = 0;
		x = frac ? -1022 : 0;
	}
	if (prec < 0) {
		prec = 13;
		while (prec > 0 && !(frac & 15)) {
			frac >>= 4;
			prec--;
		}
		frac <<= 4 * (13 - prec);
	} else if (prec < 13) {
		/* Half to even; a carry out makes the leading digit 2, as in
		 * glibc (0x1.fp+0 with %.0a is 0x2p+0). */
		int shift = 4 * (13 - prec);
		uint64_t rest = frac & ((1ull << shift) - 1);
		uint64_t half = 1ull << (shift - 1);
		frac >>= shift;
		uint64_t last = prec ? frac : (uint64_t)lead;
		if (rest > half || (rest == half && (last & 1)))
			frac++;
		if (frac >> (4 * prec)) {
			lead++;
			frac &= (1ull << (4 * prec)) - 1;
		}
		frac <<= shift;
	}

	char ebuf[8];
	char *end = ebuf + sizeof(ebuf);
	char *e = utoa(end, x < 0 ? -(unsigned)x : (unsigned)x, 10, false);
	if (e == end)
		*--e = '0';
	*--e = x < 0 ? '-' : '+';
	*--e = (sp->flags & F_UPPER) ? 'P' : 'p';

	bool point = prec > 0 || (sp->flags & F_HASH);
	int shown = KN_MIN(prec, 13);
	size_t len = (sign != 0) + 3 + point + prec + (end - e);
	size_t zeros = zero_fill(sp, len);
	char head[3] = {'0', (sp->flags & F_UPPER) ? 'X' : 'x', dig[lead]};
	char fdig[13];

	pad_before(o, sp, len + zeros);
	if (sign)
		out_char(o, sign);
	out_put(o, head, 2);
	out_fill(o, '0', zeros);
	out_put(o, head + 2, 1);
	if (point)
		out_char(o, '.');
	for (int i = 0; i < shown; i++)
		fdig[i] = dig[(frac >> (48 - 4 * i)) & 15];
	out_put(o, fdig, shown);
	out_fill(o, '0', prec - shown);
	out_put(o, e, end - e);
	pad_after(o, sp, len + zeros);
}

/* Kept out of line so integer-only formatting does not pay for the ~1.3 KB
 * of digits on the stack. */
static __attribute__((noinline)) void fmt_float(struct out *o, const struct spec *sp, double v)
{
	union {
		double d;
		uint64_t u;
	} bits = {v};
	uint64_t frac = bits.u & ((1ull << 52) - 1);
	int bexp = (int)(bits.u >> 52) & 0x7ff;
	bool upper = sp->flags & F_UPPER;
	char sign = (bits.u >> 63)          ? '-'
		    : (sp->flags & F_PLUS)  ? '+'
		    : (sp->flags & F_SPACE) ? ' '
					    : 0;
	char c = sp->conv | 0x20;

	if (bexp == 0x7ff) {
		const char *s = frac ? (upper ? "NAN" : "nan") : (upper ? "INF" : "inf");
		size_t len = 3 + (sign != 0);
		pad_before(o, sp, len);
		if (sign)
			out_char(o, sign);
		out_put(o, s, 3);
		pad_after(o, sp, len);
		return;
	}
	if (c == 'a') {
		fmt_hex(o, sp, sign, frac, bexp);
		return;
	}

	struct dec dec = {.n = 0, .dp = 1};
	if (bexp || frac)
		dec_from_binary(&dec, bexp ? frac | (1ull << 52) : frac, (bexp ? bexp : 1) - 1075);
	long prec = sp->prec < 0 ? 6 : sp->prec;

	if (c == 'f') {
		dec_round(&dec, dec.dp + prec);
		fmt_fixed(o, sp, sign, &dec, prec);
	} else if (c == 'e') {
		dec_round(&dec, prec + 1);
		fmt_exp(o, sp, sign, &dec, prec);
	} else {
		if (prec == 0)
			prec = 1;
		dec_round(&dec, prec);
		long x = dec.n ? dec.dp - 1 : 0;
		bool fixed = x < prec && x >= -4;
		prec = fixed ? prec - 1 - x : prec - 1;
		if (!(sp->flags & F_HASH)) {
			/* %g drops trailing zeros: keep only stored digits. */
			long have = fixed ? dec.n - dec.dp : dec.n - 1;
			prec = KN_MIN(prec, KN_MAX(have, 0L));
		}
		if (fixed)
			fmt_fixed(o, sp, sign, &dec, prec);
		else
			fmt_exp(o, sp, sign, &dec, prec);
	}
}

/* ---- the driver ---- */

static int parse_num(const char **pp)
{
	const char *p = *pp;
	int v = 0;
	while (*p >= '0' && *p <= '9') {
		int d = *p++ - '0';
		v = v > (__INT_MAX__ - d) / 10 ? __INT_MAX__ : v * 10 + d;
	}
	*pp = p;
	return v;
}

static const char *parse_spec(const char *p, struct spec *sp, va_list *ap)
{
	sp->flags = 0;
	for (;; p++) {
		switch (*p) {
		case '-': sp->flags |= F_MINUS; continue;
		case '+': sp->flags |= F_PLUS; continue;
		case ' ': sp->flags |= F_SPACE; continue;
		case '#': sp->flags |= F_HASH; continue;
		case '0': sp->flags |= F_ZERO; continue;
		case '\'': continue; /* grouping: none in the C locale */
		}
		break;
	}
	if (*p == '*') {
		p++;
		sp->width = va_arg(*ap, int);
		if (sp->width < 0) {
			sp->flags |= F_MINUS;
			sp->width = sp->width == -__INT_MAX__ - 1 ? __INT_MAX__ : -sp->width;
		}
	} else {
		sp->width = parse_num(&p);
	}
	sp->prec = -1;
	if (*p == '.') {
		p++;
		if (*p == '*') {
			p++;
			sp->prec = va_arg(*ap, int);
			if (sp->prec < 0)
				sp->prec = -1;
		} else {
			sp->prec = parse_num(&p);
		}
	}
	sp->len = LEN_NONE;
	switch (*p) {
	case 'h':
		sp->len = p[1] == 'h' ? LEN_HH : LEN_H;
		p += 1 + (p[1] == 'h');
		break;
	case 'l':
		sp->len = p[1] == 'l' ? LEN_LL : LEN_L;
		p += 1 + (p[1] == 'l');
		break;
	case 'q':
		sp->len = LEN_LL;
		p++;
		break;
	case 'z':
		sp->len = LEN_Z;
		p++;
		break;
	case 'j':
		sp->len = LEN_J;
		p++;
		break;
	case 't':
		sp->len = LEN_T;
		p++;
		break;
	case 'L':
		sp->len = LEN_BIG_L;
		p++;
		break;
	}
	sp->conv = *p;
	if (*p >= 'A' && *p <= 'Z')
		sp->flags |= F_UPPER;
	return p;
}

static void store_count(va_list *ap, enum length len, size_t n)
{
	switch (len) {
	case LEN_HH: *va_arg(*ap, signed char *) = (signed char)n; break;
	case LEN_H: *va_arg(*ap, short *) = (short)n; break;
	case LEN_L: *va_arg(*ap, long *) = (long)n; break;
	case LEN_LL:
	case LEN_BIG_L: *va_arg(*ap, long long *) = (long long)n; break;
	case LEN_Z: *va_arg(*ap, size_t *) = n; break;
	case LEN_J: *va_arg(*ap, intmax_t *) = (intmax_t)n; break;
	case LEN_T: *va_arg(*ap, ptrdiff_t *) = (ptrdiff_t)n; break;
	default: *va_arg(*ap, int *) = (int)n; break;
	}
}

/* One conversion; returns false when the specification is not one we know
 * (the caller then prints it as it stands, like glibc). */
static bool convert(struct out *o, struct spec *sp, va_list *ap)
{
	switch (sp->conv) {
	case 'd':
	case 'i': {
		intmax_t v = arg_signed(ap, sp->len);
		char sign = v < 0                   ? '-'
			    : (sp->flags & F_PLUS)  ? '+'
			    : (sp->flags & F_SPACE) ? ' '
						    : 0;
		fmt_int(o, sp, v < 0 ? -(uintmax_t)v : (uintmax_t)v, sign, 10);
		return true;
	}
	case 'u': fmt_int(o, sp, arg_unsigned(ap, sp->len), 0, 10); return true;
	case 'o': fmt_int(o, sp, arg_unsigned(ap, sp->len), 0, 8); return true;
	case 'x':
	case 'X': fmt_int(o, sp, arg_unsigned(ap, sp->len), 0, 16); return true;
	case 'p': {
		void *p = va_arg(*ap, void *);
		if (!p) {
			sp->prec = -1;
			fmt_string(o, sp, "(nil)");
			return true;
		}
		sp->flags |= F_HASH;
		/* glibc keeps '+' and ' ' for pointers. */
		fmt_int(o, sp, (uintptr_t)p,
			(sp->flags & F_PLUS)    ? '+'
			: (sp->flags & F_SPACE) ? ' '
						: 0,
			16);
		return true;
	}
	case 'c': {
		char b[4];
		size_t n;
		if (sp->len == LEN_L) {
			n = utf8_encode(b, va_arg(*ap, __WINT_TYPE__));
		} else {
			b[0] = (char)va_arg(*ap, int);
			n = 1;
		}
		put_str_field(o, sp, b, n);
		return true;
	}
	case 's':
		if (sp->len == LEN_L)
			fmt_wstring(o, sp, va_arg(*ap, const wchar_t *));
		else
			fmt_string(o, sp, va_arg(*ap, const char *));
		return true;
	case 'n': store_count(ap, sp->len, o->total); return true;
	case 'f':
	case 'F':
	case 'e':
	case 'E':
	case 'g':
	case 'G':
	case 'a':
	case 'A':
		/* long double is formatted through double. */
		fmt_float(o, sp,
			  sp->len == LEN_BIG_L ? (double)va_arg(*ap, long double)
					       : va_arg(*ap, double));
		return true;
	case '%': out_char(o, '%'); return true;
	}
	return false;
}

int kn_vformat(kn_fmt_sink sink, void *ctx, const char *fmt, va_list ap)
{
	struct out o = {.sink = sink, .ctx = ctx};
	struct spec sp;
	va_list args;

	va_copy(args, ap);
	while (*fmt) {
		const char *p = fmt;
		while (*p && *p != '%')
			p++;
		out_put(&o, fmt, p - fmt);
		if (!*p)
			break;
		const char *start = p;
		p = parse_spec(p + 1, &sp, &args);
		if (!*p) {
			out_put(&o, start, p - start);
			break;
		}
		if (!convert(&o, &sp, &args))
			out_put(&o, start, p + 1 - start);
		fmt = p + 1;
	}
	va_end(args);
	out_flush(&o);
	return o.total > __INT_MAX__ ? __INT_MAX__ : (int)o.total;
}

struct snbuf {
	char *buf;
	size_t size; /* room including the terminating NUL */
	size_t pos;
};

static void sn_sink(void *ctx, const char *s, size_t n)
{
	struct snbuf *b = ctx;
	if (b->pos + 1 < b->size) {
		size_t k = KN_MIN(n, b->size - 1 - b->pos);
		__builtin_memcpy(b->buf + b->pos, s, k);
	}
	b->pos += n;
}

int kn_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct snbuf b = {buf, size, 0};
	int n = kn_vformat(sn_sink, &b, fmt, ap);
	if (size)
		buf[KN_MIN(b.pos, size - 1)] = '\0';
	return n;
}

int kn_snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = kn_vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}
