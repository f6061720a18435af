/* kn_panic: say what went wrong, where, and leave with KN_EXIT_PANIC. */
#include <stdarg.h>
#include <kn/console.h>
#include <kn/panic.h>
#include <kn/plat.h>

void kn_panic(const char *fmt, ...)
{
	static int in_panic;
	if (in_panic++)
		kn_plat_exit(KN_EXIT_PANIC); /* a panic while panicking */
	va_list ap;
	va_start(ap, fmt);
	kn_printk("kn: panic: ");
	kn_vprintk(fmt, ap);
	kn_printk("\n");
	va_end(ap);
	kn_plat_backtrace(__builtin_frame_address(0));
	kn_plat_exit(KN_EXIT_PANIC);
}
