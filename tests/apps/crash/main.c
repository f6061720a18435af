/* Faults on purpose; argv[1] picks which: null (default), rodata-write,
 * exec-data, ud2, divide, overflow (unbounded recursion). Each must give a crash report, never a hang. */
#include <stdio.h>
#include <string.h>

static const int constant = 42;
static unsigned char data_code[16] = {0xc3}; /* "ret", in a writable page */

__attribute__((noinline)) int read_through(volatile int *p)
{
	int v = *p;
	return v + 1;
}

__attribute__((noinline)) int crash_here(int x)
{
	int r = read_through((volatile int *)(long)x);
	return r * 2;
}

/* Each call keeps 1 KiB of stack busy, so the stack runs out soon. */
__attribute__((noinline)) int recurse(int depth)
{
	volatile char frame[1024];
	frame[0] = (char)depth;
	return recurse(depth + 1) + frame[0];
}

int main(int argc, char *argv[])
{
	const char *mode = argc > 1 ? argv[1] : "null";
	printf("about to crash: %s\n", mode);
	if (!strcmp(mode, "rodata-write"))
		*(volatile int *)&constant = 1;
	else if (!strcmp(mode, "exec-data"))
		((void (*)(void))data_code)();
	else if (!strcmp(mode, "overflow"))
		printf("%d\n", recurse(0));
	else if (!strcmp(mode, "ud2"))
		__asm__ volatile("ud2");
	else if (!strcmp(mode, "divide")) {
		volatile int zero = 0;
		printf("%d\n", 100 / zero);
	} else
		return crash_here(0) + 1;
	printf("survived %s\n", mode);
	return 0;
}
