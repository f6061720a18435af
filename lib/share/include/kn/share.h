/* The share API: host folders the guest mounts before main, the same way
 * on every platform (vfs-9pfs over virtio-9p on kvm, vfs-hostfs's
 * passthrough to the host's own files on linuxu).
 *
 * `kiln run -v HOSTDIR:GUESTPATH[:ro]` writes one kernel parameter per
 * share, `share.mount=SOURCE:GUESTPATH` or `SOURCE:GUESTPATH:ro`; SOURCE
 * names the folder as the platform reaches it (the virtio-9p mount tag,
 * the host path). The API's shared code mounts each one on main's thread
 * (KN_INIT_THREAD: a mount may wait for a device), making GUESTPATH as
 * `mkdir -p` would; a read-only share refuses every change with EROFS.
 * A share that cannot be mounted stops the boot with one line that says
 * why. */
#ifndef KN_SHARE_H
#define KN_SHARE_H

#include <stddef.h>
#include <stdint.h>
#include <kn/compiler.h>
#include <kn/vfs.h>

/* A directory's entries, read whole when readdir asks for entry 0 (both
 * servers hand out entries by cookie, the VFS asks by index). */
struct kn_share_dirlist {
	struct kn_dirent *ents;
	uint64_t n, cap;
};

KN_API_BEGIN
/* The implementation's filesystem type; the API's code registers it
 * with the VFS and mounts it with kn_vfs_mount(name, SOURCE, GUESTPATH,
 * &read_only), read_only an int. */
extern struct kn_fs_type kn_share_fs_type;

/* Appends an entry ("." and ".." are skipped: vfs-core adds them);
 * 0, -KN_ENOMEM, or -KN_EIO for a name longer than KN_NAME_MAX. */
int kn_share_dirlist_add(struct kn_share_dirlist *l, const char *name, size_t len, uint64_t ino,
			 uint8_t type);
/* A readdir op over the list: entry 0 (or a list never read) reads the
 * directory again with load(dir), which empties l->n and adds entries;
 * then 1 and *out, 0 past the end, or load's error. */
int kn_share_readdir(struct kn_share_dirlist *l, uint64_t index, struct kn_dirent *out,
		     int (*load)(struct kn_vnode *dir), struct kn_vnode *dir);
void kn_share_dirlist_free(struct kn_share_dirlist *l);
KN_API_END

#endif
