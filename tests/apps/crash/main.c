#include <stdio.h>

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

int main(void)
{
	printf("about to dereference NULL\n");
	return crash_here(0) + 1;
}
