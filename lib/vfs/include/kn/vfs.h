/* The virtual filesystem: the contract between vfs-core (path walk, mounts,
 * file objects, the fd table, the POSIX file syscalls) and filesystems.
 *
 * Filesystems register a struct kn_fs_type at run time (kn_vfs_register_fs,
 * usually from a KN_INIT_FS entry); several may coexist. kn_vfs_mount()
 * instantiates one at a path ("/" first). Each instance hands out vnodes:
 *  - a vnode pointer is the identity of a file: lookup() of the same name
 *    returns the same pointer while the file exists (mount crossing
 *    compares pointers);
 *  - vfs-core counts references (refs) around every use; when refs drops to
 *    0 it calls ops->release (optional), and the filesystem may then free a
 *    file that has no link left. Ops never take or drop references.
 *  - names passed to ops are (name, len), never ".", "..", never empty, at
 *    most KN_NAME_MAX bytes; dir is always a directory of the same
 *    instance; lookup(".."), the only exception, returns the parent (the
 *    root returns itself).
 *  - ops return 0 / a count, or -KN_E*; missing optional ops mean -KN_EPERM
 *    (namespace ops), -KN_EINVAL (readlink) or -KN_ENOTTY (ioctl).
 * Syscalls (kn_sys_open, ...) follow Linux semantics and errno values;
 * paths are at most KN_PATH_MAX-1 bytes and symlinks are followed at most
 * KN_SYMLOOP_MAX times per walk (then -KN_ELOOP). */
#ifndef KN_VFS_H
#define KN_VFS_H

#include <stddef.h>
#include <stdint.h>
#include <kn/compiler.h>
#include <kn/uapi/fcntl.h>
#include <kn/uapi/poll.h>
#include <kn/uapi/stat.h>
#include <kn/uapi/termios.h>
#include <kn/uapi/time.h>
#include <kn/uapi/uio.h>

#define KN_PATH_MAX 4096
#define KN_NAME_MAX 255
#define KN_SYMLOOP_MAX 40
#define KN_FD_MAX 1024

/* What a file without a poll op reports: reads and writes never block. */
#define KN_POLL_ALWAYS (KN_POLLIN | KN_POLLOUT | KN_POLLRDNORM | KN_POLLWRNORM)

struct kn_vnode;
struct kn_file;
struct kn_poll_table;
struct kn_waitq;

/* One directory entry, as readdir() returns it. */
struct kn_dirent {
	uint64_t ino;
	uint8_t type; /* KN_DT_* */
	char name[KN_NAME_MAX + 1];
};

