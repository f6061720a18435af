/* Shared between the boot library's files only. */
#ifndef KN_BOOT_INTERNAL_H
#define KN_BOOT_INTERNAL_H

#define KN_BOOT_MAX_KERNEL_ARGS 64

/* Splits the command line: "kernel params -- app args". Without "--" every
 * word is an application argument. Quotes ("a b") group words. */
int kn_boot_split_cmdline(const char *cmdline, char **kargv, int kmax, int *kargc, char **argv,
			  int amax);
/* Applies one "lib.name=value" word; returns 0 or -1 (reported). */
int kn_boot_apply_param(const char *word);

/* Whether a kernel word is an environment entry (NAME=VALUE, no '.' in
 * NAME) rather than a parameter. */
int kn_boot_is_env_word(const char *word);
/* Builds the environment once parameters are applied: the defaults,
 * libc.env, then these words in order. */
void kn_boot_env_finish(char **words, int count);

#endif
