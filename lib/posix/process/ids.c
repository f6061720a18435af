/* Process, user and group identity, sessions and process groups. */
#include <kn/alloc.h>
#include <kn/errno.h>
#include <kn/posix_process.h>
#include <kn/syscall.h>

#define NO_ID 0xffffffffu /* (uid_t)-1: "leave unchanged" */
#define GROUPS_MAX 65536  /* Linux's NGROUPS_MAX */

struct ids {
	uint32_t r, e, s, fs;
};
static struct ids uid, gid;
static uint32_t *groups;
static int ngroups;

static int privileged(void)
{
	return uid.e == 0;
}

KN_SYSCALL(getpid)(void)
{
	return KN_PID_SELF;
}

KN_SYSCALL(getppid)(void)
{
	return 0;
}

KN_SYSCALL(getuid)(void)
{
	return uid.r;
}

KN_SYSCALL(geteuid)(void)
{
	return uid.e;
}

KN_SYSCALL(getgid)(void)
{
	return gid.r;
}

KN_SYSCALL(getegid)(void)
{
	return gid.e;
}

static long get_res(const struct ids *id, uint32_t *r, uint32_t *e, uint32_t *s)
{
	if (kn_user_writable(r, 4) || kn_user_writable(e, 4) || kn_user_writable(s, 4))
		return -KN_EFAULT;
	*r = id->r;
	*e = id->e;
	*s = id->s;
	return 0;
}

KN_SYSCALL(getresuid)(uint32_t *r, uint32_t *e, uint32_t *s)
{
	return get_res(&uid, r, e, s);
}

KN_SYSCALL(getresgid)(uint32_t *r, uint32_t *e, uint32_t *s)
{
	return get_res(&gid, r, e, s);
}

/* An unprivileged process may only pick ids it already has. */
static int allowed(const struct ids *id, uint32_t v)
{
	return v == NO_ID || privileged() || v == id->r || v == id->e || v == id->s;
}

static long set_res(struct ids *id, uint32_t r, uint32_t e, uint32_t s)
{
	if (!allowed(id, r) || !allowed(id, e) || !allowed(id, s))
		return -KN_EPERM;
	if (r != NO_ID)
		id->r = r;
	if (e != NO_ID)
		id->e = e;
	if (s != NO_ID)
		id->s = s;
	id->fs = id->e;
	return 0;
}

/* setreuid: the saved id follows the effective one when the real id is
 * set or the effective one moves away from the real one. */
static long set_re(struct ids *id, uint32_t r, uint32_t e)
{
	if ((r != NO_ID && !privileged() && r != id->r && r != id->e) || !allowed(id, e))
		return -KN_EPERM;
	uint32_t old_r = id->r;
	if (r != NO_ID)
		id->r = r;
	if (e != NO_ID)
		id->e = e;
	if (r != NO_ID || (e != NO_ID && e != old_r))
		id->s = id->e;
	id->fs = id->e;
	return 0;
}

static long set_one(struct ids *id, uint32_t v)
{
	if (v == NO_ID)
		return -KN_EINVAL;
	if (privileged()) {
		id->r = id->e = id->s = id->fs = v;
		return 0;
	}
	if (v != id->r && v != id->s)
		return -KN_EPERM;
	id->e = id->fs = v;
	return 0;
}

KN_SYSCALL(setuid)(uint32_t v)
{
	return set_one(&uid, v);
}

KN_SYSCALL(setgid)(uint32_t v)
{
	return set_one(&gid, v);
}

KN_SYSCALL(setreuid)(uint32_t r, uint32_t e)
{
	return set_re(&uid, r, e);
}

KN_SYSCALL(setregid)(uint32_t r, uint32_t e)
{
	return set_re(&gid, r, e);
}

KN_SYSCALL(setresuid)(uint32_t r, uint32_t e, uint32_t s)
{
	return set_res(&uid, r, e, s);
}

KN_SYSCALL(setresgid)(uint32_t r, uint32_t e, uint32_t s)
{
	return set_res(&gid, r, e, s);
}

/* Returns the previous fs id whether or not the change was allowed. */
static long set_fs(struct ids *id, uint32_t v)
{
	uint32_t old = id->fs;
	if (v != NO_ID && (privileged() || v == id->r || v == id->e || v == id->s || v == id->fs))
		id->fs = v;
	return old;
}

KN_SYSCALL(setfsuid)(uint32_t v)
{
	return set_fs(&uid, v);
}

KN_SYSCALL(setfsgid)(uint32_t v)
{
	return set_fs(&gid, v);
}

KN_SYSCALL(getgroups)(int size, uint32_t *list)
{
	if (size < 0)
		return -KN_EINVAL;
	if (!size)
		return ngroups;
	if (size < ngroups)
		return -KN_EINVAL;
	if (ngroups && kn_user_writable(list, (size_t)ngroups * 4))
		return -KN_EFAULT;
	for (int i = 0; i < ngroups; i++)
		list[i] = groups[i];
	return ngroups;
}

KN_SYSCALL(setgroups)(int size, const uint32_t *list)
{
	if (size < 0 || size > GROUPS_MAX)
		return -KN_EINVAL;
	if (!privileged())
		return -KN_EPERM;
	if (size && kn_user_readable(list, (size_t)size * 4))
		return -KN_EFAULT;
	uint32_t *copy = NULL;
	if (size) {
		copy = kn_malloc((size_t)size * 4);
		if (!copy)
			return -KN_ENOMEM;
		for (int i = 0; i < size; i++)
			copy[i] = list[i];
	}
	kn_free(groups);
	groups = copy;
	ngroups = size;
	return 0;
}

static int is_self(int pid)
{
	return pid == 0 || pid == KN_PID_SELF;
}

/* The process leads its session and its group (pgid = sid = pid): like
 * Linux for a session leader, it cannot move to another group nor start a
 * new session. */
KN_SYSCALL(getpgid)(int pid)
{
	if (pid < 0)
		return -KN_ESRCH;
	return is_self(pid) ? KN_PID_SELF : -KN_ESRCH;
}

KN_SYSCALL(setpgid)(int pid, int pgid)
{
	if (pgid < 0)
		return -KN_EINVAL;
	if (pid < 0 || !is_self(pid))
		return -KN_ESRCH;
	return -KN_EPERM;
}

KN_SYSCALL(getpgrp)(void)
{
	return KN_PID_SELF;
}

KN_SYSCALL(getsid)(int pid)
{
	return pid >= 0 && is_self(pid) ? KN_PID_SELF : -KN_ESRCH;
}

KN_SYSCALL(setsid)(void)
{
	return -KN_EPERM;
}