struct kn_vnode_ops {
	/* Namespace (dir is a directory of this instance). */
	int (*lookup)(struct kn_vnode *dir, const char *name, size_t len, struct kn_vnode **out);
	/* create: a regular file (mode has no type bits); the name is absent. */
	int (*create)(struct kn_vnode *dir, const char *name, size_t len, uint32_t mode,
		      struct kn_vnode **out);
	int (*mkdir)(struct kn_vnode *dir, const char *name, size_t len, uint32_t mode);
	/* unlink: never a directory (core checks); rmdir: an empty directory
	 * (the fs returns -KN_ENOTEMPTY otherwise). */
	int (*unlink)(struct kn_vnode *dir, const char *name, size_t len);
	int (*rmdir)(struct kn_vnode *dir, const char *name, size_t len);
	/* rename: Linux rules (replaces the target; -KN_EINVAL when moving a
	 * directory into itself, -KN_ENOTEMPTY, -KN_EISDIR, -KN_ENOTDIR). */
	int (*rename)(struct kn_vnode *odir, const char *oname, size_t olen, struct kn_vnode *ndir,
		      const char *nname, size_t nlen);
	int (*link)(struct kn_vnode *dir, const char *name, size_t len, struct kn_vnode *target);
	int (*symlink)(struct kn_vnode *dir, const char *name, size_t len, const char *target);
	/* readlink: copies at most size bytes (no NUL), returns the count. */
	long (*readlink)(struct kn_vnode *vn, char *buf, size_t size);
	/* Data: off is the file position (ignored by devices). */
	long (*read)(struct kn_vnode *vn, struct kn_file *f, void *buf, size_t n, uint64_t off);
	long (*write)(struct kn_vnode *vn, struct kn_file *f, const void *buf, size_t n,
		      uint64_t off);
	int (*truncate)(struct kn_vnode *vn, uint64_t size);
	/* chmod: sets the permission bits (07777). Missing means the
	 * filesystem keeps fixed permissions (devices): accepted, not stored. */
	int (*chmod)(struct kn_vnode *vn, uint32_t perm);
	/* settimes: sets atime and mtime (NULL leaves one as it is) and the
	 * ctime to now. Missing: accepted, not stored (devices). */
	int (*settimes)(struct kn_vnode *vn, const struct kn_timespec *atime,
			const struct kn_timespec *mtime);
	/* exchange: swaps two existing names atomically (RENAME_EXCHANGE);
	 * -KN_EINVAL when one is an ancestor of the other. Missing: -KN_EINVAL. */
	int (*exchange)(struct kn_vnode *odir, const char *oname, size_t olen,
			struct kn_vnode *ndir, const char *nname, size_t nlen);
	/* statfs: fills what it knows; core presets f_bsize, f_frsize,
	 * f_namelen, f_fsid and f_flags (ST_VALID). Missing: those only. */
	int (*statfs)(struct kn_vnode *vn, struct kn_statfs *sf);
	/* getattr fills everything but st_dev (core sets it). */
	int (*getattr)(struct kn_vnode *vn, struct kn_stat *st);
	/* readdir: entry number index (0-based, "." and ".." excluded, core
	 * adds them); returns 1 and fills out, or 0 past the end. */
	int (*readdir)(struct kn_vnode *dir, uint64_t index, struct kn_dirent *out);
	/* ioctl; for a FIFO also fcntl's F_GETPIPE_SZ/F_SETPIPE_SZ (cmd is
	 * the fcntl command, arg the integer argument). */
	long (*ioctl)(struct kn_vnode *vn, struct kn_file *f, unsigned long cmd, void *arg);
	/* poll: the readiness mask now (KN_POLL*), never blocks. Missing
	 * means KN_POLL_ALWAYS (regular files, /dev/null). A file whose
	 * readiness can change keeps a wait queue, registers the poller on
	 * it with kn_poll_register(pt, q) (pt may be NULL: a mere question)
	 * and wakes it (kn_waitq_wake) when readiness may have changed. */
	unsigned (*poll)(struct kn_vnode *vn, struct kn_file *f, struct kn_poll_table *pt);
	void (*release)(struct kn_vnode *vn);
	/* fsync/fdatasync: writes the file's data through to its storage
	 * (a disk's write cache flushed, a 9P server's file synced).
	 * Missing: there is none to write (memory). */
	int (*fsync)(struct kn_vnode *vn);
	/* open: vn is being opened with these flags (after core's checks
	 * and O_TRUNC). A filesystem refuses here what Linux refuses at open
	 * (EROFS for writing) and opens what its server needs, so the file
	 * stays usable once unlinked. Missing: nothing to do. */
	int (*open)(struct kn_vnode *vn, int flags);
};

struct kn_mount;

struct kn_vnode {
	const struct kn_vnode_ops *ops;
	uint32_t mode;        /* KN_S_IF* type bits, fixed at creation */
	long refs;            /* counted by vfs-core */
	struct kn_mount *mnt; /* set by vfs-core when the vnode is walked */
	void *priv;
};

/* An open file description, shared by dup'ed descriptors. */
struct kn_file {
	struct kn_vnode *vn;
	uint64_t off;
	int flags; /* open flags, without O_CLOEXEC */
	long refs;
	/* The epoll items watching this file (vfs-poll's): they hold no
	 * reference, and leave their sets when the file is released, as
	 * Linux's do. */
	void *epoll_items;
};

/* A filesystem type: mount() makes an instance and returns its root. */
struct kn_fs_type {
	const char *name;
	int (*mount)(const char *source, void *data, struct kn_vnode **root);
	struct kn_fs_type *next; /* owned by vfs-core */
};

