/* The unikernel's exit code is the process's exit status. */
#include <kn/plat.h>
#include "linuxu.h"

void kn_linuxu_exit_group(int code)
{
	for (;;)
		kn_linuxu_syscall(KN_SYS_exit_group, code, 0, 0);
}

void kn_plat_exit(int code)
{
	kn_linuxu_exit_group(code);
}
