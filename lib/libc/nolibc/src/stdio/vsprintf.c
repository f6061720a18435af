#include <stdint.h>
#include <stdio.h>
#include <kn/format.h>

int vsprintf(char *__restrict s, const char *__restrict fmt, va_list ap)
{
	return kn_vsnprintf(s, SIZE_MAX, fmt, ap);
}