KN_API_BEGIN
/* Shared file mappings (posix-mmap) are copies of a file's data that must
 * follow later changes to it, as Linux's page cache makes them. The
 * mapping library defines these (vfs-core uses posix-mmap: images without
 * it have none); while kn_vfs_mapped_files is non-zero, vfs-core calls
 * kn_vfs_mapped_written after each write to a regular file, with the
 * bytes written, and kn_vfs_mapped_resized after each size change.
 * Files are named by their stat identity (st_dev, st_ino). */
extern long kn_vfs_mapped_files;
void kn_vfs_mapped_written(uint64_t dev, uint64_t ino, uint64_t off, const void *buf, size_t n);
void kn_vfs_mapped_resized(uint64_t dev, uint64_t ino, uint64_t size);

/* Registers a filesystem type; -KN_EEXIST if the name is taken. */
int kn_vfs_register_fs(struct kn_fs_type *fs);
struct kn_fs_type *kn_vfs_find_fs(const char *name);
/* Mounts an instance of fstype at path (an existing directory, or "/" when
 * nothing is mounted yet). -KN_ENODEV for an unknown type, -KN_EBUSY if
 * the path is already a mount point. */
int kn_vfs_mount(const char *fstype, const char *source, const char *path, void *data);
/* Whether "/" is mounted. */
int kn_vfs_has_root(void);

void kn_vnode_get(struct kn_vnode *vn);
void kn_vnode_put(struct kn_vnode *vn);

/* Installs vn as a new open file at descriptor fd (or the lowest free
 * one when fd < 0); returns the descriptor or -KN_E*. Used by devfs to
 * pre-open 0/1/2. */
int kn_vfs_open_vnode(struct kn_vnode *vn, int flags, int fd);

/* The open file of descriptor fd, referenced (NULL when fd is not open);
 * kn_vfs_fput drops the reference. For libraries whose files carry more
 * than the vnode ops (sockets: bind, connect, ...). */
struct kn_file *kn_vfs_fget(int fd);
void kn_vfs_fput(struct kn_file *f);

/* vfs-poll's, called by vfs-core when a file's last reference goes: its
 * epoll items leave their sets. */
void kn_vfs_epoll_release(struct kn_file *f);

/* Readiness of descriptor fd: the KN_POLL* mask of its file, or
 * -KN_EBADF. With a poll table, the calling thread is also registered on
 * the file's wait queue (the table keeps a reference to the file). */
int kn_vfs_fd_poll(int fd, struct kn_poll_table *pt);

/* For poll ops: registers the polling thread on q, one of the file's
 * wait queues (no-op when pt is NULL). The poll table itself is in
 * kn/poll_table.h. */
void kn_poll_register(struct kn_poll_table *pt, struct kn_waitq *q);

/* The wall clock as file timestamps use it (0 in an image without the
 * time API): filesystems stamp atime/mtime/ctime with it. */
struct kn_timespec kn_vfs_now(void);

/* Resolves path (relative to the cwd) to a referenced vnode. */
int kn_vfs_lookup(const char *path, int follow, struct kn_vnode **out);

