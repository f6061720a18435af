#include "stdio_impl.h"

char *fgets(char *__restrict s, int n, FILE *__restrict f)
{
	int i = 0;
	for (; i < n - 1; i++) {
		int c = fgetc(f);
		if (c == EOF)
			break;
		s[i] = (char)c;
		if (c == '\n') {
			i++;
			break;
		}
	}
	if (i == 0)
		return NULL;
	s[i] = '\0';
	return s;
}
