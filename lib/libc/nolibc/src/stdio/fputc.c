#include "stdio_impl.h"

int fputc(int c, FILE *f)
{
	char ch = (char)c;
	return __nl_fwrite(f, &ch, 1) ? EOF : (unsigned char)c;
}

int putc(int c, FILE *f)
{
	return fputc(c, f);
}
