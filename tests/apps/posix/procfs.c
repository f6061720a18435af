/* /proc/self/stat: the fields programs read (Redis: the resident set size,
 * field 24) parse the same way as on Linux and say true things. */
#include <pthread.h>
#include <stdlib.h>
#include <unistd.h>

#include "check.h"

struct stat_fields {
	long pid, threads;
	char state;
	unsigned long vsize;
	long rss;
};

/* Fields 1, 3, 20, 23 and 24 (proc(5)); 0 when the file parsed. */
static int read_stat(const char *path, struct stat_fields *out)
{
	char text[1024];
	FILE *f = fopen(path, "r");
	if (!f)
		return -1;
	size_t n = fread(text, 1, sizeof(text) - 1, f);
	fclose(f);
	text[n] = '\0';
	char *close = strrchr(text, ')'); /* the name may hold spaces */
	if (!close || sscanf(text, "%ld", &out->pid) != 1)
		return -1;
	/* After the name: field 3 onwards; skip to 20, then 23 and 24. */
	char *p = close + 2;
	out->state = *p;
	for (int field = 3; field < 20; field++)
		if (!(p = strchr(p, ' ')) || !*++p)
			return -1;
	long skip;
	return sscanf(p, "%ld %ld %ld %lu %ld", &out->threads, &skip, &skip, &out->vsize,
		      &out->rss) == 5
		       ? 0
		       : -1;
}

static int go[2];

static void *wait_for_go(void *arg)
{
	char c;
	(void)arg;
	return read(go[0], &c, 1) == 1 ? NULL : arg;
}

void test_procfs(void)
{
	struct stat_fields before, during, after;
	CHECK(read_stat("/proc/self/stat", &before) == 0);
	CHECK(before.pid == getpid() && before.state == 'R');
	CHECK(before.threads == 1 && before.vsize > 0 && before.rss > 0);

	/* A thread alive is counted. */
	pthread_t t;
	CHECK(pipe(go) == 0 && pthread_create(&t, NULL, wait_for_go, NULL) == 0);
	CHECK(read_stat("/proc/self/stat", &during) == 0 && during.threads == 2);
	CHECK(write(go[1], "g", 1) == 1 && pthread_join(t, NULL) == 0);
	close(go[0]);
	close(go[1]);

	/* 16 MiB written is resident: the figure grows by at least that. */
	size_t size = 16 << 20;
	char *block = malloc(size);
	CHECK(block != NULL);
	memset(block, 1, size);
	CHECK(read_stat("/proc/self/stat", &after) == 0);
	CHECK(after.rss - before.rss >= (long)(size / 4096));
	free(block);

	char path[32];
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)getpid());
	CHECK(read_stat(path, &after) == 0 && after.pid == getpid());
	CHECK(access("/proc/self/no-such-file", F_OK) == -1 && errno == ENOENT);
}
