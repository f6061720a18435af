/* When main returns, boot ends the image with kn_exit, not musl's exit():
 * this teardown step does what exit() would have done first, so atexit
 * handlers run and stdio buffers reach their files either way. After an
 * explicit exit() both steps find nothing left to do. */
#include <kn/compiler.h>
#include <kn/init.h>

/* musl's exit steps; weak (link-time optional: members of libc.a), so an
 * app that never registers an atexit handler or uses stdio does not pull
 * that code in (as musl's own exit does). */
KN_WEAK void __funcs_on_exit(void);
KN_WEAK void __stdio_exit(void);

static void musl_exit(void)
{
	if (__funcs_on_exit)
		__funcs_on_exit();
	if (__stdio_exit)
		__stdio_exit();
}
KN_FINI(musl_exit, KN_INIT_LATE, 90);
