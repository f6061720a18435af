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
#include <kn/uapi/mman.h>

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
