#ifndef _STRINGS_H
#define _STRINGS_H

#include <features.h>
#include <stddef.h>

__NL_BEGIN
void bzero(void *s, size_t n);
int strcasecmp(const char *a, const char *b);
int strncasecmp(const char *a, const char *b, size_t n);
__NL_END

#endif
