#include <string.h>
#include "stdio_impl.h"

int puts(const char *s)
{
	if (__nl_fwrite(stdout, s, strlen(s)) || __nl_fwrite(stdout, "\n", 1))
		return EOF;
	return 0;
}
