/* devfs: a fixed directory of character devices, mounted at /dev, and
 * descriptors 0, 1 and 2 opened on the console at boot. Descriptor 2 is
 * opened on a twin of the console that is not in the directory: the same
 * device (same stat, input, ioctls), whose writes go to the console's
 * error stream, so the host can tell the program's stderr from its
 * stdout. */
#include <kn/console.h>
#include <kn/console_input.h>
#include <kn/errno.h>
#include <kn/init.h>
#include <kn/vfs.h>
#include "devfs.h"

enum { DEV_ROOT, DEV_NULL, DEV_ZERO, DEV_RANDOM, DEV_URANDOM, DEV_CONSOLE, DEV_COUNT };
#define DEV_CONSOLE_ERR DEV_COUNT /* the twin: past the listed nodes */

static const char *const names[DEV_COUNT] = {"", "null", "zero", "random", "urandom", "console"};
static const uint32_t rdev[DEV_COUNT] = {0, 0x103, 0x105, 0x108, 0x109, 0x501};

static const struct kn_vnode_ops devfs_ops;
static struct kn_vnode nodes[DEV_COUNT + 1];

/* The device a node is: the error twin is the console. */
static int idx(struct kn_vnode *vn)
{
	int i = (int)(vn - nodes);
	return i == DEV_CONSOLE_ERR ? DEV_CONSOLE : i;
}

static uint64_t rng_state;

static uint64_t rng_next(void)
{
	if (!rng_state) {
#if defined(__x86_64__)
		uint32_t lo, hi;
		__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
		rng_state = ((uint64_t)hi << 32 | lo) ^ 0x9e3779b97f4a7c15ull;
#endif
		if (!rng_state)
			rng_state = 0x9e3779b97f4a7c15ull;
	}
	/* xorshift64* */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dull;
}

static int d_lookup(struct kn_vnode *dir, const char *name, size_t len, struct kn_vnode **out)
{
	if (len == 2 && name[0] == '.' && name[1] == '.') {
		*out = dir;
		return 0;
	}
	for (int i = 1; i < DEV_COUNT; i++)
		if (__builtin_strlen(names[i]) == len && !__builtin_memcmp(names[i], name, len)) {
			*out = &nodes[i];
			return 0;
		}
	return kn_devfs_blk_lookup(name, len, out);
}

/* A blocked reader sleeps until the platform says input may have come
 * (nothing can arrive between the read and the wait: the platform's
 * wake-ups come only while the CPU idles). */
static long console_read(struct kn_file *f, void *buf, size_t n)
{
	for (;;) {
		long r = kn_console_read(buf, n);
		if (r != -KN_EAGAIN || (f->flags & KN_O_NONBLOCK))
			return r;
		kn_console_input_wait();
	}
}

static long d_read(struct kn_vnode *vn, struct kn_file *f, void *buf, size_t n, uint64_t off)
{
	switch (idx(vn)) {
	case DEV_ZERO: __builtin_memset(buf, 0, n); return (long)n;
	case DEV_RANDOM:
	case DEV_URANDOM:
		for (size_t i = 0; i < n; i += 8) {
			uint64_t v = rng_next();
			size_t k = n - i < 8 ? n - i : 8;
			__builtin_memcpy((char *)buf + i, &v, k);
		}
		return (long)n;
	case DEV_CONSOLE: return console_read(f, buf, n);
	default: /* null: end of file */ return 0;
	}
}

static long d_write(struct kn_vnode *vn, struct kn_file *f, const void *buf, size_t n, uint64_t off)
{
	if (vn == &nodes[DEV_CONSOLE_ERR])
		kn_console_write_err(buf, n);
	else if (idx(vn) == DEV_CONSOLE)
		kn_console_write(buf, n);
	return (long)n;
}

static int d_getattr(struct kn_vnode *vn, struct kn_stat *st)
{
	int i = idx(vn);
	st->st_ino = (uint64_t)i + 1;
	st->st_mode = vn->mode | (i ? 0666 : 0755);
	st->st_nlink = i ? 1 : 2;
	st->st_rdev = rdev[i];
	st->st_blksize = 4096;
	return 0;
}

