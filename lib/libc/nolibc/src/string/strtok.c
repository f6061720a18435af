#include <string.h>

char *strtok(char *__restrict s, const char *__restrict delim)
{
	static char *save;
	if (!s && !save)
		return NULL;
	return strtok_r(s, delim, &save);
}
