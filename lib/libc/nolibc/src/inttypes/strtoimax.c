#include <inttypes.h>
#include <stdlib.h>

intmax_t strtoimax(const char *__restrict s, char **__restrict end, int base)
{
	return strtoll(s, end, base);
}

uintmax_t strtoumax(const char *__restrict s, char **__restrict end, int base)
{
	return strtoull(s, end, base);
}
