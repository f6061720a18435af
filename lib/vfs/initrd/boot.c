/* The boot step: the platform's initrd, if any, unpacked into the root
 * filesystem after ramfs is mounted (KN_INIT_FS 10) and before devfs
 * (50), so an archive cannot hide /dev. A corrupt archive stops the boot
 * with one line naming the offset and the cause: an app that expects its
 * files must not start with half of them. */
#include <kn/console.h>
#include <kn/init.h>
#include <kn/panic.h>
#include <kn/param.h>
#include <kn/plat.h>
#include <kn/vfs.h>
#include "initrd.h"

static int verbose;
KN_PARAM(initrd, verbose, KN_PARAM_BOOL, verbose,
	 "print what the initrd unpacked (directories, files, symlinks, bytes)");

static KN_NORETURN void stop(const struct kn_cpio_error *e)
{
	kn_printk("kn: initrd: ");
	if (e->name)
		kn_printk("%s: ", e->name);
	kn_printk("%s", e->what);
	if (e->errnum)
		kn_printk(" (error %d)", e->errnum);
	kn_printk(" at offset %lu (%s)\n", (unsigned long)e->offset, e->hint);
	kn_plat_exit(KN_EXIT_PANIC);
}

static int kn_initrd_boot(void)
{
	const void *base;
	size_t len;
	struct kn_cpio_error err;
	struct kn_initrd_stats st;

	if (kn_plat_initrd(&base, &len))
		return 0;
	if (!kn_vfs_has_root()) {
		kn_printk("kn: initrd: nothing is mounted at /; add vfs-ramfs to the image\n");
		kn_plat_exit(KN_EXIT_PANIC);
	}
	if (kn_initrd_unpack(base, len, &err, &st))
		stop(&err);
	if (verbose)
		kn_printk("kn: initrd: %lu bytes: %lu directories, %lu files (%lu bytes), "
			  "%lu symlinks, %lu hard links, %lu skipped\n",
			  (unsigned long)len, st.dirs, st.files, (unsigned long)st.bytes,
			  st.symlinks, st.hardlinks, st.skipped);
	return 0;
}
KN_INIT(kn_initrd_boot, KN_INIT_FS, 20);
