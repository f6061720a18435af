#include <ctype.h>

int tolower(int c)
{
	return isupper(c) ? c | 0x20 : c;
}
int toupper(int c)
{
	return islower(c) ? c & ~0x20 : c;
}
