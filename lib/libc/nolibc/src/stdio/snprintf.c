#include <stdio.h>
#include <kn/format.h>

int snprintf(char *__restrict s, size_t n, const char *__restrict fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int r = kn_vsnprintf(s, n, fmt, ap);
	va_end(ap);
	return r;
}
