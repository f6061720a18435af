/* posix-mmap: the memory-mapping system calls (Linux x86-64 semantics).
 *
 * Every mapping is backed by pages of the kernel heap (kn_palloc), zero
 * filled, or filled from the file at map time (file-backed mappings are
 * snapshots: later writes to the file are not seen, and writes to the
 * mapping never reach the file). The single address space is identity
 * mapped, so:
 *  - an address hint is ignored; MAP_FIXED works only inside mappings this
 *    library made (elsewhere -ENOMEM);
 *  - protections are validated and recorded, not enforced (the platform
 *    offers no page-protection API; kvm maps all RAM read-write, no-exec);
 *  - MAP_SHARED of a file is accepted read-only (a snapshot); writable
 *    shared file mappings are -ENODEV. */
#ifndef KN_MMAN_H
#define KN_MMAN_H

#include <stddef.h>
#include <stdint.h>
#include <kn/compiler.h>

#define KN_PROT_NONE 0x0
#define KN_PROT_READ 0x1
#define KN_PROT_WRITE 0x2
#define KN_PROT_EXEC 0x4
#define KN_PROT_GROWSDOWN 0x01000000
#define KN_PROT_GROWSUP 0x02000000

#define KN_MAP_SHARED 0x01
#define KN_MAP_PRIVATE 0x02
#define KN_MAP_SHARED_VALIDATE 0x03
#define KN_MAP_TYPE 0x0f
#define KN_MAP_FIXED 0x10
#define KN_MAP_ANONYMOUS 0x20
#define KN_MAP_GROWSDOWN 0x0100
#define KN_MAP_DENYWRITE 0x0800
#define KN_MAP_EXECUTABLE 0x1000
#define KN_MAP_LOCKED 0x2000
#define KN_MAP_NORESERVE 0x4000
#define KN_MAP_POPULATE 0x8000
#define KN_MAP_NONBLOCK 0x10000
#define KN_MAP_STACK 0x20000
#define KN_MAP_HUGETLB 0x40000
#define KN_MAP_SYNC 0x80000
#define KN_MAP_FIXED_NOREPLACE 0x100000
#define KN_MAP_FAILED ((void *)-1)

#define KN_MREMAP_MAYMOVE 1
#define KN_MREMAP_FIXED 2
#define KN_MREMAP_DONTUNMAP 4

#define KN_MADV_NORMAL 0
#define KN_MADV_RANDOM 1
#define KN_MADV_SEQUENTIAL 2
#define KN_MADV_WILLNEED 3
#define KN_MADV_DONTNEED 4
#define KN_MADV_FREE 8

#define KN_MS_ASYNC 1
#define KN_MS_INVALIDATE 2
#define KN_MS_SYNC 4

KN_API_BEGIN
long kn_sys_mmap(void *addr, size_t len, int prot, int flags, int fd, int64_t off);
long kn_sys_munmap(void *addr, size_t len);
long kn_sys_mprotect(void *addr, size_t len, int prot);
long kn_sys_madvise(void *addr, size_t len, int advice);
long kn_sys_mremap(void *old, size_t old_len, size_t new_len, int flags, void *new_addr);
long kn_sys_brk(void *addr);
long kn_sys_msync(void *addr, size_t len, int flags);
long kn_sys_mlock(const void *addr, size_t len);
long kn_sys_mlock2(const void *addr, size_t len, unsigned flags);
long kn_sys_munlock(const void *addr, size_t len);
long kn_sys_mlockall(int flags);
long kn_sys_munlockall(void);
long kn_sys_mincore(void *addr, size_t len, unsigned char *vec);

/* Bytes currently mapped by mmap (not brk): for sysinfo and tests. */
size_t kn_mmap_mapped_bytes(void);
KN_API_END

#endif
