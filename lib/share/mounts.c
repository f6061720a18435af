/* The shares the kernel command line names (kn/share.h), mounted before
 * main. */
#include <kn/console.h>
#include <kn/errno.h>
#include <kn/init.h>
#include <kn/param.h>
#include <kn/share.h>
#include <kn/vfs.h>

#define MAX_SHARES 16

static struct {
	char source[KN_PATH_MAX / 4];
	char path[KN_PATH_MAX / 4];
	int ro;
} shares[MAX_SHARES];
static unsigned nshares;

/* SOURCE:PATH[:ro], SOURCE without ':', PATH absolute. */
static int kn_share_param(const char *value)
{
	const char *colon = __builtin_strchr(value, ':');
	if (!colon || colon == value || (size_t)(colon - value) >= sizeof(shares[0].source) ||
	    colon[1] != '/' || nshares == MAX_SHARES)
		return -1;
	const char *path = colon + 1, *end = path + __builtin_strlen(path);
	int ro = end - path > 3 && !__builtin_strcmp(end - 3, ":ro");
	if (ro)
		end -= 3;
	if ((size_t)(end - path) >= sizeof(shares[0].path))
		return -1;
	__builtin_memcpy(shares[nshares].source, value, (size_t)(colon - value));
	__builtin_memcpy(shares[nshares].path, path, (size_t)(end - path));
	shares[nshares++].ro = ro;
	return 0;
}

static kn_param_fn kn_share_param_fn = kn_share_param;
KN_PARAM(share, mount, KN_PARAM_CALL, kn_share_param_fn,
	 "mounts a host share at a guest path: SOURCE:PATH, or SOURCE:PATH:ro read-only");

/* mkdir -p: a mount point may be new to the root filesystem. */
static int make_dirs(char *path)
{
	for (char *p = path + 1;; p++) {
		if (*p && *p != '/')
			continue;
		char c = *p;
		*p = 0;
		long r = kn_sys_mkdir(path, 0755);
		*p = c;
		if (r && r != -KN_EEXIST)
			return (int)r;
		if (!c)
			return 0;
	}
}

static const char *reason(int err)
{
	switch (err) {
	case -KN_ENODEV: return "the VM has no share by that name";
	case -KN_EBUSY: return "that share is mounted already";
	case -KN_ENOENT: return "no such folder";
	case -KN_ENOTDIR: return "not a folder";
	case -KN_EACCES: return "permission denied";
	default: return "failed";
	}
}

static int kn_share_register(void)
{
	return kn_vfs_register_fs(&kn_share_fs_type);
}
KN_INIT(kn_share_register, KN_INIT_FS, 40);

static int kn_share_mount_all(void)
{
	for (unsigned i = 0; i < nshares; i++) {
		int r = make_dirs(shares[i].path);
		if (!r)
			r = kn_vfs_mount(kn_share_fs_type.name, shares[i].source, shares[i].path,
					 &shares[i].ro);
		if (r) {
			kn_printk("kn: share: cannot mount %s at %s: %s (%s, error %d)\n",
				  shares[i].source, shares[i].path, reason(r),
				  kn_share_fs_type.name, -r);
			return r;
		}
	}
	return 0;
}
KN_INIT(kn_share_mount_all, KN_INIT_THREAD, 10);
