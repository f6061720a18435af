#include <kn/format.h>
#include "stdio_impl.h"

int vfprintf(FILE *__restrict f, const char *__restrict fmt, va_list ap)
{
	unsigned err = f->flags & NL_F_ERR;
	int n = kn_vformat(__nl_file_sink, f, fmt, ap);
	/* An error during this call makes it fail. */
	return !err && (f->flags & NL_F_ERR) ? -1 : n;
}
