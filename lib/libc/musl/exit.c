/* Returning from main is exit(status) in C (5.1.2.2.3), so boot hands
 * main's value to musl's own exit(): atexit handlers, then stdio buffers
 * reach their files, then _Exit ends the image through exit_group.
 *
 * Not a teardown step of kn_exit: musl's exit steps leave their locks held
 * (the atexit list's and the open-file list's, so that no thread can
 * register or open anything while the process dies), so a second pass
 * after an explicit exit() would wait forever once the program has threads
 * (Redis's exit after SHUTDOWN did), and _exit() must not flush stdio. */
#include <kn/boot.h>

_Noreturn void exit(int status);

void kn_libc_exit(int status)
{
	exit(status);
}
