/* From the process entry to kn_boot(): the command line is argv[1..],
 * joined with spaces, quoted and escaped where needed, so boot parses kernel
 * parameters and application arguments exactly as on a VM. */
#include <kn/boot.h>
#include <kn/errno.h>
#include <kn/plat.h>
#include "linuxu.h"

const char kn_plat_name[] = "linuxu";

static char cmdline[8192];

/* Whether boot's splitter needs c escaped (kn_boot_split_cmdline). */
static int needs_escape(char c)
{
	return c == '"' || c == '\\';
}

static void build_cmdline(int argc, char **argv)
{
	size_t len = 0;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		int quote = !*a;
		size_t need = 1;
		for (const char *c = a; *c; c++) {
			if (*c == ' ' || *c == '\t' || *c == '\n' || *c == '\r')
				quote = 1;
			need += 1 + needs_escape(*c);
		}
		need += quote ? 2 : 0;
		if (len + need >= sizeof(cmdline))
			break; /* boot warns about what is missing */
		if (len)
			cmdline[len++] = ' ';
		if (quote)
			cmdline[len++] = '"';
		for (const char *c = a; *c; c++) {
			if (needs_escape(*c))
				cmdline[len++] = '\\';
			cmdline[len++] = *c;
		}
		if (quote)
			cmdline[len++] = '"';
	}
	cmdline[len] = '\0';
}

const char *kn_plat_cmdline(void)
{
	return cmdline;
}

unsigned long kn_plat_irq_save(void)
{
	return 0; /* nothing asynchronous reaches the unikernel */
}

void kn_plat_irq_restore(unsigned long flags)
{
}

/* A process has file descriptors, not interrupt lines: its devices (a
 * tap netdev) are read when they are ready. */
int kn_plat_irq_attach(unsigned irq, enum kn_plat_irq_trigger trigger, void (*fn)(void *arg),
		       void *arg)
{
	return -KN_ENODEV;
}

uintptr_t kn_linuxu_stack_top;

KN_NORETURN void kn_linuxu_start(long *sp)
{
	kn_linuxu_stack_top = (uintptr_t)sp;
	build_cmdline((int)sp[0], (char **)(sp + 1));
	kn_linuxu_time_init();
	kn_linuxu_crash_init();
	kn_boot();
}
