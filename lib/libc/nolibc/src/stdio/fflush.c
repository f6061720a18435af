#include "stdio_impl.h"
#include "../internal/nolibc.h"

int fflush(FILE *f)
{
	if (!f) {
		__nl_stdio_flush_all();
		return 0;
	}
	return __nl_fflush(f);
}
