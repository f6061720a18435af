/* Runs the pipe, eventfd and poll tests, and vfs-core's own (the fd table
 * they share), or the ktests named by argv[1]. */
#include <kn/ktest.h>

int main(int argc, char *argv[])
{
	if (argc > 1)
		return kn_ktest_run_all(argv[1]) ? 1 : 0;
	int failed = kn_ktest_run_all("pipe");
	failed += kn_ktest_run_all("eventfd");
	failed += kn_ktest_run_all("poll");
	failed += kn_ktest_run_all("vfs");
	return failed ? 1 : 0;
}
