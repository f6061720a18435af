/* The initrd of a linuxu image: a host file named by the linuxu.initrd=PATH
 * kernel parameter (`kiln run --plat linuxu` passes build/linuxu/initrd.cpio
 * or --initrd), mapped read-only and private. A path that cannot be read
 * stops the boot: the app was meant to have its files. */
#include <kn/console.h>
#include <kn/panic.h>
#include <kn/param.h>
#include <kn/plat.h>
#include "linuxu.h"

#define O_RDONLY 0
#define O_CLOEXEC 02000000
#define SEEK_END 2
#define PROT_READ 1
#define MAP_PRIVATE 0x02

static const char *initrd_path;
KN_PARAM(linuxu, initrd, KN_PARAM_STR, initrd_path,
	 "host file to use as the initrd (a cpio newc archive)");

static KN_NORETURN void cannot(const char *what, long rc)
{
	kn_printk("kn: linuxu: cannot %s the initrd %s (error %ld); check the path given "
		  "to kiln run --initrd\n",
		  what, initrd_path, -rc);
	kn_plat_exit(KN_EXIT_PANIC);
}

static const void *map_initrd(size_t *len)
{
	long fd = kn_linuxu_syscall(KN_SYS_open, initrd_path, O_RDONLY | O_CLOEXEC, 0);
	if (fd < 0)
		cannot("open", fd);
	long size = kn_linuxu_syscall(KN_SYS_lseek, fd, 0, SEEK_END);
	if (size < 0)
		cannot("measure", size);
	/* An empty file maps nothing; the unpacker then reports that the
	 * archive has no trailer. */
	static const char empty[1];
	const void *base = empty;
	if (size > 0) {
		long p = kn_linuxu_syscall6(KN_SYS_mmap, 0, size, PROT_READ, MAP_PRIVATE, fd, 0);
		if (p < 0 && p > -4096)
			cannot("map", p);
		base = (const void *)p;
	}
	kn_linuxu_syscall(KN_SYS_close, fd, 0, 0);
	*len = (size_t)size;
	return base;
}

int kn_plat_initrd(const void **base, size_t *len)
{
	static const void *mapped;
	static size_t mapped_len;

	if (!initrd_path || !*initrd_path)
		return -1;
	if (!mapped)
		mapped = map_initrd(&mapped_len);
	*base = mapped;
	*len = mapped_len;
	return 0;
}
