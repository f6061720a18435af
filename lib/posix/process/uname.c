/* uname, host and domain names, sysinfo. */
#include <kn/alloc.h>
#include <kn/errno.h>
#include <kn/param.h>
#include <kn/posix_process.h>
#include <kn/syscall.h>
#include <kn/time.h>

static const char *hostname_param = "kiln";
KN_PARAM(process, hostname, KN_PARAM_STR, hostname_param, "host name reported by uname");

static char hostname[KN_UTS_LEN], domainname[KN_UTS_LEN] = "(none)";
static int hostname_set;

static void copy_str(char *dst, const char *src, size_t max)
{
	size_t i = 0;
	for (; src[i] && i < max - 1; i++)
		dst[i] = src[i];
	for (; i < max; i++)
		dst[i] = 0;
}

KN_SYSCALL(uname)(struct kn_utsname *u)
{
	if (kn_user_writable(u, sizeof(*u)))
		return -KN_EFAULT;
	if (!hostname_set) {
		copy_str(hostname, hostname_param, KN_UTS_LEN);
		hostname_set = 1;
	}
	/* "Linux" so that programs that look at sysname take their Linux
	 * paths; the release keeps a Linux-like version number for parsers. */
	copy_str(u->sysname, "Linux", KN_UTS_LEN);
	copy_str(u->nodename, hostname, KN_UTS_LEN);
	copy_str(u->release, "6.1.0-kiln", KN_UTS_LEN);
	copy_str(u->version, "#1 Kiln unikernel (" CONFIG_APP_NAME ")", KN_UTS_LEN);
	copy_str(u->machine, "x86_64", KN_UTS_LEN);
	copy_str(u->domainname, domainname, KN_UTS_LEN);
	return 0;
}

static long set_name(char *dst, const char *name, size_t len)
{
	if (len >= KN_UTS_LEN)
		return -KN_EINVAL;
	if (len && kn_user_readable(name, len))
		return -KN_EFAULT;
	for (size_t i = 0; i < len; i++)
		dst[i] = name[i];
	for (size_t i = len; i < KN_UTS_LEN; i++)
		dst[i] = 0;
	return 0;
}

KN_SYSCALL(sethostname)(const char *name, size_t len)
{
	long err = set_name(hostname, name, len);
	if (!err)
		hostname_set = 1;
	return err;
}

KN_SYSCALL(setdomainname)(const char *name, size_t len)
{
	return set_name(domainname, name, len);
}

KN_SYSCALL(sysinfo)(struct kn_sysinfo *info)
{
	if (kn_user_writable(info, sizeof(*info)))
		return -KN_EFAULT;
	struct kn_alloc_stats st;
	kn_alloc_stats(&st);
	__builtin_memset(info, 0, sizeof(*info));
	uint64_t up = kn_time_monotonic_ns();
	info->uptime = (long)((up + KN_NSEC_PER_SEC - 1) / KN_NSEC_PER_SEC);
	info->totalram = st.total;
	info->freeram = st.free;
	info->procs = 1;
	info->mem_unit = 1;
	return 0;
}
