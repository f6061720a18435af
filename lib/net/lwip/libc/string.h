/* What lwIP's sources take from <string.h>: the kernel's own (lib/boot
 * mem.c and gcc's builtins). Seen by lwIP's sources only (private-include). */
#ifndef KN_LWIP_STRING_H
#define KN_LWIP_STRING_H
#include <stddef.h>
void *memcpy(void *restrict dst, const void *restrict src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
#define strncmp __builtin_strncmp
#endif