long kn_sys_open(const char *path, int flags, uint32_t mode);
long kn_sys_openat(int dirfd, const char *path, int flags, uint32_t mode);
long kn_sys_creat(const char *path, uint32_t mode);
long kn_sys_read(int fd, void *buf, size_t n);
long kn_sys_write(int fd, const void *buf, size_t n);
long kn_sys_pread64(int fd, void *buf, size_t n, int64_t off);
long kn_sys_pwrite64(int fd, const void *buf, size_t n, int64_t off);
long kn_sys_readv(int fd, const struct kn_iovec *iov, int cnt);
long kn_sys_writev(int fd, const struct kn_iovec *iov, int cnt);
long kn_sys_lseek(int fd, int64_t off, int whence);
long kn_sys_close(int fd);
long kn_sys_dup(int fd);
long kn_sys_dup2(int oldfd, int newfd);
long kn_sys_dup3(int oldfd, int newfd, int flags);
long kn_sys_fcntl(int fd, int cmd, unsigned long arg);
long kn_sys_ioctl(int fd, unsigned long cmd, unsigned long arg);
long kn_sys_stat(const char *path, struct kn_stat *st);
long kn_sys_lstat(const char *path, struct kn_stat *st);
long kn_sys_fstat(int fd, struct kn_stat *st);
long kn_sys_newfstatat(int dirfd, const char *path, struct kn_stat *st, int flags);
long kn_sys_getdents64(int fd, void *buf, size_t n);
long kn_sys_mkdir(const char *path, uint32_t mode);
long kn_sys_mkdirat(int dirfd, const char *path, uint32_t mode);
long kn_sys_rmdir(const char *path);
long kn_sys_unlink(const char *path);
long kn_sys_unlinkat(int dirfd, const char *path, int flags);
long kn_sys_rename(const char *oldp, const char *newp);
long kn_sys_renameat(int odirfd, const char *oldp, int ndirfd, const char *newp);
long kn_sys_link(const char *oldp, const char *newp);
long kn_sys_linkat(int odirfd, const char *oldp, int ndirfd, const char *newp, int flags);
long kn_sys_symlink(const char *target, const char *path);
long kn_sys_symlinkat(const char *target, int dirfd, const char *path);
long kn_sys_readlink(const char *path, char *buf, size_t n);
long kn_sys_readlinkat(int dirfd, const char *path, char *buf, size_t n);
long kn_sys_chdir(const char *path);
long kn_sys_fchdir(int fd);
long kn_sys_getcwd(char *buf, size_t n);
long kn_sys_truncate(const char *path, int64_t len);
long kn_sys_ftruncate(int fd, int64_t len);
long kn_sys_fsync(int fd);
long kn_sys_fdatasync(int fd);
long kn_sys_access(const char *path, int mode);
long kn_sys_faccessat(int dirfd, const char *path, int mode);
long kn_sys_umask(int mask);
long kn_sys_chmod(const char *path, uint32_t mode);
long kn_sys_fchmod(int fd, uint32_t mode);
long kn_sys_fchmodat(int dirfd, const char *path, uint32_t mode);
long kn_sys_chown(const char *path, uint32_t uid, uint32_t gid);
long kn_sys_fchown(int fd, uint32_t uid, uint32_t gid);
long kn_sys_lchown(const char *path, uint32_t uid, uint32_t gid);
long kn_sys_fchownat(int dirfd, const char *path, uint32_t uid, uint32_t gid, int flags);
long kn_sys_faccessat2(int dirfd, const char *path, int mode, int flags);
long kn_sys_renameat2(int odirfd, const char *oldp, int ndirfd, const char *newp, unsigned flags);
long kn_sys_utimensat(int dirfd, const char *path, const struct kn_timespec *times, int flags);
long kn_sys_utimes(const char *path, const struct kn_timeval *tv);
long kn_sys_futimesat(int dirfd, const char *path, const struct kn_timeval *tv);
long kn_sys_utime(const char *path, const struct kn_utimbuf *times);
long kn_sys_statx(int dirfd, const char *path, int flags, unsigned mask, struct kn_statx *sx);
long kn_sys_statfs(const char *path, struct kn_statfs *sf);
long kn_sys_fstatfs(int fd, struct kn_statfs *sf);
long kn_sys_mknod(const char *path, uint32_t mode, unsigned dev);
long kn_sys_mknodat(int dirfd, const char *path, uint32_t mode, unsigned dev);
long kn_sys_preadv(int fd, const struct kn_iovec *iov, int cnt, unsigned long pos_l,
		   unsigned long pos_h);
long kn_sys_pwritev(int fd, const struct kn_iovec *iov, int cnt, unsigned long pos_l,
		    unsigned long pos_h);
long kn_sys_preadv2(int fd, const struct kn_iovec *iov, int cnt, unsigned long pos_l,
		    unsigned long pos_h, int flags);
long kn_sys_pwritev2(int fd, const struct kn_iovec *iov, int cnt, unsigned long pos_l,
		     unsigned long pos_h, int flags);
long kn_sys_flock(int fd, unsigned op);
long kn_sys_fallocate(int fd, int mode, int64_t off, int64_t len);
long kn_sys_close_range(unsigned first, unsigned last, unsigned flags);
long kn_sys_sendfile(int out_fd, int in_fd, int64_t *offset, size_t count);
long kn_sys_copy_file_range(int in_fd, int64_t *off_in, int out_fd, int64_t *off_out, size_t len,
			    unsigned flags);
KN_API_END

#endif
