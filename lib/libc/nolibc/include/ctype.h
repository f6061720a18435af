/* Character classes of the "C" locale (ASCII); EOF belongs to none. */
#ifndef _CTYPE_H
#define _CTYPE_H

#include <features.h>

__NL_BEGIN
int isalnum(int c);
int isalpha(int c);
int iscntrl(int c);
int isdigit(int c);
int isgraph(int c);
int islower(int c);
int isprint(int c);
int ispunct(int c);
int isspace(int c);
int isupper(int c);
int isxdigit(int c);
int isblank(int c);
int tolower(int c);
int toupper(int c);
__NL_END

#endif
