/* Page protections as a program sees them. argv[1] picks the mode:
 *   write     a write to a PROT_READ page faults (after the allowed
 *             accesses around it worked)
 *   none      PROT_NONE, back to read-write (a write works), PROT_NONE
 *             again: a read faults
 *   exec      code copied into a page runs once it is PROT_READ|PROT_EXEC
 *   noexec    the same code in a read-write page faults
 *   overflow  a thread recursing without end runs into the guard page
 *             below its stack (musl maps it PROT_NONE)
 *   main-overflow  main itself recurses without end: into the guard page
 *             sched-coop keeps below the main thread's stack
 * Every fault must give a crash report and a non-zero exit, never a hang. */
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

#define PG 4096

/* mov $42, %eax; ret */
static const unsigned char answer_code[] = {0xb8, 42, 0, 0, 0, 0xc3};

static char *map_pages(int n)
{
	char *p = mmap(0, n * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED) {
		perror("mmap");
		return 0;
	}
	return p;
}

__attribute__((noinline)) static void poke(volatile char *p, char v)
{
	*p = v;
}

__attribute__((noinline)) static char peek(volatile char *p)
{
	return *p;
}

static int write_mode(void)
{
	char *p = map_pages(3);
	if (!p || mprotect(p + PG, PG, PROT_READ)) {
		perror("mprotect");
		return 1;
	}
	poke(p, 1);
	poke(p + 2 * PG, 3);
	printf("pages 1 and 3 written, page 2 reads %d\n", peek(p + PG));
	printf("writing page 2 at %p\n", (void *)(p + PG));
	fflush(stdout);
	poke(p + PG, 2);
	printf("survived the write\n");
	return 0;
}

static int none_mode(void)
{
	char *p = map_pages(3);
	if (!p || mprotect(p + PG, PG, PROT_NONE) || mprotect(p + PG, PG, PROT_READ | PROT_WRITE)) {
		perror("mprotect");
		return 1;
	}
	poke(p + PG, 7);
	printf("PROT_NONE then read-write: page 2 holds %d\n", peek(p + PG));
	if (mprotect(p + PG, PG, PROT_NONE)) {
		perror("mprotect");
		return 1;
	}
	printf("reading page 2 at %p\n", (void *)(p + PG));
	fflush(stdout);
	printf("read %d\n", peek(p + PG));
	printf("survived the read\n");
	return 0;
}

static int exec_mode(int protect)
{
	char *p = map_pages(1);
	if (!p)
		return 1;
	memcpy(p, answer_code, sizeof(answer_code));
	if (protect && mprotect(p, PG, PROT_READ | PROT_EXEC)) {
		perror("mprotect");
		return 1;
	}
	printf("calling code at %p\n", (void *)p);
	fflush(stdout);
	int (*fn)(void) = (int (*)(void))(void *)p;
	printf("code returned %d\n", fn());
	return 0;
}

__attribute__((noinline)) static int recurse(volatile char *prev, int depth)
{
	volatile char frame[512];
	frame[0] = (char)depth;
	frame[511] = prev ? prev[0] : 0;
	return recurse(frame, depth + 1) + frame[0];
}

static void *overflow_thread(void *arg)
{
	return (void *)(long)recurse(0, 0);
}

static int overflow_mode(void)
{
	pthread_t t;
	printf("a thread overflows its stack\n");
	fflush(stdout);
	if (pthread_create(&t, 0, overflow_thread, 0)) {
		perror("pthread_create");
		return 1;
	}
	pthread_join(t, 0);
	printf("survived the overflow\n");
	return 0;
}

int main(int argc, char *argv[])
{
	const char *mode = argc > 1 ? argv[1] : "write";
	if (!strcmp(mode, "write"))
		return write_mode();
	if (!strcmp(mode, "none"))
		return none_mode();
	if (!strcmp(mode, "exec"))
		return exec_mode(1);
	if (!strcmp(mode, "noexec"))
		return exec_mode(0);
	if (!strcmp(mode, "overflow"))
		return overflow_mode();
	if (!strcmp(mode, "main-overflow")) {
		printf("main overflows its stack\n");
		fflush(stdout);
		return recurse(0, 0);
	}
	fprintf(stderr, "usage: mprotect [write|none|exec|noexec|overflow|main-overflow]\n");
	return 2;
}
