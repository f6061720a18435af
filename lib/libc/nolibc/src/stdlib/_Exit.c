#include <stdlib.h>
#include <kn/boot.h>

void _Exit(int code)
{
	kn_exit(code);
}
