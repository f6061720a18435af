#include <unistd.h>
#include <kn/boot.h>

void _exit(int code)
{
	kn_exit(code);
}
