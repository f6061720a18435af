#include <kn/ktest.h>

int main(int argc, char *argv[])
{
	return kn_ktest_run_all(argc > 1 ? argv[1] : 0) ? 1 : 0;
}
