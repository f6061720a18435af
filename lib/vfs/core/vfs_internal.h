/* vfs-core internals: what its files (the path walk and mounts in vfs.c,
 * the fd table in fd.c, the syscalls grouped by concern in the others)
 * share with each other and nothing outside the library sees. */
#ifndef KN_VFS_INTERNAL_H
#define KN_VFS_INTERNAL_H
#include <kn/vfs.h>

struct kn_mount {
	struct kn_vnode *covered; /* NULL for "/" */
	struct kn_vnode *root;
	int id;
};

#define WALK_FOLLOW 1 /* follow a symlink in the last component */

/* Walks path from dirfd to a referenced vnode. */
int kn_vfs_walk(int dirfd, const char *path, int flags, struct kn_vnode **out);
/* Walks all but the last component: a referenced directory and the last
 * name (NUL-terminated, may be "." or ".."). *trail is set when the path
 * ends with '/'. */
int kn_vfs_walk_parent(int dirfd, const char *path, struct kn_vnode **dir, char *name, int *trail);
/* chmod through the vnode's filesystem (07777 bits). */
int kn_vfs_chmod(struct kn_vnode *vn, uint32_t mode);
/* chown's effect for the one owner: clears setuid/setgid, moves ctime. */
int kn_vfs_chown(struct kn_vnode *vn);
struct kn_vnode *kn_vfs_cwd(void);
struct kn_vnode *kn_vfs_root(void); /* not referenced */
void kn_vfs_set_cwd(struct kn_vnode *vn);
int kn_vfs_getattr(struct kn_vnode *vn, struct kn_stat *st);
/* After a change to a file's data (mapped.c): tells shared mappings.
 * kn_vfs_truncate needs vn->ops->truncate. */
void kn_vfs_note_write(struct kn_vnode *vn, uint64_t off, const void *buf, size_t n);
int kn_vfs_truncate(struct kn_vnode *vn, uint64_t size);
int kn_vfs_is_root(struct kn_vnode *vn);
/* ".." of vn across mounts, referenced. */
int kn_vfs_parent(struct kn_vnode *vn, struct kn_vnode **out);
int kn_vfs_strcmp(const char *a, const char *b);
/* The process's umask (vfs.c), applied to the mode of a new file. */
uint32_t kn_vfs_umask(void);
/* Pipes and sockets have no file position: positioned I/O and lseek
 * fail on them. */
int kn_vfs_unseekable(struct kn_file *f);
/* One read or write at an offset with the descriptor's access checks;
 * append moves *off to the end of a regular file first. */
long kn_vfs_read_at(struct kn_file *f, void *buf, size_t n, uint64_t off);
long kn_vfs_write_at(struct kn_file *f, const void *buf, size_t n, uint64_t *off, int append);
#endif
