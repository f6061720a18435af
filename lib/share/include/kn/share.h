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
/* The implementation's filesystem type (registered with the VFS by
 * KN_INIT_FS), mounted with kn_vfs_mount(kn_share_fstype, SOURCE,
 * GUESTPATH, &read_only) where read_only is an int. */
extern const char kn_share_fstype[];

/* Appends an entry ("." and ".." are skipped: vfs-core adds them);
 * 0, -KN_ENOMEM, or -KN_EIO for a name longer than KN_NAME_MAX. */
int kn_share_dirlist_add(struct kn_share_dirlist *l, const char *name, size_t len, uint64_t ino,
			 uint8_t type);
/* readdir's answer from the list: 1 and *out, or 0 past the end. */
int kn_share_dirlist_get(const struct kn_share_dirlist *l, uint64_t index, struct kn_dirent *out);
void kn_share_dirlist_free(struct kn_share_dirlist *l);
KN_API_END

#endif
