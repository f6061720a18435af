/* The thread pointer (FS base) in a Linux process: the host's arch_prctl.
 * The process runs no host libc, so FS belongs to the unikernel. */
#include <kn/arch.h>
#include <kn/panic.h>
#include <kn/linuxu_syscall.h>

#define ARCH_SET_FS 0x1002

void kn_arch_set_tls(uintptr_t base)
{
	long rc = kn_linuxu_syscall(KN_SYS_arch_prctl, ARCH_SET_FS, base, 0);
	if (rc < 0) /* only a non-canonical base fails, and callers check that */
		kn_panic("arch_prctl(ARCH_SET_FS, 0x%lx) failed: %ld", (unsigned long)base, rc);
}
