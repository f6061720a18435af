#include "stdio_impl.h"

/* A NULL buf keeps the stream's own buffer, if it has one. */
int setvbuf(FILE *__restrict f, char *__restrict buf, int mode, size_t size)
{
	if (mode != _IOFBF && mode != _IOLBF && mode != _IONBF)
		return -1;
	if (__nl_fflush(f))
		return -1;
	if (buf && size) {
		f->buf = buf;
		f->cap = size;
	}
	f->mode = mode;
	return 0;
}

void setbuf(FILE *__restrict f, char *__restrict buf)
{
	setvbuf(f, buf, buf ? _IOFBF : _IONBF, BUFSIZ);
}
