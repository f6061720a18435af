/* The three standard streams and the buffering behind all output. */
#include <string.h>
#include <kn/console.h>
#include "stdio_impl.h"
#include "../internal/nolibc.h"

static char stdout_buf[BUFSIZ];

static FILE files[3] = {
	{.fd = 0, .mode = _IONBF},
	{.fd = 1, .mode = _IOLBF, .buf = stdout_buf, .cap = sizeof(stdout_buf)},
	{.fd = 2, .mode = _IONBF},
};

FILE *const stdin = &files[0];
FILE *const stdout = &files[1];
FILE *const stderr = &files[2];

/* Every writable stream ends on the console: stderr on its error
 * stream. */
static int raw_write(FILE *f, const char *s, size_t n)
{
	if (f->fd != 1 && f->fd != 2) {
		f->flags |= NL_F_ERR;
		return EOF;
	}
	if (f->fd == 2)
		kn_console_write_err(s, n);
	else
		kn_console_write(s, n);
	return 0;
}

int __nl_fflush(FILE *f)
{
	int r = 0;
	if (f->len)
		r = raw_write(f, f->buf, f->len);
	f->len = 0;
	return r;
}

static int buffered(FILE *f, const char *s, size_t n)
{
	if (n > f->cap - f->len) {
		if (__nl_fflush(f))
			return EOF;
		if (n >= f->cap)
			return raw_write(f, s, n);
	}
	memcpy(f->buf + f->len, s, n);
	f->len += n;
	return 0;
}

int __nl_fwrite(FILE *f, const char *s, size_t n)
{
	const char *nl;

	if (!n)
		return 0;
	if (f->mode == _IONBF || !f->buf)
		return __nl_fflush(f) ? EOF : raw_write(f, s, n);
	if (f->mode == _IOLBF && (nl = memrchr(s, '\n', n))) {
		/* Everything up to the last newline goes out now. */
		size_t head = nl + 1 - s;
		if (buffered(f, s, head) || __nl_fflush(f))
			return EOF;
		s += head;
		n -= head;
	}
	return buffered(f, s, n);
}

void __nl_file_sink(void *ctx, const char *s, size_t n)
{
	__nl_fwrite(ctx, s, n);
}

void __nl_stdio_flush_all(void)
{
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++)
		__nl_fflush(&files[i]);
}
