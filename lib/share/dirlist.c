/* Directory listings for share implementations (kn/share.h). */
#include <kn/alloc.h>
#include <kn/errno.h>
#include <kn/share.h>

int kn_share_dirlist_add(struct kn_share_dirlist *l, const char *name, size_t len, uint64_t ino,
			 uint8_t type)
{
	if ((len == 1 && name[0] == '.') || (len == 2 && name[0] == '.' && name[1] == '.'))
		return 0;
	if (len > KN_NAME_MAX)
		return -KN_EIO;
	if (l->n == l->cap) {
		uint64_t cap = l->cap ? l->cap * 2 : 16;
		struct kn_dirent *e = kn_realloc(l->ents, cap * sizeof(*e));
		if (!e)
			return -KN_ENOMEM;
		l->ents = e;
		l->cap = cap;
	}
	struct kn_dirent *e = &l->ents[l->n++];
	e->ino = ino;
	e->type = type;
	__builtin_memcpy(e->name, name, len);
	e->name[len] = 0;
	return 0;
}

int kn_share_readdir(struct kn_share_dirlist *l, uint64_t index, struct kn_dirent *out,
		     int (*load)(struct kn_vnode *dir), struct kn_vnode *dir)
{
	if (index == 0 || !l->ents) {
		int r = load(dir);
		if (r)
			return r;
	}
	if (index >= l->n)
		return 0;
	*out = l->ents[index];
	return 1;
}

void kn_share_dirlist_free(struct kn_share_dirlist *l)
{
	kn_free(l->ents);
	*l = (struct kn_share_dirlist){0};
}
