/* vfs-core: keeping shared file mappings in step with the file (see
 * kn_vfs_mapped_files in kn/vfs.h). Costs one load per write while no
 * file is mapped shared, nothing in an image without posix-mmap (uses). */
#include "vfs_internal.h"

#ifdef CONFIG_HAVE_POSIX_MMAP
static int mapped(struct kn_vnode *vn, struct kn_stat *st)
{
	return kn_vfs_mapped_files > 0 && KN_S_ISREG(vn->mode) && kn_vfs_getattr(vn, st) == 0;
}
#endif

void kn_vfs_note_write(struct kn_vnode *vn, uint64_t off, const void *buf, size_t n)
{
#ifdef CONFIG_HAVE_POSIX_MMAP
	struct kn_stat st;
	if (n && mapped(vn, &st))
		kn_vfs_mapped_written(st.st_dev, st.st_ino, off, buf, n);
#endif
}

int kn_vfs_truncate(struct kn_vnode *vn, uint64_t size)
{
	int r = vn->ops->truncate(vn, size);
#ifdef CONFIG_HAVE_POSIX_MMAP
	struct kn_stat st;
	if (!r && mapped(vn, &st))
		kn_vfs_mapped_resized(st.st_dev, st.st_ino, size);
#endif
	return r;
}
