/* posixthread [FILTER | exit-main | exit-group]: runs the in-kernel tests
 * (all, or those FILTER selects), or one of the exit scenarios of
 * exits.c, whose output and exit code the boot tests check. */
#include <kn/ktest.h>

int exit_main_waits_for_clones(void);
int exit_group_from_a_clone(void);

static int same(const char *a, const char *b)
{
	while (*a && *a == *b)
		a++, b++;
	return *a == *b;
}

int main(int argc, char *argv[])
{
	const char *arg = argc > 1 ? argv[1] : 0;
	if (arg && same(arg, "exit-main"))
		return exit_main_waits_for_clones();
	if (arg && same(arg, "exit-group"))
		return exit_group_from_a_clone();
	return kn_ktest_run_all(arg) ? 1 : 0;
}
