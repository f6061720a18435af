/* How exit and exit_group end an image, seen from outside: the boot tests
 * read these lines and the exit code. */
#include <kn/clone.h>
#include <kn/console.h>
#include <kn/posix_thread.h>
#include <kn/sched.h>
#include <kn/time.h>

#define THREAD_FLAGS                                                                               \
	0x7d0f00 /* VM|FS|FILES|SIGHAND|THREAD|SYSVSEM|SETTLS|
			       * PARENT_SETTID|CHILD_CLEARTID|DETACHED */

static char stacks[2][16384] __attribute__((aligned(16)));
static int tids[2];

static int late_child(void *arg)
{
	kn_sleep_ns(20 * KN_NSEC_PER_MSEC);
	kn_printk("posixthread: child %ld done\n", (long)arg);
	return 0;
}

/* main's exit (not exit_group) leaves the image running until the clones
 * end; the image's code is main's status. */
int exit_main_waits_for_clones(void)
{
	for (long i = 0; i < 2; i++)
		if (kn_clone(late_child, stacks[i] + sizeof(stacks[i]), THREAD_FLAGS, (void *)i,
			     &tids[i], 0, &tids[i]) <= 0)
			return 1;
	kn_printk("posixthread: main exits\n");
	kn_sys_exit(5);
}

static int ender(void *arg)
{
	kn_printk("posixthread: exit_group(9)\n");
	kn_sys_exit_group(9);
}

int exit_group_from_a_clone(void)
{
	if (kn_clone(ender, stacks[0] + sizeof(stacks[0]), THREAD_FLAGS, 0, &tids[0], 0,
		     &tids[0]) <= 0)
		return 1;
	kn_sleep_ns(1000 * KN_NSEC_PER_MSEC);
	kn_printk("posixthread: main was not ended\n");
	return 2;
}
