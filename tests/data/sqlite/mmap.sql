-- SQLite reading its database through a shared mapping (mmap_size) while
-- it writes it with write(): with a tiny page cache, every changed page is
-- read back through the mapping, which must show what was written.
PRAGMA cache_size=5;
PRAGMA mmap_size=4000000;
PRAGMA journal_mode=DELETE;
CREATE TABLE t(a, b);
WITH RECURSIVE c(x) AS (VALUES(1) UNION ALL SELECT x+1 FROM c WHERE x<2000)
  INSERT INTO t SELECT x, randomblob(100) FROM c;
SELECT count(*), sum(a) FROM t;
INSERT INTO t SELECT a+2000, b FROM t;
SELECT count(*), sum(a) FROM t;
UPDATE t SET a = a * 2;
SELECT count(*), sum(a) FROM t;
UPDATE t SET a = a + 1 WHERE a % 3 = 0;
SELECT count(*), sum(a) FROM t;
DELETE FROM t WHERE a % 5 = 0;
SELECT count(*), sum(a), sum(length(b)) FROM t;
PRAGMA integrity_check;
