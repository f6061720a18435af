/* A 64-bit LCG (Knuth's MMIX constants); the top 31 bits are returned. */
#include <stdint.h>
#include <stdlib.h>

static uint64_t state = 1;

void srand(unsigned int seed)
{
	state = seed;
}

int rand(void)
{
	state = state * 6364136223846793005ull + 1442695040888963407ull;
	return (int)(state >> 33);
}
