#include "stdio_impl.h"

int ferror(FILE *f)
{
	return !!(f->flags & NL_F_ERR);
}

int feof(FILE *f)
{
	return !!(f->flags & NL_F_EOF);
}

void clearerr(FILE *f)
{
	f->flags = 0;
}
