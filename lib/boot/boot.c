/* From the platform's hand-off to main() and back out. */
#include <kn/arch.h>
#include <kn/boot.h>
#include <kn/config.h>
#include <kn/console.h>
#include <kn/init.h>
#include <kn/panic.h>
#include <kn/param.h>
#include <kn/plat.h>
#include <kn/sched.h>
#include <kn/time.h>
#include "internal.h"

extern const struct kn_init_entry __kn_init_start[], __kn_init_end[];
extern const struct kn_fini_entry __kn_fini_start[], __kn_fini_end[];
extern void (*const __init_array_start[])(void), (*const __init_array_end[])(void);

/* The application's entry point. */
int main(int argc, char *argv[]);

struct kn_boot_times kn_boot_times;

static int boot_trace;
KN_PARAM(boot, trace, KN_PARAM_BOOL, boot_trace,
	 "print boot timing (first instruction to main) and each init step");

static char *app_argv[CONFIG_BOOT_MAX_ARGS + 1];
/* argv[0] as an array, not the literal: C (5.1.2.2.1) lets a program write
 * into its argv strings, and programs do (Redis's setproctitle rewrites
 * argv[0] in place), which would fault on a read-only literal. */
static char app_name[] = CONFIG_APP_NAME;
static int app_argc;

static uint64_t tsc_to_us(uint64_t cycles)
{
	return cycles * 1000000 / kn_boot_times.tsc_hz;
}

/* Runs the init table's entries from *next on, up to the first of class
 * `stop` (the table is sorted by class); *next is left there. */
static void run_init_table(const struct kn_init_entry **next, int stop)
{
	const struct kn_init_entry *e;
	for (e = *next; e < __kn_init_end && e->cls != stop; e++) {
		uint64_t t0 = boot_trace ? kn_time_monotonic_ns() : 0;
		int rc = e->fn();
		if (boot_trace)
			kn_printk("kn: boot: init %s: %lu us\n", e->name,
				  (unsigned long)((kn_time_monotonic_ns() - t0) / 1000));
		if (rc < 0)
			kn_panic("init step %s failed (error %d)", e->name, -rc);
	}
	*next = e;
}

static const struct kn_init_entry *kn_boot_next_init = __kn_init_start;

/* Never inlined, with or without a scheduler: crash backtraces name it,
 * and bench/boot_time.py stops its instruction count at its entry. */
static KN_NOINLINE void *main_thread(void *arg)
{
	if (boot_trace) {
		kn_boot_times.main_tsc = kn_arch_rdtsc();
		uint64_t first = kn_boot_times.first_insn_tsc;
		uint64_t cycles = first ? kn_boot_times.main_tsc - first : 0;
		if (kn_boot_times.tsc_hz)
			kn_printk("kn: boot: first instruction to main: %lu cycles, %lu us\n",
				  (unsigned long)cycles, (unsigned long)tsc_to_us(cycles));
		else /* linuxu: the host knows the TSC rate, we do not */
			kn_printk("kn: boot: first instruction to main: %lu cycles\n",
				  (unsigned long)cycles);
	}
	run_init_table(&kn_boot_next_init, 0); /* the rest: class THREAD */
	int status = main(app_argc, app_argv);
	if (kn_libc_exit)
		kn_libc_exit(status);
	return (void *)(long)status;
}

void kn_boot(void)
{
	char *kargv[KN_BOOT_MAX_KERNEL_ARGS];
	int kargc;
	app_argv[0] = app_name;
	app_argc = 1 + kn_boot_split_cmdline(kn_plat_cmdline(), kargv, KN_ARRAY_SIZE(kargv), &kargc,
					     app_argv + 1, CONFIG_BOOT_MAX_ARGS - 1);
	app_argv[app_argc] = NULL;
	int envc = 0;
	for (int i = 0; i < kargc; i++) {
		if (kn_boot_is_env_word(kargv[i]))
			kargv[envc++] = kargv[i]; /* kargv[i] is done with */
		else
			kn_boot_apply_param(kargv[i]);
	}
	kn_boot_env_finish(kargv, envc);

	run_init_table(&kn_boot_next_init, KN_INIT_THREAD);
	for (void (*const *c)(void) = __init_array_start; c < __init_array_end; c++)
		(*c)();

#ifdef CONFIG_HAVE_SCHED
	/* The scheduler is optional (uses): with one, main runs on its own
	 * thread; otherwise on the boot stack. */
	void *ret = kn_sched_run_main(main_thread, NULL, 0);
#else
	void *ret = main_thread(NULL);
#endif
	kn_exit((int)(long)ret);
}

void kn_exit(int code)
{
	for (const struct kn_fini_entry *e = __kn_fini_end; e-- > __kn_fini_start;)
		e->fn();
	kn_plat_exit(code);
}
