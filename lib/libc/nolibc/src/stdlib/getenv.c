#include <stdlib.h>
#include <kn/boot.h>

/* Looks name up in boot's environment (kn/boot.h): the defaults and what
 * kiln run -e or [run] env gave. */
char *getenv(const char *name)
{
	size_t n = 0;
	while (name[n] && name[n] != '=')
		n++;
	if (!n || name[n])
		return NULL;
	for (char **e = kn_boot_environ(); *e; e++) {
		size_t i = 0;
		while (i < n && (*e)[i] == name[i])
			i++;
		if (i == n && (*e)[n] == '=')
			return *e + n + 1;
	}
	return NULL;
}
