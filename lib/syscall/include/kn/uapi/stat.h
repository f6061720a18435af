/* Linux x86-64 ABI: file types and modes, directory entries, and the
 * structures of stat(2), statx(2), statfs(2) and getdents64(2). */
#ifndef KN_UAPI_STAT_H
#define KN_UAPI_STAT_H

#include <stdint.h>
#include <kn/uapi/time.h>

#define KN_S_IFMT 0170000
#define KN_S_IFSOCK 0140000
#define KN_S_IFLNK 0120000
#define KN_S_IFREG 0100000
#define KN_S_IFBLK 0060000
#define KN_S_IFDIR 0040000
#define KN_S_IFCHR 0020000
#define KN_S_IFIFO 0010000
#define KN_S_ISDIR(m) (((m)&KN_S_IFMT) == KN_S_IFDIR)
#define KN_S_ISREG(m) (((m)&KN_S_IFMT) == KN_S_IFREG)
#define KN_S_ISLNK(m) (((m)&KN_S_IFMT) == KN_S_IFLNK)
#define KN_S_ISFIFO(m) (((m)&KN_S_IFMT) == KN_S_IFIFO)
#define KN_S_ISSOCK(m) (((m)&KN_S_IFMT) == KN_S_IFSOCK)

#define KN_DT_UNKNOWN 0
#define KN_DT_CHR 2
#define KN_DT_DIR 4
#define KN_DT_REG 8
#define KN_DT_LNK 10

/* utimensat(2) special nanosecond values. */
#define KN_UTIME_NOW ((1L << 30) - 1)
#define KN_UTIME_OMIT ((1L << 30) - 2)

/* statx(2) mask bits. */
#define KN_STATX_TYPE 0x1U
#define KN_STATX_MODE 0x2U
#define KN_STATX_NLINK 0x4U
#define KN_STATX_UID 0x8U
#define KN_STATX_GID 0x10U
#define KN_STATX_ATIME 0x20U
#define KN_STATX_MTIME 0x40U
#define KN_STATX_CTIME 0x80U
#define KN_STATX_INO 0x100U
#define KN_STATX_SIZE 0x200U
#define KN_STATX_BLOCKS 0x400U
#define KN_STATX_BASIC_STATS 0x7ffU
#define KN_STATX_BTIME 0x800U
#define KN_STATX_MNT_ID 0x1000U
#define KN_STATX__RESERVED 0x80000000U

#define KN_TMPFS_MAGIC 0x01021994
#define KN_ST_VALID 0x20
#define KN_ST_RELATIME 0x1000

/* struct stat of Linux x86-64 (144 bytes). */
struct kn_stat {
	uint64_t st_dev;
	uint64_t st_ino;
	uint64_t st_nlink;
	uint32_t st_mode;
	uint32_t st_uid;
	uint32_t st_gid;
	uint32_t __pad0;
	uint64_t st_rdev;
	int64_t st_size;
	int64_t st_blksize;
	int64_t st_blocks;
	struct kn_timespec st_atim;
	struct kn_timespec st_mtim;
	struct kn_timespec st_ctim;
	int64_t __reserved[3];
};

/* statx(2)'s struct statx (256 bytes). */
struct kn_statx_timestamp {
	int64_t tv_sec;
	uint32_t tv_nsec;
	int32_t __reserved;
};

struct kn_statx {
	uint32_t stx_mask;
	uint32_t stx_blksize;
	uint64_t stx_attributes;
	uint32_t stx_nlink;
	uint32_t stx_uid;
	uint32_t stx_gid;
	uint16_t stx_mode;
	uint16_t __spare0;
	uint64_t stx_ino;
	uint64_t stx_size;
	uint64_t stx_blocks;
	uint64_t stx_attributes_mask;
	struct kn_statx_timestamp stx_atime, stx_btime, stx_ctime, stx_mtime;
	uint32_t stx_rdev_major, stx_rdev_minor;
	uint32_t stx_dev_major, stx_dev_minor;
	uint64_t stx_mnt_id;
	uint64_t __spare3[13];
};

/* statfs(2)'s struct statfs on x86-64 (120 bytes). */
struct kn_statfs {
	int64_t f_type;
	int64_t f_bsize;
	uint64_t f_blocks, f_bfree, f_bavail, f_files, f_ffree;
	int32_t f_fsid[2];
	int64_t f_namelen;
	int64_t f_frsize;
	int64_t f_flags;
	int64_t f_spare[4];
};

/* What getdents64 writes: d_reclen is 8-aligned, d_name NUL-terminated. */
struct kn_linux_dirent64 {
	uint64_t d_ino;
	int64_t d_off;
	uint16_t d_reclen;
	uint8_t d_type;
	char d_name[];
};

#endif
