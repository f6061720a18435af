/* The FILE object and the buffering every output function goes through. */
#ifndef NL_STDIO_IMPL_H
#define NL_STDIO_IMPL_H

#include <stdio.h>

#define NL_F_EOF 1
#define NL_F_ERR 2

struct _nl_file {
	int fd;
	unsigned flags; /* NL_F_EOF, NL_F_ERR */
	int mode;       /* _IOFBF, _IOLBF or _IONBF */
	char *buf;
	size_t cap, len;
};

/* Writes n bytes through f's buffer; returns 0, or EOF when f cannot be
 * written (the error flag is set). */
int __nl_fwrite(FILE *f, const char *s, size_t n);
int __nl_fflush(FILE *f);
/* A kn_fmt_sink for kn_vformat; ctx is the FILE. */
void __nl_file_sink(void *ctx, const char *s, size_t n);

#endif
