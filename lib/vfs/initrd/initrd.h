/* Internal to vfs-initrd: unpacking a newc archive into the mounted VFS. */
#ifndef KN_INITRD_H
#define KN_INITRD_H

#include <stddef.h>
#include <stdint.h>
#include "cpio.h"

struct kn_initrd_stats {
	unsigned long dirs, files, symlinks, hardlinks, skipped;
	uint64_t bytes;
};

/* Creates every entry of the archive under "/" through the kn_sys_* file
 * calls. Rules:
 *  - missing parent directories are created with mode 0755;
 *  - a later entry for the same path replaces the earlier one (a
 *    directory entry over an existing directory only sets its mode; a
 *    non-empty directory cannot be replaced by anything else: error);
 *  - modes are taken exactly (the umask is 0 while unpacking); owners
 *    and times are ignored;
 *  - regular files with c_nlink > 1 and the same (c_ino, c_dev) become
 *    hard links, the data coming from whichever entry carries it;
 *  - device nodes, fifos and sockets are skipped with a warning.
 * Returns 0, or -1 with *err filled (the first problem stops the walk;
 * what was created before it stays; err->name stays valid until the next
 * call). */
int kn_initrd_unpack(const void *base, size_t len, struct kn_cpio_error *err,
		     struct kn_initrd_stats *st);

#endif
