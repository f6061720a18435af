#include <stdint.h>
#include <stdio.h>
#include <kn/format.h>

int sprintf(char *__restrict s, const char *__restrict fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int r = kn_vsnprintf(s, SIZE_MAX, fmt, ap);
	va_end(ap);
	return r;
}
