/* POSIX test app: exercises what the POSIX libraries implement — files,
 * directories, pipes, eventfd, poll/select, threads, futex, mmap, time,
 * identity, signals, EFAULT on bad buffers, /proc/self/stat — and prints one line per section. It runs unchanged
 * on Linux (the reference) and on Kiln; the exit code is the number of
 * failed checks. */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "check.h"

int checks_failed, checks_run;
void *volatile nowhere;

static const struct {
	const char *name;
	void (*run)(void);
} sections[] = {
	{"files", test_files},     {"dirs", test_dirs},       {"pipes", test_pipes},
	{"poll", test_poll},       {"threads", test_threads}, {"futex", test_futex},
	{"mmap", test_mmap},       {"time", test_time},       {"identity", test_identity},
	{"signals", test_signals}, {"efault", test_efault},   {"procfs", test_procfs},
};

int main(int argc, char **argv)
{
	int total_failed = 0;
	/* Where the file sections work (a shared folder, in test_9p.py). */
	const char *dir = getenv("POSIXTEST_DIR");
	if (dir && chdir(dir) != 0) {
		perror(dir);
		return 100;
	}
	for (size_t i = 0; i < sizeof sections / sizeof sections[0]; i++) {
		if (argc > 1 && strcmp(argv[1], sections[i].name) != 0)
			continue;
		checks_failed = checks_run = 0;
		sections[i].run();
		printf("%s %s (%d checks)\n", checks_failed ? "FAILED" : "ok", sections[i].name,
		       checks_run);
		total_failed += checks_failed;
	}
	printf("posixtest: %s\n", total_failed ? "FAILED" : "all passed");
	fflush(stdout);
	return total_failed > 100 ? 100 : total_failed;
}
