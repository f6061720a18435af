/* Prints ChaCha20 keystream blocks as hex, for comparison with RFC 8439
 * and with openssl:  chacha_test KEYHEX NONCEHEX COUNTER BLOCKS */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "../chacha20.h"

static void words(const char *hex, uint32_t *out, int n)
{
	for (int i = 0; i < n; i++) {
		unsigned b[4];
		sscanf(hex + 8 * i, "%2x%2x%2x%2x", &b[0], &b[1], &b[2], &b[3]);
		out[i] = b[0] | b[1] << 8 | b[2] << 16 | (uint32_t)b[3] << 24;
	}
}

int main(int argc, char **argv)
{
	if (argc != 5 || strlen(argv[1]) != 64 || strlen(argv[2]) != 24)
		return 2;
	uint32_t key[8], nonce[3];
	words(argv[1], key, 8);
	words(argv[2], nonce, 3);
	uint32_t counter = (uint32_t)strtoul(argv[3], 0, 10);
	int blocks = atoi(argv[4]);
	for (int b = 0; b < blocks; b++) {
		uint8_t out[64];
		kn_chacha20_block(key, counter + (uint32_t)b, nonce, out);
		for (int i = 0; i < 64; i++)
			printf("%02x", out[i]);
	}
	printf("\n");
	return 0;
}
