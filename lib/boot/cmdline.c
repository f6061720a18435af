/* Command-line splitting: one copy of the line, cut into words in place. */
#include <kn/config.h>
#include <kn/console.h>
#include "internal.h"

static char cmdline_copy[CONFIG_BOOT_CMDLINE_SIZE];

static int is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Cuts the next word out of *p (in place), honouring double quotes and
 * the two escapes \" and \\ (so a word can hold a quote; kiln run and
 * linuxu write them). Any other backslash is kept as it is. Returns NULL
 * at the end of the line. */
static char *next_word(char **p)
{
	char *s = *p;
	while (is_space(*s))
		s++;
	if (!*s)
		return NULL;
	char *word = s, *out = s;
	int quoted = 0;
	for (; *s && (quoted || !is_space(*s)); s++) {
		if (s[0] == '\\' && (s[1] == '"' || s[1] == '\\'))
			*out++ = *++s;
		else if (*s == '"')
			quoted = !quoted;
		else
			*out++ = *s;
	}
	if (*s)
		s++;
	*out = '\0';
	*p = s;
	return word;
}

/* QEMU's microvm appends its virtio-mmio devices to the command line
 * ("virtio_mmio.device=512@0xfeb00e00:12", as Linux reads them), so they
 * land after "--" among the app's words. Trailing words of that form are
 * moved back to the kernel parameters, in their order. */
static int is_vmm_word(const char *w)
{
	static const char prefix[] = "virtio_mmio.device=";
	for (unsigned i = 0; i < sizeof(prefix) - 1; i++)
		if (w[i] != prefix[i])
			return 0;
	return 1;
}

static int take_vmm_words(char **argv, int argc, char **kargv, int kmax, int *kargc, int *kdropped)
{
	int first = argc;
	while (first > 0 && is_vmm_word(argv[first - 1]))
		first--;
	for (int i = first; i < argc; i++) {
		if (*kargc < kmax)
			kargv[(*kargc)++] = argv[i];
		else
			(*kdropped)++;
	}
	return first;
}

int kn_boot_split_cmdline(const char *cmdline, char **kargv, int kmax, int *kargc, char **argv,
			  int amax)
{
	size_t n = 0;
	while (cmdline[n] && n + 1 < sizeof(cmdline_copy)) {
		cmdline_copy[n] = cmdline[n];
		n++;
	}
	cmdline_copy[n] = '\0';
	if (cmdline[n])
		kn_printk("kn: warning: command line longer than %d bytes, cut\n",
			  CONFIG_BOOT_CMDLINE_SIZE);

	/* A first pass finds "--": without it, every word is for the app. */
	int has_separator = 0;
	for (const char *s = cmdline_copy; *s; s++)
		if (s[0] == '-' && s[1] == '-' && (s == cmdline_copy || is_space(s[-1])) &&
		    (!s[2] || is_space(s[2])))
			has_separator = 1;

	char *p = cmdline_copy, *w;
	int argc = 0, kdropped = 0, adropped = 0;
	*kargc = 0;
	while (has_separator && (w = next_word(&p))) {
		if (w[0] == '-' && w[1] == '-' && !w[2])
			break;
		if (*kargc < kmax)
			kargv[(*kargc)++] = w;
		else
			kdropped++;
	}
	while ((w = next_word(&p))) {
		if (argc < amax)
			argv[argc++] = w;
		else
			adropped++;
	}
	argc = take_vmm_words(argv, argc, kargv, kmax, kargc, &kdropped);
	if (kdropped)
		kn_printk("kn: warning: %d kernel parameters dropped (at most %d)\n", kdropped,
			  kmax);
	if (adropped)
		kn_printk("kn: warning: %d application arguments dropped (raise BOOT_MAX_ARGS)\n",
			  adropped);
	return argc;
}
