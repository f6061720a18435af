/* Linux x86-64 ABI: open(2) flags, *at(2) flags, fcntl(2) commands, lseek,
 * rename, flock, close_range and preadv2/pwritev2 flags. */
#ifndef KN_UAPI_FCNTL_H
#define KN_UAPI_FCNTL_H

/* Linux x86-64 open(2) flags, modes, fcntl, *at flags. */
#define KN_O_ACCMODE 03
#define KN_O_RDONLY 00
#define KN_O_WRONLY 01
#define KN_O_RDWR 02
#define KN_O_CREAT 0100
#define KN_O_EXCL 0200
#define KN_O_NOCTTY 0400
#define KN_O_TRUNC 01000
#define KN_O_APPEND 02000
#define KN_O_NONBLOCK 04000
#define KN_O_DIRECTORY 0200000
#define KN_O_NOFOLLOW 0400000
#define KN_O_CLOEXEC 02000000
#define KN_O_PATH 010000000

#define KN_AT_FDCWD (-100)
#define KN_AT_SYMLINK_NOFOLLOW 0x100
#define KN_AT_REMOVEDIR 0x200
#define KN_AT_SYMLINK_FOLLOW 0x400
#define KN_AT_EMPTY_PATH 0x1000
#define KN_AT_EACCESS 0x200 /* faccessat2 */
#define KN_AT_NO_AUTOMOUNT 0x800
#define KN_AT_STATX_SYNC_TYPE 0x6000

#define KN_RENAME_NOREPLACE 1
#define KN_RENAME_EXCHANGE 2
#define KN_RENAME_WHITEOUT 4

/* preadv2/pwritev2 flags. */
#define KN_RWF_HIPRI 0x01
#define KN_RWF_DSYNC 0x02
#define KN_RWF_SYNC 0x04
#define KN_RWF_NOWAIT 0x08
#define KN_RWF_APPEND 0x10
#define KN_RWF_NOAPPEND 0x20

#define KN_LOCK_SH 1
#define KN_LOCK_EX 2
#define KN_LOCK_NB 4
#define KN_LOCK_UN 8
#define KN_LOCK_MAND 32

#define KN_CLOSE_RANGE_UNSHARE 2
#define KN_CLOSE_RANGE_CLOEXEC 4

#define KN_F_DUPFD 0
#define KN_F_GETFD 1
#define KN_F_SETFD 2
#define KN_F_GETFL 3
#define KN_F_SETFL 4
#define KN_F_DUPFD_CLOEXEC 1030
#define KN_F_SETPIPE_SZ 1031
#define KN_F_GETPIPE_SZ 1032
#define KN_FD_CLOEXEC 1

#define KN_SEEK_SET 0
#define KN_SEEK_CUR 1
#define KN_SEEK_END 2

#endif
