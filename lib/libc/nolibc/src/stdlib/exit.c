#include <stdlib.h>
#include <kn/boot.h>
#include <kn/init.h>
#include "../internal/nolibc.h"

/* C guarantees room for at least 32 handlers. */
#define ATEXIT_MAX 32

static void (*handlers[ATEXIT_MAX])(void);
static int nhandlers;

int atexit(void (*fn)(void))
{
	if (nhandlers == ATEXIT_MAX)
		return -1;
	handlers[nhandlers++] = fn;
	return 0;
}

/* Runs as teardown work of kn_exit(), so returning from main (boot calls
 * kn_exit) and exit() both run the handlers, in reverse order of
 * registration, then flush stdio. A handler that calls exit again only
 * runs the handlers still left. */
static void nl_run_exit_handlers(void)
{
	while (nhandlers > 0)
		handlers[--nhandlers]();
	__nl_stdio_flush_all();
}
KN_FINI(nl_run_exit_handlers, KN_INIT_LIB, 50);

void exit(int code)
{
	kn_exit(code);
}
