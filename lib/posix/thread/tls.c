/* arch_prctl: the thread pointer (FS base) a libc's TLS hangs from. GS is
 * not offered: the x86-64 libcs use FS only. */
#include <kn/arch.h>
#include <kn/posix_thread.h>
#include <kn/syscall.h>
#include "internal.h"

#define ARCH_SET_FS 0x1002
#define ARCH_GET_FS 0x1003

KN_SYSCALL(arch_prctl)(int code, unsigned long addr)
{
	switch (code) {
	case ARCH_SET_FS:
		if (!kn_arch_tls_valid(addr))
			return -KN_EPERM; /* as Linux: outside the address space */
		kn_thread_set_tls(NULL, addr);
		return 0;
	case ARCH_GET_FS:
		if (kn_user_writable((void *)addr, sizeof(unsigned long)))
			return -KN_EFAULT;
		*(unsigned long *)addr = kn_thread_tls(NULL);
		return 0;
	default: return -KN_EINVAL;
	}
}
