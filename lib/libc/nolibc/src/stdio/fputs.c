#include <string.h>
#include "stdio_impl.h"

int fputs(const char *__restrict s, FILE *__restrict f)
{
	return __nl_fwrite(f, s, strlen(s)) ? EOF : 0;
}
