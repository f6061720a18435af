/* Host tests of posix-socket-unix. Usage: pairs <scenario> */
#include <signal.h>
#include "harness.h"

int kn_ramfs_boot(void);
int kn_devfs_boot(void);
extern long live_allocs;
int failures;

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: %s <scenario>\n", argv[0]);
		return 2;
	}
	signal(SIGPIPE, SIG_IGN); /* the host's EPIPE, not death */
	EQ(kn_ramfs_boot(), 0);
	EQ(kn_devfs_boot(), 0);
	long allocs_at_start = live_allocs;
	int found = 0;
	pair_scenarios(argv[1], &found);
	pair_poll_scenarios(argv[1], &found);
	if (!found) {
		fprintf(stderr, "unknown scenario %s\n", argv[1]);
		return 2;
	}
	EQ(live_allocs, allocs_at_start); /* every socket and chunk was freed */
	if (failures) {
		printf("%d failures\n", failures);
		return 1;
	}
	printf("PASS %s\n", argv[1]);
	return 0;
}
