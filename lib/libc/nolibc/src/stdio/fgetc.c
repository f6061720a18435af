#include "stdio_impl.h"

/* There is no input device: every read is at end of file. */
int fgetc(FILE *f)
{
	f->flags |= NL_F_EOF;
	return EOF;
}

int getc(FILE *f)
{
	return fgetc(f);
}

int getchar(void)
{
	return fgetc(stdin);
}
