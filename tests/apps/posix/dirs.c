/* Directories: mkdir/rmdir, chdir/getcwd, listing through getdents64. */
#include <dirent.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"

static int listed(const char *dir, const char *want)
{
	DIR *d = opendir(dir);
	if (!d)
		return -1;
	int found = 0, entries = 0;
	struct dirent *e;
	while ((e = readdir(d))) {
		entries++;
		if (strcmp(e->d_name, want) == 0)
			found = 1;
	}
	closedir(d);
	return found ? entries : 0;
}

void test_dirs(void)
{
	char cwd[256], here[256];
	struct stat st;
	CHECK(getcwd(here, sizeof here) != NULL);
	CHECK(mkdir("d", 0755) == 0);
	CHECK_ERR(mkdir("d", 0755), EEXIST);
	CHECK(mkdir("d/sub", 0700) == 0);
	CHECK(stat("d/sub", &st) == 0 && S_ISDIR(st.st_mode));
	int fd = open("d/file", O_CREAT | O_WRONLY, 0644);
	CHECK(fd >= 0);
	close(fd);
	/* ".", "..", "sub", "file" */
	CHECK(listed("d", "file") == 4);
	CHECK(listed("d", "sub") == 4);
	CHECK_ERR(rmdir("d"), ENOTEMPTY);
	CHECK_ERR(rmdir("d/file"), ENOTDIR);
	CHECK_ERR(unlink("d/sub"), EISDIR);
	CHECK(chdir("d/sub") == 0);
	CHECK(getcwd(cwd, sizeof cwd) != NULL);
	CHECK(strlen(cwd) >= 6 && strcmp(cwd + strlen(cwd) - 6, "/d/sub") == 0);
	CHECK(chdir("../..") == 0);
	CHECK(getcwd(cwd, sizeof cwd) != NULL && strcmp(cwd, here) == 0);
	CHECK(stat("d/sub/../file", &st) == 0 && S_ISREG(st.st_mode));
	CHECK(stat("./d/./sub/.", &st) == 0 && S_ISDIR(st.st_mode));
	CHECK_ERR(chdir("d/file"), ENOTDIR);
	CHECK_ERR(getcwd(cwd, 1) == NULL ? -1 : 0, ERANGE);
	CHECK(unlink("d/file") == 0 && rmdir("d/sub") == 0 && rmdir("d") == 0);
	CHECK_ERR(rmdir("d"), ENOENT);
	CHECK_ERR(opendir("nothere") == NULL ? -1 : 0, ENOENT);
}
