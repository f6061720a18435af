#include <stdio.h>
#include <kn/format.h>

int vsnprintf(char *__restrict s, size_t n, const char *__restrict fmt, va_list ap)
{
	return kn_vsnprintf(s, n, fmt, ap);
}
