/* Disks on linuxu: each is a host file, read and written in place with
 * pread/pwrite, flushed with fdatasync. A request is done when its system
 * call returns, so submit completes it at once; waiting threads then
 * never block.
 *
 * `kiln run --disk FILE[:ro]` names the files: hostblk.vda=rw:PATH,
 * hostblk.vdb=ro:PATH, ... (the mode first: a path may hold colons). */
#include <kn/blkdev.h>
#include <kn/console.h>
#include <kn/errno.h>
#include <kn/init.h>
#include <kn/linuxu_syscall.h>
#include <kn/param.h>

/* Host system calls this file needs beyond the platform's own. */
#define SYS_pread64 17
#define SYS_pwrite64 18
#define SYS_fdatasync 75
#define O_RDONLY 0
#define O_RDWR 02
#define O_CLOEXEC 02000000
#define SEEK_END 2
#define SECTOR 512

struct kn_hostblk {
	struct kn_blkdev bdev;
	int fd;
};

static struct kn_hostblk kn_hostblks[KN_BLKDEV_MAX];
static const char *kn_hostblk_spec[KN_BLKDEV_MAX];
KN_PARAM(hostblk, vda, KN_PARAM_STR, kn_hostblk_spec[0], "first disk: rw:PATH or ro:PATH");
KN_PARAM(hostblk, vdb, KN_PARAM_STR, kn_hostblk_spec[1], "second disk: rw:PATH or ro:PATH");
KN_PARAM(hostblk, vdc, KN_PARAM_STR, kn_hostblk_spec[2], "third disk: rw:PATH or ro:PATH");
KN_PARAM(hostblk, vdd, KN_PARAM_STR, kn_hostblk_spec[3], "fourth disk: rw:PATH or ro:PATH");

/* The whole transfer, resuming after short counts and signals. */
static int kn_hostblk_rw(int fd, long sys, char *buf, size_t n, uint64_t off)
{
	while (n) {
		long r = kn_linuxu_syscall6(sys, fd, (long)buf, (long)n, (long)off, 0, 0);
		if (r == -KN_EINTR)
			continue;
		if (r <= 0)
			return -KN_EIO; /* an error, or the file shrank under us */
		buf += r;
		n -= (size_t)r;
		off += (uint64_t)r;
	}
	return 0;
}

static int kn_hostblk_submit(struct kn_blkdev *bdev, struct kn_blkreq *req)
{
	struct kn_hostblk *h = bdev->driver_data;
	uint64_t off = req->sector * SECTOR;
	size_t n = (size_t)req->count * SECTOR;
	int status;
	if (req->op == KN_BLK_FLUSH)
		status = kn_linuxu_syscall(SYS_fdatasync, h->fd, 0, 0) ? -KN_EIO : 0;
	else
		status = kn_hostblk_rw(h->fd, req->op == KN_BLK_READ ? SYS_pread64 : SYS_pwrite64,
				       req->buf, n, off);
	kn_blkdev_complete(bdev, req, status);
	return 0;
}

static const struct kn_blkdev_ops kn_hostblk_ops = {.submit = kn_hostblk_submit};

static int kn_hostblk_open(struct kn_hostblk *h, const char *spec)
{
	bool ro = spec[0] == 'r' && spec[1] == 'o' && spec[2] == ':';
	bool rw = spec[0] == 'r' && spec[1] == 'w' && spec[2] == ':';
	if (!ro && !rw) {
		kn_printk("kn: hostblk: '%s' is not rw:PATH or ro:PATH; no disk\n", spec);
		return 0;
	}
	const char *path = spec + 3;
	long fd = kn_linuxu_syscall(KN_SYS_open, path, (ro ? O_RDONLY : O_RDWR) | O_CLOEXEC, 0);
	if (fd < 0) {
		kn_printk("kn: hostblk: cannot open %s (error %ld); no disk\n", path, -fd);
		return 0;
	}
	long size = kn_linuxu_syscall(KN_SYS_lseek, fd, 0, SEEK_END);
	if (size < SECTOR) {
		kn_printk("kn: hostblk: %s holds no whole sector; no disk\n", path);
		kn_linuxu_syscall(KN_SYS_close, fd, 0, 0);
		return 0;
	}
	h->fd = (int)fd;
	struct kn_blkdev *b = &h->bdev;
	b->sector_size = SECTOR;
	b->sectors = (uint64_t)size / SECTOR;
	b->read_only = ro;
	b->flush = true;
	b->max_sectors = 1U << 20; /* one system call carries any size */
	b->ops = &kn_hostblk_ops;
	b->driver_data = h;
	int err = kn_blkdev_register(b);
	if (!err)
		kn_printk("kn: %s: host file %s, %llu sectors of %u bytes%s\n", b->name, path,
			  (unsigned long long)b->sectors, b->sector_size, ro ? ", read-only" : "");
	return err;
}

static int kn_hostblk_init(void)
{
	for (unsigned i = 0; i < KN_BLKDEV_MAX; i++)
		if (kn_hostblk_spec[i]) {
			int err = kn_hostblk_open(&kn_hostblks[i], kn_hostblk_spec[i]);
			if (err)
				return err;
		}
	return 0;
}
KN_INIT(kn_hostblk_init, KN_INIT_PLAT, 50);
