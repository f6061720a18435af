/* Output streams over the console. stdout is line buffered (flushed on a
 * newline, when full, by fflush and at exit); stderr is unbuffered; stdin
 * has no input and reads end of file. */
#ifndef _STDIO_H
#define _STDIO_H

#include <features.h>
#include <stdarg.h>
#include <stddef.h>
#include <bits/types.h>

#define EOF (-1)
#define BUFSIZ 1024

#define _IOFBF 0
#define _IOLBF 1
#define _IONBF 2

typedef struct _nl_file FILE;

__NL_BEGIN
extern FILE *const stdin;
extern FILE *const stdout;
extern FILE *const stderr;

__nl_printf(1, 2) int printf(const char *__restrict fmt, ...);
__nl_printf(2, 3) int fprintf(FILE *__restrict f, const char *__restrict fmt, ...);
__nl_printf(2, 3) int sprintf(char *__restrict s, const char *__restrict fmt, ...);
__nl_printf(3, 4) int snprintf(char *__restrict s, size_t n, const char *__restrict fmt, ...);
__nl_printf(1, 0) int vprintf(const char *__restrict fmt, va_list ap);
__nl_printf(2, 0) int vfprintf(FILE *__restrict f, const char *__restrict fmt, va_list ap);
__nl_printf(2, 0) int vsprintf(char *__restrict s, const char *__restrict fmt, va_list ap);
__nl_printf(3, 0) int vsnprintf(char *__restrict s, size_t n, const char *__restrict fmt,
				va_list ap);

int fputc(int c, FILE *f);
int putc(int c, FILE *f);
int putchar(int c);
int fputs(const char *__restrict s, FILE *__restrict f);
int puts(const char *s);
size_t fwrite(const void *__restrict p, size_t size, size_t n, FILE *__restrict f);
int fflush(FILE *f);
void perror(const char *s);

int fgetc(FILE *f);
int getc(FILE *f);
int getchar(void);
char *fgets(char *__restrict s, int n, FILE *__restrict f);

int setvbuf(FILE *__restrict f, char *__restrict buf, int mode, size_t size);
void setbuf(FILE *__restrict f, char *__restrict buf);
int fileno(FILE *f);
int ferror(FILE *f);
int feof(FILE *f);
void clearerr(FILE *f);
__NL_END

#endif
