/* procfs: /proc/self/stat, in Linux's format, for programs that learn
 * their own size from it (Redis reads its resident set size there every
 * 100 ms for INFO memory and its fragmentation figures; without the file
 * it takes 0 and reports nonsense). The one process is pid 1, so /proc/1
 * is /proc/self. Files are made on each read, as Linux does, from the
 * allocator's statistics and the clock. */
#include <kn/alloc.h>
#include <kn/config.h>
#include <kn/errno.h>
#include <kn/format.h>
#include <kn/init.h>
#include <kn/time.h>
#include <kn/vfs.h>
#ifdef CONFIG_LIB_POSIX_THREAD
#include <kn/posix_thread.h>
#endif

enum { PROC_ROOT, PROC_SELF, PROC_STAT, PROC_COUNT };

static const struct kn_vnode_ops procfs_ops;
static struct kn_vnode nodes[PROC_COUNT];

#define PAGE 4096
/* Linux's USER_HZ: stat's times are in these ticks. */
#define TICKS_PER_SEC 100

static int idx(struct kn_vnode *vn)
{
	return (int)(vn - nodes);
}

static int is_name(const char *name, size_t len, const char *want)
{
	return __builtin_strlen(want) == len && !__builtin_memcmp(name, want, len);
}

static int p_lookup(struct kn_vnode *dir, const char *name, size_t len, struct kn_vnode **out)
{
	if (is_name(name, len, "..")) {
		*out = &nodes[PROC_ROOT];
		return 0;
	}
	if (idx(dir) == PROC_ROOT && (is_name(name, len, "self") || is_name(name, len, "1"))) {
		*out = &nodes[PROC_SELF];
		return 0;
	}
	if (idx(dir) == PROC_SELF && is_name(name, len, "stat")) {
		*out = &nodes[PROC_STAT];
		return 0;
	}
	return -KN_ENOENT;
}

static int thread_count(void)
{
#ifdef CONFIG_LIB_POSIX_THREAD
	return kn_posix_thread_count();
#else
	return 1;
#endif
}

/* The 52 fields of proc(5), man page order. Memory: the heap is the
 * process's whole address space (vsize) and what is allocated of it is
 * resident (rss, in pages): nothing is swapped or mapped lazily. Time: the
 * process started at boot and every tick since is its user time, as
 * getrusage says. */
static int format_stat(char *buf, size_t size)
{
	struct kn_alloc_stats st;
	kn_alloc_stats(&st);
	unsigned long used = (unsigned long)(st.total - st.free);
	unsigned long ticks =
		(unsigned long)(kn_time_monotonic_ns() / (KN_NSEC_PER_SEC / TICKS_PER_SEC));
	return kn_snprintf(buf, size,
			   "1 (%.15s) R 0 1 1 0 -1 4194560 0 0 0 0 %lu 0 0 0 20 0 %d 0 0 %lu %lu "
			   "18446744073709551615 0 0 0 0 0 0 0 0 0 0 0 0 17 0 0 0 0 0 0 0 0 0 0 0 "
			   "0 0 0\n",
			   CONFIG_APP_NAME, ticks, thread_count(), (unsigned long)st.total,
			   (used + PAGE - 1) / PAGE);
}

static long p_read(struct kn_vnode *vn, struct kn_file *f, void *buf, size_t n, uint64_t off)
{
	if (idx(vn) != PROC_STAT)
		return -KN_EISDIR;
	char text[512];
	int len = format_stat(text, sizeof(text));
	if (len < 0 || off >= (uint64_t)len)
		return 0;
	size_t left = (size_t)len - (size_t)off;
	size_t k = n < left ? n : left;
	__builtin_memcpy(buf, text + off, k);
	return (long)k;
}

static int p_getattr(struct kn_vnode *vn, struct kn_stat *st)
{
	int i = idx(vn);
	st->st_ino = (uint64_t)i + 1;
	st->st_mode = vn->mode | (i == PROC_STAT ? 0444 : 0555);
	st->st_nlink = i == PROC_STAT ? 1 : 2;
	st->st_size = 0; /* as on Linux: the text is made when read */
	st->st_blksize = 1024;
	return 0;
}

static int p_readdir(struct kn_vnode *dir, uint64_t index, struct kn_dirent *out)
{
	if (index > 0)
		return 0;
	int child = idx(dir) == PROC_ROOT ? PROC_SELF : PROC_STAT;
	const char *name = child == PROC_SELF ? "self" : "stat";
	out->ino = (uint64_t)child + 1;
	out->type = child == PROC_SELF ? KN_DT_DIR : KN_DT_REG;
	__builtin_memcpy(out->name, name, __builtin_strlen(name) + 1);
	return 1;
}

static const struct kn_vnode_ops procfs_ops = {
	.lookup = p_lookup,
	.read = p_read,
	.getattr = p_getattr,
	.readdir = p_readdir,
};

static int procfs_mount(const char *source, void *data, struct kn_vnode **root)
{
	*root = &nodes[PROC_ROOT];
	return 0;
}

static struct kn_fs_type procfs_type = {.name = "proc", .mount = procfs_mount};

static int procfs_boot(void)
{
	for (int i = 0; i < PROC_COUNT; i++) {
		nodes[i].ops = &procfs_ops;
		nodes[i].mode = i == PROC_STAT ? KN_S_IFREG : KN_S_IFDIR;
		nodes[i].refs = 1; /* static: never released */
	}
	int r = kn_vfs_register_fs(&procfs_type);
	if (r || !kn_vfs_has_root())
		return r; /* no root to hang /proc on: the type stays mountable */
	r = kn_sys_mkdir("/proc", 0555);
	if (r && r != -KN_EEXIST)
		return r;
	return kn_vfs_mount("proc", "", "/proc", 0);
}
KN_INIT(procfs_boot, KN_INIT_FS, 60);
