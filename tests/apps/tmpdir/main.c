/* What programs take for granted on Linux: a writable /tmp (mode 1777)
 * and a home directory at $HOME. Prints each step's result. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static int round_trip(const char *path)
{
	char line[64] = "";
	FILE *f = fopen(path, "w");
	if (!f || fputs("kept\n", f) < 0 || fclose(f))
		return -1;
	f = fopen(path, "r");
	if (!f || !fgets(line, sizeof(line), f) || fclose(f))
		return -1;
	return strcmp(line, "kept\n") ? -1 : 0;
}

int main(void)
{
	struct stat st;
	char path[256];
	const char *home = getenv("HOME");

	if (stat("/tmp", &st) == 0)
		printf("/tmp mode %o\n", (unsigned)st.st_mode);
	printf("/tmp/x: %s\n", round_trip("/tmp/x") ? "failed" : "written and read");
	if (home && stat(home, &st) == 0)
		printf("HOME %s mode %o\n", home, (unsigned)st.st_mode);
	snprintf(path, sizeof(path), "%s/.history", home ? home : "");
	printf("$HOME/.history: %s\n", round_trip(path) ? "failed" : "written and read");
	return 0;
}
