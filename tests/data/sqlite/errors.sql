-- Errors do not stop the shell when input comes from .read with bail off.
CREATE TABLE t(a INTEGER PRIMARY KEY, b TEXT UNIQUE);
INSERT INTO t VALUES (1, 'one');
INSERT INTO t VALUES (2, 'one');
SELECT * FROM missing_table;
SELECT count(*) FROM t;
