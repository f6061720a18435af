/* Dispatch by number through the table the tool generates for the image
 * (build/<platform>/gen/syscall_table.c). */
#include <kn/console.h>
#include <kn/plat.h>
#include <kn/syscall.h>

extern const kn_syscall_fn kn_syscall_table[];
extern const long kn_syscall_count;

static unsigned char reported[1024 / 8];

long kn_syscall_enosys(long nr)
{
	unsigned long bit = (unsigned long)nr;
	if (bit >= sizeof(reported) * 8 || !(reported[bit / 8] & (1u << (bit % 8)))) {
		if (bit < sizeof(reported) * 8)
			reported[bit / 8] |= 1u << (bit % 8);
		/* By number: the host (kiln run) adds the name, which keeps a
		 * table of 362 names out of every image. */
		kn_printk("kn: syscall %ld is not implemented\n", nr);
	}
	return -KN_ENOSYS;
}

long kn_syscall(long nr, long a1, long a2, long a3, long a4, long a5, long a6)
{
	if (nr < 0 || nr >= kn_syscall_count || !kn_syscall_table[nr])
		return kn_syscall_enosys(nr);
	return kn_syscall_table[nr](a1, a2, a3, a4, a5, a6);
}

int kn_user_access(const void *ptr, size_t len, int access)
{
	uintptr_t p = (uintptr_t)ptr;
	if (p < 4096 || p + len < p)
		return -KN_EFAULT;
	return len ? kn_plat_access_ok(p, len, access) : 0;
}
