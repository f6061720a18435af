/* The ChaCha20 block function (RFC 8439), the core of getrandom. */
#ifndef KN_POSIX_CHACHA20_H
#define KN_POSIX_CHACHA20_H

#include <stdint.h>

/* One 64-byte keystream block for key, block counter and nonce. */
void kn_chacha20_block(const uint32_t key[8], uint32_t counter, const uint32_t nonce[3],
		       uint8_t out[64]);

#endif