static int d_readdir(struct kn_vnode *dir, uint64_t index, struct kn_dirent *out)
{
	if (index + 1 >= DEV_COUNT) /* then the disks */
		return kn_devfs_blk_readdir(index + 1 - DEV_COUNT, 1000, out);
	int i = (int)index + 1;
	out->ino = (uint64_t)i + 1;
	out->type = KN_DT_CHR;
	__builtin_memcpy(out->name, names[i], __builtin_strlen(names[i]) + 1);
	return 1;
}

static long d_ioctl(struct kn_vnode *vn, struct kn_file *f, unsigned long cmd, void *arg)
{
	if (idx(vn) != DEV_CONSOLE)
		return -KN_ENOTTY;
	switch (cmd) {
	case KN_TIOCGWINSZ: {
		struct kn_winsize *ws = arg;
		if (!ws || (uintptr_t)ws < 4096)
			return -KN_EFAULT;
		ws->ws_row = 24;
		ws->ws_col = 80;
		ws->ws_xpixel = ws->ws_ypixel = 0;
		return 0;
	}
	case KN_TCGETS: {
		struct kn_termios *t = arg;
		if (!t || (uintptr_t)t < 4096)
			return -KN_EFAULT;
		__builtin_memset(t, 0, sizeof(*t));
		t->c_iflag = 0x500;  /* ICRNL | IXON */
		t->c_oflag = 0x5;    /* OPOST | ONLCR */
		t->c_cflag = 0xbf;   /* B38400 | CS8 | CREAD */
		t->c_lflag = 0x8a3b; /* ISIG ICANON ECHO ECHOE ECHOK ECHOCTL ECHOKE IEXTEN */
		static const uint8_t cc[] = {3,  28, 127, 21, 4,  0,  1,  0,
					     17, 19, 26,  0,  18, 15, 23, 22};
		__builtin_memcpy(t->c_cc, cc, sizeof(cc));
		return 0;
	}
	case KN_TCSETS:
	case KN_TCSETSW:
	case KN_TCSETSF: return 0;
	default: return -KN_ENOTTY;
	}
}

static unsigned d_poll(struct kn_vnode *vn, struct kn_file *f, struct kn_poll_table *pt)
{
	if (idx(vn) != DEV_CONSOLE)
		return KN_POLL_ALWAYS;
	kn_poll_register(pt, kn_console_input_waitq());
	if (kn_console_input_ready())
		return KN_POLL_ALWAYS;
	return KN_POLLOUT | KN_POLLWRNORM;
}

static const struct kn_vnode_ops devfs_ops = {
	.lookup = d_lookup,
	.read = d_read,
	.write = d_write,
	.getattr = d_getattr,
	.readdir = d_readdir,
	.ioctl = d_ioctl,
	.poll = d_poll,
};

static int devfs_mount(const char *source, void *data, struct kn_vnode **root)
{
	*root = &nodes[DEV_ROOT];
	return 0;
}

static struct kn_fs_type devfs_type = {.name = "devfs", .mount = devfs_mount};

int kn_devfs_boot(void);
int kn_devfs_boot(void)
{
	for (int i = 0; i <= DEV_CONSOLE_ERR; i++) {
		nodes[i].ops = &devfs_ops;
		nodes[i].mode = i ? KN_S_IFCHR : KN_S_IFDIR;
		nodes[i].refs = 1; /* static: never released */
	}
	int r = kn_vfs_register_fs(&devfs_type);
	if (r)
		return r;
	if (kn_vfs_has_root()) {
		r = kn_sys_mkdir("/dev", 0755);
		if (r && r != -KN_EEXIST)
			return r;
		r = kn_vfs_mount("devfs", "", "/dev", 0);
		if (r)
			return r;
	} else {
		r = kn_vfs_mount("devfs", "", "/", 0);
		if (r)
			return r;
	}
	for (int fd = 0; fd < 3; fd++) {
		int node = fd == 2 ? DEV_CONSOLE_ERR : DEV_CONSOLE;
		r = kn_vfs_open_vnode(&nodes[node], KN_O_RDWR, fd);
		if (r < 0)
			return r;
	}
	return 0;
}
KN_INIT(kn_devfs_boot, KN_INIT_FS, 50);
