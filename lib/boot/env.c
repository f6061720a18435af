/* The application's environment, built at boot: a default as docker gives
 * a container (PATH and HOME), then libc.env's entries, then every
 * NAME=VALUE word of the command line before "--" whose name has no '.'
 * (as Linux hands such words to init). A later entry replaces an earlier
 * one of the same name. */
#include <kn/boot.h>
#include <kn/console.h>
#include <kn/param.h>
#include "internal.h"

static char default_path[] = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
static char default_home[] = "HOME=/root";

/* Kept for command lines written before NAME=VALUE words: entries
 * separated by ',' (so no value can hold a comma). */
static const char *env_list = "";
KN_PARAM(libc, env, KN_PARAM_STR, env_list,
	 "more environment: NAME=VALUE entries separated by ','");

static char *environ_table[KN_BOOT_MAX_ENV + 1];
static unsigned environ_count;
static int dropped;

static size_t name_len(const char *entry)
{
	size_t n = 0;
	while (entry[n] && entry[n] != '=')
		n++;
	return n;
}

static int same_name(const char *a, const char *b, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (a[i] != b[i])
			return 0;
	return b[n] == '=' || b[n] == '\0';
}

/* Adds or replaces one NAME=VALUE entry (kept by reference: it lives in
 * boot's copy of the command line). */
static void env_put(char *entry)
{
	size_t n = name_len(entry);
	for (unsigned i = 0; i < environ_count; i++)
		if (same_name(entry, environ_table[i], n)) {
			environ_table[i] = entry;
			return;
		}
	if (environ_count < KN_BOOT_MAX_ENV)
		environ_table[environ_count++] = entry;
	else
		dropped++;
}

int kn_boot_is_env_word(const char *word)
{
	size_t n = name_len(word);
	if (!n || !word[n])
		return 0;
	for (size_t i = 0; i < n; i++)
		if (word[i] == '.')
			return 0;
	return 1;
}

/* libc.env's value points into boot's copy of the command line, so it
 * can be cut in place. */
static void env_split_list(void)
{
	char *start = (char *)env_list;
	for (char *p = start;; p++) {
		if (*p != ',' && *p)
			continue;
		int end = !*p;
		*p = '\0';
		if (name_len(start) && start[name_len(start)])
			env_put(start);
		if (end)
			break;
		start = p + 1;
	}
}

void kn_boot_env_finish(char **words, int count)
{
	env_put(default_path);
	env_put(default_home);
	if (*env_list)
		env_split_list();
	for (int i = 0; i < count; i++)
		env_put(words[i]);
	if (dropped)
		kn_printk("kn: warning: %d environment entries dropped (at most %d)\n", dropped,
			  KN_BOOT_MAX_ENV);
	environ_table[environ_count] = NULL;
}

char **kn_boot_environ(void)
{
	return environ_table;
}
