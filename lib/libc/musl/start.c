/* Starts musl the way its __libc_start_main would, but on Kiln's boot: the
 * kernel has already run constructors and will call main on its own
 * thread, so only __init_libc is left. It needs what Linux puts on a new
 * process's stack: argv, envp and the auxiliary vector.
 *
 * The auxiliary vector is synthetic. AT_PHDR points at one PT_TLS program
 * header built from the link script's .tdata/.tbss symbols: on kvm the
 * image's own headers are not reliably in memory, and the platforms' link
 * scripts emit no PT_TLS, so this is the one source of the TLS template for
 * both platforms. __init_libc then sets up the main thread's TLS and thread
 * pointer (arch_prctl, i.e. posix-thread). */
#include <elf.h>
#include <stdint.h>
#include <kn/boot.h>
#include <kn/config.h>
#include <kn/init.h>
#include <kn/posix_process.h>

/* musl's internal start-up and exit steps (hidden, linked statically). */
void __init_libc(char **envp, char *pn);

/* From the platforms' link scripts. */
extern const char __kn_tdata_start[], __kn_tdata_end[], __kn_tbss_end[];
extern const char __kn_tls_align[];

static char prog_name[] = CONFIG_APP_NAME;
static Elf64_Phdr tls_phdr;
static unsigned char at_random[16];

/* The process stack musl expects after argc/argv: envp, NULL, auxv. */
static char *start_block[KN_BOOT_MAX_ENV + 1 + 2 * 16];

/* Fills at_random, from which musl seeds its stack-protector canary and
 * malloc's secrets: from posix-process's generator, as Linux gives a new
 * process 16 bytes of its own. */
static void fill_random(void)
{
	kn_random_bytes(at_random, sizeof(at_random));
}

/* Copies boot's environment into start_block; returns its length. */
static unsigned copy_env(void)
{
	char **env = kn_boot_environ();
	unsigned n = 0;
	while (env[n] && n < KN_BOOT_MAX_ENV) {
		start_block[n] = env[n];
		n++;
	}
	return n;
}

static int musl_start(void)
{
	unsigned n = copy_env();
	uintptr_t *aux;

	start_block[n] = 0;
	aux = (uintptr_t *)&start_block[n + 1];
	tls_phdr.p_type = PT_TLS;
	tls_phdr.p_flags = PF_R;
	tls_phdr.p_vaddr = tls_phdr.p_paddr = (uintptr_t)__kn_tdata_start;
	tls_phdr.p_filesz = (uintptr_t)(__kn_tdata_end - __kn_tdata_start);
	tls_phdr.p_memsz = (uintptr_t)(__kn_tbss_end - __kn_tdata_start);
	tls_phdr.p_align = (uintptr_t)__kn_tls_align;
	fill_random();
	*aux++ = AT_PHDR;
	*aux++ = (uintptr_t)&tls_phdr;
	*aux++ = AT_PHENT;
	*aux++ = sizeof(tls_phdr);
	*aux++ = AT_PHNUM;
	*aux++ = 1;
	*aux++ = AT_PAGESZ;
	*aux++ = 4096;
	*aux++ = AT_RANDOM;
	*aux++ = (uintptr_t)at_random;
	*aux++ = AT_EXECFN;
	*aux++ = (uintptr_t)prog_name;
	*aux++ = AT_SECURE;
	*aux++ = 0;
	*aux++ = AT_NULL;
	*aux++ = 0;
	__init_libc(start_block, prog_name);
	return 0;
}
/* Last before main: the file system (stdin/out/err) and threads exist. */
KN_INIT(musl_start, KN_INIT_LATE, 90);
