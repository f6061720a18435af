/* The SQLite benchmark of the Unikraft paper: 60,000 INSERTs into one table
 * inside one transaction, timed with clock_gettime(CLOCK_MONOTONIC).
 * Usage: sqlite-bench [DATABASE [COUNT]]; DATABASE defaults to ":memory:".
 * Prints `inserts=N seconds=S` and checks that the table holds N rows. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "sqlite3.h"

static int fail(sqlite3 *db, const char *what)
{
	fprintf(stderr, "sqlite-bench: %s: %s (extended code %d)\n", what,
		db ? sqlite3_errmsg(db) : "no database", db ? sqlite3_extended_errcode(db) : 0);
	return 1;
}

static double seconds_between(const struct timespec *a, const struct timespec *b)
{
	return (double)(b->tv_sec - a->tv_sec) + (double)(b->tv_nsec - a->tv_nsec) / 1e9;
}

static int count_rows(sqlite3 *db, long *rows)
{
	sqlite3_stmt *stmt;
	if (sqlite3_prepare_v2(db, "SELECT count(*) FROM t", -1, &stmt, NULL) != SQLITE_OK)
		return -1;
	int rc = sqlite3_step(stmt) == SQLITE_ROW ? 0 : -1;
	*rows = sqlite3_column_int64(stmt, 0);
	sqlite3_finalize(stmt);
	return rc;
}

int main(int argc, char **argv)
{
	const char *path = argc > 1 ? argv[1] : ":memory:";
	long count = argc > 2 ? strtol(argv[2], NULL, 10) : 60000;
	sqlite3 *db = NULL;
	sqlite3_stmt *insert;
	struct timespec start, end;
	char text[64];

	if (count <= 0)
		return fprintf(stderr, "sqlite-bench: COUNT must be positive\n"), 2;
	if (sqlite3_open(path, &db) != SQLITE_OK)
		return fail(db, "open");
	if (sqlite3_exec(db, "CREATE TABLE t(id INTEGER PRIMARY KEY, value INTEGER, name TEXT)",
			 NULL, NULL, NULL) != SQLITE_OK)
		return fail(db, "create table");
	if (sqlite3_prepare_v2(db, "INSERT INTO t(value, name) VALUES (?1, ?2)", -1, &insert,
			       NULL) != SQLITE_OK)
		return fail(db, "prepare");

	clock_gettime(CLOCK_MONOTONIC, &start);
	if (sqlite3_exec(db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK)
		return fail(db, "begin");
	for (long i = 0; i < count; i++) {
		int len = snprintf(text, sizeof text, "row %ld", i);
		sqlite3_bind_int64(insert, 1, i * 7919 % 100003);
		sqlite3_bind_text(insert, 2, text, len, SQLITE_STATIC);
		if (sqlite3_step(insert) != SQLITE_DONE)
			return fail(db, "insert");
		sqlite3_reset(insert);
	}
	if (sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
		return fail(db, "commit");
	clock_gettime(CLOCK_MONOTONIC, &end);

	sqlite3_finalize(insert);
	long rows = 0;
	if (count_rows(db, &rows) < 0 || rows != count) {
		fprintf(stderr, "sqlite-bench: expected %ld rows, found %ld\n", count, rows);
		return 1;
	}
	printf("inserts=%ld seconds=%.6f\n", count, seconds_between(&start, &end));
	sqlite3_close(db);
	return 0;
}
