/* Prints each variable its arguments name, as NAME=[value] (brackets show
 * the value's exact ends) or NAME unset. Only getenv and printf, so it
 * builds with nolibc and musl alike. */
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char *argv[])
{
	for (int i = 1; i < argc; i++) {
		const char *value = getenv(argv[i]);
		if (value)
			printf("%s=[%s]\n", argv[i], value);
		else
			printf("%s unset\n", argv[i]);
	}
	return 0;
}
