/* POSIX scalar types shared by several headers (x86-64 Linux sizes). */
#ifndef _BITS_TYPES_H
#define _BITS_TYPES_H

typedef long ssize_t;
typedef long off_t;
typedef int pid_t;
typedef unsigned int uid_t;
typedef unsigned int gid_t;
typedef unsigned int mode_t;
typedef long time_t;
typedef long suseconds_t;
typedef unsigned int useconds_t;
typedef int clockid_t;
typedef long clock_t;

#endif
