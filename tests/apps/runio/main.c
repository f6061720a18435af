/* Writes two lines to stdout and one to stderr, then exits with the
 * status given as argv[1] (0 without one). */
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char *argv[])
{
	printf("first line\n");
	fprintf(stderr, "runio: a line on stderr\n");
	printf("second line, no CR before the LF\n");
	return argc > 1 ? atoi(argv[1]) : 0;
}
