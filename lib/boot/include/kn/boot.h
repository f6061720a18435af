/* What the platform hands to the boot library, and what boot offers back. */
#ifndef KN_BOOT_H
#define KN_BOOT_H

#include <stdint.h>
#include <kn/compiler.h>

KN_API_BEGIN
/* Called by the platform once its hardware is up (console, memory map, time,
 * interrupts). Parses kernel parameters, runs the init table and
 * constructors, starts main() (on a scheduler thread when a scheduler is in
 * the image) and exits with main's return value. */
KN_NORETURN void kn_boot(void);

/* Runs teardown and leaves the unikernel with `code` (0..127 on QEMU). */
KN_NORETURN void kn_exit(int code);

/* A libc whose exit() has work of its own (atexit handlers, stdio) defines
 * this as its exit(): returning from main is exit(status) in C, so boot
 * calls it on main's thread when main returns. Without one, boot calls
 * kn_exit. _exit() and exit_group end in kn_exit and never run it, so the
 * libc's exit steps run once, and never after _exit(). */
KN_WEAK KN_NORETURN void kn_libc_exit(int status);

/* The application's environment, NULL-terminated "NAME=VALUE" strings,
 * ready before the init table runs: PATH and HOME as docker sets them,
 * replaced or extended by NAME=VALUE words before "--" on the command line
 * (kiln run -e, [run] env). The libc hands it to the app. */
char **kn_boot_environ(void);
/* At most this many entries (more are dropped with a warning). */
#define KN_BOOT_MAX_ENV 80

/* Boot timestamps in nanoseconds of monotonic time: the platform sets
 * first_insn (converted from the TSC read by the very first instruction);
 * boot fills main when main() is entered. Printed with boot.trace=1. */
struct kn_boot_times {
	uint64_t first_insn_tsc; /* raw TSC at the first instruction (0 if n/a) */
	uint64_t main_tsc;       /* raw TSC when main() is called */
	uint64_t tsc_hz;         /* TSC frequency used to convert them */
};
extern struct kn_boot_times kn_boot_times;
KN_API_END

#endif
